"""Table 三 (收到和处理政府信息公开申请情况): 25 rows × 7 columns.

Rows are matched in printed order; the column order comes from the header (the group
法人或其他组织 expands to its five sub-columns at its place). The old 2019 format prints
（六）其他处理 as one row: its numbers follow the group label directly.
"""

from __future__ import annotations

from functools import lru_cache

from xxgk import parse_findings as fk
from xxgk.model import cells
from xxgk.parse.assign import Sink, assign_row, total_check
from xxgk.parse.labels import REQUEST_LABELS, Entry, normalise, spellings
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

TABLE = table_name("requests")
LEAVES = tuple(c.key for c in cells.REQUEST_COLUMNS)
MERGED = cells.LEGAL_PERSONS_MERGED
EXTRA = "extra_"
"""Prefix of the pseudo column of a header label the standard format does not have."""
SUBS = tuple(c.key for c in cells.LEGAL_PERSON_COLUMNS)
TARGETS: tuple[tuple[Entry, str], ...] = tuple(
    (Entry("row", row.key, i), normalise(label))
    for i, row in enumerate(cells.REQUEST_ROWS)
    for label in spellings(row)
)
OLD_OTHER_ROWS = ("other_no_correction", "other_no_fee")


@lru_cache(maxsize=64)
def row_name(key: str) -> str:
    """Return ``表三“（一）予以公开”行`` for messages."""
    return f"表三“{cells.REQUEST_ROW_BY_KEY[key].printed}”行"


def parse_requests(tokens: list[Token], sink: Sink, *, old_format: bool = True) -> TableResult:
    """Read Table 三 from its tokens into ``sink.report``.

    ``old_format`` False says the rest of the report is in the 2021 format: a （六）其他处理
    printed as one row of zeros then gives 0 to its three items and keeps the format.
    """
    regions = tokens_to_regions(tokens, RowClassifier(REQUEST_LABELS, TARGETS), memo="requests")
    rows = _rows(regions, sink)
    old_other = _old_other(regions, rows, sink)
    if not rows and old_other is None:
        return TableResult(False, regions=regions)
    if old_other is not None and not old_format and _all_zero(old_other):
        _zero_other_rows(sink, old_other)
        for key in (*OLD_OTHER_ROWS, "other_other"):
            rows.pop(key, None)
        old_other = None
        zeroed = True
    else:
        zeroed = False
    order, header_found = _column_order(regions, sink)
    keys_of = _keys_of(tuple(order))
    check_of = _CHECK_OF
    if MERGED in order:
        check_of = _MERGED_CHECK_OF
        sink.add(fk.LEGAL_PERSONS_MERGED, None, _SUB_KEYS, table=TABLE)
    aside = [column for column in order if column not in LEAVES]  # usually none
    if old_other is not None and "other_other" not in rows:
        rows["other_other"] = old_other
    for row in cells.REQUEST_ROWS:
        region = rows.get(row.key)
        if region is None and zeroed and row.key in (*OLD_OTHER_ROWS, "other_other"):
            continue
        if region is None:
            if old_other is not None and row.key in OLD_OTHER_ROWS:
                _legacy_none(sink, row.key)
            else:
                sink.add(fk.CELL_MISSING, None, keys_of[row.key], row=row_name(row.key), detail="")
            continue
        report_fuzzy(sink, region, row.printed)
        assign_row(
            sink,
            row_name(row.key),
            keys_of[row.key],
            region.cells_for(len(order)) if header_found else region.cells(),
            check=check_of[row.key],
            where=region.location,
        )
        if aside:
            _keep_aside(sink, row.key, aside)
        if MERGED in order:
            _check_merged(sink, row.key, region)
    report_unmatched(sink, regions, TABLE)
    return TableResult(True, used_lines(regions), regions, {"old_format": old_other is not None})


def _all_zero(region: Region) -> bool:
    values = [t for t in region.cells() if t.kind != "empty"]
    return bool(values) and all(t.kind == "number" and t.count == 0 for t in values)


