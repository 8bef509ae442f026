"""Findings for people: grouped per report, severity in colour, a summary per report and total.

Lines are written as rich markup for a terminal. When the output is not a terminal and rich
would print no colour (a pipe, a file: ``xxgk check DIR > out.txt``), ``shown`` writes the
same text without rich, whose import was a tenth of ``xxgk check FILE``'s start-up (issue
#19); a line with anything rich might print otherwise (brackets, a colon, control
characters) still goes through rich.
"""

from __future__ import annotations

import io
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from xxgk.batch import Outcome
from xxgk.cli.output import SEVERITY_STYLE
from xxgk.findings import Finding, Severity, sort_findings

if TYPE_CHECKING:
    from rich.console import Console


def print_outcomes(console: Console, outcomes: Sequence[Outcome]) -> None:
    """Print every report's findings, its summary line, then the total summary."""
    for outcome in outcomes:
        print_outcome(console, outcome)
    console.print(total_line(outcomes))


def print_outcome(console: Console, outcome: Outcome) -> None:
    """Print one report: a heading, one line per finding, then its summary line."""
    for line in outcome_lines(outcome):
        console.print(line)


def _styled(style: str, text: str, plain: bool) -> str:
    return text if plain else f"[{style}]{text}[/]"


def _text(text: str, plain: bool) -> str:
    if plain:
        return text
    from rich.markup import escape

    return escape(text)


def outcome_lines(outcome: Outcome, plain: bool = False) -> list[str]:
    """Return what ``print_outcome`` prints (rich markup, one string a line; the bare text
    when ``plain``): plain strings, so a worker process can send them back instead of the
    findings."""
    if not outcome.usable:
        reason = _text(outcome.error or outcome.path, plain)
        return [f"{_styled('bold red', '无法读取', plain)}  {reason}", ""]
    report = outcome.report
    assert report is not None
    name = report.organization or "（未识别报告主体）"
    year = f"{report.year}年度" if report.year else "（未识别年度）"
    heading = _styled("bold", f"{_text(name, plain)} {year}", plain)
    lines = [f"{heading}  {_styled('dim', _text(outcome.path, plain), plain)}"]
    lines += [finding_line(finding, plain) for finding in sort_findings(outcome.findings)]
    lines += [summary_line(outcome.counts(), plain), ""]
    return lines


Screen = tuple[bool, str | None, int]
"""What rendering markup depends on: a terminal or not, its colour system, its width."""


def screen_of(console: Console) -> Screen:
    """Return the settings of ``console`` that ``rendered`` reproduces elsewhere."""
    return console.is_terminal, console.color_system, console.width


PLAIN: Screen = (False, None, 80)
"""No terminal, no colour: markup prints as its bare text (the width does not matter, lines
are never wrapped)."""


def stdout_screen() -> Screen:
    """Return the screen of ``stdout_console()``: ``PLAIN`` when rich would find no terminal
    and no colour forced (asked without importing rich), else what rich says."""
    if _plain_stdout():
        return PLAIN
    from xxgk.cli.output import stdout_console

    return screen_of(stdout_console())


def _plain_stdout() -> bool:
    """True when rich's ``Console().is_terminal`` is surely False: stdout is no tty and none
    of what rich consults first is there (IPython, IDLE, TTY_COMPATIBLE, FORCE_COLOR)."""
    import builtins

    if hasattr(builtins, "get_ipython") or "idlelib" in sys.modules:
        return False
    if os.environ.get("TTY_COMPATIBLE", "") not in ("", "0") or "FORCE_COLOR" in os.environ:
        return False
    try:
        return not sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


_RICH_CHANGES = re.compile(r"[\x00-\x1f\x7f-\x9f:\[\]\\\u2028\u2029\ud800-\udfff]")
"""Characters rich may print otherwise than given (markup, emoji codes, tabs, control
characters): a line with one is printed through rich."""


def shown(lines_of: Callable[[bool], list[str]], screen: Screen) -> str:
    """Return the lines ``lines_of(plain)`` as ``console.print`` writes them on a console of
    ``screen``: the bare text on a ``PLAIN`` screen when rich would print it unchanged,
    else the markup rendered by rich."""
    if screen == PLAIN:
        lines = lines_of(True)
        if not any(_RICH_CHANGES.search(line) for line in lines):
            return "".join(line + "\n" for line in lines)
    return rendered(lines_of(False), screen)


_RENDERERS: dict[Screen, tuple[Console, io.StringIO]] = {}


def rendered(lines: Sequence[str], screen: Screen) -> str:
    """Return ``lines`` of markup as ``console.print`` writes them on a console of
    ``screen``: a worker process renders, the parent only writes (``xxgk check DIR``)."""
    found = _RENDERERS.get(screen)
    if found is None:
        from rich.console import Console

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


def finding_line(finding: Finding, plain: bool = False) -> str:
    """Return ``  错误 code 第12行 message`` with rich markup (bare when ``plain``)."""
    severity = finding.severity
    label = _styled(SEVERITY_STYLE[severity.value], severity.label, plain)
    message = finding.message
    place = finding.location.describe() if finding.location else "—"
    if message.startswith(place):  # the template already names the place
        place = "—"
    shown_place = _styled("dim", _text(place, plain), plain)
    return f"  {label}  {finding.code}  {shown_place}  {_text(message, plain)}"


def summary_line(counts: dict[str, int], plain: bool = False) -> str:
    """Return the per-report summary: ``  小结：错误 1，警告 0，提示 2``."""
    if not any(counts.values()):
        return "  " + _styled("green", "小结：未发现问题", plain)
    parts = "，".join(f"{s.label} {counts[s.value]}" for s in Severity)
    return f"  小结：{parts}"


def total_line(outcomes: Sequence[Outcome]) -> str:
    """Return the batch summary: reports, errors, warnings, infos and unreadable files."""
    totals = dict.fromkeys((s.value for s in Severity), 0)
    for outcome in outcomes:
        for key, value in outcome.counts().items():
            totals[key] += value
    return totals_line(len(outcomes), totals, sum(not o.usable for o in outcomes))


def totals_line(reports: int, totals: dict[str, int], unreadable: int, plain: bool = False) -> str:
    """Return the batch summary from its tallies (``total_line`` of a streamed batch)."""
    counts = "，".join(f"{s.label} {totals[s.value]}" for s in Severity)
    bad = f"，无法读取 {unreadable} 份" if unreadable else ""
    return _styled("bold", f"合计：{reports} 份报告，{counts}{bad}", plain)
