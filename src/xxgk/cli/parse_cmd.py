"""``xxgk parse``: read reports and print them as JSON, JSON Lines, CSV or Markdown."""

from __future__ import annotations

import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any, NamedTuple, TextIO

import typer

from xxgk.batch import csv_header_lines, csv_row, iter_batch, iter_report_paths, parse_one
from xxgk.cli.application import app
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
from xxgk.cli.output import output_error
from xxgk.errors import InputError, XxgkError
from xxgk.model.report import Report


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
    single = len(paths) == 1 and not paths[0].is_dir()
    work = partial(parsed_row, ocr=ocr.value, output_format=output_format, single=single)
    try:
        with progress_bar(len(files), "解析") as tick, _opened(output) as out:
            usable = _write_rows(iter_batch(work, files, jobs, progress=tick), output_format, out)
    except XxgkError as exc:
        raise fail(exc) from exc
    raise typer.Exit(0 if usable else 2)


class ParsedRow(NamedTuple):
    """One file as ``xxgk parse`` writes it, or why it is unusable: a worker process sends
    this text back, not the report with its cells and places (the parent only writes)."""

    error: str | None
    written: str


def parsed_row(path: Path, ocr: str, output_format: ParseFormat, single: bool) -> ParsedRow:
    """Parse one file and return its output text (runs in the worker processes)."""
    outcome = parse_one(path, ocr)
    if outcome.report is None:
        return ParsedRow(outcome.error or str(path), "")
    return ParsedRow(None, _formatted(outcome.report, output_format, single))


def _formatted(report: Report, output_format: ParseFormat, single: bool) -> str:
    if output_format is ParseFormat.csv:
        import csv

        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(csv_row(report))
        return buffer.getvalue()
    if output_format is ParseFormat.md:
        from xxgk.render.text import render_text

        return render_text(report, "markdown")
    if output_format is ParseFormat.json and single:
        return _json(report.to_dict(), indent=2) + "\n"
    return _json(report.to_dict()) + "\n"


def _write_rows(rows: Iterable[ParsedRow], output_format: ParseFormat, out: TextIO) -> bool:
    """Write each file's text to ``out`` as soon as it is ready; return False when a file
    was unusable (its reason goes to stderr). Nothing is kept: memory stays flat at any
    batch size (``xxgk parse DIR``)."""
    usable, first = True, True
    if output_format is ParseFormat.csv:
        out.write(csv_header_lines())
    for row in rows:
        if row.error is not None:
            usable = False
            print_error(row.error)
            continue
        if output_format is ParseFormat.md and not first:
            out.write("\n---\n\n")
        out.write(row.written)
        first = False
    return usable


@contextmanager
def _opened(output: Path | None) -> Iterator[TextIO]:
    """Yield stdout, or ``output`` opened for writing (UTF-8), as a text stream."""
    if output is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    try:
        stream = output.open("w", encoding="utf-8", newline="")
    except OSError as exc:
        raise output_error(exc, output) from exc
    with stream:
        yield stream


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
    from xxgk.sandbox import budgeted

    dumps, status = [], 0
    for file in files:
        try:
            with ocr_mode(ocr), budgeted():
                dump = debug_parse(file.read_bytes(), source=str(file), name=file.name)
        except (OSError, XxgkError) as exc:
            print_error(exc if isinstance(exc, XxgkError) else f"{file}: {exc}")
            status = 2
            continue
        dumps.append(_json({"source": str(file), **dump}, indent=2))
    write_output("\n".join(dumps) + ("\n" if dumps else ""), output)
    return status
