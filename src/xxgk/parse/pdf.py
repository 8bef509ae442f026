"""Reading reports published as PDF with a text layer: PDF → ``SourceDocument``.

pypdfium2 gives every character with its box and every ruling line; ruled tables are rebuilt
from their rulings (``pdf_layout``), the text outside them is read as printed lines split into
cells at wide gaps, and tables printed without rulings are rebuilt from those lines
(``pdf_unruled``). Running headers, footers and page numbers are dropped, and paragraphs that
lines and pages broke are joined again. pdfium was chosen over pdfplumber by
measurement (docs/formats.md): the same grid, an order of magnitude faster.
"""

from __future__ import annotations

import ctypes
import re
import zlib
from collections.abc import Iterator
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from xxgk.collector import gc_paused
from xxgk.errors import InputError
from xxgk.findings import Finding, Location
from xxgk.limits import LimitError, check, current_limits
from xxgk.parse import ocr
from xxgk.parse.document import SourceDocument, SourceLine
from xxgk.parse.pdf_layout import (
    FOUR_FLOATS,
    Box,
    Char,
    PageFrame,
    PdfLine,
    address_of,
    c_function,
    rulings,
)
from xxgk.parse.pdf_pages import drop_running, lay_out_page
from xxgk.parse_findings import DIGIT_ACROSS_RULING, PAGE_WITHOUT_TEXT


def _bare(function: Any) -> Any:
    """Return a pdfium function that takes its arguments as they are: even a prototype of
    plain C types converts and checks each argument, which was most of the cost of a call
    made once per character. Only for calls whose arguments are already of C types
    (``c_void_p`` handles, ``byref`` out-parameters; a Python int passes as a C int)."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise pdfium.PdfiumError("a pdfium function has no address")
    bare = ctypes.CFUNCTYPE(ctypes.c_int)(address)
    bare.argtypes = None  # type: ignore[assignment]  # ctypes: None means "not checked"
    return bare


_LOOSE_BOX = _bare(pdfium_raw.FPDFText_GetLooseCharBox)
"""(text page as ``c_void_p``, index, ``byref(FS_RECTF)``): the char's loose box."""
_UNICODE = c_function(pdfium_raw.FPDFText_GetUnicode, ctypes.c_uint, ctypes.c_void_p, ctypes.c_int)


def _chars(page: pdfium.PdfPage, frame: PageFrame) -> list[Char]:
    """Return the page's printed characters with their loose boxes (display space).

    The boxes come straight from pdfium's C API, unchecked, into one reused rectangle read
    by one unpack: pypdfium2's helper objects and checked pointer types cost more per
    character than the call itself."""
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    aligned = len(text) == count
    raw = ctypes.c_void_p(address_of(textpage.raw))
    rect = pdfium_raw.FS_RECTF()
    at = ctypes.byref(rect)
    unpack = FOUR_FLOATS.unpack_from  # FS_RECTF: left, top, right, bottom
    loose_box = _LOOSE_BOX
    upright = frame.rotation == 0
    left, bottom, height = frame.left, frame.bottom, frame.height
    chars: list[Char] = []
    append = chars.append
    new = tuple.__new__
    for i in range(count):
        ch = text[i] if aligned else chr(_UNICODE(raw, i))
        if ch.isspace() or ch == "\x00":
            continue
        if not loose_box(raw, i, at):
            raise pdfium.PdfiumError("Failed to get charbox.")
        r_left, r_top, r_right, r_bottom = unpack(rect)
        if upright:  # frame.box and Char(), spelt out for the common page
            ax, bx = r_left - left, r_right - left
            ay, by = height - (r_bottom - bottom), height - (r_top - bottom)
            x0, x1 = (bx, ax) if bx < ax else (ax, bx)  # min and max as the builtins pick them
            y0, y1 = (by, ay) if by < ay else (ay, by)
            append(new(Char, (ch, x0, y0, x1, y1, (x0 + x1) / 2, (y0 + y1) / 2)))
        else:
            append(Char(ch, *frame.box(r_left, r_bottom, r_right, r_top)))
    return chars


def _page_lines(
    page_no: int, page: pdfium.PdfPage, doubts: list[Finding] | None = None
) -> tuple[list[PdfLine], float]:
    """Return the page's lines and height; add its doubts (digits over a ruling) to ``doubts``."""
    frame = PageFrame.of(page)
    chars = _chars(page, frame)
    horizontal, vertical = rulings(page, frame)
    across: list[tuple[Char, Box]] | None = [] if doubts is not None else None
    lines = lay_out_page(page_no, chars, horizontal, vertical, across)
    if across and doubts is not None:
        doubts += [
            Finding(
                DIGIT_ACROSS_RULING,
                location=Location(page=page_no, bbox=_cell_box(box)),
                params={"page": page_no, "digit": ch.text},
            )
            for ch, box in across
        ]
    return lines, frame.display_height


def _cell_box(box: Box) -> Box:
    """Return a grid cell's box as its cell's place gives it (``pdf_layout.table_lines``)."""
    x0, y0, x1, y1 = box
    return (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1))


_CHUNK = 1024 * 1024
MAX_RATIO = 1032
"""Deflate never inflates a stream more than this many times (a 258-byte match in two bits):
a stream that small cannot pass a budget, so it need not be inflated to be counted."""


