"""Reading reports published as PDF with a text layer: PDF → ``SourceDocument``.

pypdfium2 gives every character with its box and every ruling line; ruled tables are rebuilt
from their rulings (``pdf_layout``), the text outside them is read as printed lines split into
cells at wide gaps, and tables printed without rulings are rebuilt from those lines
(``pdf_unruled``). Running headers, footers and page numbers are dropped, and paragraphs that
lines and pages broke are joined again. pdfium was chosen over pdfplumber by
measurement (docs/formats.md): the same grid, an order of magnitude faster.
"""

from __future__ import annotations

import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from xxgk.errors import InputError
from xxgk.findings import Finding, Location
from xxgk.limits import LimitError, check, current_limits
from xxgk.parse import ocr_policy as ocr
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine
from xxgk.parse.pdf_layout import (
    Char,
    PageFrame,
    PdfLine,
    Segment,
    build_grid,
    cluster_lines,
    groups,
    is_number,
    piece_cell,
    rulings,
    split_gaps,
    table_lines,
)
from xxgk.parse.pdf_unruled import unruled_tables
from xxgk.parse_findings import PAGE_WITHOUT_TEXT

MARGIN = 0.07  # share of the page height where running headers and footers sit
_PAGE_NUMBER = re.compile(
    r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?"
    r"[-—–_\s]*$|^[-—–]\s*[\divxlcIVXLC]+\s*[-—–]$"
)


def sniff_pdf(data: bytes, name: str | None = None) -> bool:
    """Return True when the PDF signature is in the first kilobyte."""
    return b"%PDF-" in data[:1024]


def _chars(page: pdfium.PdfPage, frame: PageFrame) -> list[Char]:
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    aligned = len(text) == count
    chars = []
    for i in range(count):
        ch = text[i] if aligned else chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, i))
        if ch.isspace() or ch == "\x00":
            continue
        chars.append(Char(ch, *frame.box(*textpage.get_charbox(i, loose=True))))
    return chars


def _text_lines(page: int, chars: list[Char]) -> list[PdfLine]:
    """Return the lines outside ruled tables, split into cells at wide gaps."""
    out = []
    for pieces in (split_gaps(line) for line in cluster_lines(chars)):
        cells = [piece_cell(page, piece) for piece in pieces]
        first, last = pieces[0][0], pieces[-1][-1]
        out.append(
            PdfLine(
                page,
                min(c.top for c in pieces[0]),
                SourceLine(cells, in_table=len(cells) > 1),
                first.x0,
                last.x1,
                first.bottom - first.top,
                pieces,
            )
        )
    return unruled_tables(out)


def _join_paragraphs(lines: list[PdfLine]) -> list[PdfLine]:
    """Join a paragraph's printed lines, across pages too: a one-cell line that runs to the
    right margin goes on in the next one-cell line when that starts at the left margin
    (an indented line starts a new paragraph). Margins are the document's, not a page's."""
    single = [ln for ln in lines if not ln.line.in_table and ln.glyph]
    if len(single) < 4:
        return lines
    left = min(ln.left for ln in single)
    right = max(ln.right for ln in single)
    out: list[PdfLine] = []
    for item in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.glyph
            and item.glyph
            and not prev.line.in_table
            and not item.line.in_table
            and right - prev.right < 1.5 * item.glyph
            and item.left - left < 0.5 * item.glyph
            and prev.right - prev.left > 0.6 * (right - left)
        ):
            first = prev.line.cells[0]
            text = first.text + item.line.cells[0].text
            prev.line.cells[0] = SourceCell(
                text, Location(page=first.location.page, bbox=first.location.bbox, text=text)
            )
            prev.right = item.right
            continue
        out.append(item)
    return out


def _page_lines(page_no: int, page: pdfium.PdfPage) -> tuple[list[PdfLine], float]:
    frame = PageFrame.of(page)
    chars = _chars(page, frame)
    horizontal, vertical = rulings(page, frame)
    return lay_out_page(page_no, chars, horizontal, vertical), frame.display_height


def lay_out_page(
    page_no: int, chars: list[Char], horizontal: list[Segment], vertical: list[Segment]
) -> list[PdfLine]:
    """Return a page's lines from its characters and rulings (display space, points): ruled
    tables first, then the printed lines around them. The OCR reader (``parse.ocr``) passes
    the words and table rules it found in a page image, so scans are read the same way."""
    lines: list[PdfLine] = []
    for group in groups(horizontal, vertical):
        table = build_grid(*group)
        x0, x1, y0, y1 = table.xs[0], table.xs[-1], table.ys[0], table.ys[-1]
        inside = [c for c in chars if x0 <= c.cx <= x1 and y0 <= c.cy <= y1]
        if not inside:
            continue
        lines += table_lines(page_no, table, inside)
        chars = [c for c in chars if not (x0 <= c.cx <= x1 and y0 <= c.cy <= y1)]
    lines += _text_lines(page_no, chars)
    return sorted(lines, key=lambda item: item.top)


