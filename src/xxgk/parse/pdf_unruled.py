"""Tables printed without rulings, rebuilt from the positions of their words.

Each printed line that holds numbers is a row. Label fragments wrapped above or below it are
given to the right row by the model's labels (a split that makes two known labels wins) and
otherwise by symmetry (a label centred on its numbers has as many lines above them as
below); a narrow stack of short pieces left of the labels is a vertical group label
(三、本年度办理结果 printed one or two characters a line) and becomes one cell.
"""

from __future__ import annotations

import bisect

from xxgk.findings import Location
from xxgk.parse.document import SourceCell, SourceLine
from xxgk.parse.labels import nfkc
from xxgk.parse.pdf_layout import Char, PdfLine, is_number, piece_cell, split_gaps

LABEL_GAP = 0.12
"""Gap (in glyphs) that separates two label cells of an unruled table."""


def _x(cell: SourceCell) -> tuple[float, float]:
    box = cell.location.bbox or (0.0, 0.0, 0.0, 0.0)
    return box[0], box[2]


def _is_wide(item: PdfLine, width: float) -> bool:
    x0, x1 = _x(item.line.cells[0])
    return len(item.line.cells) == 1 and x1 - x0 > 0.6 * width


def unruled_tables(lines: list[PdfLine]) -> list[PdfLine]:
    """Rebuild the rows of tables printed without rulings: each line holding numbers is a
    row; label fragments wrapped above or below it join its label; vertical group labels
    (a narrow stack of short pieces, one or two characters a line) become one cell."""
    if not any(len(ln.line.cells) > 1 for ln in lines):
        return lines
    width = max(_x(c)[1] for ln in lines for c in ln.line.cells) - min(
        _x(c)[0] for ln in lines for c in ln.line.cells
    )
    out: list[PdfLine] = []
    band: list[PdfLine] = []
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
    return nfkc(text).replace(" ", "")


_KNOWN, _KNOWN_SORTED = _known_labels()


def _is_prefix(text: str) -> bool:
    i = bisect.bisect_left(_KNOWN_SORTED, text)
    return i < len(_KNOWN_SORTED) and _KNOWN_SORTED[i].startswith(text)


def _label_text(row: PdfLine, value_x: float) -> str:
    return "".join(c.text for c in row.line.cells if not is_number(c) and _x(c)[1] <= value_x)


def _rebuild(band: list[PdfLine]) -> list[PdfLine]:
    numbers = [c for ln in band for c in ln.line.cells if is_number(c)]
    if len(numbers) < 2:
        return band
    value_x = min(_x(c)[0] for c in numbers) - 2
    band = [_split_labels(item, value_x) for item in band]
    stacks = _stacks(band, value_x)
    stacked = {id(c) for stack in stacks for c in stack}
    rows = []
    for item in band:
        cells = [c for c in item.line.cells if id(c) not in stacked]
        if cells:
            rows.append(
                PdfLine(
                    item.page,
                    item.top,
                    SourceLine(cells, len(cells) > 1),
                    item.left,
                    item.right,
                    item.glyph,
                )
            )  # pieces no longer match
    anchors = [i for i, r in enumerate(rows) if any(is_number(c) for c in r.line.cells)]
    if not anchors:
        return band
    above, below = _Fragments(rows, anchors, value_x).assign()
    out = []
    joined = {i for a in anchors for i in above[a] + below[a]}
    for i, row in enumerate(rows):
        if i in joined:
            continue
        if i in above:
            parts = [rows[k] for k in above[i]] + [row] + [rows[k] for k in below[i]]
            _join_label(
                row,
                [
                    c
                    for p in parts
                    for c in p.line.cells
                    if not is_number(c) and _x(c)[1] <= value_x
                ],
            )
        out.append(row)
    for stack in stacks:
        top = _box_top(stack[0])
        near = min((rows[a] for a in anchors), key=lambda r: abs(r.top - top))
        text = "".join(c.text for c in stack)
        near.line.cells.insert(
            0, SourceCell(text, Location(page=near.page, bbox=_union(stack), text=text))
        )
    return out


def _split_labels(item: PdfLine, value_x: float) -> PdfLine:
    """Split the label part of a line at narrow gaps too: without rulings, neighbouring label
    cells (a group label beside an item) are apart by little more than the cell padding."""
    if item.pieces is None or len(item.pieces) != len(item.line.cells):
        return item
    pieces: list[list[Char]] = []
    for piece, cell in zip(item.pieces, item.line.cells, strict=True):
        label = not is_number(cell) and _x(cell)[1] <= value_x
        pieces += split_gaps(piece, LABEL_GAP) if label else [piece]
    if len(pieces) == len(item.pieces):
        return item
    cells = [piece_cell(item.page, piece) for piece in pieces]
    return PdfLine(
        item.page, item.top, SourceLine(cells, True), item.left, item.right, item.glyph, pieces
    )