def _streams(data: bytes) -> Iterator[tuple[int, int]]:
    """Yield ``(start, end)`` of every stream's bytes: after the line end that follows the
    keyword ``stream`` (not ``endstream``), up to the next ``endstream`` or the end of the
    file. Searched for with ``bytes.find`` (a regular expression took as long as inflating
    the streams); the search goes on from each stream's start, as a scan of the file would."""
    at = data.find(b"stream")
    while at >= 0:
        after = at + 6
        if at >= 3 and data[at - 3 : at] == b"end":
            start = -1
        elif data.startswith(b"\r\n", after):
            start = after + 2
        elif data.startswith(b"\n", after) or data.startswith(b"\r", after):
            start = after + 1
        else:
            start = -1
        if start < 0:
            at = data.find(b"stream", at + 1)
            continue
        end = data.find(b"endstream", start)
        yield start, len(data) if end < 0 else end
        at = data.find(b"stream", start)


def _inflated_size(compressed: bytes | memoryview, budget: int) -> int:
    """Return the size ``compressed`` inflates to, counting at most ``budget + 1`` bytes
    (never holding more than a chunk); 0 when it is not a zlib stream."""
    inflater = zlib.decompressobj()
    size = 0
    try:
        chunk = inflater.decompress(compressed, _CHUNK)
        while chunk:
            size += len(chunk)
            if size > budget:
                return size
            chunk = inflater.decompress(inflater.unconsumed_tail, _CHUNK)
    except zlib.error:
        return size
    return size


def check_streams(data: bytes, name: str | None) -> None:
    """Refuse a PDF whose compressed streams inflate past the budgets (a 1 MB flate bomb
    becomes 2 GB inside pdfium): every stream is inflated here first, counting only.

    A stream too short to pass the one-stream budget even at deflate's greatest ratio is
    counted at that bound instead of being inflated; only when those bounds together would
    pass the total budget are all streams inflated and counted exactly."""
    limits = current_limits()
    view = memoryview(data)
    spans = list(_streams(data))
    bound = 0
    for start, end in spans:
        if (end - start) * MAX_RATIO <= limits.member_bytes:
            bound += (end - start) * MAX_RATIO
            continue
        size = _inflated_size(view[start:end], limits.member_bytes)
        if size > limits.member_bytes:
            break  # over a budget: counted again below, to refuse it as it is found there
        bound += size
    else:
        if bound <= limits.unpacked_bytes:
            return
    total = 0
    for start, end in spans:
        size = _inflated_size(view[start:end], limits.member_bytes)
        if size > limits.member_bytes:  # counting stopped there: the real size is not known
            raise LimitError("member_bytes", limits.member_bytes, path=name)
        total += size
        check("unpacked_bytes", total, path=name)


def read_pdf(data: bytes, name: str | None = None) -> SourceDocument:
    """Read a PDF's text layer into lines; cells carry their page and bounding box.

    Pages without a text layer (scans) are read by OCR when the OCR mode (``parse.ocr``)
    allows it and the ``ocr`` extra is installed; otherwise they are reported or refused.
    The streams and the page count are checked against the budgets before any page is read.
    """
    check_streams(data, name)
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(
            "无法打开 PDF 文件（已损坏或已加密）",
            f"cannot open the PDF (damaged or encrypted): {exc}",
            path=name,
        ) from exc
    try:
        check("pages", len(pdf), path=name)
        return _read_pages(pdf, name)
    finally:
        pdf.close()


def _read_pages(pdf: pdfium.PdfDocument, name: str | None) -> SourceDocument:
    if ocr.current_mode() == "always":
        return ocr.read_pdf_by_ocr(pdf, range(len(pdf)), [], name)
    with gc_paused():  # thousands of chars and cells, all freed by reference counting
        doubts: list[Finding] = []
        pages = [_page_lines(n + 1, pdf[n], doubts) for n in range(len(pdf))]
    # a page that shows something (an image, outlined text) but has no text layer
    blank = [
        n + 1
        for n, (lines, _) in enumerate(pages)
        if not lines and next(iter(pdf[n].get_objects()), None) is not None
    ]
    with gc_paused():
        lines = drop_running(pages)
    unreadable = bool(lines) and _unreadable_share(lines) > UNREADABLE_SHARE
    if (not lines or unreadable) and ocr.will_read(name):
        return ocr.read_pdf_by_ocr(pdf, range(len(pdf)), [], name)
    if not lines:
        raise InputError(
            "PDF 没有文字层（可能是扫描件），需要先进行文字识别（OCR）才能读取" + ocr.why_not_zh(),
            "the PDF has no text layer (a scan?); it needs OCR before it can be read",
            path=name,
        )
    if unreadable:
        raise InputError(
            "PDF 的文字层无法识别（字体缺少编码映射，提取出的是乱码），需要先进行文字识别（OCR）"
            + ocr.why_not_zh(),
            "the PDF's text layer does not map to Unicode (fonts without ToUnicode); it needs OCR",
            path=name,
        )
    if blank and ocr.will_read(name):
        return ocr.read_pdf_by_ocr(pdf, [n - 1 for n in blank], pages, name)
    findings = [
        Finding(PAGE_WITHOUT_TEXT, location=Location(page=n), params={"page": n}) for n in blank
    ] + doubts
    return SourceDocument(lines, source=name, format_name="pdf", findings=findings)


UNREADABLE_SHARE = 0.3
"""Above this share of private-use or replacement characters, the text layer is garbage."""


_UNREADABLE = re.compile("[\ue000-\uf8ff\ufffd\x00-\x08\x0a-\x1f]")
"""A private-use or replacement character, or a control character other than the tab."""


def _unreadable_share(lines: list[SourceLine]) -> float:
    text = "".join(line.text for line in lines)
    return len(_UNREADABLE.findall(text)) / max(len(text), 1)
