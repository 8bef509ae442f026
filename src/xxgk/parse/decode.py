"""Rows whose numbers lost their separators: split the digits by the 勾稽 relations.

Flattened page text prints a row as one run of digits (``120100114`` for 12, 0, 1, 0, 0,
1, 14), and PDF text sometimes loses the spaces between numbers. A row with fewer numbers
than columns is never filled left to right (a blank in the middle would shift the rest):
its digits are split in every way that gives one number per column (no number printed
with a leading zero), the relations of ``xxgk.model.cells.RELATIONS`` — the model is the
single source of truth — remove the splits that do not add up, first within each row, then
jointly across the rows a column relation ties together. A cell takes a value only when
every remaining split agrees on it; every other cell stays None with a
``parse-split-ambiguous`` finding listing the candidates.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from xxgk import parse_findings as fk
from xxgk.findings import Location
from xxgk.model.cells import RELATIONS, Relation
from xxgk.model.report import Report, Value
from xxgk.parse.labels import squeeze
from xxgk.parse.tokens import Token


class Sink(Protocol):
    """What the decoder writes to (``parse.assign.Sink``, which imports this module)."""

    report: Report
    legacy_provenance: dict[str, Location]

    def add(
        self, code: str, location: Location | None = None, cells: Any = (), **params: Any
    ) -> None: ...


MAX_DIGITS = 7
"""The longest count a cell holds (9,999,999); longer pieces are not considered."""
NODE_BUDGET = 200_000
"""Split steps tried per row before the row is given up as too ambiguous."""
JOINT_LIMIT = 50_000
"""Combinations of ambiguous rows checked jointly before falling back to each row alone."""
MAX_CANDIDATES = 64
"""Splits kept per row; a row with more is flagged without narrowing."""


@dataclass
class PendingRow:
    """A printed row with fewer value tokens than cells, waiting for the decoder."""

    row: str
    keys: tuple[str, ...]
    tokens: list[Token]
    glued: bool
    where: Location | None = None
    legacy: bool = False


Split = tuple[int, ...]


def digit_run(tokens: Sequence[Token]) -> str | None:
    """Return the digits of a row printed as one run of digits, else None."""
    filled = [t for t in tokens if t.kind != "empty"]
    if len(filled) != 1 or filled[0].kind != "number":
        return None
    text = squeeze(filled[0].text)
    return text if text.isascii() and text.isdigit() else None


def row_relations(keys: Sequence[str]) -> list[Relation]:
    """Return the relations every cell of which is in ``keys`` (checkable within the row)."""
    inside = set(keys)
    return [r for r in RELATIONS if set(r.total) | set(r.parts) <= inside]


def touching(keys: Sequence[str]) -> list[Relation]:
    """Return the relations that involve at least one of ``keys``."""
    inside = set(keys)
    return [r for r in RELATIONS if inside & (set(r.total) | set(r.parts))]


def holds(relation: Relation, values: dict[str, Value]) -> bool | None:
    """Return whether ``relation`` holds in ``values``; None when a cell is unknown."""
    total = [values.get(k) for k in relation.total]
    parts = [values.get(k) for k in relation.parts]
    if any(v is None for v in total) or any(v is None for v in parts):
        return None
    return sum(total) == sum(parts)  # type: ignore[arg-type]


def splits(
    digits: str,
    keys: Sequence[str],
    checks: dict[int, list[Relation]],
    known: dict[str, Value],
) -> Iterator[Split]:
    """Yield the splits of ``digits`` into one number per key that pass the relations.

    ``checks[i]`` are the relations that become checkable once number ``i`` is placed.
    Raises ``OverflowError`` when the search exceeds ``NODE_BUDGET`` steps.
    """
    nodes = 0
    count = len(keys)
    values: dict[str, Value] = dict(known)
    chosen: list[int] = []

    def walk(position: int, index: int) -> Iterator[Split]:
        nonlocal nodes
        left = count - index
        rest = len(digits) - position
        if left == 0:
            if rest == 0:
                yield tuple(chosen)
            return
        if rest < left or rest > left * MAX_DIGITS:
            return
        longest = 1 if digits[position] == "0" else min(MAX_DIGITS, rest - left + 1)
        for length in range(1, longest + 1):
            nodes += 1
            if nodes > NODE_BUDGET:
                raise OverflowError
            number = int(digits[position : position + length])
            values[keys[index]] = number
            if all(holds(r, values) is not False for r in checks.get(index, ())):
                chosen.append(number)
                yield from walk(position + length, index + 1)
                chosen.pop()
            del values[keys[index]]

    yield from walk(0, 0)


def row_candidates(pending: PendingRow, digits: str, known: dict[str, Value]) -> list[Split] | None:
    """Return the splits of one row that pass the relations checkable within it and
    against the cells already read; None when there are too many to tell."""
    keys = pending.keys
    checks: dict[int, list[Relation]] = {}
    position = {k: i for i, k in enumerate(keys)}
    for relation in touching(keys):
        cells = set(relation.total) | set(relation.parts)
        outside = cells - set(keys)
        if any(known.get(k) is None for k in outside):
            continue  # depends on a cell not read (yet): checked jointly, if at all
        last = max(position[k] for k in cells if k in position)
        checks.setdefault(last, []).append(relation)
    found: list[Split] = []
    try:
        for split in splits(digits, keys, checks, known):
            found.append(split)
            if len(found) > MAX_CANDIDATES:
                return None
    except OverflowError:
        return None
    return found


def decode_rows(sink: Sink, pending: list[PendingRow]) -> None:
    """Write the values of every pending row into ``sink.report``, or flag its cells."""
    if not pending:  # the usual report: no copy of its values to make
        return
    report = sink.report
    known: dict[str, Value] = {k: v for k, v in report.values.items() if v is not None}
    candidates: dict[int, list[Split]] = {}
    decoded = 0
    for n, row in enumerate(pending):
        digits = digit_run(row.tokens) if _splittable(row) else None
        if digits is None:
            _short(sink, row)
            continue
        found = row_candidates(row, digits, known)
        if found is None or not found:
            _ambiguous(sink, row, digits, found or [], too_many=found is None)
            continue
        candidates[n] = found
        if len(found) == 1:
            known.update(zip(row.keys, found[0], strict=True))
    _narrow_jointly(pending, candidates, known)
    for n, found in candidates.items():
        row = pending[n]
        digits = digit_run(row.tokens) or ""
        decoded += _write(sink, row, digits, found)
    if decoded:
        sink.add(fk.SPLIT_DECODED, None, rows=decoded)


def _splittable(row: PendingRow) -> bool:
    """A run is split when the source lost its separators (flattened text), or when the
    row has a relation of its own that can confirm the split."""
    return row.glued or bool(row_relations(row.keys))


def _narrow_jointly(
    pending: list[PendingRow], candidates: dict[int, list[Split]], known: dict[str, Value]
) -> None:
    """Keep only the splits of ambiguous rows that make the cross-row relations hold."""
    ambiguous = [n for n, found in candidates.items() if len(found) > 1]
    if not ambiguous:
        return
    size = 1
    for n in ambiguous:
        size *= len(candidates[n])
    if size > JOINT_LIMIT:
        return
    keys = [k for n in ambiguous for k in pending[n].keys]
    relations = touching(keys)
    survivors: list[set[Split]] = [set() for _ in ambiguous]
    for combo in itertools.product(*(candidates[n] for n in ambiguous)):
        values = dict(known)
        for n, split in zip(ambiguous, combo, strict=True):
            values.update(zip(pending[n].keys, split, strict=True))
        if all(holds(r, values) is not False for r in relations):
            for kept, split in zip(survivors, combo, strict=True):
                kept.add(split)
    if not any(survivors):
        return  # nothing adds up: the report itself is inconsistent, keep every split
    for n, kept in zip(ambiguous, survivors, strict=True):
        candidates[n] = [s for s in candidates[n] if s in kept]


def _write(sink: Sink, row: PendingRow, digits: str, found: list[Split]) -> int:
    """Write the cells every split agrees on; flag the others. Return 1 when decoded."""
    values, provenance = _targets(sink, row)
    location = row.tokens[0].location if row.tokens else row.where
    unsure: list[str] = []
    for index, key in enumerate(row.keys):
        options = {split[index] for split in found}
        if len(options) == 1:
            values[key] = next(iter(options))
            if location is not None:
                provenance[key] = location
        else:
            values[key] = None
            unsure.append(key)
    if unsure:
        _ambiguous(sink, row, digits, found, keys=unsure)
        return 0
    return 1


def _ambiguous(
    sink: Sink,
    row: PendingRow,
    digits: str,
    found: list[Split],
    *,
    keys: Sequence[str] | None = None,
    too_many: bool = False,
) -> None:
    location = row.tokens[0].location if row.tokens else row.where
    shown = "；".join("、".join(str(v) for v in split) for split in found[:6])
    if too_many:
        shown = "拆分方式过多"
    elif not found:
        shown = "没有符合勾稽关系的拆分方式"
    elif len(found) > 6:
        shown += f"等{len(found)}种"
    values, _ = _targets(sink, row)
    for key in keys or row.keys:
        values[key] = None
    sink.add(
        fk.SPLIT_AMBIGUOUS,
        location,
        tuple(keys or row.keys),
        row=row.row,
        digits=digits,
        expected=len(row.keys),
        candidates=shown,
    )


def _targets(sink: Sink, row: PendingRow) -> tuple[dict[str, Value], dict[str, Location]]:
    """Return where the row's values and places go: the canonical cells, or ``legacy``."""
    if row.legacy:
        return sink.report.legacy, sink.legacy_provenance
    return sink.report.values, sink.report.provenance


def _short(sink: Sink, row: PendingRow) -> None:
    """Flag every cell of a short row that cannot be split: no value is placed by position."""
    filled = [t for t in row.tokens if t.kind != "empty"]
    location = row.tokens[0].location if row.tokens else row.where
    values, _ = _targets(sink, row)
    for key in row.keys:
        values[key] = None
    sink.add(
        fk.ROW_SHORT,
        location,
        row.keys,
        row=row.row,
        count=len(filled),
        expected=len(row.keys),
        numbers=" ".join(t.text for t in filled),
    )
