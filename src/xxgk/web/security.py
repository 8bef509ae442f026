"""CSRF tokens, login rate limiting and the receipt codes of online applications.

Starlette's signed cookie (``SessionMiddleware``) carries the random token of the server-side
session record (``xxgk.db.logins``) and the CSRF token — nothing about the user or the password.
Every form carries the token in a hidden ``csrf_token`` field and every state-changing API call
made with the session cookie carries it in ``X-CSRF-Token``.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections import deque
from threading import Lock

from fastapi import Request

from xxgk.web.errors import WebError

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> str:
    """Return the session's CSRF token, creating it on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def _same(given: str | None, request: Request) -> bool:
    expected = request.session.get("csrf")
    return bool(expected and given and _equal(str(given), str(expected)))


def _equal(a: str, b: str) -> bool:
    """Compare in constant time; as bytes, because ``compare_digest`` refuses non-ASCII text."""
    return hmac.compare_digest(a.encode("utf-8"), b.encode("utf-8"))


async def require_csrf_form(request: Request) -> None:
    """Refuse a form post whose ``csrf_token`` field is not the session's token."""
    if request.method in SAFE_METHODS:
        return
    form = await request.form()
    given = form.get(CSRF_FIELD)
    if not _same(given if isinstance(given, str) else None, request):
        raise WebError(
            403,
            "csrf",
            "表单已过期或来源不明（CSRF校验失败），请刷新页面后重试",
            "CSRF check failed",
        )


async def require_csrf_api(request: Request) -> None:
    """Refuse a cookie-authenticated API change without the ``X-CSRF-Token`` header."""
    if request.method in SAFE_METHODS or not request.session.get("sid"):
        return
    if not _same(request.headers.get(CSRF_HEADER), request):
        raise WebError(
            403,
            "csrf",
            f"缺少或错误的{CSRF_HEADER}请求头（CSRF校验失败）",
            "CSRF check failed: send the X-CSRF-Token header",
        )


class LoginLimiter:
    """Allow at most ``attempts`` events per client and key within ``window`` seconds (the
    online application form; logins are throttled in the database, ``xxgk.db.logins``)."""

    def __init__(self, attempts: int, window: float):
        self.attempts = attempts
        self.window = window
        self._failures: dict[tuple[str, str], deque[float]] = {}
        self._lock = Lock()

    def blocked(self, client: str, username: str) -> bool:
        """Return True when this client has used up its attempts for ``username``."""
        with self._lock:
            return len(self._recent(client, username)) >= self.attempts

    def failed(self, client: str, username: str) -> None:
        with self._lock:
            self._recent(client, username).append(time.monotonic())

    def succeeded(self, client: str, username: str) -> None:
        with self._lock:
            self._failures.pop((client, username), None)

    def _recent(self, client: str, username: str) -> deque[float]:
        queue = self._failures.setdefault((client, username), deque())
        while queue and queue[0] < time.monotonic() - self.window:
            queue.popleft()
        return queue


def receipt_code(secret: str, unit_code: str, number: str) -> str:
    """Return the receipt number an online applicant uses to see the status of an application.

    It names the unit and the register number and ends with a keyed digest, so that nobody can
    guess another applicant's receipt from their own.
    """
    digest = hmac.new(secret.encode(), f"{unit_code}/{number}".encode(), hashlib.sha256)
    return f"{unit_code}-{number}-{digest.hexdigest()[:10].upper()}"


def parse_receipt(secret: str, receipt: str) -> tuple[str, str] | None:
    """Return ``(unit_code, number)`` of a genuine receipt number, else None."""
    parts = receipt.strip().rsplit("-", 3)
    if len(parts) != 4:
        return None
    unit_code, year, seq, _ = parts
    number = f"{year}-{seq}"
    expected = receipt_code(secret, unit_code, number)
    if _equal(expected.upper(), receipt.strip().upper()):
        return unit_code, number
    return None
