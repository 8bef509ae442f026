"""The ``xxgk disclosure`` group, its options and the helpers its commands share.

Kept free of SQLAlchemy and the disclosure library's tables: ``xxgk --help`` imports this module,
the commands import what they need when they run.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xxgk.cli.application import app
from xxgk.cli.dbsession import DbOption, UserOption
from xxgk.disclosure.vocab import State
from xxgk.errors import RegisterError

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session

    from xxgk.db.models import Unit, User
    from xxgk.disclosure.models import Item

disclosure_app = typer.Typer(name="disclosure", no_args_is_help=True)
catalogue_app = typer.Typer(
    help="政府信息公开目录：查看、建立默认目录、新增、改名、移动、停用栏目。", no_args_is_help=True
)
disclosure_app.add_typer(catalogue_app, name="catalogue")
app.add_typer(disclosure_app, name="disclosure")

UnitOpt = Annotated[
    str | None, typer.Option("--unit", "-u", help="单位代码或名称（默认为当前用户所属单位）")
]
ItemId = Annotated[int, typer.Argument(help="信息编号（#后的数字）")]


@disclosure_app.callback()
def _options(ctx: typer.Context, db: DbOption = None, user: UserOption = "") -> None:
    """主动公开：公开目录、信息起草、三级审核与发布、检索、导出和年度统计。

    \b
    审核链：草稿 → 部门审核（审核人或单位管理员）→ 保密审查（保密审查员）
            → 领导审批（分管领导）→ 已发布；任一环节可退回修改（须说明理由）。
    起草人不能审核自己的信息，同一人不能签署同一轮的两个环节。
    已发布的信息可撤回，记录始终保留。详见 docs/disclosure.md。
    """
    ctx.obj = {"db": db, "user": user}


def unit_of(s: Session, actor: User, ref: str | None) -> Unit:
    """The unit of ``-u``, else the acting user's own unit."""
    from xxgk.db.units import get_unit

    if ref:
        return get_unit(s, ref)
    if actor.unit is not None:
        return actor.unit
    raise RegisterError(
        f"用户“{actor.username}”不属于任何单位，请用 -u 指定单位",
        "the acting user has no unit: give one with -u",
    )


def units_to_list(s: Session, actor: User, ref: str | None) -> list[Unit]:
    """``-u``, else the user's unit, else (administrator, supervisor) every unit."""
    from xxgk.db.units import list_units

    if ref or actor.unit is not None:
        home = unit_of(s, actor, ref)
        require_reader(actor, home)
        return [home]
    require_reader(actor, None)
    return [u for _, u in list_units(s)]


def require_reader(actor: User, unit: Unit | None) -> None:
    """Drafts and items under review are seen inside their unit (and by the supervisors)."""
    from xxgk.db.access import require
    from xxgk.db.models import Role

    if Role(actor.role) in (Role.ADMIN, Role.SUPERVISOR):
        return
    if unit is None:
        raise RegisterError("请用 -u 指定单位", "give the unit with -u")
    require(actor, frozenset(Role), unit)


def get_item(s: Session, item_id: int) -> Item:
    from xxgk.db.queries import row_by_id
    from xxgk.disclosure.models import Item

    item = row_by_id(s, Item, item_id)
    if item is None:
        raise RegisterError(f"没有编号为{item_id}的公开信息", f"no disclosure item {item_id}")
    return item


def where(item: Item) -> str:
    from xxgk.disclosure.workflow import STEP_ROLES

    roles = STEP_ROLES.get(item.status)
    if roles:
        names = "或".join(r.label for r in sorted(roles))
        return f"{item.status.label}（待{names}办理）"
    if item.status is State.PUBLISHED:
        repealed = f"，{item.repealed_on}废止" if item.repealed_on else ""
        return f"已发布（{item.published_on}）{repealed}"
    if item.status is State.DRAFT and item.steps and item.steps[-1].action == "return":
        return f"已退回起草人修改：{item.steps[-1].reason}"
    return item.status.label


def parse_day(text: str | None, what: str) -> dt.date | None:
    from xxgk.records.vocab import parse_date

    return parse_date(text, what)


def day_text(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def wide_console() -> Console:
    """A console on stdout; wide when piped, so that tables are not squeezed to 80 columns."""
    import sys

    from rich.console import Console

    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, width=width)


def new_table(*headers: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table
