"""Table 四 (行政复议、行政诉讼情况): three groups of five columns, 15 numbers.

Usually printed as a two- or three-row header and one row of 15 numbers; some copies print
one row per group (``行政复议 0 3 0 0 3``). Both are read: a group label followed by numbers
is a row of that group, otherwise the numbers after the header are taken in printed order.
"""

from __future__ import annotations

from functools import lru_cache

from xxgk import parse_findings as fk
from xxgk.model import cells
from xxgk.model.report import Value
from xxgk.parse.assign import Check, Sink, assign_row, total_check
from xxgk.parse.labels import REVIEW_LABELS
from xxgk.parse.table_common import (
    Meaning,
    RowClassifier,
    TableResult,
    report_unmatched,
    table_name,
    used_lines,
)
from xxgk.parse.tokens import Region, Token, tokens_to_regions

TABLE = table_name("review_litigation")
GROUPS = tuple(g.key for g in cells.REVIEW_GROUPS)
COLUMNS = tuple(c.key for c in cells.REVIEW_COLUMNS)


@lru_cache(maxsize=16)
def group_name(key: str) -> str:
    label = next(g.label for g in cells.REVIEW_GROUPS if g.key == key)
    return f"表四“{label}”"


def parse_review(tokens: list[Token], sink: Sink) -> TableResult:
    """Read Table 四 from its tokens into ``sink.report``."""
    classifier = RowClassifier(REVIEW_LABELS, (), row_roles=())
    regions = tokens_to_regions(tokens, classifier, memo="review")
    labelled = [r for r in regions if isinstance(r.meaning, Meaning)]
    values = [t for r in regions for t in r.values if t.kind != "empty"]
    if not labelled and not values:
        return TableResult(False, regions=regions)
    columns = _column_order(labelled, sink)
    group_rows = {
        r.meaning.key: r
        for r in labelled
        if r.meaning.role == "group" and any(t.kind != "empty" for t in r.values)
    }
    if group_rows:
        _read_rows(group_rows, columns, sink)
    else:
        _read_stream(regions, columns, sink)
    report_unmatched(sink, regions, TABLE)
    return TableResult(True, used_lines(regions), regions)


def _keys(group: str, columns: list[str]) -> list[str]:
    return list(_group_keys(group, tuple(columns)))


@lru_cache(maxsize=64)
def _group_keys(group: str, columns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(cells.review_key(group, c) for c in columns)


@lru_cache(maxsize=16)
def _check(group: str) -> Check:
    return total_check(
        cells.review_key(group, "total"), [cells.review_key(group, c) for c in cells.REVIEW_PARTS]
    )


def _read_rows(rows: dict[str, Region], columns: list[str], sink: Sink) -> None:
    for group in GROUPS:
        region = rows.get(group)
        keys = _keys(group, columns)
        if region is None:
            sink.add(fk.CELL_MISSING, None, keys, row=group_name(group), detail="")
            continue
        assign_row(sink, group_name(group), keys, region.cells_for(len(keys)), check=_check(group))


def _one_line(tokens: list[Token], count: int) -> list[Token] | None:
    """Return the cells of the only line holding values when it prints exactly ``count``."""
    lines = {t.line for t in tokens if t.kind != "empty"}
    if len(lines) != 1:
        return None
    same = [t for t in tokens if t.line in lines]
    return same if len(same) == count else None


def _read_stream(regions: list[Region], columns: list[str], sink: Sink) -> None:
    tokens = [t for r in regions for t in r.values]
    groups = _group_order(regions, sink)
    keys = [k for g in groups for k in _keys(g, columns)]
    row = _one_line(tokens, len(keys))  # a grid row of 15 cells: blanks stay in place
    if row is None:
        row = Region([], values=tokens).cells()
    checks = [_check(g) for g in groups]

    def check(values: dict[str, Value]) -> bool:
        return all(c(values) for c in checks)

    assign_row(sink, TABLE, keys, row, check=check)


def _column_order(labelled: list[Region], sink: Sink) -> list[str]:
    order = list(dict.fromkeys(r.meaning.key for r in labelled if r.meaning.role == "column"))
    if len(order) == len(COLUMNS):
        return order
    sink.add(fk.HEADER_MISSING, None, table=TABLE)
    return list(COLUMNS)


def _group_order(regions: list[Region], sink: Sink) -> tuple[str, ...]:
    """Return the three groups in the order the header prints them over the 15 numbers.

    Some tables print 复议后起诉 before 未经复议直接起诉: read in the template's order, ten
    numbers would change places without a single 勾稽 error (each group adds up on its
    own). The two 行政诉讼 groups are placed by their cells on one line, or by the order of
    their lines; 行政复议 (two header rows high, often printed on a line of its own) stays
    first unless it shares their line. Anything else keeps the template's order.
    """
    first: dict[str, Token] = {}
    for region in regions:
        meaning = region.meaning
        if isinstance(meaning, Meaning) and meaning.role == "group" and region.label:
            first.setdefault(meaning.key, region.label[0])
    if len(first) != len(GROUPS):
        return GROUPS
    review, direct, after = (first[g] for g in GROUPS)
    litigation = sorted(GROUPS[1:], key=lambda g: (first[g].line, first[g].cell))
    if direct.line == after.line == review.line:
        order = tuple(sorted(GROUPS, key=lambda g: first[g].cell))
    else:
        order = (GROUPS[0], *litigation)
    if order != GROUPS:
        labels = {g.key: g.label for g in cells.REVIEW_GROUPS}
        where = first[order[0]].location
        sink.add(
            fk.COLUMNS_REORDERED, where, table=TABLE, order="、".join(labels[g] for g in order)
        )
    return order