def _zero_other_rows(sink: Sink, region: Region) -> None:
    """Give 0 to every cell of the three （六） items: they are non-negative and sum to 0."""
    report = sink.report
    for row in (*OLD_OTHER_ROWS, "other_other"):
        for column in LEAVES:
            key = cells.request_key(row, column)
            report.values[key] = 0
            report.provenance[key] = region.location
    sink.add(fk.OTHER_AS_ONE_ROW, region.location)


@lru_cache(maxsize=64)
def _keys_of(order: tuple[str, ...]) -> dict[str, list[str]]:
    """The cell keys of every row in printed column order (the same few orders recur)."""
    return {r.key: [cells.request_key(r.key, c) for c in order] for r in cells.REQUEST_ROWS}


_SUB_KEYS = tuple(cells.request_key(r.key, c) for r in cells.REQUEST_ROWS for c in SUBS)


def _merged_key(row: str) -> str:
    return cells.request_key(row, MERGED)


_MERGED_CHECK_OF = {
    r.key: total_check(
        cells.request_key(r.key, "total"),
        [cells.request_key(r.key, "natural_person"), _merged_key(r.key)],
    )
    for r in cells.REQUEST_ROWS
}


def _keep_aside(sink: Sink, row: str, columns: list[str]) -> None:
    """Move the row's values of non-canonical columns (法人或其他组织 printed as one column, or
    a column the standard format does not have) out of the canonical cells into ``legacy``."""
    report = sink.report
    for column in columns:
        key = cells.request_key(row, column)
        if key in report.values:
            report.legacy[key] = report.values.pop(key)
        if key in report.provenance:
            sink.legacy_provenance[key] = report.provenance.pop(key)


def _check_merged(sink: Sink, row: str, region: Region) -> None:
    """Check 自然人 + 法人或其他组织 = 总计, the one relation a merged table still allows."""
    report, key = sink.report, _merged_key(row)
    natural = report.values.get(cells.request_key(row, "natural_person"))
    total = report.values.get(cells.request_key(row, "total"))
    legal = report.legacy.get(key)
    if natural is not None and total is not None and legal is not None and natural + legal != total:
        sink.add(
            fk.MERGED_TOTAL_MISMATCH,
            region.location,
            (cells.request_key(row, "natural_person"), cells.request_key(row, "total")),
            row=row_name(row),
            natural=natural,
            legal=legal,
            total=total,
        )


_CHECK_OF = {
    r.key: total_check(
        cells.request_key(r.key, "total"),
        [cells.request_key(r.key, c.key) for c in cells.APPLICANT_COLUMNS],
    )
    for r in cells.REQUEST_ROWS
}


def _rows(regions: list[Region], sink: Sink) -> dict[str, Region]:
    rows: dict[str, Region] = {}
    last_order = -1
    for region in regions:
        meaning = region.meaning
        if not isinstance(meaning, Meaning) or meaning.role != "row":
            continue
        if meaning.key in rows:
            sink.add(fk.ROW_DUPLICATE, region.location, row=row_name(meaning.key))
            continue
        if meaning.order < last_order:
            sink.add(fk.OUT_OF_ORDER, region.location, row=row_name(meaning.key))
        last_order = max(last_order, meaning.order)
        rows[meaning.key] = region
    return rows


def _old_other(regions: list[Region], rows: dict[str, Region], sink: Sink) -> Region | None:
    """Return the region of a （六）其他处理 group printed with its own numbers."""
    found = None
    for region in regions:
        meaning = region.meaning
        if not isinstance(meaning, Meaning) or meaning.role != "group":
            continue
        values = [t for t in region.cells() if t.kind != "empty"]
        if not values:
            continue
        if meaning.key == cells.G_OTHER and not any(k in rows for k in OLD_OTHER_ROWS):
            found = region
            continue
        numbers = " ".join(t.text for t in values)
        sink.add(fk.GROUP_VALUES, region.location, group=region.text, numbers=numbers)
    return found


