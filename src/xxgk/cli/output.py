"""What the commands print besides their results, without the command-line framework: the
one-line error, consoles, code lists, the progress bar, writing output.

Kept apart from ``xxgk.cli.common`` (which declares the typer options) so that ``xxgk check
FILE``'s plain path (``xxgk.cli.checking``) runs without importing typer (issue #19).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from xxgk.batch import PROCESS_THRESHOLD
from xxgk.batch import Progress as Tick
from xxgk.errors import XxgkError

if TYPE_CHECKING:
    from rich.console import Console

SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "cyan"}


def stdout_console() -> Console:
    """Return a console on stdout that never wraps lines (output is often piped)."""
    from rich.console import Console  # not imported by commands that never print through it

    return Console(highlight=False, soft_wrap=True)


def print_error(exc: XxgkError | str) -> None:
    """Print one line ``xxgk: 错误：…`` on stderr, without rich wrapping."""
    text = exc.describe() if isinstance(exc, XxgkError) else exc
    print(f"xxgk: 错误：{text}", file=sys.stderr)


def split_codes(values: Sequence[str] | None) -> tuple[str, ...]:
    """Return codes from repeated and comma-separated options: ``-s a,b -s c`` → a, b, c."""
    codes: list[str] = []
    for value in values or ():
        codes += [c.strip() for c in value.replace("，", ",").split(",") if c.strip()]
    return tuple(codes)


@contextmanager
def progress_bar(total: int, label: str) -> Iterator[Tick | None]:
    """Yield a tick function drawing a progress bar on stderr for long batches, else None."""
    if total <= PROCESS_THRESHOLD:
        yield None
        return
    # imported here: a single-file command never draws a bar and should not pay for rich.progress
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # What goes to stdout is printed above the bar only when stdout is that terminal too:
    # redirected to a file (``xxgk parse DIR > out.jsonl``) it must reach the file, where
    # rich sent it to the bar's console (stderr) whenever stderr was a terminal.
    above = sys.stdout.isatty()
    bar = Progress(*columns, console=Console(stderr=True), transient=True, redirect_stdout=above)
    with bar as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def write_output(text: str, output: Path | None) -> None:
    """Write ``text`` to ``output`` (UTF-8) or to stdout."""
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise output_error(exc, output) from exc


def output_error(exc: OSError, output: Path) -> XxgkError:
    """Return the one-line error for an output file that cannot be written."""
    return XxgkError(
        f"无法写入输出文件（{exc.strerror or exc}）",
        f"cannot write output: {exc}",
        path=str(output),
    )
