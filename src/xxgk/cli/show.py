"""Findings for people: grouped per report, severity in colour, a summary per report and total."""

from __future__ import annotations

import io
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
    for line in outcome_lines(outcome):
        console.print(line)


def outcome_lines(outcome: Outcome) -> list[str]:
    """Return what ``print_outcome`` prints (rich markup, one string a line): plain strings,
    so a worker process can send them back instead of the findings."""
    if not outcome.usable:
        return [f"[bold red]无法读取[/]  {escape(outcome.error or outcome.path)}", ""]
    report = outcome.report
    assert report is not None
    name = report.organization or "（未识别报告主体）"
    year = f"{report.year}年度" if report.year else "（未识别年度）"
    lines = [f"[bold]{escape(name)} {year}[/]  [dim]{escape(outcome.path)}[/]"]
    lines += [finding_line(finding) for finding in sort_findings(outcome.findings)]
    lines += [summary_line(outcome.counts()), ""]
    return lines


Screen = tuple[bool, str | None, int]
"""What rendering markup depends on: a terminal or not, its colour system, its width."""


def screen_of(console: Console) -> Screen:
    """Return the settings of ``console`` that ``rendered`` reproduces elsewhere."""
    return console.is_terminal, console.color_system, console.width


_RENDERERS: dict[Screen, tuple[Console, io.StringIO]] = {}


def rendered(lines: Sequence[str], screen: Screen) -> str:
    """Return ``lines`` of markup as ``console.print`` writes them on a console of
    ``screen``: a worker process renders, the parent only writes (``xxgk check DIR``)."""
    found = _RENDERERS.get(screen)
    if found is None:
        terminal, colours, width = screen
        buffer = io.StringIO()
        console = Console(
            file=buffer,
            force_terminal=terminal,
            color_system=colours,  # type: ignore[arg-type]  # the name rich reported
            width=width,
            highlight=False,
            soft_wrap=True,
        )
        found = _RENDERERS[screen] = (console, buffer)
    console, buffer = found
    buffer.seek(0)
    buffer.truncate()
    console.print("\n".join(lines))
    return buffer.getvalue()


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
    return totals_line(len(outcomes), totals, sum(not o.usable for o in outcomes))


def totals_line(reports: int, totals: dict[str, int], unreadable: int) -> str:
    """Return the batch summary from its tallies (``total_line`` of a streamed batch)."""
    counts = "，".join(f"{s.label} {totals[s.value]}" for s in Severity)
    bad = f"，无法读取 {unreadable} 份" if unreadable else ""
    return f"[bold]合计：{reports} 份报告，{counts}{bad}[/]"
