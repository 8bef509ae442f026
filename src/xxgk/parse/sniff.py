"""The tests that recognise each input format from its first bytes.

They live apart from the readers so that choosing a reader imports none of them: a text
report is read without loading PDFium, lxml or lexbor (start-up of ``xxgk check FILE``).
Each test is cheap and looks at the content only; ``name`` (a file name) is accepted for the
registry's signature and never overrides the content.
"""

from __future__ import annotations

import re

from xxgk.parse.reader_common import zip_has_part

IMAGE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MARKUP_START = re.compile(
    rb"^\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html"
    rb"|head|body|meta|table|div|p[\s>]|title)",
    re.I | re.S,
)


def sniff_html(data: bytes, name: str | None = None) -> bool:
    """Return True when ``data`` starts like an HTML page or fragment (any ASCII charset)."""
    head = data[:4096]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        head = head.decode("utf-16", "ignore").encode("utf-8")
    head = head.removeprefix(b"\xef\xbb\xbf")
    return bool(_MARKUP_START.match(head))


def sniff_docx(data: bytes, name: str | None = None) -> bool:
    """Return True for a ZIP package that holds ``word/document.xml``."""
    return data.startswith(b"PK\x03\x04") and zip_has_part(data, "word/document.xml")


def sniff_xlsx(data: bytes, name: str | None = None) -> bool:
    """Return True for a ZIP package that holds ``xl/workbook.xml``."""
    return data.startswith(b"PK\x03\x04") and zip_has_part(data, "xl/workbook.xml")


def sniff_pdf(data: bytes, name: str | None = None) -> bool:
    """Return True when the PDF signature is in the first kilobyte."""
    return b"%PDF-" in data[:1024]


def sniff_ole2(data: bytes, name: str | None = None) -> bool:
    """Return True for a legacy binary Office file (.doc, .xls: OLE2 compound document)."""
    return data.startswith(OLE2_MAGIC)


def sniff_image(data: bytes, name: str | None = None) -> bool:
    """Return True for PNG, JPEG and TIFF files (by their signature)."""
    return data.startswith(IMAGE_SIGNATURES)
