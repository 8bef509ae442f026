"""Reading reports published as PDF with a text layer: PDF → ``SourceDocument``.

pypdfium2 gives every character with its box and every ruling line; we rebuild the tables
from the rulings (elementary cells between neighbouring lines, joined where no line separates
them, so merged cells come out once, with their wrapped or vertical labels read in one piece)
and read the text outside tables as lines, split into cells at wide gaps (unruled tables).
Running headers, footers and page numbers are dropped. pdfium was chosen over pdfplumber by
measurement (docs/formats.md): the same grid, an order of magnitude faster.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from xxgk.errors import InputError
from xxgk.findings import Location
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine
from xxgk.parse.readers import register_reader

THIN = 2.5  # a ruling is a path at most this thick (points)
SNAP = 2.0  # coordinates closer than this are the same ruling line
MARGIN = 0.07  # share of the page height where running headers and footers sit
_PAGE_NUMBER = re.compile(r"^[-—–_\s]*(?:第\s*)?\d{1,4}\s*(?:页)?(?:\s*[/／共]\s*\d{1,4}\s*页?)?"
                          r"[-—–_\s]*$|^[-—–]\s*[\divxlcIVXLC]+\s*[-—–]$")


@dataclass(frozen=True)
class Char:
    """A character in top-down coordinates (points from the top-left of the page)."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def cx(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


Segment = tuple[float, float, float]  # position, start, end
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


def sniff_pdf(data: bytes, name: str | None = None) -> bool:
    """Return True when the PDF signature is in the first kilobyte."""
    return b"%PDF-" in data[:1024]


def _chars(page: pdfium.PdfPage, height: float) -> list[Char]:
    textpage = page.get_textpage()
    count = textpage.count_chars()
    text = textpage.get_text_range() if count else ""
    aligned = len(text) == count
    chars = []
    for i in range(count):
        ch = text[i] if aligned else chr(pdfium_raw.FPDFText_GetUnicode(textpage.raw, i))
        if ch.isspace() or ch == "\x00":
            continue
        left, bottom, right, top = textpage.get_charbox(i, loose=True)
        chars.append(Char(ch, left, height - top, right, height - bottom))
    return chars


def _rulings(page: pdfium.PdfPage, height: float) -> tuple[list[Segment], list[Segment]]:
    """Return horizontal ``(y, x0, x1)`` and vertical ``(x, top, bottom)`` rulings."""
    horizontal, vertical = [], []
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_PATH]):
        left, bottom, right, top = obj.get_bounds()
        y0, y1 = height - top, height - bottom
        if y1 - y0 <= THIN and right - left > THIN:
            horizontal.append(((y0 + y1) / 2, left, right))
        elif right - left <= THIN and y1 - y0 > THIN:
            vertical.append(((left + right) / 2, y0, y1))
        elif pdfium_raw.FPDFPath_CountSegments(obj.raw) in (4, 5) and _stroked(obj):
            horizontal += [(y0, left, right), (y1, left, right)]
            vertical += [(left, y0, y1), (right, y0, y1)]
    return horizontal, vertical


def _stroked(obj: pdfium.PdfObject) -> bool:
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    pdfium_raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    return bool(stroke.value)


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SNAP:
            out.append(v)
    return out


def _covers(segments: list[Segment], at: float, lo: float, hi: float) -> bool:
    mid = (lo + hi) / 2
    return any(abs(p - at) <= SNAP and s - SNAP <= mid <= e + SNAP for p, s, e in segments)


def _groups(horizontal: list[Segment], vertical: list[Segment]) -> list[tuple[list, list]]:
    """Split rulings into tables: the connected sets of crossing or touching lines."""
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, x0, x1) in enumerate(horizontal):
        for j, (x, y0, y1) in enumerate(vertical):
            if x0 - SNAP <= x <= x1 + SNAP and y0 - SNAP <= y <= y1 + SNAP:
                parent[find(i)] = find(len(horizontal) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, seg in enumerate(horizontal):
        groups.setdefault(find(i), ([], []))[0].append(seg)
    for j, seg in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + j), ([], []))[1].append(seg)
    return [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]


@dataclass
class _Grid:
    """One ruled table: its elementary lines, and for each elementary cell its merged cell."""

    xs: list[float]
    ys: list[float]
    owner: list[int]
    cells: list[tuple[int, int, Box]]  # first row band, last row band, box

    def cell_at(self, x: float, y: float) -> int | None:
        c, r = bisect.bisect(self.xs, x) - 1, bisect.bisect(self.ys, y) - 1
        if 0 <= c < len(self.xs) - 1 and 0 <= r < len(self.ys) - 1:
            return self.owner[r * (len(self.xs) - 1) + c]
        return None


