"""When scans are recognised: the OCR mode in force around a read (``auto``, ``always``,
``never``).

Apart from ``parse.ocr`` so that setting the mode (every ``parse_bytes`` does) imports neither
PDFium nor the recogniser.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Literal

from xxgk.errors import InputError

OcrMode = Literal["auto", "always", "never"]
OCR_MODES: tuple[OcrMode, ...] = ("auto", "always", "never")
_MODE: ContextVar[OcrMode] = ContextVar("xxgk_ocr_mode", default="auto")


@contextmanager
def ocr_mode(mode: str) -> Iterator[None]:
    """Read with OCR mode ``mode`` (``auto``, ``always`` or ``never``) inside the block."""
    if mode not in OCR_MODES:
        raise InputError(
            f"文字识别方式“{mode}”无效，可选：auto、always、never",
            f"unknown OCR mode {mode!r}; expected auto, always or never",
        )
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


def current_mode() -> OcrMode:
    """Return the OCR mode in force."""
    return _MODE.get()
