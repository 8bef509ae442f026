"""Table lines to a token stream, and the stream to labelled regions.

Whatever the layout (a row per line, a cell per line, a grid from HTML), a table body is a
stream of tokens: labels, numbers, placeholders and empties. A row's values are the value
tokens between its label and the next label. Inside that region, leading and trailing
empties are structure (merged cells, row terminators); interior empties are blank cells.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import chain, compress, count, repeat
from operator import attrgetter, is_
from typing import Any

from xxgk.findings import Location
from xxgk.parse.document import SourceLine
from xxgk.parse.labels import normalise
from xxgk.parse.values import as_count, read_cell, split_label_numbers
from xxgk.recall import MISSING, Recall


@dataclass(slots=True)
class Token:
    """One cell (or one number of a space-separated run) of a table, with its place."""

    kind: str  # text | number | placeholder | empty | invalid
    text: str
    location: Location
    line: int
    cell: int = 0
    value: Decimal | None = None
    count: int | None = None  # ``value`` as a whole count (``as_count``), worked out once
    shape: str | int = field(default="", repr=False, compare=False)
    """What the token adds to its table's shape (``tokens_to_regions``): the text of a text
    token, the code of a value kind (``_KIND_CODES``) otherwise; set when the token is made."""

    @property
    def is_value(self) -> bool:
        return self.kind != "text"

    @property
    def norm(self) -> str:
        return normalise(self.text)


def table_tokens(
    lines: Sequence[SourceLine], indexes: Sequence[int]
) -> tuple[list[Token], tuple[int, ...] | None]:
    """Return the tokens of the lines ``indexes`` of ``lines`` in reading order, and the
    shape of those tokens as one number per line (``LineTokens.shape``) when every line is
    shared, else None.

    Two stretches of lines with the same numbers have tokens of the same shapes, lines and
    cells, in the same order (see ``LineTokens``): the table plans (``parse.table_plans``)
    key a table by them instead of by four attributes of every token.
    """
    if isinstance(indexes, range) and indexes.step == 1:  # a section: a slice, made in C
        chosen = list(lines[indexes.start : indexes.stop])
    else:
        chosen = [lines[i] for i in indexes]
    memos = list(map(_MEMO_OF, chosen))
    if None in memos:  # a reader that does not share its lines: each line worked out here
        return list(chain.from_iterable(map(line_tokens, chosen, indexes))), None
    # shared lines (see SourceLine.memo) keep their tokens per index: collected at C speed
    found: list[Any] = list(map(dict.get, memos, indexes))  # None: not seen at this index
    for k in compress(count(), map(is_, found, repeat(None))):  # lines new at this index
        index = indexes[k]
        found[k] = memos[k][index] = LineTokens(line_tokens(chosen[k], index))
    return list(chain.from_iterable(found)), tuple(map(_LINE_SHAPE_OF, found))


class LineTokens(list[Any]):
    """The tokens of a shared line at one index, with ``shape``: a number that stands for
    their shapes, lines and cells (equal numbers, equal tuples; see ``_shape_number``)."""

    __slots__ = ("shape",)

    def __init__(self, tokens: list[Token]) -> None:
        super().__init__(tokens)
        self.shape = _shape_number(
            (
                tuple([t.shape for t in tokens]),
                tuple([t.line for t in tokens]),
                tuple([t.cell for t in tokens]),
            )
        )


def _shape_number(key: tuple[Any, ...]) -> int:
    """Return the number of ``key``: the same number for equal keys while it is remembered,
    and never a number given to another key (numbers come from one counter, so a key
    forgotten and seen again gets a new number: a table plan is then missed, never wrong)."""
    number = _SHAPE_NUMBERS.lookup(key)
    if number is MISSING:
        number = _SHAPE_NUMBERS.keep(key, next(_NEXT_SHAPE_NUMBER))
    return number


_SHAPE_NUMBERS: Recall[tuple[Any, ...], int] = Recall(8_000)
_NEXT_SHAPE_NUMBER = count()
_LINE_SHAPE_OF = attrgetter("shape")


_MEMO_OF = attrgetter("memo")


def line_tokens(line: SourceLine, index: int) -> list[Token]:
    """Return the tokens of ``line``, the line at ``index`` of its document.

    Tokens are never changed once made, so the tokens of a shared line are shared too.
    """
    tokens: list[Token] = []
    append = tokens.append
    plans = _PLANS
    for position, cell in enumerate(line.cells):
        text = cell.text
        plan = plans.get(text)
        if plan is None:
            plan = plans.recall(text)
            if plan is MISSING:
                plan = _plan(text)
        if plan.__class__ is tuple:  # one value or one label: the usual cell
            kind, value, count = plan
            shape = text if kind == "text" else _KIND_CODES[kind]
            append(Token(kind, text, cell.location, index, position, value, count, shape))
        else:
            tokens.extend(_split_tokens(plan, cell.location, index, position))  # type: ignore[arg-type]
    return tokens


Part = tuple[str, str, int, Decimal | None]
_KIND_CODES = {"number": 0, "placeholder": 1, "empty": 2, "invalid": 3}
"""Value kinds in a shape key (ints: never equal to a text token's text)."""
# Cell texts repeat across reports; what a text reads as is worked out once: (kind, value,
# whole count) when the cell is a single token (a value, or a label without trailing
# numbers), else the list of parts (kind, text, column offset, value) of a label followed by
# numbers.
_PLANS: Recall[str, tuple[str, Decimal | None, int | None] | list[Part]] = Recall(8_000)


def _plan(text: str) -> tuple[str, Decimal | None, int | None] | list[Part]:
    parts = _cell_plan(text)
    if parts is None:
        cell = read_cell(text)
        plan: tuple[str, Decimal | None, int | None] | list[Part] = (
            cell.kind,
            cell.value,
            _count(cell.kind, cell.value),
        )
    else:
        plan = list(parts)
    return _PLANS.keep(text, plan)


def _count(kind: str, value: Decimal | None) -> int | None:
    """Return the whole count a number stands for (``as_count``), else None."""
    if kind != "number" or value is None:
        return None
    return as_count(value)


def _cell_plan(text: str) -> tuple[tuple[str, str, int, Decimal | None], ...] | None:
    """Return the (kind, text, column offset, value) parts of a label followed by numbers."""
    if read_cell(text).kind != "text":
        return None
    split = split_label_numbers(text)
    if split is None:
        return None
    label, numbers = split
    parts: list[tuple[str, str, int, Decimal | None]] = []
    if label:
        parts.append(("text", label, -1, None))
    offset = len(label)
    for number in numbers:
        offset = text.index(number, offset)
        part = read_cell(number)
        parts.append((part.kind, number, offset, part.value))
        offset += len(number)
    return tuple(parts)


def _split_tokens(plan: list[Part], loc: Location, line: int, position: int) -> list[Token]:
    tokens = []
    for kind, text, offset, value in plan:
        if offset < 0:  # the label keeps the cell's own location
            shape = text if kind == "text" else _KIND_CODES[kind]
            tokens.append(Token(kind, text, loc, line, position, value, _count(kind, value), shape))
            continue
        where = Location(
            line=loc.line,
            column=None if loc.column is None else loc.column + offset,
            page=loc.page,
            table=loc.table,
            row=loc.row,
            cell=loc.cell,
            sheet=loc.sheet,
            text=text,
            confidence=loc.confidence,
        )
        shape = text if kind == "text" else _KIND_CODES[kind]
        tokens.append(Token(kind, text, where, line, position, value, _count(kind, value), shape))
    return tokens


@dataclass(slots=True)
class Region:
    """A label (one or more joined text tokens) and the value tokens that follow it."""

    label: list[Token]
    meaning: Any = None  # a Meaning of the table's classifier, or a plain word
    values: list[Token] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "".join(t.text for t in self.label)

    @property
    def location(self) -> Location:
        return self.label[0].location if self.label else self.values[0].location

    def cells_for(self, expected: int) -> list[Token]:
        """Return the row's value cells, positionally when the row is one printed line.

        A grid row (or a text row) printing exactly ``expected`` cells after its label on the
        label's own line has no structural empties: a blank first or last value stays in
        its column. Otherwise empties at either end are structure (see ``cells``).
        """
        if self.label:
            line = self.label[-1].line
            same = []
            for token in self.values:
                if token.line == line:
                    same.append(token)
                elif token.kind != "empty":  # a value on another line: not a grid row
                    return self.cells()
            if len(same) == expected:
                return same
        return self.cells()

    def cells(self) -> list[Token]:
        """Return the value tokens without leading and trailing empties (structure)."""
        vals = self.values
        start, end = 0, len(vals)
        while start < end and vals[start].kind == "empty":
            start += 1
        while end > start and vals[end - 1].kind == "empty":
            end -= 1
        return vals[start:end]


Classifier = Callable[[list[Token], int], tuple[object, int]]


def tokens_to_regions(
    tokens: list[Token], classify: Classifier, memo: Hashable | None = None
) -> list[Region]:
    """Group ``tokens`` into regions; ``classify(tokens, i)`` says what a text token means.

    ``classify`` returns ``(meaning, consumed)``: how many text tokens from ``i`` form the
    label (joined fragments), and a meaning object; the meaning ``"aside"`` leaves the
    tokens out (the current region goes on past them), the meaning ``"tail"`` appends the
    tokens to the previous region's label instead of starting a new region.

    ``memo`` names the classifier (a fresh classifier of the same table and settings for
    every call). A classifier reads only the texts of text tokens and the kinds of value
    tokens, so the grouping is the same for every table that prints the same labels with
    the same kinds of values in the same places: reports of one template differ only in
    their numbers. With ``memo`` the grouping is worked out once per such shape (``_SHAPES``)
    and replayed on the tokens of the next report.
    """
    if memo is None:
        return _group(tokens, classify)[0]
    shape = (memo, tuple(map(_SHAPE_OF, tokens)))
    plan = _SHAPES.lookup(shape)
    if plan is MISSING:
        regions, plan = _group(tokens, classify)
        _SHAPES.keep(shape, plan)
        return regions
    return [_replay(tokens, step) for step in plan]


Plan = tuple[tuple[Any, tuple[int, ...], tuple[tuple[int, int], ...]], ...]
"""How a table's tokens group into regions: per region its meaning, the indexes of its
label tokens and the (start, end) spans of its value tokens."""
_SHAPE_OF = attrgetter("shape")
_SHAPES: Recall[tuple[Hashable, tuple[str | int, ...]], Plan] = Recall(500)


def _replay(
    tokens: list[Token], step: tuple[Any, tuple[int, ...], tuple[tuple[int, int], ...]]
) -> Region:
    meaning, label, spans = step
    if len(spans) == 1:
        start, end = spans[0]
        values = tokens[start:end]
    else:
        values = []
        for start, end in spans:
            values.extend(tokens[start:end])
    if len(label) == 1:  # the usual label: one token
        return Region([tokens[label[0]]], meaning, values)
    return Region([tokens[k] for k in label], meaning, values)


def _group(tokens: list[Token], classify: Classifier) -> tuple[list[Region], Plan]:
    """Return the regions of ``tokens`` and the plan that rebuilds them (see ``_SHAPES``)."""
    region = Region([])
    regions: list[Region] = [region]
    values = region.values
    labels: list[list[int]] = [[]]
    spans: list[list[tuple[int, int]]] = [[]]
    i = 0
    count = len(tokens)
    while i < count:
        token = tokens[i]
        if token.kind != "text":
            start = i
            while i < count and tokens[i].kind != "text":
                i += 1
            values.extend(tokens[start:i])
            spans[-1].append((start, i))
            continue
        meaning, consumed = classify(tokens, i)
        if consumed < 1:
            consumed = 1
        label = tokens[i : i + consumed]
        if meaning.__class__ is str and meaning == "tail":  # no dataclass __eq__ per label
            region.label.extend(label)
            labels[-1].extend(range(i, i + consumed))
        elif meaning.__class__ is str and meaning == "aside":
            pass  # print beside the rows (a vertical group label): the region goes on
        else:
            region = Region(label, meaning)
            values = region.values
            regions.append(region)
            labels.append(list(range(i, i + consumed)))
            spans.append([])
        i += consumed
    plan = tuple(
        (r.meaning, tuple(label), tuple(span) or ((0, 0),))
        for r, label, span in zip(regions, labels, spans, strict=True)
    )
    return regions, plan
