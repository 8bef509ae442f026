"""Between ``Report`` and the JSON columns of the store, without losing a digit or a place.

Counts are stored as JSON integers, amounts (``active.fees``) as decimal strings, unreadable
cells as null; sections, provenance and the other metadata go to ``sections`` and ``extra``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from xxgk.findings import Finding, Location
from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS
from xxgk.model.report import Report, SectionText, Value, to_amount

_AMOUNT_KEYS = frozenset(k for k, c in CELL_BY_KEY.items() if c.kind == "amount")


def cells_to_json(values: dict[str, Value]) -> list[Any]:
    """Return the cells as a JSON list in ``CELL_KEYS`` order: ints, decimal strings, None.

    A list, not an object: the 200 key names would be 90 % of every stored row, and every
    roll-up and statistic decodes this column for thousands of reports.
    """
    return [plain(values.get(key)) for key in CELL_KEYS]


def plain(value: Any) -> Any:
    """Return ``value`` with a Decimal amount as its exact decimal string (never a float)."""
    return str(value) if isinstance(value, Decimal) else value


def cells_dict(stored: list[Any] | dict[str, Any]) -> dict[str, Any]:
    """Return the stored cells (list or, for robustness, an object) keyed by cell key."""
    if isinstance(stored, dict):
        return {key: stored.get(key) for key in CELL_KEYS}
    return dict(zip(CELL_KEYS, stored, strict=True))


def cells_from_json(stored: list[Any] | dict[str, Any]) -> dict[str, Value]:
    """Return the cell values of a stored row (amounts back as Decimal or int)."""
    values: dict[str, Value] = cells_dict(stored)
    for key in _AMOUNT_KEYS:
        if values[key] is not None:
            values[key] = to_amount(values[key])
    return values


def provenance_to_json(provenance: dict[str, Location]) -> list[Any]:
    """Return where each cell was read as a list in ``CELL_KEYS`` order (None: not read)."""
    return [loc.to_dict() if (loc := provenance.get(key)) else None for key in CELL_KEYS]


def provenance_dict(stored: list[Any] | dict[str, Any] | None) -> dict[str, dict[str, Any]]:
    """Return stored provenance keyed by cell key (only the cells with a place)."""
    if not stored:
        return {}
    if isinstance(stored, dict):
        return dict(stored)
    return {key: loc for key, loc in zip(CELL_KEYS, stored, strict=True) if loc}


def sections_to_json(report: Report) -> dict[str, Any]:
    return {k: {"heading": s.heading, "text": s.text} for k, s in report.sections.items()}


def extra_to_json(report: Report) -> dict[str, Any]:
    """Return what the store keeps beside cells and sections: title, provenance, legacy…"""
    return {
        "title": report.title,
        "signature": report.signature,
        "provenance": provenance_to_json(report.provenance),
        "legacy": cells_to_json_loose(report.legacy),
        "page_published": report.page_published.isoformat() if report.page_published else None,
        "page_source": report.page_source,
    }


def cells_to_json_loose(values: dict[str, Value]) -> dict[str, Any]:
    return {k: plain(v) for k, v in values.items()}


def report_from_row(
    *,
    organization: str,
    year: int | None,
    published: Any,
    format: str,
    source: str,
    cells: list[Any] | dict[str, Any],
    sections: dict[str, Any],
    extra: dict[str, Any],
    findings: list[Finding] | None = None,
) -> Report:
    """Rebuild the ``Report`` of a stored row (findings optional: they live in their table)."""
    report = Report(
        organization=organization or None,
        year=year,
        published=published,
        format=format,
        source=source or None,
        values=cells_from_json(cells),
        title=extra.get("title"),
        signature=extra.get("signature"),
    )
    for key, sec in (sections or {}).items():
        report.sections[key] = SectionText(sec.get("heading", ""), sec.get("text", ""))
    for key, loc in provenance_dict(extra.get("provenance")).items():
        report.provenance[key] = Location.from_dict(loc)
    report.legacy = {k: to_amount(v) for k, v in (extra.get("legacy") or {}).items()}
    report.page_published = _day(extra.get("page_published"))
    report.page_source = extra.get("page_source")
    report.findings = list(findings or [])
    return report


def stored_report(stored: Any) -> Report:
    """Rebuild the ``Report`` of a stored row (a ``StoredReport``), without its findings."""
    return report_from_row(
        organization=stored.organization,
        year=stored.year,
        published=stored.published,
        format=stored.format,
        source=stored.source,
        cells=stored.cells,
        sections=stored.sections,
        extra=stored.extra,
    )


def finding_row(finding: Finding, *, cross_year: bool = False) -> dict[str, Any]:
    """Return the columns of ``corpus_findings`` for one finding (report_id added by caller)."""
    return {
        "code": finding.code,
        "severity": finding.severity.value,
        "message": finding.message,
        "cells": list(finding.cells),
        "expected": _text(finding.expected),
        "actual": _text(finding.actual),
        "place": finding.location.describe()[:200] if finding.location else "",
        "cross_year": cross_year,
    }


def _day(text: Any) -> dt.date | None:
    """Return the ISO date ``text`` kept in ``extra`` (None when absent or unreadable)."""
    try:
        return dt.date.fromisoformat(text) if text else None
    except (TypeError, ValueError):
        return None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
