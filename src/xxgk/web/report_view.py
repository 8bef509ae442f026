"""A report as the web pages show it: the three official tables with findings on their cells
and the provenance of every value, the findings list, and the sections' text.

The layout is the renderers' (``xxgk.render.layout``), so the page shows the tables exactly as
the DOCX and PDF print them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from xxgk.findings import Finding
from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report
from xxgk.render.layout import (
    MISSING_TITLE,
    cell_value,
    format_value,
    report_title,
    tables_for,
)


@dataclass(frozen=True)
class CellView:
    """One ``<td>``: text, spans, and for value cells the key, marks and explanations."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    header: bool = True
    key: str | None = None
    css: str = ""
    notes: tuple[str, ...] = ()
    source: str = ""


def _notes(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    by_cell: dict[str, list[Finding]] = {}
    for finding in findings:
        for key in finding.cells:
            by_cell.setdefault(key, []).append(finding)
    return by_cell


def _source(report: Report, key: str) -> str:
    location = report.provenance.get(key)
    if location is None:
        return ""
    text = f"：“{location.text.strip()}”" if location.text else ""
    return f"来源：{location.describe()}{text}"


def _value_cell(cell: Any, report: Report, notes: dict[str, list[Finding]]) -> CellView:
    value = cell_value(report, cell.key)
    found = notes.get(cell.key, [])
    css = ["missing"] if value is None else []
    lines = [MISSING_TITLE] if value is None else []
    if found:
        css.append(min(found, key=lambda f: f.severity.rank).severity.value)
        lines += [f"{f.severity.label} {f.code}：{f.message}" for f in found]
    return CellView(
        format_value(value),
        cell.rowspan,
        cell.colspan,
        False,
        cell.key,
        " ".join(css),
        tuple(lines),
        _source(report, cell.key),
    )


def tables(report: Report, findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Return the official tables of ``report`` with ``findings`` marked on their cells."""
    notes = _notes(findings)
    out = []
    layouts = tables_for(report)
    for section in SECTIONS:
        layout = layouts.get(section.key)
        if layout is None:
            continue
        rows = [
            [
                _value_cell(c, report, notes) if c.key else CellView(c.text, c.rowspan, c.colspan)
                for c in row
            ]
            for row in layout.rows
        ]
        out.append({"key": layout.key, "heading": section.heading, "rows": rows})
    return out


def finding_rows(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """Return the findings as the list under the tables shows them."""
    return [
        {
            "code": f.code,
            "severity": f.severity.value,
            "label": f.severity.label,
            "message": f.message,
            "cells": list(f.cells),
            "place": f.location.describe() if f.location else "",
        }
        for f in findings
    ]


def sections(report: Report) -> list[dict[str, str]]:
    """Return the six sections with their headings and text."""
    return [
        {"key": s.key, "heading": s.heading, "text": report.section_text(s.key)} for s in SECTIONS
    ]


def title(report: Report) -> str:
    """Return the report's title as printed."""
    return report_title(report)
