"""The public side and the year: search, export of the published items, the annual figures."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xxgk.cli.dbsession import acting_session
from xxgk.cli.disclosure.base import (
    UnitOpt,
    day_text,
    new_table,
    unit_of,
    wide_console,
)
from xxgk.disclosure.vocab import State
from xxgk.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xxgk.db.models import Unit

ExportFormat = ("csv", "xlsx", "jsonl")
XLSX_CELL_LIMIT = 32000


def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="检索词，多个词用空格分开（须同时出现）")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只检索该单位")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="最多显示条数")] = 20,
) -> None:
    """在已发布的信息中全文检索（标题和正文，与公开目录页面的检索相同）；无需 --as。

    Example:
        xxgk disclosure search 农村公路 养护
    """
    from xxgk.db.units import get_unit
    from xxgk.disclosure.search import excerpt, search

    with acting_session(ctx, anonymous=True) as (s, _):
        unit_ids = [get_unit(s, unit).id] if unit else None
        hits = search(s, query, unit_ids=unit_ids, limit=limit)
        table = new_table("编号", "标题", "单位", "发布日期", "摘要")
        for hit in hits:
            before, match, after = excerpt(hit.item.body, query)
            table.add_row(
                f"#{hit.item.id}",
                hit.item.title,
                hit.item.unit.name,
                day_text(hit.item.published_on),
                before + match + after,
            )
        wide_console().print(table)
        typer.echo(f"找到{len(hits)}条")


def export(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="发布年度")],
    unit: UnitOpt = None,
    to: Annotated[str, typer.Option("--to", help="csv / xlsx / jsonl")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件（xlsx必填；否则默认标准输出）")
    ] = None,
) -> None:
    """导出一年内发布的信息（含其后撤回的），CSV、XLSX 或 JSON lines。

    Example:
        xxgk disclosure export --year 2025 -u jiaotong --to xlsx -o 2025主动公开.xlsx
    """
    fmt = to.lower().lstrip(".")
    if fmt not in ExportFormat:
        raise InputError(
            f"不支持的导出格式“{to}”，可选：{'、'.join(ExportFormat)}",
            f"unknown export format {to!r}",
        )
    if fmt == "xlsx" and output is None:
        raise InputError("xlsx 格式需要用 -o 指定输出文件", "use -o for xlsx")
    with acting_session(ctx) as (s, actor):
        rows = _export_rows(s, unit_of(s, actor, unit), year)
    data = {"csv": _csv_bytes, "xlsx": _xlsx_bytes, "jsonl": _jsonl_bytes}[fmt](rows)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    if fmt == "csv":
        data = "\ufeff".encode() + data  # a file opens in Excel as UTF-8
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"无法写入输出文件（{exc.strerror or exc}）", f"cannot write: {exc}", path=str(output)
        ) from exc
    typer.echo(f"已导出{len(rows)}条到{output}", err=True)


def summary(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="报告年度")],
    unit: UnitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """年度报告所用的数字：第一部分“主动公开”段落和表二（一）规章、行政规范性文件的件数。

    表二（一）由年度报告编制程序按文件台账计算，已发布的规章和行政规范性文件自动登记其中。

    Example:
        xxgk disclosure summary --year 2025 -u jiaotong
    """
    from xxgk.disclosure.yearly import proactive_summary, summary_paragraph
    from xxgk.register.compile import compile_report

    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        counted = proactive_summary(s, home, year)
        documents = _document_figures(compile_report(s, home, year))
    paragraph = summary_paragraph(counted)
    if as_json:
        data = {"summary": counted.to_dict(), "paragraph": paragraph, "documents": documents}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{counted.unit} {year}年度 主动公开")
    typer.echo(paragraph or f"{year}年没有发布信息。")
    table = new_table("表二（一）", "本年制发件数", "本年废止件数", "现行有效件数")
    for figures in documents.values():
        table.add_row(
            str(figures["label"]), *(str(figures[c]) for c in ("issued", "repealed", "in_force"))
        )
    wide_console().print(table)


# --- helpers -------------------------------------------------------------------------------


def _document_figures(report: Any) -> dict[str, dict[str, object]]:
    """Table 二 block (一) of a compiled report: 规章 and 行政规范性文件 by column."""
    from xxgk.model.cells import ACTIVE_BLOCKS

    block = ACTIVE_BLOCKS[0]
    figures: dict[str, dict[str, object]] = {}
    for row in block.rows:
        values: dict[str, object] = {"label": row.label}
        for column in block.columns:
            values[column.key] = report[f"active.{row.key}.{column.key}"]
        figures[row.key] = values
    return figures


EXPORT_COLUMNS = (
    ("id", "编号"),
    ("unit", "单位"),
    ("title", "标题"),
    ("category", "栏目"),
    ("doc_kind", "文件类型"),
    ("doc_number", "文号"),
    ("document_date", "印发日期"),
    ("published_on", "发布日期"),
    ("channels", "发布渠道"),
    ("attribute", "公开属性"),
    ("state", "状态"),
    ("withdrawn_on", "撤回日期"),
    ("repealed_on", "废止日期"),
    ("attachments", "附件"),
    ("body", "正文"),
)


def _export_rows(s: Session, unit: Unit, year: int) -> list[dict[str, Any]]:
    """The items published in ``year`` (withdrawn later or not: they were public)."""
    from xxgk.disclosure.catalogue import category_path
    from xxgk.disclosure.items import DOC_KINDS, list_items

    items = list_items(s, [unit], states=(State.PUBLISHED, State.WITHDRAWN), year=year)
    items.sort(key=lambda i: (i.published_on, i.id))
    return [
        {
            "id": i.id,
            "unit": unit.name,
            "title": i.title,
            "category": category_path(i.category),
            "doc_kind": DOC_KINDS.get(i.doc_kind or "", ""),
            "doc_number": i.doc_number,
            "document_date": _iso(i.document_date),
            "published_on": _iso(i.published_on),
            "channels": i.channel_labels,
            "attribute": i.attribute_label,
            "state": i.status.label,
            "withdrawn_on": _iso(i.withdrawn_on),
            "repealed_on": _iso(i.repealed_on),
            "attachments": [a.filename for a in i.attachments],
            "body": i.body,
        }
        for i in items
    ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(value)
    return "" if value is None else value


def _csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """The items as CSV: BOM, Chinese headers, the keys, then one row per item."""
    from xxgk.spreadsheet import csv_document

    headers = [(label, key) for key, label in EXPORT_COLUMNS]
    body = ([_flat(row[key]) for key, _ in EXPORT_COLUMNS] for row in rows)
    return csv_document(headers, body).encode("utf-8")


def _jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def _xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    from xxgk.spreadsheet import append_row

    book = Workbook()
    sheet = book.active
    sheet.title = "主动公开"
    sheet.append([label for _, label in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [_flat(row[key]) for key, _ in EXPORT_COLUMNS]
        append_row(sheet, [v[:XLSX_CELL_LIMIT] if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
