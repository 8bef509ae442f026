"""The 勾稽 relations of ``cells.RELATIONS``, indexed once at import for fast evaluation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from xxgk.model.cells import (
    CELL_BY_KEY,
    FORMAT_2019,
    LEGACY_ABSENT_REQUEST_ROWS,
    RELATIONS,
    REQUEST_COLUMNS,
    REQUEST_ROW_BY_KEY,
    REVIEW_GROUPS,
    Relation,
    request_key,
)
from xxgk.model.report import Report

_COLUMN_LABEL = {c.key: c.label for c in REQUEST_COLUMNS}
_GROUP_LABEL = {g.key: g.label for g in REVIEW_GROUPS}

ABSENT_IN_FORMAT: dict[str, frozenset[str]] = {
    FORMAT_2019: frozenset(
        request_key(row, col.key) for row in LEGACY_ABSENT_REQUEST_ROWS for col in REQUEST_COLUMNS
    ),
}
"""Cells a format does not print: they count as 0 in its relations (the old （六） is one row)."""


@dataclass(frozen=True)
class Broken:
    """A relation that does not hold: ``expected`` is the sum of the parts, ``actual`` the
    printed total side."""

    relation: Relation
    expected: Any
    actual: Any

    @property
    def cells(self) -> tuple[str, ...]:
        return self.relation.total + self.relation.parts


def _params(relation: Relation) -> dict[str, str]:
    cell = CELL_BY_KEY[relation.total[0]]
    if cell.table == "review_litigation":
        return {"group": _GROUP_LABEL[cell.row]}
    return {"row": REQUEST_ROW_BY_KEY[cell.row].printed, "col": _COLUMN_LABEL[cell.column]}


BY_CODE: dict[str, tuple[Relation, ...]] = {}
for _relation in RELATIONS:
    BY_CODE[_relation.code] = (*BY_CODE.get(_relation.code, ()), _relation)
PARAMS: dict[Relation, dict[str, str]] = {r: _params(r) for r in RELATIONS}

Summer = Callable[[dict[str, Any]], Any]


def _summer(keys: tuple[str, ...]) -> Summer:
    """Return a function giving the sum of the values at ``keys``, raising TypeError for a
    None and KeyError for a key the values lack. The values are fetched by one
    ``itemgetter`` (in C): a third cheaper than a ``get`` per key, for every relation of
    every report checked."""
    if len(keys) == 1:
        (key,) = keys
        return lambda values: 0 + values[key]  # what sum() of one value is
    pick = itemgetter(*keys)
    return lambda values: sum(pick(values))


_SUMMED: dict[str, tuple[tuple[Relation, Summer, Summer], ...]] = {
    code: tuple((r, _summer(r.total), _summer(r.parts)) for r in relations)
    for code, relations in BY_CODE.items()
}


def broken(report: Report, code: str) -> list[Broken]:
    """Return the relations of ``code`` whose cells are all known and that do not hold.

    A relation with an unknown cell is not evaluated (the parser reported the missing cell and
    ``value-missing`` summarises it), except cells the report's format does not print.
    """
    values = report.values
    out = []
    for relation, total_of, parts_of in _SUMMED[code]:
        try:  # the common case: every cell known
            total = total_of(values)
            parts = parts_of(values)
        except (TypeError, KeyError):  # a None or a missing cell: summed one by one
            absent = ABSENT_IN_FORMAT.get(report.format, frozenset())
            total = _sum(values, relation.total, absent)
            parts = _sum(values, relation.parts, absent)
            if total is None or parts is None:
                continue
        if total != parts:
            out.append(Broken(relation, parts, total))
    return out


def _sum(values: dict[str, Any], keys: tuple[str, ...], absent: frozenset[str]) -> Any:
    """Return the sum of the values at ``keys``, a value of an ``absent`` cell counting 0
    when it is None; None when another value is None or missing."""
    total = 0
    for key in keys:
        value = values.get(key)
        if value is None:
            if key in absent:
                continue
            return None
        total += value
    return total
