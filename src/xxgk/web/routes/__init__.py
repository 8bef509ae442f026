"""The routers of the web application, one module per area, in menu order."""

from xxgk.web.routes import (
    api,
    auth,
    catalogue_public,
    check,
    compile,
    disclosure,
    disclosure_api,
    fetch,
    letters,
    overview,
    public,
    register,
)

ROUTERS = (
    auth.router,
    check.router,
    register.router,
    letters.router,
    disclosure.router,
    compile.router,
    overview.router,
    fetch.router,
    public.router,
    catalogue_public.router,
    api.router,
    disclosure_api.router,
    letters.api,
)

__all__ = ["ROUTERS"]
