"""``xxgk aggregate``: the roll-up of a unit's subtree for a year, with the members' status."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.common import write_output
from xxgk.errors import InputError

TO_HELP = "输出格式：docx、html、xlsx、pdf、md、txt 或 json（默认只在终端列出状态）"


@app.command("aggregate")
def aggregate_command(
    unit: Annotated[str, typer.Option("--unit", "-u", help="汇总到哪个单位（代码或名称）")],
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度")],
    to: Annotated[str | None, typer.Option("--to", metavar="FORMAT", help=TO_HELP)] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", metavar="OUT", help="输出文件")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", metavar="URL", help="数据库URL或SQLite文件")
    ] = None,
) -> None:
    """汇总下级单位的年度报告（表二、表三、表四逐格相加，收费按金额相加），并列出缺报、逾期、有错误的单位。

    缺报单位不计入合计、不按零计算。本级报告按单位声明的口径比较（默认本级，不逐格比较；
    全口径报告小于下级合计的单元格列为警告，见 xxgk campaign scope）。
    docx、xlsx、pdf 附下级单位报送情况表。

    Example:
        xxgk aggregate --unit 示例县人民政府 --year 2024 --to docx -o 示例县汇总.docx
    """
    from sqlalchemy.orm import Session

    from xxgk.campaign.rollup import DOCUMENT_FORMATS, campaign_rollup, rollup_document
    from xxgk.corpus.text import status_counts_line, status_lines
    from xxgk.db.migrate import open_database
    from xxgk.db.units import get_unit

    fmt = (to or "").lower().lstrip(".")
    engine = open_database(db)
    try:
        with Session(engine) as session:
            rolled = campaign_rollup(session, get_unit(session, unit), year)
            document = rollup_document(rolled, fmt) if fmt in DOCUMENT_FORMATS else None
    finally:
        engine.dispose()
    result = rolled.result
    path = output or (Path(f"{unit}-{year}-汇总.{fmt}") if fmt not in ("", "json") else None)
    if fmt == "json":
        write_output(json.dumps(result.to_dict(), ensure_ascii=False, indent=2) + "\n", output)
        if output is None:
            return
    elif fmt:
        assert path is not None  # a format other than json always names a file
        _write_rendered(result.report, fmt, path, document)
    typer.echo(status_counts_line(result.counts(), len(result.statuses)))
    for line in status_lines(result.statuses):
        typer.echo(line)
    for finding in result.differences:
        typer.echo(f"警告 {finding.code} {finding.message}")
    if path is not None:
        typer.echo(f"已写入 {path}")


def _write_rendered(report, fmt: str, path: Path, document: bytes | None) -> None:  # type: ignore[no-untyped-def]
    """Write the roll-up: ``document`` when made already (DOCX, XLSX, PDF with the members'
    status list, as the web downloads it), else ``report`` rendered in ``fmt``."""
    from xxgk.render import render

    data = document if document is not None else render(report, fmt)
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"无法写入输出文件（{exc.strerror or exc}）",
            f"cannot write output: {exc}",
            path=str(path),
        ) from exc
