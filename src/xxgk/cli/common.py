"""Shared pieces of the commands: the typer options and ``fail``; the rest of what they print
is in ``xxgk.cli.output`` (re-exported here)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.output import (
    SEVERITY_STYLE,
    print_error,
    progress_bar,
    split_codes,
    stdout_console,
    write_output,
)
from xxgk.errors import XxgkError

__all__ = [
    "SEVERITY_STYLE",
    "JobsOption",
    "OcrChoice",
    "OcrOption",
    "OutputOption",
    "PathsArgument",
    "fail",
    "print_error",
    "progress_bar",
    "split_codes",
    "stdout_console",
    "write_output",
]


def fail(exc: XxgkError | str, code: int = 2) -> typer.Exit:
    """Print ``exc`` as one line and return the ``typer.Exit`` to raise."""
    print_error(exc)
    return typer.Exit(code)


class OcrChoice(StrEnum):
    """When scanned pages and images are read by OCR (``parse.ocr``)."""

    auto = "auto"
    always = "always"
    never = "never"


PATHS_HELP = "报告文件或目录（目录递归读取，跳过隐藏文件）。"
JOBS_HELP = "并行进程数；默认大批量时用全部核心，1 为单进程。"
PathsArgument = Annotated[list[Path], typer.Argument(metavar="PATH", help=PATHS_HELP)]
JobsOption = Annotated[int | None, typer.Option("--jobs", "-j", metavar="N", help=JOBS_HELP)]
OCR_HELP = (
    "扫描件和图片的文字识别：auto 只识别没有文字层的页面和图片（默认），"
    "always 所有页面都识别，never 不识别（扫描件报错）。"
)
OcrOption = Annotated[OcrChoice, typer.Option("--ocr", help=OCR_HELP)]
OutputOption = Annotated[
    Path | None, typer.Option("--output", "-o", metavar="OUT", help="写入此文件，而不是标准输出。")
]
