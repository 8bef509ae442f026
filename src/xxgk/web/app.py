"""The FastAPI application: ``create_app(settings)`` wires database, sessions, pages and API.

Pages are server-rendered Chinese HTML; the JSON API lives under ``/api/v1`` with its OpenAPI
document at ``/api/v1/openapi.json``. Handlers call the same library functions as the CLI.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.sessions import SessionMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.engine import make_session_factory
from xxgk.errors import XxgkError
from xxgk.web.errors import WebError, from_library
from xxgk.web.pages import page
from xxgk.web.security import LoginLimiter
from xxgk.web.settings import WebSettings, load_secret

LOG = logging.getLogger("xxgk.web")
API_PREFIX = "/api/v1"
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
        "script-src 'self'; form-action 'self'; frame-ancestors 'none'"
    ),
}


def create_app(settings: WebSettings | None = None) -> FastAPI:
    """Return the web application for ``settings`` (database migrated, secret loaded)."""
    from xxgk.web.routes import ROUTERS

    settings = settings or WebSettings()
    # a connection for every thread, and room for the requests that hold one between two
    # hops to the thread pool (an API route's answer is validated in a second hop)
    engine = make_engine(
        settings.database_url, pool_size=settings.threads, max_overflow=settings.threads // 2
    )
    if settings.migrate:
        upgrade_to_head(engine)
    secret = settings.secret or load_secret(settings.data_dir)
    app = FastAPI(
        lifespan=_lifespan,
        title="xxgk 政府信息公开",
        version="1",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = make_session_factory(engine)
    app.state.secret = secret
    app.state.apply_limiter = LoginLimiter(settings.applications_per_hour, 3600)
    app.add_middleware(
        SessionMiddleware,
        secret_key=secret,
        session_cookie="xxgk_session",
        max_age=settings.session_max_age,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(SecurityHeaders, hsts=settings.secure_cookies)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    app.mount("/static", StaticFiles(packages=[("xxgk.web", "static")]), name="static")
    for router in ROUTERS:
        app.include_router(router)
    _install_handlers(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Size the thread pool of this process's event loop (``WebSettings.threads``)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = app.state.settings.threads
    yield


SECURE_COOKIES_ENV = "XXGK_SECURE_COOKIES"
DEMO_ENV = "XXGK_DEMO"
TRUSTED_PROXIES_ENV = "XXGK_TRUSTED_PROXIES"
PUBLIC_URL_ENV = "XXGK_PUBLIC_URL"
WORKERS_ENV = "XXGK_WORKERS"


def app_from_environment() -> FastAPI:
    """Return the application of one uvicorn worker process (``xxgk serve --workers N``).

    The parent process has already migrated the database, created the demo and the secret;
    the workers find the database in ``XXGK_DATABASE_URL`` and the data folder (with the
    secret) in ``XXGK_DATA_DIR``, and do not migrate again. Failed logins are counted in the
    database, shared by every process; the limit of online applications lives in each
    process's memory, so each of the ``XXGK_WORKERS`` processes gets its share of it.
    """
    workers = int(os.environ.get(WORKERS_ENV, "1") or 1)
    default = WebSettings(migrate=False)
    proxies = os.environ.get(TRUSTED_PROXIES_ENV, "")
    return create_app(
        WebSettings(
            secure_cookies=os.environ.get(SECURE_COOKIES_ENV, "1") != "0",
            demo=os.environ.get(DEMO_ENV, "0") == "1",
            trusted_proxies=tuple(p for p in proxies.split(",") if p),
            public_url=os.environ.get(PUBLIC_URL_ENV) or None,
            migrate=False,
            applications_per_hour=-(-default.applications_per_hour // workers),
        )
    )


PUBLIC_PREFIXES = ("/static/",)
"""Paths that never carry personal data; every other response is marked ``no-store``."""
HSTS = "max-age=31536000; includeSubDomains"


class SecurityHeaders:
    """Add the security headers to every response (a plain ASGI middleware: no body copies).

    Every response outside the static files gets ``Cache-Control: no-store`` (registers,
    applications, exports, administration: personal data must not stay in a browser's or a
    proxy's cache), and with secure cookies (HTTPS) HSTS as well.
    """

    def __init__(self, app: ASGIApp, hsts: bool = False):
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
        if hsts:
            self.headers.append((b"strict-transport-security", HSTS.encode()))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        private = not str(scope.get("path", "")).startswith(PUBLIC_PREFIXES)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self.headers if k not in present]
                if private:
                    extra = [(k, v) for k, v in extra if k != b"cache-control"]
                    extra.append((b"cache-control", b"no-store"))
                    headers = [
                        (k, v) for k, v in message.get("headers", []) if k != b"cache-control"
                    ]
                else:
                    headers = list(message.get("headers", []))
                message["headers"] = [*headers, *extra]
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Refuse a request body over ``max_bytes`` before it is read: at once when the
    Content-Length says so, else as soon as the streamed bytes pass the limit (the handler's
    read of the body raises 413, nothing more is received or written to disk)."""

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    def too_large(self) -> StarletteHTTPException:
        mb = self.max_bytes // (1024 * 1024)
        return StarletteHTTPException(413, f"提交的内容超过{mb}MB的上限，未予接收")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length", b"")
        over = declared.isdigit() and int(declared) > self.max_bytes
        received = 0

        async def bounded() -> Message:
            nonlocal received
            if over:
                raise self.too_large()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise self.too_large()
            return message

        await self.app(scope, receive if scope["method"] in ("GET", "HEAD") else bounded, send)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


def _respond(request: Request, error: WebError) -> Response:
    if _is_api(request):
        return JSONResponse(error.envelope(), status_code=error.status)
    if error.status == 401:
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    if error.code == "password_change_required":
        return RedirectResponse("/password", status_code=303)
    return page(request, "error.html", status_code=error.status, error=error)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(WebError)
    async def web_error(request: Request, exc: WebError) -> Response:
        return _respond(request, exc)

    @app.exception_handler(XxgkError)
    async def library_error(request: Request, exc: XxgkError) -> Response:
        return _respond(request, from_library(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> Response:
        fields = {
            ".".join(str(p) for p in e.get("loc", ())[1:]) or "request": str(e.get("msg", ""))
            for e in exc.errors()
        }
        return _respond(
            request,
            WebError(422, "invalid_request", "请求参数不符合要求", "invalid request", fields),
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        messages = {404: "页面不存在", 405: "不支持此请求方法"}
        message = messages.get(exc.status_code, "请求无法处理")
        if exc.status_code == 413:
            message = str(exc.detail)
        return _respond(
            request, WebError(exc.status_code, f"http_{exc.status_code}", message, str(exc.detail))
        )

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> Response:
        LOG.exception("unexpected error on %s", request.url.path)
        return _respond(
            request,
            WebError(500, "internal", "服务器内部错误，请稍后重试", "internal server error"),
        )
