"""The routers of the web application, one module per area, in menu order."""

from xxgk.web.routes import api, auth, check, compile, overview, public, register

ROUTERS = (
    auth.router,
    check.router,
    register.router,
    compile.router,
    overview.router,
    public.router,
    api.router,
)

__all__ = ["ROUTERS"]