def _drop_running(pages: list[tuple[list[PdfLine], float]]) -> list[SourceLine]:
    """Drop page numbers and header/footer lines that repeat in the page margins, then join
    the paragraphs that the pages broke."""

    def in_margin(item: PdfLine, height: float) -> bool:
        outside_grid = not item.line.in_table or item.pieces is not None
        return outside_grid and (item.top < MARGIN * height or item.top > (1 - MARGIN) * height)

    margin = [item for lines, h in pages for item in lines if in_margin(item, h)]
    repeated = Counter(item.line.text for item in margin)
    repeated_cells = Counter(c.text for item in margin for c in item.line.cells)

    def running(item: PdfLine) -> bool:
        """A page number, or a header/footer a browser prints on every page (date and
        title, address and ``2/5``): every cell a page number or repeated on other pages."""
        if _PAGE_NUMBER.match(item.line.text):
            return True
        if len(pages) < 2:
            return False
        if repeated[item.line.text] > 1:
            return True
        return all(
            _PAGE_NUMBER.match(c.text) or repeated_cells[c.text] > 1
            for c in item.line.cells
            if c.text
        )

    kept = []
    for lines, height in pages:
        for item in lines:
            if in_margin(item, height) and running(item):
                continue
            kept.append(item)
    return [item.line for item in _join_paragraphs(_drop_repeated_headers(kept))]


HEADER_ROWS = 4
"""At most this many rows (without numbers) at the top of a table can be a repeated header."""


def _drop_repeated_headers(lines: list[PdfLine]) -> list[PdfLine]:
    """Drop the header rows a table repeats at the top of each page (Word's "repeat as
    header row"): the leading rows of a table part equal to those of the part before."""
    out: list[PdfLine] = []
    head: list[str] = []
    dropping = -1  # index into ``head`` while a new part repeats it
    for item in lines:
        if item.grid_start:
            dropping = 0 if head and out and out[-1].line.in_table else -1
            if dropping < 0:
                head = []
        if 0 <= dropping < len(head) and item.line.in_table and item.line.text == head[dropping]:
            dropping += 1
            continue
        dropping = -1
        if (
            item.line.in_table
            and len(head) < HEADER_ROWS
            and (item.grid_start or head)
            and not any(map(is_number, item.line.cells))
        ):
            head.append(item.line.text)
        out.append(item)
    return out


_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_CHUNK = 1024 * 1024


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
    becomes 2 GB inside pdfium): every stream is inflated here first, counting only."""
    limits = current_limits()
    total = 0
    view = memoryview(data)
    for match in _STREAM.finditer(data):
        start = match.end()
        end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
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


ScanReader = Callable[
    [pdfium.PdfDocument, Iterable[int], list[tuple[list[PdfLine], float]], str | None],
    SourceDocument,
]
_SCAN_READER: list[ScanReader] = []


def use_scan_reader(reader: ScanReader) -> None:
    """Set the reader of scanned pages (``parse.ocr`` registers itself: it builds on this
    module, so this module cannot import it)."""
    _SCAN_READER[:] = [reader]


class _Scans:
    """The OCR mode and the registered scan reader, as ``_read_pages`` asks them."""

    def current_mode(self) -> str:
        return ocr.current_mode()

    def will_read(self, name: str | None) -> bool:
        return bool(_SCAN_READER) and ocr.will_read(name)

    def why_not_zh(self) -> str:
        return ocr.why_not_zh()

    def read_pdf_by_ocr(
        self,
        pdf: pdfium.PdfDocument,
        indexes: Iterable[int],
        pages: list[tuple[list[PdfLine], float]],
        name: str | None,
    ) -> SourceDocument:
        if not _SCAN_READER:
            raise InputError(
                "PDF 需要先进行文字识别（OCR）才能读取" + ocr.why_not_zh(),
                "the PDF needs OCR, which is not available",
                path=name,
            )
        return _SCAN_READER[0](pdf, indexes, pages, name)


def _read_pages(pdf: pdfium.PdfDocument, name: str | None) -> SourceDocument:
    scans = _Scans()
    if scans.current_mode() == "always":
        return scans.read_pdf_by_ocr(pdf, range(len(pdf)), [], name)
    pages = [_page_lines(n + 1, pdf[n]) for n in range(len(pdf))]
    # a page that shows something (an image, outlined text) but has no text layer
    blank = [
        n + 1
        for n, (lines, _) in enumerate(pages)
        if not lines and next(iter(pdf[n].get_objects()), None) is not None
    ]
    lines = _drop_running(pages)
    unreadable = bool(lines) and _unreadable_share(lines) > UNREADABLE_SHARE
    if (not lines or unreadable) and scans.will_read(name):
        return scans.read_pdf_by_ocr(pdf, range(len(pdf)), [], name)
    if not lines:
        raise InputError(
            "PDF 没有文字层（可能是扫描件），需要先进行文字识别（OCR）才能读取"
            + scans.why_not_zh(),
            "the PDF has no text layer (a scan?); it needs OCR before it can be read",
            path=name,
        )
    if unreadable:
        raise InputError(
            "PDF 的文字层无法识别（字体缺少编码映射，提取出的是乱码），需要先进行文字识别（OCR）"
            + scans.why_not_zh(),
            "the PDF's text layer does not map to Unicode (fonts without ToUnicode); it needs OCR",
            path=name,
        )
    if blank and scans.will_read(name):
        return scans.read_pdf_by_ocr(pdf, [n - 1 for n in blank], pages, name)
    findings = [
        Finding(PAGE_WITHOUT_TEXT, location=Location(page=n), params={"page": n}) for n in blank
    ]
    return SourceDocument(lines, source=name, format_name="pdf", findings=findings)


def drop_running(pages: list[tuple[list[PdfLine], float]]) -> list[SourceLine]:
    """Return the document's lines from its pages' lines (see ``_drop_running``)."""
    return _drop_running(pages)


UNREADABLE_SHARE = 0.3
"""Above this share of private-use or replacement characters, the text layer is garbage."""


def _unreadable_share(lines: list[SourceLine]) -> float:
    text = "".join(line.text for line in lines)
    bad = sum(
        1
        for ch in text
        if "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" or (ch < " " and ch != "\t")
    )
    return bad / max(len(text), 1)
