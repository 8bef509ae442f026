"""The routers of the web application, one module per area, in menu order."""

from xxgk.web.routes import (
    annual,
    api,
    application_edit,
    auth,
    catalogue_public,
    check,
    compile,
    desk,
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
    desk.router,
    check.router,
    register_settings.router,
    register.router,
    letters.router,
    application_edit.router,
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
    desk.api,
    application_edit.api,
)

__all__ = ["ROUTERS"]
