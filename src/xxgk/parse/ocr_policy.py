"""When scanned pages are read by OCR: the mode of a read and whether OCR is installed.

The mode (``auto``: pages without a text layer and images; ``always``: every page;
``never``: scans are refused) is set by ``ocr_mode`` around a read, so the reader signature
stays ``(data, name)``. This module needs nothing of the recogniser: the PDF reader asks it
before handing pages to ``parse.ocr``.
"""

from __future__ import annotations

import importlib.util
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
    token = _MODE.set(mode)  # type: ignore[arg-type]
    try:
        yield
    finally:
        _MODE.reset(token)


def current_mode() -> OcrMode:
    return _MODE.get()


def ocr_available() -> bool:
    """Return True when the ``ocr`` extra (rapidocr-onnxruntime with OpenCV) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2"))


def will_read(name: str | None = None) -> bool:
    """Return True when scanned pages are to be recognised now (mode and installation)."""
    return current_mode() != "never" and ocr_available()


def why_not_zh() -> str:
    """Return why OCR was not done, to append to a refusal (empty when it was allowed)."""
    if current_mode() == "never":
        return "（已设定不做文字识别）"
    if not ocr_available():
        return "（本机未安装文字识别组件，可安装 xxgk[ocr]）"
    return ""
