"""Reading a table again the way a report of the same template was read.

Reports of one template print the same labels, in the same places, with the same kinds of
values: they differ only in their numbers. Where a table was read without a single doubt
(no finding, every value a plain number written from its own token), what the table
parser did depends only on the table's *shape* (the texts of its labels, the kinds of its
values and the lines and cells they stand on), not on the numbers. So the parse is kept as
a plan, "cell key ← token number", and the next table of the same shape is read by
following the plan: the tokens' numbers go straight into their cells, at C speed, instead
of classifying labels, ordering columns and assigning rows again.

A plan is only followed when every token it reads still holds a plain number (a count where
a count was read, a number where an amount was); anything else (a blank, a fraction in a
count cell, a placeholder) reads the table the full way, with its findings. Tables read
with a finding, with rows left to the decoder (digits run together), with legacy (2019)
cells or from flattened text are never kept as plans: their reading depends on the values.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from operator import attrgetter, itemgetter
from typing import Any

from xxgk.model.report import Report, Value
from xxgk.parse.assign import Sink
from xxgk.parse.table_common import TableResult
from xxgk.parse.tokens import Region, Token
from xxgk.parse.values import as_amount
from xxgk.recall import MISSING, Recall

TableParser = Callable[[list[Token], Sink], TableResult]


@dataclass(frozen=True, slots=True)
class TablePlan:
    """How a table of one shape was read: which token each cell took, and the result."""

    count_keys: tuple[str, ...]
    count_tokens: Callable[[list[Token]], Any]  # itemgetter of the tokens, in key order
    amount_cells: tuple[tuple[str, int], ...]
    lines: frozenset[int]
    extra: tuple[tuple[str, Any], ...]


_COUNT_OF = attrgetter("count")
_LOCATION_OF = attrgetter("location")
_SHAPE_OF = attrgetter("shape")
_LINE_OF = attrgetter("line")
_CELL_OF = attrgetter("cell")
_PLANS: Recall[tuple[Any, ...], TablePlan | None] = Recall(500)
"""Plans by table shape; None for a shape whose reading depends on its values."""


def read_table(
    name: Any,
    tokens: list[Token],
    sink: Sink,
    parse: TableParser,
    line_shapes: tuple[int, ...] | None = None,
) -> TableResult:
    """Return ``parse(tokens, sink)``, following the plan of an earlier table of the same
    shape when there is one (see the module's docstring). ``name`` says which table and
    parser settings ``parse`` stands for; ``line_shapes`` is the tokens' shape, a number a
    line, when the reader shares its lines (``tokens.table_tokens``)."""
    if sink.glued_lines or not tokens:  # flattened text: the decoder reads by the values
        return parse(tokens, sink)
    shape: tuple[Any, ...]
    if line_shapes is not None:
        shape = (name, line_shapes)
    else:
        shape = (
            name,
            tuple(map(_SHAPE_OF, tokens)),
            tuple(map(_LINE_OF, tokens)),
            tuple(map(_CELL_OF, tokens)),
        )
    plan = _PLANS.lookup(shape)
    if plan is not MISSING:
        if plan is not None and _follow(plan, tokens, sink):
            again = partial(_regions_again, parse, tokens)
            return TableResult(True, set(plan.lines), extra=dict(plan.extra), rebuild=again)
        return parse(tokens, sink)
    before = (len(sink.findings), len(sink.pending), len(sink.report.legacy))
    values_before = dict(sink.report.values)
    placed_before = set(sink.report.provenance)
    result = parse(tokens, sink)
    after = (len(sink.findings), len(sink.pending), len(sink.report.legacy))
    kept = None
    if result.found and before == after and not any(result.extra.values()):
        kept = _plan_of(tokens, sink, values_before, placed_before, result)
    _PLANS.keep(shape, kept)
    return result


def _follow(plan: TablePlan, tokens: list[Token], sink: Sink) -> bool:
    """Write the cells of ``plan`` from ``tokens``; False (nothing written) when a token
    does not hold what the plan needs."""
    chosen = plan.count_tokens(tokens)
    if len(plan.count_keys) == 1:
        chosen = (chosen,)
    counts = list(map(_COUNT_OF, chosen))
    if None in counts:
        return False
    amounts: list[tuple[str, Value, Token]] = []
    for key, index in plan.amount_cells:
        token = tokens[index]
        if token.kind != "number" or token.value is None:
            return False
        amounts.append((key, as_amount(token.value), token))
    report = sink.report
    report.values.update(zip(plan.count_keys, counts, strict=True))
    report.provenance.update(zip(plan.count_keys, map(_LOCATION_OF, chosen), strict=True))
    for key, value, token in amounts:
        report.values[key] = value
        report.provenance[key] = token.location
    return True


def _plan_of(
    tokens: list[Token],
    sink: Sink,
    values_before: dict[str, Value],
    placed_before: set[str],
    result: TableResult,
) -> TablePlan | None:
    """Return the plan of a table just read without a doubt, or None when some cell was
    not written from its own token as a plain number."""
    by_location: dict[int, int] = {}
    for index, token in enumerate(tokens):
        if token.kind != "text":
            if id(token.location) in by_location:
                return None  # two values at one place: the plan could not tell them apart
            by_location[id(token.location)] = index
    report = sink.report
    written = report.provenance.keys() - placed_before
    changed = {k for k, v in report.values.items() if v is not values_before.get(k, MISSING)}
    if not changed <= written:
        return None  # a value written without its place: not from a token
    count_cells: list[tuple[str, int]] = []
    amount_cells: list[tuple[str, int]] = []
    for key in written:
        place = by_location.get(id(report.provenance[key]))
        if place is None:
            return None
        token, value = tokens[place], report.values[key]
        if token.kind != "number" or token.value is None or value is None:
            return None
        if token.count is not None and value == token.count and type(value) is int:
            count_cells.append((key, place))
        elif value == as_amount(token.value) and type(value) is type(as_amount(token.value)):
            amount_cells.append((key, place))
        else:
            return None
    if not count_cells:
        return None
    keys = tuple(k for k, _ in count_cells)
    return TablePlan(
        keys,
        itemgetter(*(i for _, i in count_cells)),
        tuple(amount_cells),
        frozenset(result.lines),
        tuple(result.extra.items()),
    )


def _regions_again(parse: TableParser, tokens: list[Token]) -> list[Region]:
    """Read the tokens again the full way into a scratch report, for their regions."""
    return parse(tokens, Sink(Report())).regions


def clear_plans() -> None:
    """Forget every plan (``parse.clear_caches``)."""
    _PLANS.clear()
