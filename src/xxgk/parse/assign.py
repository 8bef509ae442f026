"""Putting a row's value tokens into cells, with a finding for everything uncertain.

Shared by the three tables: too many numbers (try each alignment, keep the one the row's
own total confirms), too few (never filled by position: kept for ``parse.decode``, which
splits runs of digits by the relations or flags the whole row), blanks, placeholders and
junk (None, never zero, with the place in the source).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from xxgk import parse_findings as fk
from xxgk.findings import Finding, Location
from xxgk.model.cells import cell_title
from xxgk.model.report import Report, Value
from xxgk.parse.decode import PendingRow
from xxgk.parse.tokens import Token
from xxgk.parse.values import as_amount, as_count

Check = Callable[[dict[str, Value]], bool]


@dataclass
class Sink:
    """Where a table parser writes: the report, or the legacy dict, plus findings."""

    report: Report
    findings: list[Finding] = field(default_factory=list)
    legacy_provenance: dict[str, Location] = field(default_factory=dict)
    pending: list[PendingRow] = field(default_factory=list)
    glued_lines: frozenset[int] = frozenset()

    def add(
        self, code: str, location: Location | None = None, cells: Sequence[str] = (), **params: Any
    ) -> None:
        self.findings.append(Finding(code, tuple(cells), location=location, params=params))


def token_value(token: Token, *, amount: bool) -> Value:
    """Return the value a number token stands for (None for a count with a fraction)."""
    if token.kind != "number" or token.value is None:
        return None
    return as_amount(token.value) if amount else as_count(token.value)


def assign_row(
    sink: Sink,
    row: str,
    keys: Sequence[str],
    tokens: list[Token],
    *,
    check: Check | None = None,
    amounts: frozenset[str] = frozenset(),
    legacy: bool = False,
    where: Location | None = None,
) -> None:
    """Write ``tokens`` into the cells ``keys`` of one printed row named ``row``."""
    if not tokens:
        sink.add(fk.CELL_MISSING, where, keys, row=row, detail="")
        return
    if len(tokens) < len(keys):
        glued = any(t.line in sink.glued_lines for t in tokens)
        sink.pending.append(PendingRow(row, tuple(keys), tokens, glued, where, legacy))
        return
    chosen = tokens if len(tokens) == len(keys) else _align(sink, row, keys, tokens, check, amounts)
    values, provenance = sink.report.values, sink.report.provenance
    if not legacy and not amounts:  # the usual row: whole counts (_write inlined)
        for key, token in zip(keys, chosen, strict=False):
            value = token.count
            if value is not None:
                values[key] = value
                provenance[key] = token.location
            else:
                _write(sink, key, token, amount=False, legacy=False)
        return
    for key, token in zip(keys, chosen, strict=False):
        if not legacy and key not in amounts:
            value = token.count  # the usual cell: a whole count (_write inlined)
            if value is not None:
                values[key] = value
                provenance[key] = token.location
                continue
        _write(sink, key, token, amount=key in amounts, legacy=legacy)


def _align(
    sink: Sink,
    row: str,
    keys: Sequence[str],
    tokens: list[Token],
    check: Check | None,
    amounts: frozenset[str],
) -> list[Token]:
    expected = len(keys)
    if len(tokens) <= expected:
        return tokens
    windows = [tokens[k : k + expected] for k in range(len(tokens) - expected + 1)]
    values = [
        {key: token_value(t, amount=key in amounts) for key, t in zip(keys, w, strict=True)}
        for w in windows
    ]
    numbers = " ".join(t.text for t in tokens)
    params = {"row": row, "count": len(tokens), "expected": expected}
    passing = [w for w, v in zip(windows, values, strict=True) if check and check(v)]
    if len(passing) == 1 and not all(v == values[0] for v in values):
        how = "按本行总计等于各列之和确定了对应关系"
        sink.add(fk.ROW_SURPLUS_RESOLVED, tokens[0].location, keys, how=how, **params)
        return passing[0]
    if all(v == values[0] for v in values):
        how = "各种对应方式读出的数值相同，不影响读数"
        sink.add(fk.ROW_SURPLUS_RESOLVED, tokens[0].location, keys, how=how, **params)
        return windows[0]
    sink.add(fk.ROW_SURPLUS, tokens[0].location, keys, numbers=numbers, **params)
    return windows[0]


def _write(sink: Sink, key: str, token: Token, *, amount: bool, legacy: bool) -> None:
    if token.kind == "number" and not amount and not legacy and token.value is not None:
        value: Value | None = _COUNTS.get(token.value)  # the usual cell: a whole count
        if value is not None:
            sink.report.values[key] = value
            sink.report.provenance[key] = token.location
            return
    value = token_value(token, amount=amount)
    if token.kind == "empty":
        sink.add(fk.CELL_BLANK, token.location, (key,), cell=_title(key))
    elif token.kind == "placeholder":
        sink.add(fk.CELL_PLACEHOLDER, token.location, (key,), cell=_title(key), text=token.text)
    elif value is None:
        sink.add(fk.VALUE_INVALID, token.location, (key,), cell=_title(key), text=token.text)
    if legacy:
        sink.report.legacy[key] = value
        sink.legacy_provenance[key] = token.location
    else:
        sink.report.values[key] = value
        sink.report.provenance[key] = token.location


# Small whole counts by their Decimal (the same exact int ``as_count`` returns).
_COUNTS = {Decimal(n): n for n in range(1000)}


def _title(key: str) -> str:
    try:
        return cell_title(key)
    except KeyError:
        return key


def total_check(total: str, parts: Sequence[str]) -> Check:
    """Return a check that ``total`` equals the sum of ``parts`` (all of them present)."""

    def check(values: dict[str, Value]) -> bool:
        found = [values.get(k) for k in parts]
        whole = values.get(total)
        if whole is None or any(v is None for v in found):
            return False
        return sum(v for v in found if v is not None) == whole

    return check