def _legacy_none(sink: Sink, row: str) -> None:
    keys = [cells.request_key(row, column.key) for column in cells.REQUEST_COLUMNS]
    sink.add(fk.LEGACY_UNMAPPED, None, keys, cell=f"{row_name(row)}各列")


def column_order(regions: list[Region], sink: Sink) -> list[str]:
    """Return the seven column keys in the order the header prints them."""
    return _column_order(regions, sink)[0]


def _column_order(regions: list[Region], sink: Sink) -> tuple[list[str], bool]:
    """Return the column keys in printed order and whether a header said so.

    Without a header the template's order is assumed, and the width of the table is not
    known either: a row's blank cell at either end is then never taken as a value's place (a
    merged label cell or a column left out would shift every number after it unseen)."""
    header = [
        (r.meaning.key, r.label[0])
        for r in regions
        if isinstance(r.meaning, Meaning) and r.meaning.role == "column" and r.label
    ]
    merged = _merged_order(regions, header)
    if merged:
        return merged, True
    by_line: dict[int, list[str]] = {}
    for key, token in header:
        by_line.setdefault(token.line, []).append(key)
    for line, keys in by_line.items():
        flat = list(dict.fromkeys(k for k in keys if k in LEAVES))
        if len(flat) == len(LEAVES):
            return _with_extras(regions, flat, sink, line), True
    for printed in _header_runs([k for k, _ in header]):
        subs = [k for k in printed if k in SUBS]
        if len(subs) == len(SUBS) and {"natural_person", "total"} <= set(printed):
            subs = _with_extras(regions, subs, sink)
            outer = _outer_order(regions, header)
            if outer == STANDARD_OUTER:
                return ["natural_person", *subs, "total"], True
            sink.add(
                fk.COLUMNS_REORDERED,
                header[0][1].location,
                table=TABLE,
                order="、".join(OUTER_LABELS[k] for k in outer),
            )
            return [c for k in outer for c in (subs if k == MERGED else [k])], True
    sink.add(fk.HEADER_MISSING, None, table=TABLE)
    return list(LEAVES), False


STANDARD_OUTER = ("natural_person", MERGED, "total")
OUTER_LABELS = {
    "natural_person": cells.REQUEST_COLUMNS[0].label,
    MERGED: cells.LEGAL_PERSON_GROUP,
    "total": cells.REQUEST_COLUMNS[-1].label,
}


def _outer_order(regions: list[Region], header: list[tuple[str, Token]]) -> tuple[str, ...]:
    """Return the order of 自然人, the group 法人或其他组织 and 总计 as the header prints them.

    Offices move 总计 to the front or print the group first; reading those columns in the
    template's order would put every number in the wrong column without a single 勾稽 error
    (the rows still add up). The order is believed only on clear evidence, else the template's:
    自然人 or 总计 printed on a line with the sub-columns (a PDF's text prints the two-row
    cells beside the second header row) are placed by their cell against them; otherwise the
    three labels on one line, or each on a line of its own (one cell per line), are taken in
    the order printed. Without the group label the template's order stands.
    """
    first: dict[str, Token] = {}
    for key, token in header:
        first.setdefault(key, token)
    group = next(
        (
            r.label[0]
            for r in regions
            if isinstance(r.meaning, Meaning)
            and r.meaning.role == "group"
            and r.meaning.key == "legal_person"
            and r.label
        ),
        None,
    )
    if group is None:
        return STANDARD_OUTER
    natural, total = first["natural_person"], first["total"]
    subs = [first[k] for k in SUBS]
    sub_lines = {t.line for t in subs}
    if natural.line in sub_lines or total.line in sub_lines:
        return _order_beside_subs(natural, total, subs)
    places = {"natural_person": natural, MERGED: group, "total": total}
    lines = {t.line for t in places.values()}
    if len(lines) not in (1, 3):
        return STANDARD_OUTER
    return tuple(sorted(places, key=lambda k: (places[k].line, places[k].cell)))


