"""What the annual report needs besides applications: Table 二 counts, documents, section drafts."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.register.base import Unit_, optional_date, required_date, session


def counts(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int, typer.Option(help="年度")],
    key: Annotated[str, typer.Argument(help="行政许可/行政处罚/行政强制/行政事业性收费")],
    value: Annotated[str, typer.Argument(help="数量，收费为万元")],
) -> None:
    """录入表二的年度数据（处理决定数量、收费金额）。

    Example:
        xxgk register counts -u qinghe --year 2025 行政许可 12
    """
    from xxgk.db.units import get_unit
    from xxgk.register.inputs import set_yearly_count

    with session(ctx) as (s, actor):
        set_yearly_count(
            session=s, unit=get_unit(s, unit), actor=actor, year=year, key=key, value=value
        )
        typer.echo(f"已录入{year}年{key}：{value}")


def document(
    ctx: typer.Context,
    unit: Unit_,
    title: Annotated[str, typer.Argument(help="文件名称")],
    issued: Annotated[str, typer.Option(help="制发日期")],
    kind: Annotated[str, typer.Option(help="规章/行政规范性文件")] = "行政规范性文件",
    number: Annotated[str, typer.Option(help="文号")] = "",
    repealed: Annotated[str | None, typer.Option(help="废止日期")] = None,
) -> None:
    """登记规章或行政规范性文件（表二的制发、废止、现行有效由此统计）。

    Example:
        xxgk register document -u qinghe 示例办法 --issued 2025-03-01
    """
    from xxgk.db.units import get_unit
    from xxgk.register.inputs import add_document

    with session(ctx) as (s, actor):
        add_document(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            kind=kind,
            title=title,
            issued_on=required_date(issued),
            doc_number=number,
            repealed_on=optional_date(repealed, "废止日期"),
        )
        typer.echo(f"已登记文件：{title}")


def import_documents_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """从CSV或XLSX导入规范性文件台账（列：类型、名称、文号、制发日期、废止日期）。

    Example:
        xxgk register import-documents 文件台账.xlsx -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.table_import import import_documents

    with session(ctx) as (s, actor):
        count = import_documents(session=s, unit=get_unit(s, unit), actor=actor, path=path)
    typer.echo(f"已导入{count}件文件")


def import_counts_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """从CSV或XLSX导入表二年度数据（列：年度、项目、数值；收费单位为万元）。

    Example:
        xxgk register import-counts 年度数据.csv -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.table_import import import_counts

    with session(ctx) as (s, actor):
        count = import_counts(session=s, unit=get_unit(s, unit), actor=actor, path=path)
    typer.echo(f"已导入{count}项年度数据")


def narrative(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int, typer.Option(help="年度")],
    section: Annotated[str, typer.Argument(help="overview/problems/other 等章节键")],
    path: Annotated[Path, typer.Argument(help="UTF-8文本文件")],
) -> None:
    """保存年度报告某一节的草稿文字。

    Example:
        xxgk register narrative -u qinghe --year 2025 overview 总体情况.txt
    """
    from xxgk.db.units import get_unit
    from xxgk.register.inputs import set_narrative

    with session(ctx) as (s, actor):
        set_narrative(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            year=year,
            section=section,
            text=path.read_text(encoding="utf-8").strip(),
        )
        typer.echo(f"已保存{year}年“{section}”草稿")
