"""``xxgk check``: validate reports and print the findings."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, NamedTuple

import typer

from xxgk.batch import (
    CheckOptions,
    check_one,
    iter_batch,
    iter_report_paths,
    load_report,
    outcome_to_dict,
)
from xxgk.cli.app import app
from xxgk.cli.common import (
    JobsOption,
    OcrChoice,
    OcrOption,
    PathsArgument,
    fail,
    print_error,
    progress_bar,
    split_codes,
)
from xxgk.cli.show import Screen, outcome_lines, shown, stdout_screen, totals_line
from xxgk.errors import InputError, XxgkError
from xxgk.findings import Severity
from xxgk.model.units import UnitKind

PREVIOUS_HELP = "上一年度的报告，用于跨年度比对。"
SELECT_HELP = "只检查这些代码、前缀（parse-*）或标签（#balance），逗号分隔。"
IGNORE_HELP = "忽略这些代码、前缀或标签，逗号分隔。"
KIND_HELP = "报告主体类别（默认由名称推测）：" + ", ".join(k.value for k in UnitKind) + "。"


class CheckFormat(StrEnum):
    text = "text"
    json = "json"


@app.command("check")
def check_command(
    paths: PathsArgument,
    output_format: Annotated[
        CheckFormat, typer.Option("--format", "-f", help="输出格式。")
    ] = CheckFormat.text,
    previous: Annotated[
        Path | None, typer.Option("--previous", "-p", metavar="PATH", help=PREVIOUS_HELP)
    ] = None,
    select: Annotated[
        list[str] | None,
        typer.Option("--select", "-s", metavar="CODES", help=SELECT_HELP),
    ] = None,
    ignore: Annotated[
        list[str] | None, typer.Option("--ignore", "-i", metavar="CODES", help=IGNORE_HELP)
    ] = None,
    kind: Annotated[
        str | None, typer.Option("--kind", "-k", metavar="UNIT_KIND", help=KIND_HELP)
    ] = None,
    jobs: JobsOption = None,
    ocr: OcrOption = OcrChoice.auto,
) -> None:
    """校验年度报告：勾稽关系、发布期限、六个部分、收费说明等，按报告分组列出问题。

    退出码：0 没有错误；1 发现错误；
    2 有无法使用的输入（文件不是报告、无法读取、编码错误），这时其余文件照常检查并输出。

    \b
    Example:
        xxgk check 报告.txt
        xxgk check 报告目录/ --format json
        xxgk check 2024年报告.txt --previous 2023年报告.txt
        xxgk check 报告.txt --select requests-balance,review-group-total
        xxgk check 报告.txt --ignore '#narrative' --kind township
        xxgk check 扫描件.pdf 照片.jpg --ocr auto
    """
    files = list(iter_report_paths(paths))
    if not files:
        raise fail(InputError("没有找到报告文件", "no report files found", path=str(paths[0])))
    options = _options(previous, select, ignore, kind, ocr.value)
    as_json = output_format is CheckFormat.json
    screen = None if as_json else stdout_screen()
    work = partial(checked_row, options=options, screen=screen)
    with progress_bar(len(files), "校验") as tick:
        rows = iter_batch(work, files, jobs, progress=tick)
        tally = _print_text(rows, screen) if screen is not None else _print_json(rows)
    raise typer.Exit(tally.status())


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
    tally, out = Tally(), sys.stdout
    for row in rows:
        tally.add(row)
        out.write("[\n" if tally.reports == 1 else ",\n")
        out.write(textwrap.indent(row.shown, "  "))
    out.write("\n]\n" if tally.reports else "[]\n")
    out.flush()
    return tally


def _options(
    previous: Path | None,
    select: list[str] | None,
    ignore: list[str] | None,
    kind: str | None,
    ocr: str = "auto",
) -> CheckOptions:
    try:
        last_year = load_report(previous, ocr) if previous is not None else None
    except XxgkError as exc:
        raise fail(exc) from exc
    return CheckOptions(
        last_year,
        _settings(kind),
        split_codes(select),
        split_codes(ignore),
        ocr=ocr,
        keep_report=False,
    )


def _settings(kind: str | None) -> object:
    """Return validator settings for ``--kind``, refusing an unknown kind before any work."""
    if not kind:
        return None
    from xxgk.rules import RuleSettings

    try:
        return RuleSettings.resolve({"unit_kind": kind})
    except (XxgkError, ValueError) as exc:
        raise fail(str(exc) if not isinstance(exc, XxgkError) else exc) from exc
