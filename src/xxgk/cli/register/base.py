"""The ``xxgk register`` group, its sub-groups, shared options and small helpers.

Kept free of SQLAlchemy, openpyxl and the register library: ``xxgk --help`` imports this module,
the commands import what they need when they run.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.dbsession import DbOption, UserOption, acting_session

register_app = typer.Typer(
    name="register", help="申请台账：登记、办理、期限、检查与年度报表。", no_args_is_help=True
)
units_app = typer.Typer(help="单位：导入、新增、列表。", no_args_is_help=True)
users_app = typer.Typer(help="用户与角色。", no_args_is_help=True)
apps_app = typer.Typer(help="政府信息公开申请：登记、列表、详情。", no_args_is_help=True)
appeals_app = typer.Typer(help="行政复议、行政诉讼。", no_args_is_help=True)
calendar_app = typer.Typer(
    help="工作日日历：地区放假与调休（系统管理员维护）。", no_args_is_help=True
)
register_app.add_typer(units_app, name="units")
register_app.add_typer(users_app, name="users")
register_app.add_typer(apps_app, name="applications")
register_app.add_typer(appeals_app, name="appeals")
register_app.add_typer(calendar_app, name="calendar")
app.add_typer(register_app, name="register")

Unit_ = Annotated[str, typer.Option("--unit", "-u", help="单位代码或名称")]
Date_ = Annotated[str, typer.Option("--date", "-d", help="日期 YYYY-MM-DD")]

# Every command opens the database the same way; the name is short because it is everywhere.
session = acting_session


@register_app.callback()
def _options(ctx: typer.Context, db: DbOption = None, user: UserOption = "") -> None:
    """申请台账：登记、办理、期限、检查与年度报表。"""
    ctx.obj = {"db": db, "user": user}


def optional_date(text: str | None, what: str = "日期") -> dt.date | None:
    """Parse an optional date option (one-line error naming ``what`` when malformed)."""
    from xxgk.records.vocab import parse_date

    return parse_date(text, what)


def required_date(text: str, what: str = "日期") -> dt.date:
    """Parse a date option that must be given."""
    day = optional_date(text, what)
    assert day is not None
    return day
