"""Setting up the register: the database, units, users, the working-day calendar, the audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from xxgk.cli.register.base import Date_, required_date, session
from xxgk.model.units import UnitKind

KINDS_HELP = "单位类型：" + "、".join(k.label for k in UnitKind)


def init(
    ctx: typer.Context,
    password: Annotated[str | None, typer.Option(help="管理员密码（可选）")] = None,
) -> None:
    """创建或升级数据库，并在没有用户时创建系统管理员 admin。

    Example:
        xxgk register --db sqlite:///taizhang.db init
    """
    from sqlalchemy.exc import SQLAlchemyError

    from xxgk.db import make_engine, resolve_url, upgrade_to_head
    from xxgk.db.engine import make_session_factory
    from xxgk.db.users import add_user, list_users
    from xxgk.errors import InputError

    url = resolve_url(ctx.obj["db"])
    try:
        revision = upgrade_to_head(url)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InputError(f"无法初始化数据库：{reason}", f"cannot initialise: {reason}") from exc
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as s:
            if not list_users(s):
                add_user(session=s, actor=None, username="admin", role="admin", password=password)
                s.commit()
                typer.echo("已创建系统管理员：admin")
    finally:
        engine.dispose()
    typer.echo(f"数据库已就绪：{url}（迁移版本 {revision}）")


def units_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="单位代码")],
    name: Annotated[str, typer.Argument(help="单位名称")],
    kind: Annotated[str, typer.Option(help=KINDS_HELP)],
    parent: Annotated[str | None, typer.Option(help="上级单位代码或名称")] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码")] = None,
    region: Annotated[str | None, typer.Option(help="地区日历，如 XJ")] = None,
) -> None:
    """新增一个单位。

    Example:
        xxgk register units add qinghe 示例县清河镇人民政府 --kind township --division 659999001
    """
    from xxgk.db.units import add_unit, get_unit

    with session(ctx) as (s, actor):
        up = get_unit(s, parent) if parent else None
        unit = add_unit(
            session=s,
            actor=actor,
            code=code,
            name=name,
            kind=kind,
            parent=up,
            division_code=division,
            calendar_region=region,
        )
        typer.echo(f"已新增单位：{unit.code} {unit.name}")


def units_import(ctx: typer.Context, path: Path) -> None:
    """从CSV或XLSX导入单位（列：代码、名称、类型、上级、行政区划代码、日历地区）。

    Example:
        xxgk register units import units.csv
    """
    from xxgk.db.unit_import import HEADERS, REQUIRED, import_units
    from xxgk.register.table_import import read_bounded

    with session(ctx) as (s, actor):
        rows = read_bounded(path, HEADERS, REQUIRED)
        created = import_units(session=s, actor=actor, path=path, rows=rows)
        typer.echo(f"已导入{len(created)}个单位")


def units_list(ctx: typer.Context) -> None:
    """按层级列出单位。

    Example:
        xxgk register units list
    """
    from xxgk.db.units import list_units, unit_kinds

    kinds = unit_kinds()
    with session(ctx) as (s, _):
        for depth, unit in list_units(s):
            extra = f" 区划{unit.division_code}" if unit.division_code else ""
            region = f" 日历{unit.calendar_region}" if unit.calendar_region else ""
            typer.echo(
                f"{'  ' * depth}{unit.code}  {unit.name}"
                f"（{kinds.get(unit.kind, unit.kind)}）{extra}{region}"
            )


def units_fee_clock(
    ctx: typer.Context,
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位")],
    setting: Annotated[
        str,
        typer.Option(help="pause 收费期间不计入答复期限（默认）/ count 计入 / default 恢复默认"),
    ],
    reason: Annotated[str, typer.Option(help="修改理由")],
) -> None:
    """设置收费通知至缴费的时间是否计入答复期限（国办函〔2020〕109号，默认不计入）。

    Example:
        xxgk register units fee-clock -u qinghe --setting count --reason 按本地规定
    """
    from xxgk.db.units import get_unit
    from xxgk.errors import RegisterError
    from xxgk.register.settings import set_fee_pauses_clock

    choices = {"pause": True, "count": False, "default": None}
    if setting not in choices:
        raise RegisterError(
            f"设置“{setting}”无法识别，可选：pause、count、default", f"bad setting {setting!r}"
        )
    with session(ctx) as (s, actor):
        changed = set_fee_pauses_clock(
            session=s, actor=actor, unit=get_unit(s, unit), pauses=choices[setting], reason=reason
        )
        typer.echo(f"已修改收费期间设置；重新计算答复期限{changed}件")


def users_add(
    ctx: typer.Context,
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="clerk 录入员 / reviewer 审核人 / unit_admin 单位管理员 / "
            "secrecy 保密审查员 / leader 分管领导 / supervisor 督查 / admin 系统管理员"
        ),
    ],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="所属单位")] = None,
    password: Annotated[str | None, typer.Option(help="密码（保存为argon2哈希）")] = None,
) -> None:
    """新增用户（数据库中还没有用户时可不指明 --as，用于创建第一个管理员）。

    Example:
        xxgk register --as admin users add zhangsan --role clerk --unit qinghe --password '…'
    """
    from xxgk.cli.dbsession import acting_user
    from xxgk.db.units import get_unit
    from xxgk.db.users import add_user, list_users

    with session(ctx, anonymous=True) as (s, _):
        bootstrap = not ctx.obj["user"] and not list_users(s)
        actor = None if bootstrap else acting_user(s, ctx.obj["user"])
        home = get_unit(s, unit) if unit else None
        user = add_user(
            session=s, actor=actor, username=username, role=role, unit=home, password=password
        )
        typer.echo(f"已新增用户：{user.username}（{user.role}）")


def users_unlock(
    ctx: typer.Context,
    username: Annotated[str | None, typer.Argument(help="解除锁定的用户名")] = None,
    address: Annotated[
        str | None, typer.Option("--address", help="解除锁定的来源地址（仅系统管理员）")
    ] = None,
) -> None:
    """解除因登录失败次数过多而产生的锁定（按账号或按来源地址）。

    Example:
        xxgk register --as admin users unlock qinghe-clerk
    """
    from xxgk.db.logins import unlock
    from xxgk.errors import InputError

    if not username and not address:
        raise InputError("请指明用户名或 --address 地址", "name a user or an --address")
    with session(ctx) as (s, actor):
        lifted = unlock(s, actor=actor, username=username, address=address)
        typer.echo(f"已解除锁定：{lifted}项" if lifted else "没有需要解除的锁定")


def users_list(ctx: typer.Context) -> None:
    """列出用户、角色和所属单位。

    Example:
        xxgk register users list
    """
    from xxgk.db.models import Role
    from xxgk.db.users import list_users

    with session(ctx) as (s, _):
        for user in list_users(s):
            home = user.unit.name if user.unit else "—"
            state = "" if user.active else "（已停用）"
            typer.echo(f"{user.username}  {Role(user.role).label}  {home}{state}")


def calendar_add(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="地区代码（如 XJ），CN 表示全国")],
    date: Date_,
    kind: Annotated[str, typer.Option(help="holiday 放假 / workday 调休上班")],
    name: Annotated[str, typer.Option(help="节日名称")],
    source: Annotated[str, typer.Option(help="来源：通知名称、文号或网址")],
    reason: Annotated[str, typer.Option(help="修改理由")],
) -> None:
    """增加一个地区放假日或调休上班日，并重新计算该地区申请的答复期限（含已办结申请的存档期限）。

    Example:
        xxgk register calendar add --region XJ -d 2026-03-20 --kind holiday --name 肉孜节 \\
            --source 自治区人民政府办公厅通知 --reason 补录2026年
    """
    from xxgk.register.caldb import set_calendar_day

    with session(ctx) as (s, actor):
        _, changed = set_calendar_day(
            session=s,
            actor=actor,
            region=region,
            day=required_date(date),
            kind=kind,
            name=name,
            source=source,
            reason=reason,
        )
        typer.echo(f"已增加{region.upper()} {date} {name}；已重新计算答复期限{changed}件")


def calendar_list(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="地区代码，如 XJ")],
) -> None:
    """列出地区日历中的放假日和调休上班日及其来源。

    Example:
        xxgk register calendar list --region XJ
    """
    from xxgk.register.caldb import calendar_for

    with session(ctx) as (s, _):
        calendar = calendar_for(s, region)
        typer.echo(f"日历版本：{calendar.version}")
        for day in sorted(calendar.overrides.values(), key=lambda d: d.day):
            kind = "放假" if day.kind == "holiday" else "上班"
            typer.echo(f"{day.day}  {kind}  {day.name}  来源：{day.source}")


def audit_log(
    ctx: typer.Context,
    entity: Annotated[str, typer.Option(help="application/unit/user/appeal/document/report …")],
    entity_id: Annotated[int | None, typer.Option("--id", help="记录编号")] = None,
) -> None:
    """显示审计日志：谁、何时、做了什么、修改前后。

    Example:
        xxgk register audit --entity application --id 1
    """
    from xxgk.db.audit import history

    with session(ctx) as (s, _):
        for entry in history(s, entity, entity_id):
            change = json.dumps({"before": entry.before, "after": entry.after}, ensure_ascii=False)
            why = f"  理由：{entry.reason}" if entry.reason else ""
            typer.echo(
                f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.actor_name}  {entry.action}  "
                f"{entry.entity}#{entry.entity_id}{why}  {change}"
            )


Reason_ = Annotated[str, typer.Option(help="修改理由（记入审计日志）")]


def units_rename(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="单位代码或名称")],
    name: Annotated[str, typer.Argument(help="新名称")],
    reason: Reason_,
) -> None:
    """单位更名（台账、报告和审计记录随单位保留）。

    Example:
        xxgk register --as admin units rename qinghe 示例县清河镇政府 --reason 机构改革
    """
    from xxgk.db.units import get_unit, rename_unit

    with session(ctx) as (s, actor):
        unit_row = rename_unit(
            session=s, actor=actor, unit=get_unit(s, unit), name=name, reason=reason
        )
        typer.echo(f"已更名：{unit_row.code} {unit_row.name}")


def units_move(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="单位代码或名称")],
    parent: Annotated[str, typer.Option(help="新的上级单位代码或名称")],
    reason: Reason_,
) -> None:
    """调整单位的上级单位（连同其下级单位）。

    Example:
        xxgk register --as admin units move jiaotong --parent shilixian --reason 划转
    """
    from xxgk.db.units import get_unit, move_unit

    with session(ctx) as (s, actor):
        up = get_unit(s, parent)
        moved = get_unit(s, unit)
        unit_row = move_unit(session=s, actor=actor, unit=moved, parent=up, reason=reason)
        typer.echo(f"已将{unit_row.name}调整到{up.name}之下")


def units_retire(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="单位代码或名称")],
    reason: Reason_,
    reactivate: Annotated[bool, typer.Option("--reactivate", help="重新启用已停用的单位")] = False,
) -> None:
    """停用单位（不删除：台账、报告和审计记录全部保留），或以 --reactivate 重新启用。

    Example:
        xxgk register --as admin units retire shiqiao --reason 乡镇合并
    """
    from xxgk.db.units import get_unit, set_unit_active

    with session(ctx) as (s, actor):
        unit_row = set_unit_active(
            session=s, actor=actor, unit=get_unit(s, unit), active=reactivate, reason=reason
        )
        typer.echo(f"已{'启用' if reactivate else '停用'}：{unit_row.name}")


def units_set(
    ctx: typer.Context,
    unit: Annotated[str, typer.Argument(help="单位代码或名称")],
    reason: Reason_,
    kind: Annotated[str | None, typer.Option(help=KINDS_HELP)] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码（空字符串清除）")] = None,
    region: Annotated[str | None, typer.Option(help="地区日历，如 XJ（空字符串清除）")] = None,
    column: Annotated[str | None, typer.Option(help="年报栏目网址（空字符串清除）")] = None,
    deadline: Annotated[
        str | None, typer.Option(help="乡镇、街道按地方规定的年报发布期限，次年月-日，如 3-31")
    ] = None,
) -> None:
    """修改单位的类型（决定年报发布期限）、乡镇街道的地方发布期限、行政区划代码、地区日历或年报栏目。

    Example:
        xxgk register --as admin units set qinghe --kind subdistrict --reason 撤镇设街道
    """
    from xxgk.db.units import deadline_rule, get_unit, update_unit
    from xxgk.errors import InputError

    given = {
        "kind": kind,
        "division_code": division,
        "calendar_region": region,
        "report_column_url": column,
        "report_deadline": deadline,
    }
    changes = {key: value or None for key, value in given.items() if value is not None}
    if not changes:
        raise InputError("请指明要修改的设置", "name a setting to change")
    with session(ctx) as (s, actor):
        chosen = get_unit(s, unit)
        unit_row = update_unit(session=s, actor=actor, unit=chosen, reason=reason, **changes)
        rule = deadline_rule(unit_row.kind, unit_row.report_deadline)
        typer.echo(f"已保存{unit_row.name}的设置；年报发布期限：{rule}")


def users_role(
    ctx: typer.Context,
    username: str,
    role: Annotated[str, typer.Option(help="新角色，如 reviewer 或 审核人")],
    reason: Reason_,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="所属单位（默认不变）")] = None,
) -> None:
    """调整用户的角色或所属单位（其登录随即失效）。

    Example:
        xxgk register --as admin users role qinghe-clerk --role reviewer --reason 轮岗
    """
    from xxgk.db.units import get_unit
    from xxgk.db.users import change_role, find_user

    with session(ctx) as (s, actor):
        user = find_user(s, username)
        home = get_unit(s, unit) if unit else user.unit
        change_role(session=s, actor=actor, user=user, role=role, unit=home, reason=reason)
        typer.echo(f"已调整：{user.username}")


def users_disable(
    ctx: typer.Context,
    username: str,
    reason: Reason_,
    enable: Annotated[bool, typer.Option("--enable", help="重新启用已停用的用户")] = False,
) -> None:
    """停用用户（其全部登录立即失效；账号不删除，审计日志仍指向本人），或以 --enable 重新启用。

    Example:
        xxgk register --as admin users disable qinghe-clerk --reason 调离
    """
    from xxgk.db.users import deactivate_user, find_user, reactivate_user

    change = reactivate_user if enable else deactivate_user
    with session(ctx) as (s, actor):
        user = find_user(s, username)
        change(session=s, actor=actor, user=user, reason=reason)
        typer.echo(f"已{'启用' if enable else '停用'}：{user.username}")


def users_reset_password(ctx: typer.Context, username: str) -> None:
    """为用户生成一次性密码（只显示这一次），用户下次登录时必须修改；其原有登录随即失效。

    Example:
        xxgk register --as admin users reset-password qinghe-clerk
    """
    from xxgk.db.users import find_user, reset_password

    with session(ctx) as (s, actor):
        user = find_user(s, username)
        password = reset_password(session=s, actor=actor, user=user)
        typer.echo(f"已重置{user.username}的密码，一次性密码（仅显示一次）：{password}")