def _grid(horizontal: list[Segment], vertical: list[Segment]) -> _Grid:
    """Join elementary cells that no ruling separates: merged cells come out once."""
    xs = _snap([x for x, _, _ in vertical])
    ys = _snap([y for y, _, _ in horizontal])
    cols, rows = len(xs) - 1, len(ys) - 1
    parent = list(range(cols * rows))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for r in range(rows):
        for c in range(cols):
            here = r * cols + c
            if c + 1 < cols and not _covers(vertical, xs[c + 1], ys[r], ys[r + 1]):
                parent[find(here)] = find(here + 1)
            if r + 1 < rows and not _covers(horizontal, ys[r + 1], xs[c], xs[c + 1]):
                parent[find(here)] = find(here + cols)
    spans: dict[int, list[int]] = {}
    for i in range(cols * rows):
        r, c = divmod(i, cols)
        span = spans.setdefault(find(i), [r, c, r, c])
        span[0], span[1] = min(span[0], r), min(span[1], c)
        span[2], span[3] = max(span[2], r), max(span[3], c)
    roots = sorted(spans, key=lambda k: (spans[k][0], spans[k][1]))
    index = {root: n for n, root in enumerate(roots)}
    cells = [(spans[k][0], spans[k][2],
              (xs[spans[k][1]], ys[spans[k][0]], xs[spans[k][3] + 1], ys[spans[k][2] + 1]))
             for k in roots]
    return _Grid(xs, ys, [index[find(i)] for i in range(cols * rows)], cells)


