"""Errors of the web layer and the one JSON envelope every API error has.

``{"error": {"code": "...", "message": "中文说明", "message_en": "...", "fields": {...}}}``
"""

from __future__ import annotations

from typing import Any

from xxgk.db.access import AccessError
from xxgk.errors import InputError, RegisterError, RenderError, XxgkError
from xxgk.limits import LimitError


class WebError(Exception):
    """An HTTP error with a bilingual message (and, for forms, messages per field)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        message_en: str = "",
        fields: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.message_en = message_en
        self.fields = fields or {}

    def envelope(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "message_en": self.message_en,
        }
        if self.fields:
            body["fields"] = self.fields
        return {"error": body}


def not_found(what: str = "记录") -> WebError:
    """Return the 404 used for anything outside the user's scope as for anything missing."""
    return WebError(404, "not_found", f"找不到该{what}，或您无权查看", "not found")


def from_library(exc: XxgkError) -> WebError:
    """Translate an error raised by the library into an HTTP error."""
    if isinstance(exc, AccessError):
        return WebError(403, "forbidden", exc.message_zh, exc.message_en)
    if isinstance(exc, LimitError):
        return WebError(413, "over_budget", exc.message_zh, exc.message_en)
    code = {
        InputError: "input",
        RegisterError: "register",
        RenderError: "render",
    }.get(type(exc), "invalid")
    return WebError(400, code, exc.message_zh, exc.message_en)
