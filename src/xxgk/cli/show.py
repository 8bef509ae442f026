"""Findings for people: grouped per report, severity in colour, a summary per report and total."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape

from xxgk.batch import Outcome
from xxgk.cli.common import SEVERITY_STYLE
from xxgk.findings import Finding, Severity, sort_findings


def print_outcomes(console: Console, outcomes: Sequence[Outcome]) -> None:
    """Print every report's findings, its summary line, then the total summary."""
    for outcome in outcomes:
        print_outcome(console, outcome)
    console.print(total_line(outcomes))


def print_outcome(console: Console, outcome: Outcome) -> None:
    """Print one report: a heading, one line per finding, then its summary line."""
    if not outcome.usable:
        console.print(f"[bold red]无法读取[/]  {escape(outcome.error or outcome.path)}")
        console.print()
        return
    report = outcome.report
    assert report is not None
    name = report.organization or "（未识别报告主体）"
    year = f"{report.year}年度" if report.year else "（未识别年度）"
    console.print(f"[bold]{escape(name)} {year}[/]  [dim]{escape(outcome.path)}[/]")
    for finding in sort_findings(outcome.findings):
        console.print(finding_line(finding))
    console.print(summary_line(outcome.counts()))
    console.print()


def finding_line(finding: Finding) -> str:
    """Return ``  错误 code 第12行 message`` with rich markup."""
    severity = finding.severity
    label = f"[{SEVERITY_STYLE[severity.value]}]{severity.label}[/]"
    message = finding.message
    place = finding.location.describe() if finding.location else "—"
    if message.startswith(place):  # the template already names the place
        place = "—"
    return f"  {label}  {finding.code}  [dim]{escape(place)}[/]  {escape(message)}"


def summary_line(counts: dict[str, int]) -> str:
    """Return the per-report summary: ``  小结：错误 1，警告 0，提示 2``."""
    if not any(counts.values()):
        return "  [green]小结：未发现问题[/]"
    parts = "，".join(f"{s.label} {counts[s.value]}" for s in Severity)
    return f"  小结：{parts}"


def total_line(outcomes: Sequence[Outcome]) -> str:
    """Return the batch summary: reports, errors, warnings, infos and unreadable files."""
    totals = dict.fromkeys((s.value for s in Severity), 0)
    for outcome in outcomes:
        for key, value in outcome.counts().items():
            totals[key] += value
    bad = sum(not o.usable for o in outcomes)
    counts = "，".join(f"{s.label} {totals[s.value]}" for s in Severity)
    unreadable = f"，无法读取 {bad} 份" if bad else ""
    return f"[bold]合计：{len(outcomes)} 份报告，{counts}{unreadable}[/]"
