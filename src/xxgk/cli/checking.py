"""What ``xxgk check`` does once its arguments are read, without the command-line framework.

``check_cmd`` declares the command for typer and calls ``run_check``. ``xxgk check FILE…``
with nothing but paths (the officer's everyday call) is run by ``plain_check`` directly,
without importing typer: the framework was a fifth of that process (issue #19). The plain
path ends the process as typer's would: the same output, the same exit status, a broken pipe
and Ctrl-C handled the same way. Anything else (an option, ``--``, ``--help``, no path) goes
through typer.
"""

from __future__ import annotations

import errno
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NamedTuple, NoReturn

from xxgk.batch import CheckOptions, check_one, iter_batch, iter_report_paths, outcome_to_dict
from xxgk.cli.output import print_error, progress_bar
from xxgk.cli.show import Screen, outcome_lines, shown, stdout_screen, totals_line
from xxgk.errors import InputError
from xxgk.findings import Severity

PLAIN_OPTIONS = CheckOptions(keep_report=False)
"""The options of ``xxgk check`` without any option given (``check_cmd._options``)."""


def run_check(
    paths: Sequence[Path],
    options: Callable[[], CheckOptions],
    *,
    as_json: bool,
    jobs: int | None,
) -> int:
    """Check the reports at ``paths`` (files or folders), print each file's findings as it is
    checked (text, or one JSON array with ``as_json``) and the total; return the exit status:
    0 no errors, 1 errors found, 2 an input was unusable or no report file was found.

    ``options`` is asked once report files are found (it may read last year's report, or
    refuse an option and end the command)."""
    files = list(iter_report_paths(paths))
    if not files:
        print_error(InputError("没有找到报告文件", "no report files found", path=str(paths[0])))
        return 2
    screen = None if as_json else stdout_screen()
    work = partial(checked_row, options=options(), screen=screen)
    with progress_bar(len(files), "校验") as tick:
        rows = iter_batch(work, files, jobs, progress=tick)
        tally = _print_text(rows, screen) if screen is not None else _print_json(rows)
    return tally.status()


def plain_check_paths(args: Sequence[str]) -> list[str] | None:
    """Return the paths of ``xxgk check PATH…`` when ``args`` (``sys.argv[1:]``) is exactly
    that, with no option, ``--`` or empty argument anywhere, and no shell completion asked
    for in the environment; else None (typer reads the arguments). On Windows, where typer
    expands ``*.txt`` itself (the shell does not), typer always reads them."""
    if len(args) < 2 or args[0] != "check" or os.name == "nt":
        return None
    paths = list(args[1:])
    if any(not path or path.startswith("-") for path in paths):
        return None
    if any(name.endswith("_COMPLETE") for name in os.environ):  # typer's completion hook
        return None
    return paths


def plain_check(paths: Sequence[str]) -> NoReturn:
    """Run ``xxgk check PATH…`` and end the process the way typer ends it: the exit status of
    ``run_check``; 130 on Ctrl-C; 1, quietly, when the reader of the output went away."""
    try:
        files = [Path(p) for p in paths]
        status = run_check(files, lambda: PLAIN_OPTIONS, as_json=False, jobs=None)
    except KeyboardInterrupt:
        sys.exit(130)
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper  # what typer does: a rare path

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        sys.exit(1)
    sys.exit(status)


class CheckedRow(NamedTuple):
    """What ``xxgk check`` prints of one file, as plain values: a worker process sends this
    back, not the report and its finding objects (that transfer made ``--jobs 2`` slower
    than one process)."""

    error: str | None
    counts: tuple[int, ...]
    """Findings per severity, in ``Severity`` order."""
    shown: str
    """The file's JSON element (``--format json``) or its text as the console prints it."""


def checked_row(path: Path, options: CheckOptions, screen: Screen | None) -> CheckedRow:
    """Check one file and return what is printed of it (runs in the worker processes):
    its JSON element, or its lines rendered for the console ``screen`` describes."""
    outcome = check_one(path, options)
    counts = tuple(outcome.counts().values())
    if screen is None:
        text = json.dumps(outcome_to_dict(outcome), ensure_ascii=False, indent=2, default=str)
    else:
        text = shown(partial(outcome_lines, outcome), screen)
    return CheckedRow(outcome.error, counts, text)


SEVERITIES = tuple(s.value for s in Severity)


@dataclass
class Tally:
    """The running totals of a streamed check: files, findings per severity, unusable."""

    reports: int = 0
    unusable: int = 0
    invalid: int = 0
    totals: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))

    def add(self, row: CheckedRow) -> None:
        self.reports += 1
        if row.error is not None:
            self.unusable += 1
            print_error(row.error)
            return
        for severity, count in zip(SEVERITIES, row.counts, strict=True):
            self.totals[severity] += count
        self.invalid += bool(row.counts[0])

    def status(self) -> int:
        """The exit status of ``batch_status``: 2 unusable input, 1 errors found, 0 clean."""
        return 2 if self.unusable else 1 if self.invalid else 0


def _print_text(rows: Iterable[CheckedRow], screen: Screen) -> Tally:
    """Print each file's findings as it is checked (rendered by the worker), then the total
    line."""
    tally, out = Tally(), sys.stdout
    for row in rows:
        tally.add(row)
        out.write(row.shown)
    total = partial(totals_line, tally.reports, tally.totals, tally.unusable)
    out.write(shown(lambda plain: [total(plain)], screen))
    out.flush()
    return tally


def _print_json(rows: Iterable[CheckedRow]) -> Tally:
    """Print the JSON array of every file's result, one element as each is checked (the
    same text as ``json.dumps`` of the whole list with ``indent=2``)."""
    import textwrap  # compiles its patterns: not for the plain text of ``xxgk check FILE``

    tally, out = Tally(), sys.stdout
    for row in rows:
        tally.add(row)
        out.write("[\n" if tally.reports == 1 else ",\n")
        out.write(textwrap.indent(row.shown, "  "))
    out.write("\n]\n" if tally.reports else "[]\n")
    out.flush()
    return tally