class _Fragments:
    """Decides which one-cell label fragments belong to which row (by line index)."""

    def __init__(self, rows: list[PdfLine], anchors: list[int], value_x: float) -> None:
        self.rows, self.anchors, self.value_x = rows, anchors, value_x
        self.above: dict[int, list[int]] = {a: [] for a in anchors}
        self.below: dict[int, list[int]] = {a: [] for a in anchors}

    def is_fragment(self, i: int) -> bool:
        """A line of label pieces only (a wrapped item, maybe beside a group label piece)."""
        cells = self.rows[i].line.cells
        return len(cells) <= 2 and all(not is_number(c) and _x(c)[1] <= self.value_x for c in cells)

    def assign(self) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        rows, anchors = self.rows, self.anchors
        self.above[anchors[0]] = self._lead_in()
        for n, a in enumerate(anchors):
            end = anchors[n + 1] if n + 1 < len(anchors) else len(rows)
            lead = []
            i = a + 1
            while (
                i < end
                and self.is_fragment(i)
                and rows[i].top - rows[i - 1].top < 2.6 * rows[i].glyph
            ):
                lead.append(i)
                i += 1
            if n + 1 < len(anchors) and i == end:  # only fragments between two rows
                self.below[a], self.above[end] = _split(
                    rows, a, end, lead, self.above[a], self.value_x
                )
                continue
            head = _text(rows, self.above[a]) + _label_text(rows[a], self.value_x)
            self.below[a] = lead[: _completing(head, [_text(rows, [k]) for k in lead])]
            if n + 1 < len(anchors):  # something else sits between: keep the next row's run
                trail: list[int] = []
                j = end - 1
                while j >= i and self.is_fragment(j):
                    trail.insert(0, j)
                    j -= 1
                self.above[end] = trail
        return self.above, self.below

    def _lead_in(self) -> list[int]:
        """Fragments just before the first row: its label began on the previous page."""
        first = self.anchors[0]
        run: list[int] = []
        i = first - 1
        while i >= 0 and self.is_fragment(i):
            run.insert(0, i)
            i -= 1
        own = _label_text(self.rows[first], self.value_x)
        return next(
            (
                run[k:]
                for k in range(len(run))
                if _is_prefix(_norm(_text(self.rows, run[k:]) + own))
            ),
            [],
        )


def _text(rows: list[PdfLine], indexes: list[int]) -> str:
    """Return the item text of fragment lines: the rightmost piece of each (the items'
    column; a group label piece would sit left of it)."""
    return "".join(rows[i].line.cells[-1].text for i in indexes)


def _completing(head: str, parts: list[str]) -> int:
    """Return how many of the fragments ``parts`` under a row belong to its label: as many
    as make a known label; none when the label is already known; else all (a wrap)."""
    for k in range(len(parts), 0, -1):
        if _norm(head + "".join(parts[:k])) in _KNOWN:
            return k
    return 0 if _norm(head) in _KNOWN else len(parts)


def _split(
    rows: list[PdfLine], a: int, b: int, between: list[int], taken_above: list[int], value_x: float
) -> tuple[list[int], list[int]]:
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
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _stacks(band: list[PdfLine], value_x: float) -> list[list[SourceCell]]:
    """Find vertical labels: short pieces left of the numbers, one under the other."""
    short = [
        (ln, c)
        for ln in band
        for c in ln.line.cells
        if len(c.text) <= 3 and not is_number(c) and _x(c)[1] <= value_x
    ]
    stacks: list[list[tuple[PdfLine, SourceCell]]] = []
    for line, cell in short:
        for stack in stacks:
            last_line, last = stack[-1]
            if (
                _overlap(_x(last), _x(cell))
                and last_line is not line
                and 0 < line.top - last_line.top < 1.9 * line.glyph
            ):
                stack.append((line, cell))
                break
        else:
            stacks.append([(line, cell)])
    return [
        [c for _, c in s]
        for s in stacks
        if len(s) >= 3 or (len(s) == 2 and all(_beside(ln, c) for ln, c in s))
    ]


def _beside(line: PdfLine, cell: SourceCell) -> bool:
    """Return True when something stands right of ``cell`` on its line: a piece of a group
    label cut by a page break then still sits left of the items (two pieces are a stack)."""
    return any(_x(other)[0] > _x(cell)[1] for other in line.line.cells if other is not cell)


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Return True when two x-ranges share at least half of the narrower one."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared >= 0.5 * min(a[1] - a[0], b[1] - b[0])


def _join_label(row: PdfLine, labels: list[SourceCell]) -> None:
    """Join a row's label pieces column by column (its own piece and the fragments wrapped
    above and below it), in reading order, followed by the row's other cells."""
    columns: list[list[SourceCell]] = []
    for cell in sorted(labels, key=lambda c: _x(c)[0]):
        home = next((col for col in columns if any(_overlap(_x(c), _x(cell)) for c in col)), None)
        if home is None:
            columns.append([cell])
        else:
            home.append(cell)
    if len(columns) == len(labels):
        return
    joined = []
    for col in columns:
        col.sort(key=_box_top)
        text = "".join(c.text for c in col)
        joined.append(SourceCell(text, Location(page=row.page, bbox=_union(col), text=text)))
    ids = {id(c) for c in labels}
    row.line.cells[:] = [*joined, *(c for c in row.line.cells if id(c) not in ids)]
    row.line.in_table = True
