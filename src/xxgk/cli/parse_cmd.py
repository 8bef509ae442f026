"""``xxgk parse``: read reports and print them as JSON, JSON Lines, CSV or Markdown."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from xxgk.batch import Outcome, iter_report_paths, parse_many, reports_to_csv
from xxgk.cli.app import app
from xxgk.cli.common import (
    JobsOption,
    OcrChoice,
    OcrOption,
    OutputOption,
    PathsArgument,
    fail,
    print_error,
    progress_bar,
    write_output,
)
from xxgk.errors import InputError, XxgkError


class ParseFormat(StrEnum):
    json = "json"
    jsonl = "jsonl"
    csv = "csv"
    md = "md"


@app.command("parse")
def parse_command(
    paths: PathsArgument,
    output_format: Annotated[
        ParseFormat, typer.Option("--format", "-f", help="输出格式。")
    ] = ParseFormat.json,
    output: OutputOption = None,
    debug: Annotated[
        bool, typer.Option("--debug", help="输出解析器的中间结果（分节、表格、标签匹配）。")
    ] = False,
    jobs: JobsOption = None,
    ocr: OcrOption = OcrChoice.auto,
) -> None:
    """解析年度报告，输出规范的 JSON、JSON Lines、CSV 或 Markdown。

    一个文件配 --format json 时输出一个 JSON 对象；
    多个文件或目录时输出 JSON Lines，每行一份报告，带来源路径。
    无法读取的文件在标准错误输出一行原因，其余文件照常输出，退出码为 2。

    \b
    Example:
        xxgk parse 报告.txt
        xxgk parse 报告目录/ --format csv -o 报告.csv
        xxgk parse 报告.txt --format md
        xxgk parse 报告.txt --debug
        xxgk parse 扫描件.pdf --ocr always
    """
    files = list(iter_report_paths(paths))
    if not files:
        raise fail(InputError("没有找到报告文件", "no report files found", path=str(paths[0])))
    if debug:
        raise typer.Exit(_debug(files, output, ocr.value))
    with progress_bar(len(files), "解析") as tick:
        outcomes = parse_many(files, jobs, progress=tick, ocr=ocr.value)
    for outcome in outcomes:
        if not outcome.usable:
            print_error(outcome.error or outcome.path)
    single = len(paths) == 1 and not paths[0].is_dir()
    try:
        write_output(_render(outcomes, output_format, single), output)
    except XxgkError as exc:
        raise fail(exc) from exc
    raise typer.Exit(0 if all(o.usable for o in outcomes) else 2)


def _render(outcomes: list[Outcome], output_format: ParseFormat, single: bool) -> str:
    reports = [o.report for o in outcomes if o.report is not None]
    if output_format is ParseFormat.csv:
        return reports_to_csv(reports)
    if output_format is ParseFormat.md:
        from xxgk.render.text import render_text

        return "\n---\n\n".join(render_text(r, "markdown") for r in reports)
    if output_format is ParseFormat.json and single:
        return "".join(_json(r.to_dict(), indent=2) + "\n" for r in reports)
    return "".join(_json(r.to_dict()) + "\n" for r in reports)


_NUMBER_LIST = re.compile(r"\[\s*((?:-?[\d.]+|null)(?:,\s*(?:-?[\d.]+|null))*)\s*\]")


def _json(data: Any, indent: int | None = None) -> str:
    """Return JSON; indented output keeps each list of numbers (a table row) on one line."""
    text = json.dumps(data, ensure_ascii=False, indent=indent, default=str)
    if indent is None:
        return text
    return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(_items(m.group(1))) + "]", text)


def _items(numbers: str) -> list[str]:
    return [item.strip() for item in numbers.split(",")]


def _debug(files: list[Path], output: Path | None, ocr: str) -> int:
    from xxgk.parse import debug_parse, ocr_mode

    dumps, status = [], 0
    for file in files:
        try:
            with ocr_mode(ocr):
                dump = debug_parse(file.read_bytes())
        except (OSError, XxgkError) as exc:
            print_error(exc if isinstance(exc, XxgkError) else f"{file}: {exc}")
            status = 2
            continue
        dumps.append(_json({"source": str(file), **dump}, indent=2))
    write_output("\n".join(dumps) + ("\n" if dumps else ""), output)
    return status
