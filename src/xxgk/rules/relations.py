"""The 勾稽 relations of ``cells.RELATIONS``, indexed once at import for fast evaluation."""

from __future__ import annotations

from dataclasses import dataclass
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


def broken(report: Report, code: str) -> list[Broken]:
    """Return the relations of ``code`` whose cells are all known and that do not hold.

    A relation with an unknown cell is not evaluated (the parser reported the missing cell and
    ``value-missing`` summarises it), except cells the report's format does not print.
    """
    get = report.values.get
    absent = ABSENT_IN_FORMAT.get(report.format, frozenset())
    out = []
    for relation in BY_CODE[code]:
        try:  # the common case: every cell known
            total = sum(map(get, relation.total))  # type: ignore[arg-type]  # None: TypeError
            parts = sum(map(get, relation.parts))  # type: ignore[arg-type]
        except TypeError:
            total = _sum(report.values, relation.total, absent)
            parts = _sum(report.values, relation.parts, absent)
            if total is None or parts is None:
                continue
        if total != parts:
            out.append(Broken(relation, parts, total))
    return out


def _sum(values: dict[str, Any], keys: tuple[str, ...], absent: frozenset[str]) -> Any:
    total = 0
    for key in keys:
        value = values.get(key)
        if value is None:
            if key in absent:
                continue
            return None
        total += value
    return total
