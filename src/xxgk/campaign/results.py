"""The results of a batch check as one workbook a Chinese reader opens: a summary sheet (one
row per file: 报告主体, year, errors, warnings, unreadable cells, or why it could not be read)
and a findings sheet (every finding with its place and cells), Chinese headers, every text
cell formula-safe (``xxgk.spreadsheet``)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field

from xxgk.campaign.collect import RESULT_HEADERS, FileResult, result_cells, unreadable_cells
from xxgk.findings import Finding, Severity
from xxgk.model.cells import cell_title
from xxgk.model.report import Report
from xxgk.spreadsheet import append_row

SUMMARY_HEADERS = ("文件", "报告主体", "年度", "错误", "警告", "提示", "未读出单元格", "结果")
FINDING_HEADERS = ("文件", "报告主体", "级别", "问题", "说明", "位置", "涉及单元格")


@dataclass
class CheckedFile:
    """One checked file: its report and findings, or the reason it could not be read."""

    name: str
    report: Report | None = None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    @property
    def unreadable(self) -> int:
        return unreadable_cells(self.report, None) if self.report is not None else 0

    def summary_cells(self) -> list[object]:
        if self.report is None:
            return [self.name, "", "", "", "", "", "", f"无法读取：{self.error}"]
        errors = self.count(Severity.ERROR)
        return [
            self.name,
            self.report.organization or "",
            self.report.year or "",
            errors,
            self.count(Severity.WARNING),
            self.count(Severity.INFO),
            self.unreadable,
            "有错误" if errors else "未发现错误",
        ]


def finding_cells(checked: CheckedFile, finding: Finding) -> list[object]:
    """One finding's row: severity, the catalogue's title and the message in Chinese."""
    organization = checked.report.organization if checked.report else ""
    return [
        checked.name,
        organization or "",
        finding.severity.label,
        finding.kind.title,
        finding.message,
        finding.location.describe() if finding.location else "",
        "、".join(cell_title(k) for k in finding.cells),
    ]


def results_workbook(files: Sequence[CheckedFile]) -> bytes:
    """Return the XLSX of a batch check: sheet 汇总 (one row per file), sheet 检查发现."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    summary = book.create_sheet("汇总")
    append_row(summary, SUMMARY_HEADERS)
    for checked in files:
        append_row(summary, checked.summary_cells())
    findings = book.create_sheet("检查发现")
    append_row(findings, FINDING_HEADERS)
    for checked in files:
        for finding in checked.findings:
            append_row(findings, finding_cells(checked, finding))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def batch_workbook(results: Sequence[FileResult]) -> bytes:
    """Return a collection batch's per-file table as an XLSX (sheet 收集结果, the columns of
    the batch page, Chinese headers, formula-safe cells)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("收集结果")
    append_row(sheet, RESULT_HEADERS)
    for result in results:
        append_row(sheet, result_cells(result))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
