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
    overview,
    public,
    register,
)

ROUTERS = (
    auth.router,
    check.router,
    register.router,
    disclosure.router,
    compile.router,
    overview.router,
    fetch.router,
    public.router,
    catalogue_public.router,
    api.router,
    disclosure_api.router,
)

__all__ = ["ROUTERS"]
