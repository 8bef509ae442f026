"""The reader registry: one reader per input format, chosen by sniffing the content.

A reader turns bytes into a ``SourceDocument``; the interpreter does the rest. Every format is
listed once, in the table below, with the test that recognises it; ``text`` is the fallback
for anything that no more specific sniffer recognises. The format modules import nothing from
here (their shared helpers are in ``reader_common``), so the registry sits above them.

A format's module is imported when a file of that format is first read, not before: the
sniffers (``sniff``) are light, and reading a text report loads neither PDFium, lxml, lexbor
nor the recogniser (start-up of ``xxgk check FILE``, issue #19).
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from importlib import import_module
from io import BytesIO

from xxgk.parse.document import SourceDocument
from xxgk.parse.sniff import (
    sniff_docx,
    sniff_html,
    sniff_image,
    sniff_ole2,
    sniff_pdf,
    sniff_xlsx,
)
from xxgk.parse.text import read_text_bytes

Reader = Callable[[bytes, str | None], SourceDocument]
Sniffer = Callable[[bytes, str | None], bool]


def _on_first_use(module: str, function: str) -> Reader:
    """Return a reader that imports ``xxgk.parse.<module>`` when it first reads a file."""

    def read(data: bytes, name: str | None = None) -> SourceDocument:
        reader: Reader = getattr(import_module(f"xxgk.parse.{module}"), function)
        return reader(data, name)

    read.__name__ = read.__qualname__ = function
    read.__doc__ = f"``xxgk.parse.{module}.{function}``, imported on first use."
    return read


def _anything(data: bytes, name: str | None = None) -> bool:
    return True


_FORMATS: tuple[tuple[str, Reader, Sniffer], ...] = (
    ("text", read_text_bytes, _anything),
    ("html", _on_first_use("html", "read_html"), sniff_html),
    ("docx", _on_first_use("docx", "read_docx"), sniff_docx),
    ("pdf", _on_first_use("pdf", "read_pdf"), sniff_pdf),
    ("xlsx", _on_first_use("xlsx", "read_xlsx"), sniff_xlsx),
    ("ole2", _on_first_use("legacy_office", "read_ole2"), sniff_ole2),
    ("image", _on_first_use("ocr", "read_image"), sniff_image),  # scans and photos, by OCR
)
"""Every format: name, reader, sniffer. Later sniffers are asked first."""

READERS: dict[str, Reader] = {name: reader for name, reader, _ in _FORMATS}
SNIFFERS: dict[str, Sniffer] = {name: sniff for name, _, sniff in _FORMATS}


def register_reader(name: str, reader: Reader, *, sniff: Sniffer) -> None:
    """Add (or replace) the reader of format ``name`` and the test that recognises it."""
    READERS[name] = reader
    SNIFFERS[name] = sniff


def detect_format(data: bytes, name: str | None = None) -> str:
    """Return the format of ``data``: ``text``, ``json``, ``html``, ``docx``, ``xlsx``, ``pdf``.

    Registered sniffers are asked first (the latest registration wins), then magic bytes;
    anything else is text. ``name`` (a file name) only breaks ties, never overrides content.
    """
    for fmt in reversed(SNIFFERS):
        if fmt != "text" and SNIFFERS[fmt](data, name):
            return fmt
    return _magic(data) or "text"


def _head(data: bytes) -> bytes:
    head = data[:2048].lstrip(b"\xef\xbb\xbf").lstrip()
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:64]:
        return data[:2048].decode("utf-16", "ignore").lstrip("\ufeff").lstrip().encode()
    return head


def _magic(data: bytes) -> str | None:
    if data.startswith(b"%PDF"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    head = _head(data)
    lower = head[:512].lower()
    if lower.startswith((b"<!doctype html", b"<html", b"<table", b"<meta", b"<body")) or (
        lower.startswith(b"<") and b"<table" in head.lower()
    ):
        return "html"
    if head.startswith((b"{", b"[")):
        return "json"
    return None


def _zip_kind(data: bytes) -> str | None:
    from xxgk.limits import current_limits
    from xxgk.ooxml import declared_entries

    entries = declared_entries(data)
    if entries is not None and entries > current_limits().members:
        return None
    try:
        names = zipfile.ZipFile(BytesIO(data)).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return None
