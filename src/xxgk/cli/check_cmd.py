"""``xxgk check``: validate reports and print the findings."""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated

import typer

from xxgk.batch import CheckOptions, load_report
from xxgk.cli.application import app
from xxgk.cli.checking import run_check
from xxgk.cli.common import JobsOption, OcrChoice, OcrOption, PathsArgument, fail, split_codes
from xxgk.errors import XxgkError
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
    options = partial(_options, previous, select, ignore, kind, ocr.value)
    as_json = output_format is CheckFormat.json
    raise typer.Exit(run_check(paths, options, as_json=as_json, jobs=jobs))


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
