"""``xxgk campaign …``: the supervising office's findings with their triage marks, marking a
finding 确认 / 驳回, and declaring a unit's report scope — the same library functions the
web's drill-down and roll-up pages call."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.dbsession import DbOption, UserOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

campaign_app = typer.Typer(
    name="campaign",
    help="年报督查：查看单位报告的问题及督查标记，标记确认或驳回，设置本级报告口径。",
    no_args_is_help=True,
)
app.add_typer(campaign_app, name="campaign")

UnitOption = Annotated[str, typer.Option("--unit", "-u", help="单位（代码或名称）")]
YearOption = Annotated[int, typer.Option("--year", "-y", help="报告年度")]


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    """Yield a session on an up-to-date database; commit when the command went well."""
    from sqlalchemy.orm import Session

    from xxgk.db.migrate import open_database

    engine = open_database(db)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


@campaign_app.command("findings")
def findings_command(
    unit: UnitOption,
    year: YearOption,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="写入 .xlsx 或 .csv 文件（含下级单位）；不写则列出"),
    ] = None,
    db: DbOption = None,
) -> None:
    """列出单位本年度报告发现的问题、问题键和督查标记；-o 导出该单位及全部下级的问题清单。

    \b
    Example:
        xxgk campaign findings -u shiqiao -y 2024
        xxgk campaign findings -u shilixian -y 2024 -o 问题清单.xlsx
    """
    from xxgk.campaign.drilldown import drilldown
    from xxgk.campaign.exports import findings_csv, findings_xlsx
    from xxgk.corpus.queries import subtree
    from xxgk.db.models import Unit
    from xxgk.db.units import get_unit
    from xxgk.errors import InputError

    with _session(db) as session:
        chosen = get_unit(session, unit)
        if output is None:
            view = drilldown(session, chosen, year)
            typer.echo(f"{chosen.name}{year}年度：{view.year_view.status.label}")
            for item in view.findings:
                f = item.finding
                typer.echo(f"{f.severity.label}\t{item.describe()}\t{f.message}\t{item.key}")
            return
        members = [chosen] + [session.get_one(Unit, t.id) for t in subtree(session, chosen)]
        suffix = output.suffix.lower()
        if suffix not in (".xlsx", ".csv"):
            raise InputError("导出文件须为 .xlsx 或 .csv", f"bad output suffix {suffix!r}")
        write = findings_xlsx if suffix == ".xlsx" else findings_csv
        output.write_bytes(write(session, members, year))
    typer.echo(f"已写入 {output}")


@campaign_app.command("mark")
def mark_command(
    unit: UnitOption,
    year: YearOption,
    finding: Annotated[str, typer.Option("--finding", "-f", help="问题键（见 campaign findings）")],
    verdict: Annotated[str, typer.Option("--verdict", help="确认 或 驳回")],
    reason: Annotated[str, typer.Option("--reason", help="标记理由（必填）")],
    user: UserOption = "",
    db: DbOption = None,
) -> None:
    """把单位本年度当前报告的一个问题标记为确认或驳回（需填理由，记入审计日志）。

    单元格不变时，标记自动沿用到以后的版本。

    \b
    Example:
        xxgk campaign mark -u shiqiao -y 2024 -f 'requests-balance|requests.total_handled.total' \\
            --verdict 驳回 --reason 口径不同 --as county-supervisor
    """
    from xxgk.campaign.drilldown import mark_finding
    from xxgk.cli.dbsession import acting_user
    from xxgk.db.units import get_unit

    with _session(db) as session:
        chosen = get_unit(session, unit)
        mark = mark_finding(
            session=session,
            actor=acting_user(session, user),
            unit=chosen,
            year=year,
            key=finding,
            verdict=verdict,
            reason=reason,
        )
        label = "确认" if mark.verdict == "confirmed" else "驳回"
        name = chosen.name
    typer.echo(f"已标记为{label}：{name}{year}年度 {finding}")


@campaign_app.command("scope")
def scope_command(
    unit: UnitOption,
    scope: Annotated[str, typer.Argument(help="own（本级）或 whole（全口径：本级加下级）")],
    user: UserOption = "",
    db: DbOption = None,
) -> None:
    """声明单位本级年度报告的口径（默认本级）；汇总时据此与下级合计比较。

    \b
    Example:
        xxgk campaign scope -u shilixian whole --as county-supervisor
    """
    from xxgk.campaign.rollup import set_report_scope
    from xxgk.cli.dbsession import acting_user
    from xxgk.db.units import get_unit

    with _session(db) as session:
        chosen = set_report_scope(
            session=session,
            actor=acting_user(session, user),
            unit=get_unit(session, unit),
            scope=scope,
        )
        name = chosen.name
    typer.echo(f"已将{name}本级报告的口径设为{'本级' if scope == 'own' else '全口径'}")