def _cluster_lines(chars: list[Char]) -> list[list[Char]]:
    """Group chars into printed lines (top to bottom), each sorted left to right.

    A char joins the line whose running centre is within half a glyph height of its own,
    so raised punctuation (quotes, brackets) stays on its line.
    """
    if not chars:
        return []
    heights = sorted(c.bottom - c.top for c in chars)
    tolerance = max(heights[len(heights) // 2] * 0.5, 1.0)
    lines: list[tuple[float, list[Char]]] = []
    for ch in sorted(chars, key=lambda c: c.cy):
        if lines and abs(ch.cy - lines[-1][0]) <= tolerance:
            centre, members = lines[-1]
            members.append(ch)
            lines[-1] = (centre + (ch.cy - centre) / len(members), members)
        else:
            lines.append((ch.cy, [ch]))
    return [sorted(members, key=lambda c: c.x0) for _, members in lines]


def _text_of(chars: list[Char]) -> str:
    """Return the text of chars in reading order: by line, then left to right."""
    return "".join(c.text for line in _cluster_lines(chars) for c in line)


@dataclass
class _Line:
    """A line of a page before header/footer removal: its page, top, cells and margins."""

    page: int
    top: float
    line: SourceLine
    left: float = 0.0  # x0 of its first printed line
    right: float = 0.0  # x1 of its last printed line
    glyph: float = 0.0  # height of a glyph


def _box_of(chars: list[Char]) -> Box:
    return (min(c.x0 for c in chars), min(c.top for c in chars),
            max(c.x1 for c in chars), max(c.bottom for c in chars))


def _table_lines(page: int, grid: _Grid, chars: list[Char]) -> list[_Line]:
    """Return the rows of one ruled table, each cell with the text of the chars inside it."""
    inside: dict[int, list[Char]] = {}
    for ch in chars:
        cell = grid.cell_at(ch.cx, ch.cy)
        if cell is not None:
            inside.setdefault(cell, []).append(ch)
    rows: dict[int, list[SourceCell]] = {}
    for n, (first, last, box) in enumerate(grid.cells):
        text = _text_of(inside.get(n, []))
        if not text and last > first:
            continue  # a merged label cell continued from the previous page
        location = Location(page=page, bbox=tuple(round(v, 1) for v in box), text=text)
        rows.setdefault(first, []).append(SourceCell(text, location))
    return [_Line(page, grid.ys[r], SourceLine(cells, in_table=True))
            for r, cells in sorted(rows.items()) if any(c.text for c in cells)]


def _split_gaps(line: list[Char]) -> list[list[Char]]:
    """Split a printed line into cells where the gap is wider than a glyph (unruled tables)."""
    size = sorted(c.bottom - c.top for c in line)[len(line) // 2]
    pieces: list[list[Char]] = [[line[0]]]
    for prev, ch in zip(line, line[1:], strict=False):
        if ch.x0 - prev.x1 > max(1.2 * size, 6.0):
            pieces.append([])
        pieces[-1].append(ch)
    return pieces


def _text_lines(page: int, chars: list[Char]) -> list[_Line]:
    """Return the lines outside ruled tables, split into cells at wide gaps."""
    out = []
    for pieces in (_split_gaps(line) for line in _cluster_lines(chars)):
        cells = []
        for piece in pieces:
            text = "".join(c.text for c in piece)
            box = tuple(round(v, 1) for v in _box_of(piece))
            cells.append(SourceCell(text, Location(page=page, bbox=box, text=text)))
        first, last = pieces[0][0], pieces[-1][-1]
        out.append(_Line(page, min(c.top for c in pieces[0]),
                         SourceLine(cells, in_table=len(cells) > 1),
                         first.x0, last.x1, first.bottom - first.top))
    return _unruled_tables(out)


_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?$")


def _is_number(cell: SourceCell) -> bool:
    return bool(_NUMBER.match(cell.text))


def _x(cell: SourceCell) -> tuple[float, float]:
    box = cell.location.bbox or (0.0, 0.0, 0.0, 0.0)
    return box[0], box[2]


def _is_wide(item: _Line, width: float) -> bool:
    x0, x1 = _x(item.line.cells[0])
    return len(item.line.cells) == 1 and x1 - x0 > 0.6 * width


def _unruled_tables(lines: list[_Line]) -> list[_Line]:
    """Rebuild the rows of tables printed without rulings: each line holding numbers is a
    row; label fragments wrapped above or below it join its label; vertical group labels
    (a narrow stack of short pieces, one or two characters a line) become one cell."""
    if not any(len(ln.line.cells) > 1 for ln in lines):
        return lines
    width = max(_x(c)[1] for ln in lines for c in ln.line.cells) - min(
        _x(c)[0] for ln in lines for c in ln.line.cells)
    out: list[_Line] = []
    band: list[_Line] = []
    for item in lines:
        if _is_wide(item, width):
            out += _rebuild(band)
            band = []
            out.append(item)
        else:
            band.append(item)
    return out + _rebuild(band)


def _known_labels() -> tuple[frozenset[str], tuple[str, ...]]:
    """Return every printed row label of the model (normalised), for placing fragments."""
    from xxgk.model.cells import ACTIVE_BLOCKS, REQUEST_ROWS

    labels = {r.printed for r in REQUEST_ROWS} | {r.label for r in REQUEST_ROWS}
    labels |= {r.number + a for r in REQUEST_ROWS for a in r.aliases}
    labels |= {r.label for b in ACTIVE_BLOCKS for r in b.rows}
    known = frozenset(_norm(t) for t in labels)
    return known, tuple(sorted(known))


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace(" ", "")


_KNOWN, _KNOWN_SORTED = _known_labels()


def _is_prefix(text: str) -> bool:
    i = bisect.bisect_left(_KNOWN_SORTED, text)
    return i < len(_KNOWN_SORTED) and _KNOWN_SORTED[i].startswith(text)


def _label_text(row: _Line, value_x: float) -> str:
    return "".join(c.text for c in row.line.cells if not _is_number(c) and _x(c)[1] <= value_x)


def _rebuild(band: list[_Line]) -> list[_Line]:
    numbers = [c for ln in band for c in ln.line.cells if _is_number(c)]
    if len(numbers) < 2:
        return band
    value_x = min(_x(c)[0] for c in numbers) - 2
    stacks = _stacks(band, value_x)
    stacked = {id(c) for stack in stacks for c in stack}
    rows = []
    for item in band:
        cells = [c for c in item.line.cells if id(c) not in stacked]
        if cells:
            rows.append(_Line(item.page, item.top, SourceLine(cells, len(cells) > 1),
                              item.left, item.right, item.glyph))
    anchors = [i for i, r in enumerate(rows) if any(_is_number(c) for c in r.line.cells)]
    if not anchors:
        return band

    def fragment(i: int) -> bool:
        cells = rows[i].line.cells
        return len(cells) == 1 and not _is_number(cells[0]) and _x(cells[0])[1] <= value_x

    above: dict[int, list[int]] = {a: [] for a in anchors}
    below: dict[int, list[int]] = {a: [] for a in anchors}
    lead_in = []  # fragments just before the first row: its label began on the previous page
    i = anchors[0] - 1
    while i >= 0 and fragment(i):
        lead_in.insert(0, i)
        i -= 1
    own = _label_text(rows[anchors[0]], value_x)
    above[anchors[0]] = next((lead_in[k:] for k in range(len(lead_in))
                              if _is_prefix(_norm(_text(rows, lead_in[k:]) + own))), [])
    for n, a in enumerate(anchors):
        end = anchors[n + 1] if n + 1 < len(anchors) else len(rows)
        lead = []
        i = a + 1
        while i < end and fragment(i) and rows[i].top - rows[i - 1].top < 2.6 * rows[i].glyph:
            lead.append(i)
            i += 1
        head = _text(rows, above[a]) + _label_text(rows[a], value_x)
        if n + 1 == len(anchors) or i < end:  # no next row, or something sits between
            below[a] = lead[:_completing(head, [_text(rows, [k]) for k in lead])]
            trail = []
            j = end - 1
            while n + 1 < len(anchors) and j >= i and fragment(j):
                trail.insert(0, j)
                j -= 1
            if n + 1 < len(anchors):
                above[anchors[n + 1]] = trail
            continue
        below[a], above[anchors[n + 1]] = _split(rows, a, anchors[n + 1], lead, above[a],
                                                 value_x)
    out = []
    joined = {i for a in anchors for i in above[a] + below[a]}
    for i, row in enumerate(rows):
        if i in joined:
            continue
        if i in above:
            parts = [rows[k] for k in above[i]] + [row] + [rows[k] for k in below[i]]
            _join_label(row, [c for p in parts for c in p.line.cells
                              if not _is_number(c) and _x(c)[1] <= value_x])
        out.append(row)
    for stack in stacks:
        top = _box_top(stack[0])
        near = min((rows[a] for a in anchors), key=lambda r: abs(r.top - top))
        text = "".join(c.text for c in stack)
        near.line.cells.insert(0, SourceCell(text, Location(page=near.page, bbox=_union(stack),
                                                             text=text)))
    return out


def _text(rows: list[_Line], indexes: list[int]) -> str:
    return "".join(rows[i].line.cells[0].text for i in indexes)


def _completing(head: str, parts: list[str]) -> int:
    """Return how many of the fragments ``parts`` under a row belong to its label: as many
    as make a known label; none when the label is already known; else all (a wrap)."""
    for k in range(len(parts), 0, -1):
        if _norm(head + "".join(parts[:k])) in _KNOWN:
            return k
    return 0 if _norm(head) in _KNOWN else len(parts)


def _split(rows: list[_Line], a: int, b: int, between: list[int], taken_above: list[int],
           value_x: float) -> tuple[list[int], list[int]]:
    """Share the fragments between two rows: whole known labels first, then symmetry (a label
    centred on its numbers has as many lines above them as below)."""
    def text(indexes: list[int]) -> str:
        return _text(rows, indexes)

    head = text(taken_above) + _label_text(rows[a], value_x)
    own = _label_text(rows[b], value_x)
    best: tuple[tuple[int, int], int] | None = None
    for k in range(len(between) + 1):
        first = _norm(head + text(between[:k]))
        second = _norm(text(between[k:]) + own)
        score = 2 * (first in _KNOWN) + (_is_prefix(second) if second else 1)
        key = (score, -abs(k - len(taken_above)))
        if best is None or key > best[0]:
            best = (key, k)
    k = best[1] if best else 0
    return between[:k], between[k:]


def _box_top(cell: SourceCell) -> float:
    return (cell.location.bbox or (0.0, 0.0, 0.0, 0.0))[1]


def _union(cells: list[SourceCell]) -> tuple[float, float, float, float]:
    boxes = [c.location.bbox for c in cells if c.location.bbox]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes),
            max(b[2] for b in boxes), max(b[3] for b in boxes))


def _stacks(band: list[_Line], value_x: float) -> list[list[SourceCell]]:
    """Find vertical labels: short pieces left of the numbers, one under the other."""
    short = [(ln, c) for ln in band for c in ln.line.cells
             if len(c.text) <= 3 and not _is_number(c) and _x(c)[1] <= value_x]
    stacks: list[list[tuple[_Line, SourceCell]]] = []
    for line, cell in short:
        centre = sum(_x(cell)) / 2
        for stack in stacks:
            last_line, last = stack[-1]
            if (abs(sum(_x(last)) / 2 - centre) < 4 and last_line is not line
                    and 0 < line.top - last_line.top < 1.9 * line.glyph):
                stack.append((line, cell))
                break
        else:
            stacks.append([(line, cell)])
    return [[c for _, c in s] for s in stacks if len(s) >= 3]


def _join_label(row: _Line, labels: list[SourceCell]) -> None:
    """Make ``labels`` (a row's own label pieces and the fragments joined to it) one cell,
    in reading order, followed by the row's other cells."""
    if len(labels) < 2:
        return
    labels = sorted(labels, key=_box_top)
    text = "".join(c.text for c in labels)
    joined = SourceCell(text, Location(page=row.page, bbox=_union(labels), text=text))
    ids = {id(c) for c in labels}
    row.line.cells[:] = [joined, *(c for c in row.line.cells if id(c) not in ids)]
    row.line.in_table = True


def _join_paragraphs(lines: list[_Line]) -> list[_Line]:
    """Join a paragraph's printed lines, across pages too: a one-cell line that runs to the
    right margin goes on in the next one-cell line when that starts at the left margin
    (an indented line starts a new paragraph). Margins are the document's, not a page's."""
    single = [ln for ln in lines if not ln.line.in_table and ln.glyph]
    if len(single) < 4:
        return lines
    left = min(ln.left for ln in single)
    right = max(ln.right for ln in single)
    out: list[_Line] = []
    for item in lines:
        prev = out[-1] if out else None
        if (prev is not None and prev.glyph and item.glyph
                and not prev.line.in_table and not item.line.in_table
                and right - prev.right < 1.5 * item.glyph and item.left - left < 0.5 * item.glyph
                and prev.right - prev.left > 0.6 * (right - left)):
            first = prev.line.cells[0]
            text = first.text + item.line.cells[0].text
            prev.line.cells[0] = SourceCell(text, Location(page=first.location.page,
                                                           bbox=first.location.bbox, text=text))
            prev.right = item.right
            continue
        out.append(item)
    return out


def _page_lines(page_no: int, page: pdfium.PdfPage) -> tuple[list[_Line], float]:
    height = page.get_height()
    chars = _chars(page, height)
    horizontal, vertical = _rulings(page, height)
    lines: list[_Line] = []
    for group in _groups(horizontal, vertical):
        grid = _grid(*group)
        x0, x1, y0, y1 = grid.xs[0], grid.xs[-1], grid.ys[0], grid.ys[-1]
        inside = [c for c in chars if x0 <= c.cx <= x1 and y0 <= c.cy <= y1]
        if not inside:
            continue
        lines += _table_lines(page_no, grid, inside)
        chars = [c for c in chars if not (x0 <= c.cx <= x1 and y0 <= c.cy <= y1)]
    lines += _text_lines(page_no, chars)
    return sorted(lines, key=lambda item: item.top), height


def _drop_running(pages: list[tuple[list[_Line], float]]) -> list[SourceLine]:
    """Drop page numbers and header/footer lines that repeat in the page margins, then join
    the paragraphs that the pages broke."""
    def in_margin(item: _Line, height: float) -> bool:
        return not item.line.in_table and (item.top < MARGIN * height
                                           or item.top > (1 - MARGIN) * height)

    repeated = Counter(item.line.text for lines, h in pages for item in lines
                       if in_margin(item, h))
    kept = []
    for lines, height in pages:
        for item in lines:
            if in_margin(item, height) and (_PAGE_NUMBER.match(item.line.text)
                                            or (len(pages) > 1 and repeated[item.line.text] > 1)):
                continue
            kept.append(item)
    return [item.line for item in _join_paragraphs(kept)]


def read_pdf(data: bytes, name: str | None = None) -> SourceDocument:
    """Read a PDF's text layer into lines; cells carry their page and bounding box."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError("无法打开 PDF 文件（已损坏或已加密）",
                         f"cannot open the PDF (damaged or encrypted): {exc}", path=name) from exc
    try:
        pages = [_page_lines(n + 1, pdf[n]) for n in range(len(pdf))]
    finally:
        pdf.close()
    lines = _drop_running(pages)
    if not lines:
        raise InputError(
            "PDF 没有文字层（可能是扫描件），需要先进行文字识别（OCR）才能读取",
            "the PDF has no text layer (a scan?); it needs OCR before it can be read",
            path=name,
        )
    return SourceDocument(lines, source=name, format_name="pdf")


register_reader("pdf", read_pdf, sniff=sniff_pdf)
