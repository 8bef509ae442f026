"""``xxgk audit verify``: check that nobody changed or removed audit entries behind xxgk's back."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.dbsession import DbOption, UserOption

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xxgk.db.audit_search import AuditFilter

audit_app = typer.Typer(
    name="audit", help="审计日志：校验哈希链是否完整（记录未被改动或删除）。", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    db: Annotated[str | None, typer.Option("--db", help="数据库URL或SQLite文件路径")] = None,
    full: Annotated[
        bool,
        typer.Option(
            "--full/--recent",
            help="--full（默认）逐条校验全部记录并记下校验时间和结果；"
            "--recent 只校验上次校验后新增的记录",
        ),
    ] = True,
) -> None:
    """校验审计日志的哈希链：完整时输出“审计日志完整”（退出码0），否则指出第一处断点（退出码1）。

    全面校验的时间和结果显示在网页“审计日志”页上；宜每日定时运行一次。

    Example:
        xxgk audit verify --full --db sqlite:///xxgk.db
    """
    from sqlalchemy.orm import Session

    from xxgk.db.chain import verify_full, verify_recent
    from xxgk.db.migrate import open_database

    engine = open_database(db)
    try:
        with Session(engine) as session:
            report = verify_full(session) if full else verify_recent(session).recent
    finally:
        engine.dispose()
    if report.broken is None:
        if full:
            typer.echo(f"审计日志完整：共{report.checked}条记录，哈希链校验通过。")
        else:
            typer.echo(
                f"审计日志完整：第{report.last_id}条及以前的记录已校验"
                f"（本次核对新增{report.checked}条），哈希链校验通过。"
            )
        return
    typer.echo(f"审计日志被改动：{report.broken.message}（此前{report.checked}条记录完好）")
    raise typer.Exit(1)


def _filter(
    session: Session, unit: str | None, user: str, since: str | None, until: str | None, action: str
) -> AuditFilter:
    from xxgk.db.audit_search import AuditFilter
    from xxgk.db.units import get_unit
    from xxgk.records.vocab import parse_date

    return AuditFilter(
        unit_id=get_unit(session, unit).id if unit else None,
        actor=user,
        since=parse_date(since, "开始日期"),
        until=parse_date(until, "结束日期"),
        action=action,
    )


UnitFilter = Annotated[str | None, typer.Option("--unit", "-u", help="单位（含下级）代码或名称")]
ActorFilter = Annotated[str, typer.Option("--user", help="操作人用户名")]
SinceFilter = Annotated[str | None, typer.Option("--since", help="开始日期 YYYY-MM-DD（北京时间）")]
UntilFilter = Annotated[str | None, typer.Option("--until", help="结束日期 YYYY-MM-DD（含当日）")]
ActionFilter = Annotated[str, typer.Option("--action", help="操作，如 rename、set-password、event")]


@audit_app.command("list")
def list_command(
    ctx: typer.Context,
    db: DbOption = None,
    user: UserOption = "",
    unit: UnitFilter = None,
    actor: ActorFilter = "",
    since: SinceFilter = None,
    until: UntilFilter = None,
    action: ActionFilter = "",
    page: Annotated[int, typer.Option(help="页码（每页50条，最新的在前）")] = 1,
) -> None:
    """按单位、操作人、日期和操作筛选审计日志（单位管理员只能看到本级及下级单位的记录）。

    Example:
        xxgk audit list --as county-admin --unit qinghe --action set-password
    """
    from xxgk.cli.dbsession import acting_session
    from xxgk.db import audit_search

    ctx.obj = {"db": db, "user": user}
    with acting_session(ctx) as (s, reader):
        wanted = _filter(s, unit, actor, since, until, action)
        found = audit_search.search(s, *audit_search.reader_scope(reader), wanted, page)
        typer.echo(f"共{found.total}条，第{found.page}/{found.pages}页（北京时间）")
        for e in found.entries:
            why = f"  理由：{e.reason}" if e.reason else ""
            target = audit_search.entity_label(e.entity)
            number = "" if e.entity_id is None else f"#{e.entity_id}"
            typer.echo(
                f"{e.id}  {audit_search.local_time(e.at)}  {e.actor_name}  "
                f"{audit_search.action_label(e.action)}  {target}{number}{why}"
            )


@audit_app.command("export")
def export_command(
    ctx: typer.Context,
    output: Annotated[Path, typer.Option("--output", "-o", help="输出的CSV文件")],
    db: DbOption = None,
    user: UserOption = "",
    unit: UnitFilter = None,
    actor: ActorFilter = "",
    since: SinceFilter = None,
    until: UntilFilter = None,
    action: ActionFilter = "",
) -> None:
    """把筛选后的审计日志导出为CSV（UTF-8带BOM，中文表头，可直接用Excel打开）。

    Example:
        xxgk audit export --as admin --since 2026-01-01 -o audit.csv
    """
    from xxgk.cli.dbsession import acting_session
    from xxgk.db import audit_search

    ctx.obj = {"db": db, "user": user}
    with acting_session(ctx) as (s, reader):
        wanted = _filter(s, unit, actor, since, until, action)
        lines = audit_search.csv_lines(s, *audit_search.reader_scope(reader), wanted)
        with output.open("w", encoding="utf-8", newline="") as handle:
            for chunk in lines:
                handle.write(chunk)
    typer.echo(f"已导出：{output}")
