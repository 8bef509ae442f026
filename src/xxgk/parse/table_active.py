"""Table 二 (主动公开政府信息情况): four blocks of 条例 art. 20, and the old 2019 blocks.

Each block prints its header (``第二十条第（一）项``), the column labels after ``信息内容``,
then its rows. A row expects as many numbers as its block has columns, in header order.
The 2019 trial format has other columns (本年新制作数量 …) and two more rows; its values go
to ``report.legacy`` and only the same-meaning ones (处理决定数量) to the canonical cells.
"""

from __future__ import annotations

from functools import lru_cache

from xxgk import parse_findings as fk
from xxgk.model import cells
from xxgk.parse.assign import Sink, assign_row
from xxgk.parse.labels import ACTIVE_LABELS, Entry, normalise, spellings
from xxgk.parse.table_common import (
    Meaning,
    RowClassifier,
    TableResult,
    report_fuzzy,
    report_unmatched,
    table_name,
    used_lines,
)
from xxgk.parse.tokens import Region, Token, tokens_to_regions

TABLE = table_name("active")
_ROWS_2021 = [(row, block) for block in cells.ACTIVE_BLOCKS for row in block.rows]
TARGETS_2021 = tuple(
    (Entry("row", row.key, i), normalise(label))
    for i, (row, _) in enumerate(_ROWS_2021)
    for label in spellings(row)
)
TARGETS_2019 = tuple(
    (Entry("legacy-row", row.key, i), normalise(label))
    for i, row in enumerate(cells.LEGACY_ACTIVE_ROWS)
    for label in spellings(row)
)
LEGACY_COLUMNS: dict[str, tuple[str, ...]] = {
    row.key: tuple(c.key for c in block.columns)
    for block in cells.LEGACY_ACTIVE_BLOCKS
    for row in block.rows
}
LEGACY_AMOUNTS = {k.removeprefix("active.") for k in cells.LEGACY_AMOUNT_KEYS}
SAME_MEANING = {"licensing": "decisions", "punishment": "decisions", "enforcement": "decisions"}


def parse_active(tokens: list[Token], sink: Sink, *, old_format: bool) -> TableResult:
    """Read Table 二 from its tokens into ``sink.report`` (or its legacy cells)."""
    if old_format:
        classifier = RowClassifier(ACTIVE_LABELS, TARGETS_2019, row_roles=("legacy-row",))
    else:
        classifier = RowClassifier(ACTIVE_LABELS, TARGETS_2021)
    regions = tokens_to_regions(tokens, classifier, memo=("active", old_format))
    rows = _rows_with_headers(regions, sink)
    if not rows:
        return TableResult(False, regions=regions)
    if old_format:
        _read_2019(rows, sink)
    else:
        _read_2021(rows, sink)
    report_unmatched(sink, regions, TABLE)
    return TableResult(True, used_lines(regions), regions)


def _rows_with_headers(regions: list[Region], sink: Sink) -> dict[str, tuple[Region, list[str]]]:
    """Return each row's region with the column keys its block header printed."""
    rows: dict[str, tuple[Region, list[str]]] = {}
    header: list[str] = []
    in_header = False
    for region in regions:
        meaning = region.meaning
        if not isinstance(meaning, Meaning):
            continue
        if meaning.role in ("block", "header"):
            header, in_header = ([] if meaning.role == "block" else header), True
        elif meaning.role == "column":
            header = header if in_header else []
            header.append(meaning.key)
            in_header = True
        elif meaning.role == "row":
            in_header = False
            if meaning.key in rows:
                sink.add(fk.ROW_DUPLICATE, region.location, row=row_name(meaning.key))
                continue
            rows[meaning.key] = (region, list(header))
    return rows


@lru_cache(maxsize=64)
def row_name(key: str) -> str:
    label = next((r.label for r, _ in _ROWS_2021 if r.key == key), None)
    if label is None:
        label = next(r.label for r in cells.LEGACY_ACTIVE_ROWS if r.key == key)
    return f"表二“{label}”行"


def _columns(header: list[str], default: tuple[str, ...]) -> list[str]:
    return header if sorted(header) == sorted(default) else list(default)


def _read_2021(rows: dict[str, tuple[Region, list[str]]], sink: Sink) -> None:
    for row, block in _ROWS_2021:
        default = tuple(c.key for c in block.columns)
        if row.key not in rows and row.key == "rules":
            _rules_absent(sink, _keys_2021(row.key, block.key, default)[0])
            continue
        if row.key not in rows:
            keys, _ = _keys_2021(row.key, block.key, default)
            sink.add(fk.CELL_MISSING, None, keys, row=row_name(row.key), detail="")
            continue
        region, header = rows[row.key]
        report_fuzzy(sink, region, row.label)
        keys, amounts = _keys_2021(row.key, block.key, tuple(_columns(header, default)))
        assign_row(sink, row_name(row.key), keys, region.cells_for(len(keys)), amounts=amounts)


def _rules_absent(sink: Sink, keys: list[str]) -> None:
    """A Table 二 printed without its 规章 row: the unit has no 规章 (departments and
    townships cannot make them, 立法法 art. 93), so the row is 0/0/0, said in an info."""
    for key in keys:
        sink.report.values[key] = 0
    sink.add(fk.RULES_ROW_ABSENT, None, keys)


@lru_cache(maxsize=256)
def _keys_2021(row: str, block: str, columns: tuple[str, ...]) -> tuple[list[str], frozenset[str]]:
    """The cell keys of a 2021 row in printed column order, and which of them are amounts
    (the same few headers recur in every report; the result is only read)."""
    keys = [f"active.{row}.{c}" for c in columns] if block == "documents" else [f"active.{row}"]
    return keys, frozenset(k for k in keys if cells.CELL_BY_KEY[k].kind == "amount")


def _read_2019(rows: dict[str, tuple[Region, list[str]]], sink: Sink) -> None:
    for row in cells.LEGACY_ACTIVE_ROWS:
        default = LEGACY_COLUMNS[row.key]
        if row.key not in rows:
            keys = [f"active.{row.key}.{c}" for c in default]
            sink.add(fk.CELL_MISSING, None, keys, row=row_name(row.key), detail="")
            continue
        region, header = rows[row.key]
        keys = [f"active.{row.key}.{c}" for c in _columns(header, default)]
        amounts = frozenset(k for k in keys if k.removeprefix("active.") in LEGACY_AMOUNTS)
        values = region.cells_for(len(keys))
        assign_row(sink, row_name(row.key), keys, values, amounts=amounts, legacy=True)
    _map_legacy(sink)


def _map_legacy(sink: Sink) -> None:
    """Fill canonical cells whose meaning is the same in 2019; say so for the others."""
    report = sink.report
    for cell in cells.CELLS:
        if cell.table != "active":
            continue
        column = SAME_MEANING.get(cell.row)
        legacy_key = f"active.{cell.row}.{column}"
        if column and legacy_key in report.legacy:
            report.values[cell.key] = report.legacy[legacy_key]
            if legacy_key in sink.legacy_provenance:
                report.provenance[cell.key] = sink.legacy_provenance[legacy_key]
            continue
        report.values[cell.key] = None
        sink.add(fk.LEGACY_UNMAPPED, None, (cell.key,), cell=cells.cell_title(cell.key))
