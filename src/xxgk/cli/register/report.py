"""The year's outcome: checking the register, compiling, publishing and reopening the report."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.register.base import Date_, Unit_, optional_date, required_date, session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BINARY_FORMATS = ("docx", "xlsx", "pdf")


def check(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int | None, typer.Option(help="只检查该年收到的申请")] = None,
    today: Annotated[str | None, typer.Option(help="以哪天为今天（默认今天）")] = None,
) -> None:
    """台账检查 A01–A06：逾期答复、补正、延期、办理结果、已发布报告与台账是否一致。

    Example:
        xxgk register check -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.model.report import Report
    from xxgk.register.checks import check_register, check_report

    with session(ctx) as (s, _):
        home = get_unit(s, unit)
        findings = check_register(s, home, year=year, today=optional_date(today) or dt.date.today())
        for version in _latest_versions(s, home, year):
            findings += check_report(s, home, version.year, Report.from_dict(version.snapshot_json))
        for finding in findings:
            typer.echo(f"[{finding.severity.label}] {finding.code} {finding.message}")
        typer.echo(f"共{len(findings)}个问题")
        if any(f.severity.value == "error" for f in findings):
            raise typer.Exit(1)


def _latest_versions(s: Session, unit, year: int | None) -> list:  # type: ignore[no-untyped-def]
    from xxgk.register.publish import published_versions

    years = [year] if year else range(2019, dt.date.today().year + 1)
    out = []
    for y in years:
        versions = published_versions(s, unit, y)
        if versions:
            out.append(versions[-1])
    return out


def report(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int, typer.Option(help="报告年度")],
    to: Annotated[str, typer.Option("--to", help="json/docx/html/xlsx/pdf/md/txt")] = "json",
    output: Annotated[Path | None, typer.Option("-o", help="输出文件（docx/xlsx/pdf必填）")] = None,
) -> None:
    """由台账生成年度报告（表二、表三、表四和各节草稿），运行校验并显示问题。

    Example:
        xxgk register report -u qinghe --year 2025 --to docx -o 2025年度报告.docx
    """
    from xxgk.db.units import get_unit
    from xxgk.register.compile import compile_report
    from xxgk.rules import validate

    with session(ctx) as (s, _):
        compiled = compile_report(s, get_unit(s, unit), year)
    result = validate(compiled)
    compiled.findings = list(result.findings)
    if to == "json":
        text = json.dumps(compiled.to_dict(), ensure_ascii=False, indent=2) + "\n"
        _write(text.encode("utf-8"), output, binary=False)
        return
    from xxgk.render import render

    for finding in result.findings:
        typer.echo(f"[{finding.severity.label}] {finding.code} {finding.message}", err=True)
    _write(render(compiled, to), output, binary=to in BINARY_FORMATS)


def _write(data: bytes, output: Path | None, *, binary: bool) -> None:
    from xxgk.errors import RegisterError

    if output is not None:
        output.write_bytes(data)
        typer.echo(f"已写入{output}", err=True)
    elif binary:
        raise RegisterError(
            "二进制格式（docx/xlsx/pdf）需要用 -o 指定输出文件", "use -o for binary"
        )
    else:
        typer.echo(data.decode("utf-8"), nl=False)


def publish(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int, typer.Option(help="报告年度")],
    date: Date_,
    reason: Annotated[str, typer.Option(help="更正后重新发布的理由")] = "",
) -> None:
    """将年度报告标记为已发布并锁定该年度台账。

    Example:
        xxgk register publish -u qinghe --year 2025 -d 2026-01-20
    """
    from xxgk.db.units import get_unit
    from xxgk.register.publish import publish_report

    with session(ctx) as (s, actor):
        row = publish_report(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            year=year,
            published_on=required_date(date),
            reason=reason,
        )
        typer.echo(f"已发布{year}年度报告第{row.version}版，{year}年度台账已锁定")


def reopen(
    ctx: typer.Context,
    unit: Unit_,
    year: Annotated[int, typer.Option(help="报告年度")],
    reason: Annotated[str, typer.Option(help="更正理由")],
) -> None:
    """解除已发布年度的锁定以便更正（更正后须重新发布新版本）。

    Example:
        xxgk register reopen -u qinghe --year 2025 --reason 漏登一件申请
    """
    from xxgk.db.units import get_unit
    from xxgk.register.publish import reopen_year

    with session(ctx) as (s, actor):
        reopen_year(session=s, unit=get_unit(s, unit), actor=actor, year=year, reason=reason)
        typer.echo(f"{year}年度台账已解除锁定")
