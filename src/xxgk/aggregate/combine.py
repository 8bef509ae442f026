"""Summing reports cell by cell into one roll-up report.

``combine`` adds every canonical cell of the member reports: counts of Table 二, Table 三 and
Table 四, and 行政事业性收费 as amounts (Decimal, never float). The 勾稽 relations are linear, so a
sum of correct reports is correct. A cell unreadable in a member is left out of the sum and
named in an ``aggregate-cell-partial`` finding; it is never taken as zero. Provenance of each
cell names the member reports that contributed to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from xxgk.aggregate.kinds import PARTIAL
from xxgk.findings import Finding, Location
from xxgk.model.cells import CELL_KEYS, cell_title
from xxgk.model.report import Report, SectionText, Value

MAX_NAMED = 8
"""How many member names a provenance note or finding lists before 等N份."""


def combine(
    reports: Sequence[Report],
    *,
    organization: str | None = None,
    year: int | None = None,
) -> Report:
    """Return the cell-by-cell sum of ``reports`` as a new report named ``organization``."""
    sums: dict[str, int | Decimal] = dict.fromkeys(CELL_KEYS, 0)
    contributors: dict[str, list[str]] = {k: [] for k in CELL_KEYS}
    unreadable: dict[str, list[str]] = {k: [] for k in CELL_KEYS}
    for index, report in enumerate(reports):
        name = report.organization or report.source or f"第{index + 1}份报告"
        for key, value in report.values.items():
            if value is None:
                unreadable[key].append(name)
            elif value:
                sums[key] += value
                contributors[key].append(name)
    combined = Report(organization=organization, year=year)
    combined.source = f"汇总：{len(reports)}份报告"
    for key in CELL_KEYS:
        combined.values[key] = _cell_value(sums[key], len(unreadable[key]), len(reports))
        combined.provenance[key] = Location(text=_note(contributors[key], len(reports)))
        if unreadable[key] and combined.values[key] is not None:
            combined.findings.append(_partial(key, unreadable[key]))
    return combined


def _cell_value(total: int | Decimal, missing: int, members: int) -> Value:
    """The sum, or None when no member had the cell at all (nothing to add is not zero)."""
    if missing == members:
        return None
    if isinstance(total, Decimal) and total == total.to_integral_value():
        return int(total)
    return total


def _note(names: list[str], members: int) -> str:
    if not names:
        return f"汇总{members}份报告，均为0"
    return f"汇总{members}份报告，非零来自：{named(names)}"


def named(names: Sequence[str], limit: int = MAX_NAMED) -> str:
    """Return ``A、B、C等N份`` for messages (at most ``limit`` names written out)."""
    shown = "、".join(names[:limit])
    return f"{shown}等{len(names)}份" if len(names) > limit else shown


def _partial(key: str, members: list[str]) -> Finding:
    params = {"name": cell_title(key), "count": str(len(members)), "members": named(members)}
    return Finding(PARTIAL.code, (key,), params=params)


def summary_sections(lines: dict[str, str]) -> dict[str, SectionText]:
    """Return sections for a roll-up from ``{section key: text}`` with the official headings."""
    from xxgk.model.cells import SECTIONS

    return {s.key: SectionText(s.heading, lines.get(s.key, "")) for s in SECTIONS}
