"""The routers of the web application, one module per area, in menu order."""

from xxgk.web.routes import (
    annual,
    api,
    auth,
    catalogue_public,
    check,
    compile,
    disclosure,
    disclosure_api,
    fetch,
    filing,
    letters,
    overview,
    public,
    register,
    register_settings,
)

ROUTERS = (
    auth.router,
    check.router,
    register_settings.router,
    register.router,
    letters.router,
    disclosure.router,
    compile.router,
    annual.router,
    filing.router,
    overview.router,
    fetch.router,
    public.router,
    catalogue_public.router,
    api.router,
    disclosure_api.router,
    letters.api,
    annual.api,
    filing.api,
)

__all__ = ["ROUTERS"]
