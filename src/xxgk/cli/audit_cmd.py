"""``xxgk audit verify``: check that nobody changed or removed audit entries behind xxgk's back."""

from __future__ import annotations

from typing import Annotated

import typer

from xxgk.cli.app import app

audit_app = typer.Typer(
    name="audit", help="审计日志：校验哈希链是否完整（记录未被改动或删除）。", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify_command(
    db: Annotated[str | None, typer.Option("--db", help="数据库URL或SQLite文件路径")] = None,
) -> None:
    """逐条校验审计日志的哈希链：完整时输出“审计日志完整”（退出码0），否则指出第一处断点（退出码1）。

    Example:
        xxgk audit verify --db sqlite:///xxgk.db
    """
    from sqlalchemy.orm import Session

    from xxgk.db.chain import verify
    from xxgk.db.migrate import open_database

    engine = open_database(db)
    try:
        with Session(engine) as session:
            report = verify(session)
    finally:
        engine.dispose()
    if report.broken is None:
        typer.echo(f"审计日志完整：共{report.checked}条记录，哈希链校验通过。")
        return
    typer.echo(f"审计日志被改动：{report.broken.message}（此前{report.checked}条记录完好）")
    raise typer.Exit(1)