def _order_beside_subs(natural: Token, total: Token, subs: list[Token]) -> tuple[str, ...]:
    """Place 自然人 and 总计 by their cell against the sub-columns of their own line."""

    def side(token: Token) -> int | None:
        """-1 before the sub-columns of its line, 1 after, 0 between, None: none there."""
        beside = [t.cell for t in subs if t.line == token.line]
        if not beside:
            return None
        if token.cell < min(beside):
            return -1
        return 1 if token.cell > max(beside) else 0

    tokens = {"natural_person": natural, "total": total}
    sides = {k: side(t) for k, t in tokens.items()}
    if 0 in sides.values() or None in sides.values():
        return STANDARD_OUTER  # one of them printed elsewhere or between sub-columns
    if sides["natural_person"] == sides["total"] and natural.line != total.line:
        return STANDARD_OUTER  # both on one side, on two lines: their own order is unknown
    by_cell = sorted(tokens, key=lambda k: tokens[k].cell)
    before = tuple(k for k in by_cell if sides[k] == -1)
    after = tuple(k for k in by_cell if sides[k] == 1)
    return (*before, MERGED, *after)


def _header_runs(keys: list[str]) -> list[list[str]]:
    """Split the column labels read before and between the rows into the headers printed:
    a label seen again starts the next one (the header repeated atop a page). The order of
    the columns is taken from one header, never pieced together from two: a label misread
    in the first (社会公益组织只) and read in the second would otherwise go last."""
    runs: list[list[str]] = [[]]
    for key in keys:
        if key in runs[-1]:
            runs.append([])
        runs[-1].append(key)
    return runs


def _with_extras(
    regions: list[Region],
    known: list[str],
    sink: Sink,
    line: int | None = None,
) -> list[str]:
    """Return the columns ``known`` in printed order, with a pseudo column where the header
    prints, after the first of them, a label the format does not have (e.g. 小计).

    Such a column is read in its place and kept aside, instead of pushing the numbers of the
    columns after it one place to the right. It is believed only when most rows print one
    number more per such label; otherwise the label stays an unmatched one. ``line`` limits
    the header to one printed line (a header printed in one row).
    """
    allowed = set(known)
    out: list[str] = []
    extras: list[Region] = []
    for region in regions:
        meaning = region.meaning
        if not isinstance(meaning, Meaning):
            continue
        if meaning.role == "row":
            break
        if line is not None and (not region.label or region.label[0].line != line):
            continue
        if meaning.role == "column" and meaning.key in allowed:
            out.append(meaning.key)
        elif meaning.role == "unmatched" and out and all(t.kind == "empty" for t in region.values):
            extras.append(region)
            out.append(f"{EXTRA}{len(extras)}")
    if not extras or [k for k in out if not k.startswith(EXTRA)] != known:
        return known
    width = len(LEAVES) + len(extras)
    rows = [r for r in regions if isinstance(r.meaning, Meaning) and r.meaning.role == "row"]
    wide = sum(len([t for t in r.values if t.kind != "empty"]) == width for r in rows)
    if wide * 2 < len(rows):
        return known
    for region, key in zip(extras, (k for k in out if k.startswith(EXTRA)), strict=True):
        region.meaning = Meaning("extra-column", key)
        sink.add(fk.EXTRA_COLUMN, region.location, table=TABLE, label=region.text)
    return out


def _merged_order(regions: list[Region], header: list[tuple[str, Token]]) -> list[str]:
    """Return [自然人, 法人或其他组织, 总计] in printed order when the header has the group
    法人或其他组织 and none of its five columns (a table printed with one merged column)."""
    keys = {k for k, _ in header}
    if keys & set(SUBS) or not {"natural_person", "total"} <= keys:
        return []
    group = [
        r.label[0]
        for r in regions
        if isinstance(r.meaning, Meaning)
        and r.meaning.role == "group"
        and r.meaning.key == "legal_person"
        and r.label
    ]
    if not group:
        return []
    placed = [(t.line, t.cell, k) for k, t in header if k in ("natural_person", "total")]
    placed.append((group[0].line, group[0].cell, MERGED))
    return [k for _, _, k in sorted(placed)]
