"""``xxgk render``: write a report in the official layout as DOCX, HTML, XLSX or PDF, or as text."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from xxgk.batch import load_report
from xxgk.cli.application import app
from xxgk.cli.common import fail
from xxgk.cli.output import output_error
from xxgk.errors import XxgkError

BINARY = frozenset({"docx", "xlsx", "pdf"})


class RenderFormat(StrEnum):
    docx = "docx"
    html = "html"
    md = "md"
    txt = "txt"
    xlsx = "xlsx"
    pdf = "pdf"


def _default_output(source: Path, fmt: str) -> Path:
    """Return ``<stem>.<fmt>`` in the working directory, never the input file itself."""
    target = Path.cwd() / f"{source.stem}.{fmt}"
    if target.resolve() == source.resolve():
        target = Path.cwd() / f"{source.stem}.rendered.{fmt}"
    return target


def _write(data: bytes, output: Path) -> None:
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise output_error(exc, output) from exc


@app.command("render")
def render_command(
    report_path: Annotated[
        Path,
        typer.Argument(metavar="REPORT", help="规范 JSON 文件，或 xxgk 能解析的任何报告文件。"),
    ],
    to: Annotated[RenderFormat, typer.Option("--to", "-t", help="输出格式。")] = RenderFormat.docx,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", metavar="OUT", help="写入此文件；省略时文本格式写到标准输出。"
        ),
    ] = None,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="HTML：先校验，再把检查发现标在相关单元格上（悬停显示说明）。"
        ),
    ] = False,
) -> None:
    """按国办公开办函〔2021〕30号的格式输出年度报告：Word、网页、Excel、PDF、Markdown 或文本。

    缺少的数值留空并加斜线底纹，不会填 0。PDF 由 LibreOffice 从 Word 文件转换。
    省略 -o 时，html、md、txt 写到标准输出；docx、xlsx、pdf 在终端中写到当前目录的
    “文件名.格式”，管道中写到标准输出。

    \b
    Example:
        xxgk render 报告.json --to docx -o 报告.docx
        xxgk render 报告.txt --to html --check -o 报告.html
        xxgk render 报告.docx --to pdf
    """
    fmt = to.value
    try:
        report = load_report(report_path)
        if fmt == "html":
            from xxgk.render.html import render_html

            findings = None
            if check:
                from xxgk.rules import validate

                findings = validate(report).findings
            data = render_html(report, findings=findings)
        else:
            from xxgk.render import render

            data = render(report, fmt)
        if output is None and fmt in BINARY and sys.stdout.isatty():
            output = _default_output(report_path, fmt)
        if output is None:
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            _write(data, output)
            print(f"已写入 {output}", file=sys.stderr)
    except XxgkError as exc:
        raise fail(exc) from exc
