"""When scans are recognised: the OCR mode in force around a read (``auto``, ``always``,
``never``), and whether the recogniser is installed.

Apart from ``parse.ocr`` so that setting the mode (every ``parse_bytes`` does) and asking
whether OCR could run import neither PDFium nor the recogniser.
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
    token = _MODE.set(mode)
    try:
        yield
    finally:
        _MODE.reset(token)


def current_mode() -> OcrMode:
    """Return the OCR mode in force."""
    return _MODE.get()


def ocr_available() -> bool:
    """Return True when the ``ocr`` extra (rapidocr-onnxruntime with OpenCV) is installed."""
    return all(importlib.util.find_spec(m) is not None for m in ("rapidocr_onnxruntime", "cv2"))
