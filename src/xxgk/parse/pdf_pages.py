"""A PDF page's printed lines from its characters and rulings, and the document's lines from
its pages: ruled tables first, then the lines around them (split into cells at wide gaps),
running headers, footers and page numbers dropped, repeated table headers dropped, and broken
paragraphs joined again. Shared by the text-layer reader (``pdf``) and the OCR reader
(``ocr``), which passes the words and rules it found in a page image, so scans are read the
same way as text PDFs.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress
from operator import not_

from xxgk.findings import Location
from xxgk.parse.document import SourceCell, SourceLine
from xxgk.parse.pdf_layout import (
    Box,
    Char,
    Grid,
    PdfLine,
    Segment,
    build_grid,
    cluster_lines,
    groups,
    is_number,
    piece_cell,
    split_gaps,
    table_lines,
)
from xxgk.parse.pdf_unruled import unruled_tables
from xxgk.parse.text_pages import header_key
from xxgk.recall import MISSING, Recall

MARGIN = 0.07  # share of the page height where running headers and footers sit
_PAGE_NUMBER = re.compile(
    r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?"
    r"[-—–_\s]*$|^[-—–]\s*[\divxlcIVXLC]+\s*[-—–]$"
)


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


def lay_out_page(
    page_no: int,
    chars: list[Char],
    horizontal: list[Segment],
    vertical: list[Segment],
    across: list[tuple[Char, Box]] | None = None,
) -> list[PdfLine]:
    """Return a page's lines from its characters and rulings (display space, points): ruled
    tables first, then the printed lines around them. The OCR reader (``parse.ocr``) passes
    the words and table rules it found in a page image, so scans are read the same way;
    the text-layer reader passes ``across`` for the digits drawn over a ruling (see
    ``pdf_layout.table_lines``; an OCR box is not precise enough to tell)."""
    lines: list[PdfLine] = []
    for table in _grids(horizontal, vertical):
        x0, x1, y0, y1 = table.xs[0], table.xs[-1], table.ys[0], table.ys[-1]
        within = [x0 <= c.cx <= x1 and y0 <= c.cy <= y1 for c in chars]
        inside = list(compress(chars, within))
        if not inside:
            continue
        outside = list(compress(chars, map(not_, within)))
        lines += table_lines(page_no, table, inside, across)
        chars = outside
    lines += _text_lines(page_no, chars)
    return sorted(lines, key=lambda item: item.top)


GRIDS: Recall[tuple[tuple[Segment, ...], tuple[Segment, ...]], list[Grid]] = Recall(128)
"""The ruled tables of a page by its rulings: the pages of reports made from one template by
one converter have the same rulings (a batch of LibreOffice PDFs shares a few dozen sets), so
their grids are built once. The grids are only read after they are built. A page's grids
take tens of kilobytes: two generations of 128 stay within a few megabytes."""


def _grids(horizontal: list[Segment], vertical: list[Segment]) -> list[Grid]:
    """Return the grids of the ruled tables these rulings draw (``groups``, ``build_grid``)."""
    key = (tuple(horizontal), tuple(vertical))
    found = GRIDS.lookup(key)
    if found is MISSING:
        found = GRIDS.keep(key, [build_grid(*group) for group in groups(horizontal, vertical)])
    return found


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
    joined = _join_cut_rows(_drop_repeated_headers(kept))
    return [item.line for item in _join_paragraphs(joined)]


_ROW_ORDINAL = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、])"
)
"""The start of a row label: such a text on a new page begins a row, it continues none."""
_SAME_EDGE = 3.0  # points: cell sides this close are the same column line on both pages


def _join_cut_rows(lines: list[PdfLine]) -> list[PdfLine]:
    """Join the pieces of table cells that a browser cut at a page break.

    Chrome and Edge split a tall row (or a merged label) across pages and draw no ruling at
    the cut: the cell's bottom is open on one page and its top open on the next. The text of
    each open-topped cell of a table part that starts a page goes on in the open-bottomed
    cell of the part that ended the page before, in the same column; a first row left empty
    by that is dropped. A text that starts like a row label (``1.``, ``（四）``) is a new row
    and joins nothing, nor does a number join a cell that already has text."""
    out: list[PdfLine] = []
    n = 0
    while n < len(lines):
        item = lines[n]
        n += 1
        if item.grid_start and out and out[-1].line.in_table:
            before = _part_before(out, item.page)
            if item.open_top and before and _continue_cells(before, item):
                continue
            if item.continued and item.ruled and before:
                _continue_merged(before, item)
        if not item.line.in_table and out and out[-1].line.in_table:
            overflow = _overflow(lines, n - 1, _part_before(out, item.page + 1))
            if overflow:
                n += len(overflow) - 1
                continue
        out.append(item)
    return out


def _overflow(lines: list[PdfLine], start: int, before: list[PdfLine]) -> list[PdfLine]:
    """Return the one-cell lines from ``start`` that are the overflowing text of a merged
    cell cut at the page's end, after appending each to that cell.

    When a browser cuts a merged cell whose text does not fit above the cut, the rest is
    printed below the table's last ruling, inside the cell's column, with no rulings round
    it. Such lines end the page, and the table goes on at the top of the next page."""
    end = start
    while end < len(lines) and _is_loose_text(lines[end], lines[start].page):
        end += 1
    if not before or end == start or end == len(lines):
        return []
    following = lines[end]
    if not (following.grid_start and following.page == lines[start].page + 1):
        return []
    bottom = max(_bottom(line) for line in before)
    placed: list[tuple[PdfLine, int, PdfLine]] = []
    for item in lines[start:end]:
        target = _open_cell_over(before, item.left, item.right)
        if target is None or item.top - bottom > 3 * max(item.glyph, 1.0):
            return []
        placed.append((*target, item))
        bottom = item.top + item.glyph
    for line, at, item in placed:
        _append_text(line, at, item.line.text)
    return lines[start:end]


def _is_loose_text(item: PdfLine, page: int) -> bool:
    return item.page == page and not item.line.in_table and len(item.line.cells) == 1


def _bottom(line: PdfLine) -> float:
    boxes = [c.location.bbox for c in line.line.cells if c.location.bbox is not None]
    return max((box[3] for box in boxes), default=line.top)


def _open_cell_over(before: list[PdfLine], left: float, right: float) -> tuple[PdfLine, int] | None:
    """Return the open-bottomed cell of ``before`` whose column holds ``left``…``right``."""
    for line in before:
        for at in line.open_bottom:
            box = line.line.cells[at].location.bbox
            if box is not None and box[0] - _SAME_EDGE <= left and right <= box[2] + _SAME_EDGE:
                return line, at
    return None


def _append_text(line: PdfLine, at: int, more: str) -> None:
    """Append ``more`` to cell ``at`` of ``line`` (its place stays where the cell began)."""
    cell = line.line.cells[at]
    text = cell.text + more
    where = cell.location
    line.line.cells[at] = SourceCell(text, Location(page=where.page, bbox=where.bbox, text=text))


def _part_before(out: list[PdfLine], page: int) -> list[PdfLine]:
    """Return the rows of the ruled table part that ends ``out`` on the page before ``page``."""
    part: list[PdfLine] = []
    for item in reversed(out):
        if not item.line.in_table or item.page != page - 1 or not item.ruled:
            return []
        part.append(item)
        if item.grid_start:
            return part
    return []


def _continue_cells(before: list[PdfLine], item: PdfLine) -> bool:
    """Append ``item``'s open-topped cells to the open-bottomed cells above them; return
    True when nothing of ``item`` is left to keep as a row of its own."""
    cells = item.line.cells
    taken: set[int] = set()
    for index in sorted(item.open_top):
        cell = cells[index]
        target = _cell_above(before, cell) if cell.text else None
        if target is None:
            continue
        line, at = target
        above = line.line.cells[at]
        if _ROW_ORDINAL.match(cell.text) or (is_number(cell) and above.text):
            continue
        _append_text(line, at, cell.text)
        taken.add(index)
    if not taken:
        return False  # nothing went on: a table part of its own
    left = [cell for i, cell in enumerate(cells) if i not in taken]
    if not any(cell.text for cell in left):
        return True
    item.line.cells = left
    item.open_top = frozenset()
    return False


def _continue_merged(before: list[PdfLine], item: PdfLine) -> None:
    """Append to a group label of the part before the label text that a page cut off,
    printed (below the repeated header) in the same column of the table's next part.

    Word and LibreOffice close a merged cell at the page end with a ruling and print the
    rest of its text in the next part, where it spans the first rows. Only a group label
    (a label cell followed by the row's own label) goes on so; a text that starts like a
    label (``（五）``) begins a new group."""
    bottom = max(_bottom(line) for line in before)
    cells = item.line.cells
    keep = []
    for at, cell in enumerate(cells):
        target = None
        if _is_group_label(cells, at) and not _ROW_ORDINAL.match(cell.text):
            target = _group_above(before, cell, bottom)
        if target is None:
            keep.append(cell)
        else:
            _append_text(*target, cell.text)
    item.line.cells = keep


def _is_group_label(cells: list[SourceCell], at: int) -> bool:
    """Return True for a label cell followed by another label cell in its row."""
    label = [bool(c.text) and not is_number(c) for c in cells[at : at + 2]]
    return label == [True, True]


def _group_above(
    before: list[PdfLine], cell: SourceCell, bottom: float
) -> tuple[PdfLine, int] | None:
    """Return the group label of ``before`` in ``cell``'s column that reaches the part's
    bottom."""
    box = cell.location.bbox
    if box is None:
        return None
    for line in before:
        for at, other in enumerate(line.line.cells):
            edge = other.location.bbox
            if (
                edge is not None
                and _is_group_label(line.line.cells, at)
                and abs(edge[0] - box[0]) <= _SAME_EDGE
                and abs(edge[2] - box[2]) <= _SAME_EDGE
                and abs(edge[3] - bottom) <= _SAME_EDGE
            ):
                return line, at
    return None


def _cell_above(before: list[PdfLine], cell: SourceCell) -> tuple[PdfLine, int] | None:
    """Return the open-bottomed cell of ``before`` in the same column as ``cell``."""
    box = cell.location.bbox
    if box is None:
        return None
    for line in before:
        for at in line.open_bottom:
            other = line.line.cells[at].location.bbox
            if (
                other is not None
                and abs(other[0] - box[0]) <= _SAME_EDGE
                and abs(other[2] - box[2]) <= _SAME_EDGE
            ):
                return line, at
    return None


HEADER_LINES = 8
"""At most this many lines (without numbers) above a table's rows can be its header."""


def _drop_repeated_headers(lines: list[PdfLine]) -> list[PdfLine]:
    """Drop the header a table repeats at the top of each page (Word's "repeat as header
    row"), ruled or not: the lines without numbers that open a page right after a row with
    numbers, when they are the last lines of the header above that table's rows.

    The first row after a dropped header is marked ``continued`` (and starts the part of a
    ruled table there): the same table goes on, so a merged label that the page cut goes on
    in it too (``_join_cut_rows``)."""
    out: list[PdfLine] = []
    head: list[str] = []  # the lines without numbers above the current table's rows
    run: list[str] = []  # the lines without numbers since the last row with numbers
    n = 0
    while n < len(lines):
        item = lines[n]
        if out and item.page != out[-1].page and _has_number(out[-1]) and head:
            block = _page_head(lines, n)
            if block and len(block) <= len(head) and head[-len(block) :] == block:
                n += len(block)
                lines[n].continued = True
                lines[n].grid_start = lines[n].grid_start or lines[n].ruled
                continue
        if _has_number(item):
            if run:
                head = run[-HEADER_LINES:]
            run = []
        else:
            run.append(header_key(item.line))
        out.append(item)
        n += 1
    return out


def _has_number(item: PdfLine) -> bool:
    return item.line.in_table and any(map(is_number, item.line.cells))


def _page_head(lines: list[PdfLine], start: int) -> list[str]:
    """Return the texts of the lines without numbers that open the page at ``start`` when a
    table row with numbers follows them on that page, else nothing."""
    end = start
    while (
        end < len(lines)
        and end - start < HEADER_LINES
        and lines[end].page == lines[start].page
        and not _has_number(lines[end])
    ):
        end += 1
    if end == len(lines) or lines[end].page != lines[start].page or not _has_number(lines[end]):
        return []
    return [header_key(item.line) for item in lines[start:end]]


def drop_running(pages: list[tuple[list[PdfLine], float]]) -> list[SourceLine]:
    """Return the document's lines from its pages' lines (see ``_drop_running``)."""
    return _drop_running(pages)
