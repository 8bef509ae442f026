"""The report as one self-contained web page: inline CSS, print stylesheet, official tables.

Findings can be shown on the cells they concern: the cell is coloured by severity and the
Chinese message is its tooltip, so an officer sees at a glance which numbers a rule doubts.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import jinja2

from xxgk.findings import Finding
from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report
from xxgk.render.layout import (
    MISSING_TITLE,
    GridCell,
    TableLayout,
    cell_value,
    chinese_date,
    format_value,
    paragraphs,
    report_title,
    signature_name,
    tables_for,
)

LEGEND = "斜线底纹的单元格缺少数据；彩色单元格有检查发现，鼠标悬停可查看说明。"


@dataclass(frozen=True)
class HtmlCell:
    """A ``<td>`` as the template writes it."""

    text: str
    rowspan: int
    colspan: int
    key: str | None = None
    css: str = ""
    tooltip: str = ""


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("xxgk.render", "templates"),
        autoescape=True,
        trim_blocks=False,
    )
    return env.get_template("report.html.j2")


def _notes_by_cell(findings: Iterable[Finding]) -> dict[str, list[Finding]]:
    notes: dict[str, list[Finding]] = {}
    for finding in findings:
        for key in finding.cells:
            notes.setdefault(key, []).append(finding)
    return notes


def _html_cell(cell: GridCell, report: Report, notes: dict[str, list[Finding]]) -> HtmlCell:
    if cell.key is None:
        return HtmlCell(cell.text, cell.rowspan, cell.colspan)
    value = cell_value(report, cell.key)
    css, tips = ("missing", [MISSING_TITLE]) if value is None else ("", [])
    found = notes.get(cell.key, [])
    if found:
        worst = min(found, key=lambda f: f.severity.rank)
        css = f"{css} {worst.severity.value}".strip()
        tips += [f"{f.severity.label} {f.code}：{f.message}" for f in found]
    return HtmlCell(format_value(value), cell.rowspan, cell.colspan, cell.key, css, "\n".join(tips))


def _table(layout: TableLayout, report: Report, notes: dict[str, list[Finding]]) -> dict:
    rows = [[_html_cell(c, report, notes) for c in row] for row in layout.rows]
    widths = [f"{100 * w:.2f}%" for w in layout.column_widths()]
    return {"key": layout.key, "rows": rows, "widths": widths}


def render_html(
    report: Report, *, findings: Iterable[Finding] | None = None, highlight: bool = True
) -> bytes:
    """Return the report as a UTF-8 HTML page.

    ``findings`` defaults to the report's own; with ``highlight`` the cells they name are
    coloured and carry the messages as tooltips.
    """
    shown = list(report.findings if findings is None else findings) if highlight else []
    notes = _notes_by_cell(shown)
    sections = []
    tables = tables_for(report)
    for section in SECTIONS:
        layout = tables.get(section.key)
        sections.append(
            {
                "heading": section.heading,
                "paragraphs": paragraphs(report.section_text(section.key)),
                "table": _table(layout, report, notes) if layout else None,
            }
        )
    preamble = report.sections.get("preamble")
    has_marks = bool(notes) or any(v is None for v in report.values.values())
    page = _template().render(
        title=report_title(report),
        preamble=paragraphs(preamble.text) if preamble else [],
        sections=sections,
        signature=[t for t in (signature_name(report), chinese_date(report)) if t],
        legend=LEGEND if has_marks else "",
    )
    return page.encode("utf-8")
