"""Hand-made PDFs for reader tests: text in the standard STSong-Light CJK font (UCS-2
encoded, not embedded) and table rulings drawn the way a given PDF writer draws them."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable

from xxgk.model.report import Report
from xxgk.render.layout import TableLayout, format_value

PAGE_HEIGHT = 842


def text_op(x: float, y: float, text: str, size: float = 8) -> str:
    """Return a text-showing operation at (x, y) in PDF space."""
    encoded = text.encode("utf-16-be").hex().upper()
    return f"BT /F1 {size} Tf {x:.1f} {y:.1f} Td <{encoded}> Tj ET"


def grid_ops(
    layout: TableLayout,
    report: Report,
    *,
    style: str,
    x0: float = 60,
    top: float = 760,
    width: float = 32,
    height: float = 22,
) -> list[str]:
    """Draw ``layout`` filled with ``report``: ``style`` is ``lines`` (every ruling a piece of
    one path), ``rects`` (a stroked rectangle per cell), ``open`` (lines, but no left and
    right outer border) or ``none`` (unruled)."""
    ops, pieces = [], []
    for r, c, cell in layout.positions():
        x, y = x0 + c * width, top - (r + cell.rowspan) * height
        w, h = cell.colspan * width, cell.rowspan * height
        text = cell.text if cell.key is None else format_value(report.values[cell.key])
        if text:
            ops.append(text_op(x + 2, y + h / 2 - 3, text, size=min(8, (w - 4) / len(text))))
        if style == "rects":
            ops.append(f"{x:.1f} {y:.1f} {w:.1f} {h:.1f} re S")
        pieces += [
            ((x, y), (x + w, y)),
            ((x, y + h), (x + w, y + h)),
            ((x, y), (x, y + h)),
            ((x + w, y), (x + w, y + h)),
        ]
    if style == "open":
        right = x0 + layout.columns * width
        pieces = [p for p in pieces if not (p[0][0] == p[1][0] and p[0][0] in (x0, right))]
    if style in ("lines", "open"):
        ops.append(
            " ".join(f"{a[0]:.1f} {a[1]:.1f} m {b[0]:.1f} {b[1]:.1f} l" for a, b in pieces) + " S"
        )
    return ops


def make_pdf(pages: Iterable[list[str]], *, rotate: int = 0) -> bytes:
    """Return a PDF whose pages run the given content operations; with ``rotate`` 90 the
    page is stored landscape with ``/Rotate 90`` and its content turned, so it shows upright
    (as scanners and some writers store pages)."""
    pages = list(pages)
    box = f"0 0 595 {PAGE_HEIGHT}"
    if rotate == 90:
        box = f"0 0 {PAGE_HEIGHT} 595"
        pages = [[f"q 0 1 -1 0 {PAGE_HEIGHT} 0 cm", *ops, "Q"] for ops in pages]
    font, cid = 3 + 2 * len(pages), 4 + 2 * len(pages)
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [{}] /Count {} >>".format(
            " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages))), len(pages)
        ),
    ]
    for i, ops in enumerate(pages):
        content = "0.5 w\n" + "\n".join(ops)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [{box}] /Rotate {rotate} "
            f"/Resources << /Font << /F1 {font} 0 R >> >> /Contents {4 + 2 * i} 0 R >>"
        )
        objects.append(f"<< /Length {len(content)} >>\nstream\n{content}\nendstream")
    objects.append(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light "
        f"/Encoding /UniGB-UCS2-H /DescendantFonts [{cid} 0 R] >>"
    )
    objects.append(
        "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light /CIDSystemInfo "
        "<< /Registry (Adobe) /Ordering (GB1) /Supplement 4 >> /DW 1000 >>"
    )
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return out


def without_borders(docx: bytes) -> bytes:
    """Return a DOCX with every table border removed (an unruled table once printed)."""
    source = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "word/document.xml":
                data = re.sub(
                    rb'(<w:(?:top|left|bottom|right|insideH|insideV) )w:val="single"',
                    rb'\1w:val="nil"',
                    data,
                )
            target.writestr(name, data)
    return out.getvalue()
