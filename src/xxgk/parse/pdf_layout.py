"""Page geometry for reading PDFs: characters, printed lines, ruling lines and the grid
of a ruled table.

A ruled table is rebuilt from its rulings: the elementary cells between neighbouring lines are
joined where no ruling separates them, so a merged cell comes out once, with its wrapped or
vertical label read in one piece.
"""

from __future__ import annotations

import bisect
import ctypes
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import compress
from operator import itemgetter, sub
from typing import Any, NamedTuple

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from xxgk.findings import quick_location
from xxgk.parse.document import SourceCell, SourceLine, quick_cell

THIN = 2.5  # a ruling is a path at most this thick (points)
SNAP = 2.0  # coordinates closer than this are the same ruling line
SLIVER = 4.0  # grid lines closer than this are one (a double border), never a cell
COLLINEAR = 0.75  # pieces whose positions differ by less than this lie on one ruling
_NUMBER = re.compile(r"^[-+]?\d[\d,，]*(?:\.\d+)?$")


class _CharFields(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    cx: float
    cy: float


class Char(_CharFields):
    """A character in top-down coordinates (points from the top-left of the page), with the
    centre of its box (``cx``, ``cy``) worked out once: the layout asks for it many times.

    A tuple, built as ``Char(text, x0, top, x1, bottom)``: the text-layer reader makes one
    for every printed character (``make_char``), and a tuple is the cheapest object to build
    whose fields read as fast as attributes (a frozen dataclass cost three times as much)."""

    __slots__ = ()

    def __new__(cls, text: str, x0: float, top: float, x1: float, bottom: float) -> Char:
        return tuple.__new__(cls, (text, x0, top, x1, bottom, (x0 + x1) / 2, (top + bottom) / 2))

    def __getnewargs__(self) -> tuple[Any, ...]:
        """The arguments of ``__new__`` (for pickle and copy): the centre is worked out."""
        return self[:5]

    def __repr__(self) -> str:
        return f"{type(self).__name__}{self[:5]!r}"


def make_char(text: str, x0: float, top: float, x1: float, bottom: float) -> Char:
    """Return ``Char(text, x0, top, x1, bottom)`` (the reader spells it out per char)."""
    return Char(text, x0, top, x1, bottom)


@dataclass(frozen=True)
class PageFrame:
    """Maps a page's PDF coordinates to display ones: from the top-left of the page as it is
    shown, after the crop box origin and the page's ``/Rotate`` are applied."""

    left: float
    bottom: float
    width: float
    height: float
    rotation: int = 0

    @classmethod
    def of(cls, page: pdfium.PdfPage) -> PageFrame:
        left, bottom, right, top = page.get_cropbox()
        return cls(left, bottom, right - left, top - bottom, page.get_rotation() % 360)

    @property
    def display_height(self) -> float:
        return self.width if self.rotation in (90, 270) else self.height

    def point(self, x: float, y: float) -> tuple[float, float]:
        x, y = x - self.left, y - self.bottom
        if self.rotation == 90:
            return y, x
        if self.rotation == 180:
            return self.width - x, y
        if self.rotation == 270:
            return self.height - y, self.width - x
        return x, self.height - y

    def box(self, left: float, bottom: float, right: float, top: float) -> Box:
        """Return ``(x0, top, x1, bottom)`` in display space of a PDF-space rectangle."""
        (ax, ay), (bx, by) = self.point(left, bottom), self.point(right, top)
        return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


Segment = tuple[float, float, float]  # position, start, end
Box = tuple[float, float, float, float]  # x0, top, x1, bottom


@dataclass
class PdfLine:
    """A line of a page before header/footer removal: its page, top, cells and margins."""

    page: int
    top: float
    line: SourceLine
    left: float = 0.0  # x0 of its first printed line
    right: float = 0.0  # x1 of its last printed line
    glyph: float = 0.0  # height of a glyph
    pieces: list[list[Char]] | None = None  # the chars of each cell, for unruled tables
    grid_start: bool = False  # the first row of a ruled table (or of its part on a page)
    # indexes of the cells of a ruled table part whose top / bottom edge has no ruling at the
    # part's top / bottom: a row or merged cell that a browser cut at a page break goes on there
    open_top: frozenset[int] = frozenset()
    open_bottom: frozenset[int] = frozenset()
    continued: bool = False  # the first row after a repeated header: the table goes on here
    ruled: bool = False  # a row of a ruled table's grid


def split_gaps(line: list[Char], factor: float = 1.2) -> list[list[Char]]:
    """Split a printed line into pieces where the gap is wider than ``factor`` glyphs."""
    size = sorted([c.bottom - c.top for c in line])[len(line) // 2]
    gap = max(factor * size, 2.0)
    piece = [line[0]]
    pieces: list[list[Char]] = [piece]
    prev_x1 = line[0].x1
    for ch in line[1:]:
        if ch.x0 - prev_x1 > gap:
            piece = []
            pieces.append(piece)
        piece.append(ch)
        prev_x1 = ch.x1
    return pieces


def page_cell(text: str, page: int, box: Box) -> SourceCell:
    """Return ``SourceCell(text, Location(page=page, bbox=box, text=text))``."""
    return quick_cell(text, quick_location(page=page, bbox=box, text=text))


def piece_cell(page: int, piece: list[Char]) -> SourceCell:
    """Return a piece of a line as a cell with its page and bounding box."""
    text = "".join([c.text for c in piece])
    x0, y0, x1, y1 = box_of(piece)
    return page_cell(text, page, (round(x0, 1), round(y0, 1), round(x1, 1), round(y1, 1)))


def is_number(cell: SourceCell) -> bool:
    """Return True for a cell that holds only a number (a value, not part of a label)."""
    return bool(_NUMBER.match(cell.text))


def box_of(chars: list[Char]) -> Box:
    if len(chars) == 1:
        ch = chars[0]
        return ch.x0, ch.top, ch.x1, ch.bottom
    return (
        min([c.x0 for c in chars]),
        min([c.top for c in chars]),
        max([c.x1 for c in chars]),
        max([c.bottom for c in chars]),
    )


def c_function(function: Any, restype: Any, *argtypes: Any) -> Any:
    """Return a pdfium function called through a prototype of plain C types (handles and
    out-parameters as ``c_void_p`` addresses): pypdfium2's prototypes check and convert
    each handle through its pointer type, which cost more than the call on a page walked
    object by object."""
    address = ctypes.cast(function, ctypes.c_void_p).value
    if address is None:
        raise pdfium.PdfiumError("a pdfium function has no address")
    return ctypes.CFUNCTYPE(restype, *argtypes)(address)


def address_of(handle: Any) -> int:
    """Return the address of a pypdfium2 handle (a page, a text page) as a plain integer."""
    address = ctypes.cast(handle, ctypes.c_void_p).value
    if address is None:
        raise pdfium.PdfiumError("a pdfium handle is empty")
    return address


_P, _I = ctypes.c_void_p, ctypes.c_int
_COUNT_OBJECTS = c_function(pdfium_raw.FPDFPage_CountObjects, _I, _P)
_GET_OBJECT = c_function(pdfium_raw.FPDFPage_GetObject, _P, _P, _I)
_FORM_COUNT_OBJECTS = c_function(pdfium_raw.FPDFFormObj_CountObjects, _I, _P)
_FORM_GET_OBJECT = c_function(pdfium_raw.FPDFFormObj_GetObject, _P, _P, ctypes.c_ulong)
_OBJECT_TYPE = c_function(pdfium_raw.FPDFPageObj_GetType, _I, _P)
_OBJECT_BOUNDS = c_function(pdfium_raw.FPDFPageObj_GetBounds, _I, _P, _P, _P, _P, _P)
_DRAW_MODE = c_function(pdfium_raw.FPDFPath_GetDrawMode, _I, _P, _P, _P)
_COUNT_SEGMENTS = c_function(pdfium_raw.FPDFPath_CountSegments, _I, _P)
_PATH = pdfium_raw.FPDF_PAGEOBJ_PATH
_FORM = pdfium_raw.FPDF_PAGEOBJ_FORM
FOUR_FLOATS = struct.Struct("4f")
"""Four C floats: pdfium's ``FS_RECTF`` and the four bounds of an object, read at once."""


def rulings(page: pdfium.PdfPage, frame: PageFrame) -> tuple[list[Segment], list[Segment]]:
    """Return horizontal ``(y, x0, x1)`` and vertical ``(x, top, bottom)`` rulings.

    A ruling is a thin path (a stroked line or a filled hairline rectangle), a stroked
    rectangle, or one straight piece of a path that draws many lines at once. The page's
    objects (and those of its form XObjects) are walked through pdfium's C API: a browser's
    page has thousands of small rectangles, and a Python object for each was the cost.
    """
    horizontal: list[Segment] = []
    vertical: list[Segment] = []
    bounds = (ctypes.c_float * 4)()
    at = ctypes.addressof(bounds)
    unpack = FOUR_FLOATS.unpack_from
    get_bounds = _OBJECT_BOUNDS
    upright = frame.rotation == 0
    left, bottom, height = frame.left, frame.bottom, frame.height
    for obj in _paths(address_of(page.raw), _COUNT_OBJECTS, _GET_OBJECT):
        if not get_bounds(obj, at, at + 4, at + 8, at + 12):
            raise pdfium.PdfiumError("Failed to locate pageobject.")
        if upright:  # frame.box, spelt out for the common page
            b0, b1, b2, b3 = unpack(bounds)
            ax, bx = b0 - left, b2 - left
            ay, by = height - (b1 - bottom), height - (b3 - bottom)
            x0, x1 = (bx, ax) if bx < ax else (ax, bx)
            y0, y1 = (by, ay) if by < ay else (ay, by)
        else:
            x0, y0, x1, y1 = frame.box(*unpack(bounds))
        if y1 - y0 <= THIN and x1 - x0 > THIN:
            horizontal.append(((y0 + y1) / 2, x0, x1))
        elif x1 - x0 <= THIN and y1 - y0 > THIN:
            vertical.append(((x0 + x1) / 2, y0, y1))
        elif _stroked(obj):
            count = _COUNT_SEGMENTS(obj)
            if count in (4, 5):
                horizontal += [(y0, x0, x1), (y1, x0, x1)]
                vertical += [(x0, y0, y1), (x1, y0, y1)]
            elif count > 5:
                handle = ctypes.cast(obj, pdfium_raw.FPDF_PAGEOBJECT)
                _straight_pieces(handle, count, frame, horizontal, vertical)
    return merge_collinear(horizontal), merge_collinear(vertical)


_MAX_DEPTH = 15  # form XObjects nested deeper than this are not looked into (as pypdfium2)


def _paths(parent: int, count_objects: Any, get_object: Any, level: int = 0) -> Iterator[int]:
    """Yield the addresses of the path objects of a page or form object, in drawing order,
    descending into form XObjects (as ``PdfPage.get_objects`` with a path filter)."""
    count = count_objects(parent)
    if count < 0:
        raise pdfium.PdfiumError("Failed to get number of pageobjects.")
    object_type = _OBJECT_TYPE
    for index in range(count):
        obj = get_object(parent, index)
        if not obj:
            raise pdfium.PdfiumError("Failed to get pageobject.")
        kind = object_type(obj)
        if kind == _PATH:
            yield obj
        elif kind == _FORM and level < _MAX_DEPTH - 1:
            yield from _paths(obj, _FORM_COUNT_OBJECTS, _FORM_GET_OBJECT, level + 1)


def merge_collinear(segments: list[Segment]) -> list[Segment]:
    """Join pieces of one ruling line: ``(at, start, end)`` on the same line that touch or
    overlap become one segment.

    A page printed by a browser draws every side of every cell as its own small rectangle;
    the table's rulings are the union of those pieces. Joined, a merged cell's side and the
    sides of its neighbours connect, so the table is one group and its grid is whole.
    """
    lines: list[list[Segment]] = []
    for segment in sorted(segments):
        if lines and segment[0] - lines[-1][0][0] <= COLLINEAR:
            lines[-1].append(segment)
        else:
            lines.append([segment])
    out: list[list[float]] = []
    for line in lines:
        at = line[0][0]
        joined: list[list[float]] = []
        for _, start, end in sorted(line, key=lambda s: s[1]):
            if joined and start <= joined[-1][2] + SNAP:
                joined[-1][2] = max(joined[-1][2], end)
            else:
                joined.append([at, start, end])
        out += joined
    return [(at, start, end) for at, start, end in out]


def _straight_pieces(
    obj: Any,
    count: int,
    frame: PageFrame,
    horizontal: list[Segment],
    vertical: list[Segment],
) -> None:
    """Add the horizontal and vertical line pieces of a many-segment path (display space)."""
    m = pdfium_raw.FS_MATRIX()
    if not pdfium_raw.FPDFPageObj_GetMatrix(obj, m):
        raise pdfium.PdfiumError("Failed to get matrix of pageobject.")
    x, y = ctypes.c_float(), ctypes.c_float()
    previous: tuple[float, float] | None = None
    start: tuple[float, float] | None = None
    for index in range(count):
        segment = pdfium_raw.FPDFPath_GetPathSegment(obj, index)
        pdfium_raw.FPDFPathSegment_GetPoint(segment, x, y)
        px, py = x.value, y.value
        point = frame.point(m.a * px + m.c * py + m.e, m.b * px + m.d * py + m.f)
        kind = pdfium_raw.FPDFPathSegment_GetType(segment)
        if kind == pdfium_raw.FPDF_SEGMENT_LINETO and previous is not None:
            _add_piece(previous, point, horizontal, vertical)
        if kind == pdfium_raw.FPDF_SEGMENT_MOVETO:
            start = point
        elif pdfium_raw.FPDFPathSegment_GetClose(segment) and start is not None:
            _add_piece(point, start, horizontal, vertical)
        previous = point


def _add_piece(
    a: tuple[float, float],
    b: tuple[float, float],
    horizontal: list[Segment],
    vertical: list[Segment],
) -> None:
    (ax, ay), (bx, by) = a, b
    if abs(ay - by) <= 0.5 and abs(ax - bx) > THIN:
        horizontal.append((ay, min(ax, bx), max(ax, bx)))
    elif abs(ax - bx) <= 0.5 and abs(ay - by) > THIN:
        vertical.append((ax, min(ay, by), max(ay, by)))


def _stroked(obj: int) -> bool:
    modes = (ctypes.c_int * 2)()
    at = ctypes.addressof(modes)
    _DRAW_MODE(obj, at, at + ctypes.sizeof(ctypes.c_int))
    return bool(modes[1])


def _snap(values: list[float]) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if not out or v - out[-1] > SLIVER:
            out.append(v)
    return out


def _near(segments: list[Segment], lines: list[float]) -> list[list[tuple[float, float]]]:
    """Return for each grid line the ``(start - SNAP, end + SNAP)`` of the rulings on it."""
    ordered = sorted(segments)  # the order on a line does not matter: any of them may cover
    positions = [p for p, _, _ in ordered]
    near = []
    for at in lines:  # the candidates by bisection (a point wider), then the exact test
        lo = bisect.bisect_left(positions, at - SLIVER - 1.0)
        hi = bisect.bisect_right(positions, at + SLIVER + 1.0)
        near.append([(s - SNAP, e + SNAP) for p, s, e in ordered[lo:hi] if abs(p - at) <= SLIVER])
    return near


def _spans(near: list[tuple[float, float]], lo: float, hi: float) -> bool:
    """Return True when a ruling of ``near`` (see ``_near``) runs past the middle of lo…hi:
    the grid line has a ruling along that side of a cell."""
    return _covered(near, (lo + hi) / 2)


def _covered(near: list[tuple[float, float]], mid: float) -> bool:
    return any(s <= mid <= e for s, e in near)


def _open_at(near: list[tuple[float, float]], mids: list[float]) -> list[bool]:
    """Return for each of ``mids`` whether no ruling of ``near`` covers it (``_covered``
    negated, for a whole grid line at once: most lines are one ruling)."""
    if len(near) == 1:
        ((s, e),) = near
        return [not (s <= mid <= e) for mid in mids]
    return [not any(s <= mid <= e for s, e in near) for mid in mids]


def groups(horizontal: list[Segment], vertical: list[Segment]) -> list[tuple[list, list]]:
    """Split rulings into tables: the connected sets of crossing or touching lines."""
    parent = list(range(len(horizontal) + len(vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first = len(horizontal)
    widened = [(x, y0 - SNAP, y1 + SNAP, first + j) for j, (x, y0, y1) in enumerate(vertical)]
    for i, (y, x0, x1) in enumerate(horizontal):
        lo, hi = x0 - SNAP, x1 + SNAP
        for x, top, bottom, j in widened:
            if lo <= x <= hi and top <= y <= bottom:
                parent[find(i)] = find(j)
    groups: dict[int, tuple[list, list]] = {}
    for i, seg in enumerate(horizontal):
        groups.setdefault(find(i), ([], []))[0].append(seg)
    for j, seg in enumerate(vertical):
        groups.setdefault(find(len(horizontal) + j), ([], []))[1].append(seg)
    tables = [g for g in groups.values() if len(g[0]) >= 2 and len(g[1]) >= 2]
    loose = [g[1][0] for g in groups.values() if not g[0] and len(g[1]) == 1]
    return [(h, v + _open_sides(v, loose)) for h, v in tables]


def _open_sides(vertical: list[Segment], loose: list[Segment]) -> list[Segment]:
    """Return the loose vertical rulings that are the far side of a table's open cell.

    A browser that cuts a merged cell at a page break draws neither its top nor its bottom
    edge there: on the next page the cell's outer side touches no horizontal ruling. It is
    the table's when a ruling of the table has the same two ends (the cell's other side)."""
    return [
        seg
        for seg in loose
        if any(
            abs(seg[1] - top) <= SNAP and abs(seg[2] - bottom) <= SNAP and seg[0] != x
            for x, top, bottom in vertical
        )
    ]


@dataclass
class Grid:
    """One ruled table: its elementary lines, and for each elementary cell its merged cell."""

    xs: list[float]
    ys: list[float]
    owner: list[int]
    cells: list[tuple[int, int, Box]]  # first row band, last row band, box
    open_top: frozenset[int] = frozenset()  # cells on the top edge without a ruling there
    open_bottom: frozenset[int] = frozenset()  # cells on the bottom edge without a ruling

    def cell_at(self, x: float, y: float) -> int | None:
        c, r = bisect.bisect(self.xs, x) - 1, bisect.bisect(self.ys, y) - 1
        if 0 <= c < len(self.xs) - 1 and 0 <= r < len(self.ys) - 1:
            return self.owner[r * (len(self.xs) - 1) + c]
        return None


def build_grid(horizontal: list[Segment], vertical: list[Segment]) -> Grid:
    """Join elementary cells that no ruling separates: merged cells come out once."""
    # the outer edges are where the rulings end, also when a table has no outer border
    xs = _snap(
        [x for x, _, _ in vertical] + [min(h[1] for h in horizontal), max(h[2] for h in horizontal)]
    )
    ys = _snap(
        [y for y, _, _ in horizontal] + [min(v[1] for v in vertical), max(v[2] for v in vertical)]
    )
    cols, rows = len(xs) - 1, len(ys) - 1
    parent = list(range(cols * rows))
    on_x, on_y = _near(vertical, xs), _near(horizontal, ys)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    ymids = [(ys[r] + ys[r + 1]) / 2 for r in range(rows)]
    xmids = [(xs[c] + xs[c + 1]) / 2 for c in range(cols)]
    # open[c][r]: no ruling along the right side of elementary cell (r, c); below: its bottom
    open_right = [_open_at(on_x[c + 1], ymids) for c in range(cols - 1)]
    open_below = [_open_at(on_y[r + 1], xmids) for r in range(rows - 1)]
    # only the open sides join (the order of the joins changes no cell: see below)
    for c, flags in enumerate(open_right):
        for r in compress(range(rows), flags):
            here = r * cols + c
            parent[find(here)] = find(here + 1)
    for r, flags in enumerate(open_below):
        for c in compress(range(cols), flags):
            here = r * cols + c
            parent[find(here)] = find(here + cols)
    found = [find(i) for i in range(cols * rows)]
    spans: dict[int, list[int]] = {}
    i = 0
    for r in range(rows):  # row by row: a cell's first row is where it is first met
        for c in range(cols):
            root = found[i]
            i += 1
            span = spans.get(root)
            if span is None:
                spans[root] = [r, c, r, c]
            else:
                span[1], span[2], span[3] = min(span[1], c), r, max(span[3], c)
    # merged cells in reading order; ties in the order first met, whichever cell is the root
    roots = sorted(spans, key=lambda k: (spans[k][0], spans[k][1]))
    index = {root: n for n, root in enumerate(roots)}
    cells = [
        (
            spans[k][0],
            spans[k][2],
            (xs[spans[k][1]], ys[spans[k][0]], xs[spans[k][3] + 1], ys[spans[k][2] + 1]),
        )
        for k in roots
    ]
    owner = [index[root] for root in found]
    open_top = {owner[c] for c in range(cols) if not _spans(on_y[0], xs[c], xs[c + 1])}
    open_bottom = {
        owner[(rows - 1) * cols + c] for c in range(cols) if not _spans(on_y[-1], xs[c], xs[c + 1])
    }
    return Grid(xs, ys, owner, cells, frozenset(open_top), frozenset(open_bottom))


_CY = itemgetter(6)  # Char.cy
_X0 = itemgetter(1)  # Char.x0
_X0_CY = itemgetter(1, 6)
_TOP = itemgetter(2)  # Char.top
_BOTTOM = itemgetter(4)  # Char.bottom


def cluster_lines(chars: list[Char]) -> list[list[Char]]:
    """Group chars into printed lines (top to bottom), each sorted left to right.

    A char joins the line whose running centre is within half a glyph height of its own,
    so raised punctuation (quotes, brackets) stays on its line.
    """
    if len(chars) < 2:
        return [list(chars)] if chars else []
    centres = list(map(_CY, chars))
    spread = max(centres) - min(centres)
    # every centre within the tolerance of any running mean of them: one line, sorted by x0
    # with ties in the order of cy (as the two stable sorts below); the tolerance is 1 or more
    if spread <= 1.0:
        return [sorted(chars, key=_X0_CY)]
    heights = sorted(map(sub, map(_BOTTOM, chars), map(_TOP, chars)))
    tolerance = max(heights[len(heights) // 2] * 0.5, 1.0)
    if spread <= tolerance:
        return [sorted(chars, key=_X0_CY)]
    ordered = sorted(chars, key=_CY)
    members = [ordered[0]]
    lines = [members]
    centre = ordered[0].cy
    count = 1
    below = -tolerance
    for ch in ordered[1:]:
        cy = ch.cy
        if below <= cy - centre <= tolerance:
            members.append(ch)
            count += 1
            centre = centre + (cy - centre) / count
        else:
            members = [ch]
            count = 1
            centre = cy
            lines.append(members)
    return [sorted(members, key=_X0) if len(members) > 1 else members for members in lines]


def text_of(chars: list[Char]) -> str:
    """Return the text of chars in reading order: by line, then left to right."""
    if len(chars) < 2:
        return chars[0].text if chars else ""
    return "".join([c.text for line in cluster_lines(chars) for c in line])


def table_lines(
    page: int, grid: Grid, chars: list[Char], across: list[tuple[Char, Box]] | None = None
) -> list[PdfLine]:
    """Return the rows of one ruled table, each cell with the text of the chars inside it.

    With ``across``, add to it each digit drawn over a ruling into another cell (see
    ACROSS_SHARE), with the box of the cell it was put in: a character goes whole to the
    cell of its centre, so a value pushed over its border ("4|25") would join the next one."""
    check = across is not None
    noted = across if across is not None else []
    inside: dict[int, list[Char]] = {}
    xs, ys, owner = grid.xs, grid.ys, grid.owner
    cols, rows_ = len(xs) - 1, len(ys) - 1
    bisect_right = bisect.bisect_right
    # the elementary cell of the char before: a cell's chars mostly come one after another
    left, right, top, bottom = 1.0, 0.0, 1.0, 0.0
    members: list[Char] = []
    for ch in chars:  # grid.cell_at, spelt out
        x = _anchor_x(ch) if ch.text in _CLOSING else ch.cx
        y = ch.cy
        if left <= x < right and top <= y < bottom:
            members.append(ch)
            if check and (ch[1] < left or ch[3] > right):  # x0, x1: over its column's edge
                _note_across(grid, ch, x, y, noted)
            continue
        c = bisect_right(xs, x) - 1
        r = bisect_right(ys, y) - 1
        if 0 <= c < cols and 0 <= r < rows_:
            cell = owner[r * cols + c]
            found = inside.get(cell)
            if found is None:
                members = inside[cell] = [ch]
            else:
                members = found
                members.append(ch)
            left, right, top, bottom = xs[c], xs[c + 1], ys[r], ys[r + 1]
            if check and (ch[1] < left or ch[3] > right):
                _note_across(grid, ch, x, y, noted)
    rows: dict[int, list[tuple[int, SourceCell]]] = {}
    round_x = {x: round(x, 1) for x in xs}
    round_y = {y: round(y, 1) for y in ys}
    for n, (first, last, box) in enumerate(grid.cells):
        held = inside.get(n)
        text = text_of(held) if held else ""
        if not text and last > first:
            continue  # a merged label cell continued from the previous page
        x0, y0, x1, y1 = box
        bbox = (round_x[x0], round_y[y0], round_x[x1], round_y[y1])
        rows.setdefault(first, []).append((n, page_cell(text, page, bbox)))
    open_top, open_bottom = grid.open_top, grid.open_bottom
    lines = [
        PdfLine(
            page,
            grid.ys[r],
            SourceLine([cell for _, cell in cells], in_table=True),
            open_top=_open_indexes(cells, open_top) if open_top else open_top,
            open_bottom=_open_indexes(cells, open_bottom) if open_bottom else open_bottom,
            ruled=True,
        )
        for r, cells in sorted(rows.items())
        if any(c.text for _, c in cells)
    ]
    if lines:
        lines[0].grid_start = True
    return lines


DIGITS = frozenset("0123456789")
ACROSS_SHARE = 0.1
"""How much of a digit's box past the ruling between two cells makes the reading doubtful.
Cells are padded (LibreOffice 2.8 points, Word 5.4), so a digit of its own cell never
reaches its border; a value pushed over it (by tabs) stood 24 % of its width over one, with
its centre in the next cell, in LibreOffice's PDF of such a table."""


def _note_across(grid: Grid, ch: Char, x: float, y: float, across: list[tuple[Char, Box]]) -> None:
    """Add ``ch`` and its cell's box to ``across`` when it is a digit over a ruling."""
    c = bisect.bisect_right(grid.xs, x) - 1
    r = bisect.bisect_right(grid.ys, y) - 1
    if _digit_across(grid, ch, c, r):
        across.append((ch, grid.cells[grid.owner[r * (len(grid.xs) - 1) + c]][2]))


def _digit_across(grid: Grid, ch: Char, c: int, r: int) -> bool:
    """Return True when the digit ``ch``, put in column ``c`` of row band ``r``, reaches over
    a ruling into another cell by more than ACROSS_SHARE of its width."""
    if ch.text not in DIGITS:
        return False
    xs, owner, cols = grid.xs, grid.owner, len(grid.xs) - 1
    reach = ACROSS_SHARE * (ch.x1 - ch.x0)
    here = owner[r * cols + c]
    if c > 0 and xs[c] - ch.x0 > reach and owner[r * cols + c - 1] != here:
        return True
    return c + 1 < cols and ch.x1 - xs[c + 1] > reach and owner[r * cols + c + 1] != here


def _open_indexes(
    cells: list[tuple[int, SourceCell]], grid_cells: frozenset[int]
) -> frozenset[int]:
    """Return the positions in a row of the cells that are among ``grid_cells``."""
    return frozenset(i for i, (n, _) in enumerate(cells) if n in grid_cells)


_CLOSING = frozenset("）)」』】〕》〉，,。、；：！？")
"""Punctuation a browser keeps at the end of a line even past a narrow cell's edge."""


def _anchor_x(ch: Char) -> float:
    """Return the x that decides a char's cell: its centre, or for closing punctuation
    (whose full-width box spills into the next cell when it hangs) a point near its start."""
    if ch.text in _CLOSING:
        return min(ch.cx, ch.x0 + 0.25 * (ch.x1 - ch.x0))
    return ch.cx
