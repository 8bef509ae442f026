"""``xxgk register …``: the application register (台账) from the command line.

A thin shell over ``xxgk.register``: every command opens the database (``--db``,
``XXGK_DATABASE_URL`` or ``sqlite:///xxgk.db``), acts as the user of ``--as`` (``XXGK_USER``,
default ``admin``), calls one library function and prints the result in Chinese. Errors are
``XxgkError``s, printed by ``main()`` as one line.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from xxgk.cli.app import app
from xxgk.db import make_engine, resolve_url, upgrade_to_head
from xxgk.db.audit import history
from xxgk.db.engine import make_session_factory
from xxgk.db.migrate import open_database
from xxgk.db.models import Role, User
from xxgk.db.unit_import import import_units
from xxgk.db.units import add_unit, get_unit, list_units, unit_kinds
from xxgk.db.users import add_user, get_user, list_users
from xxgk.errors import InputError, RegisterError
from xxgk.register import views
from xxgk.register.applications import (
    get_application,
    list_applications,
    register_application,
    void_application,
)
from xxgk.register.caldb import calendar_for, set_calendar_day
from xxgk.register.calendar import Calendar
from xxgk.register.checks import check_register, check_report
from xxgk.register.compile import compile_report
from xxgk.register.deadline import ApplicationFacts, Extension, compute_deadline
from xxgk.register.events import add_event
from xxgk.register.fees import item_fee, page_fee
from xxgk.register.inputs import (
    add_appeal,
    add_document,
    decide_appeal,
    set_narrative,
    set_yearly_count,
)
from xxgk.register.models import Appeal
from xxgk.register.publish import publish_report, published_versions, reopen_year
from xxgk.register.table_import import import_counts, import_documents
from xxgk.register.vocab import APPEAL_KINDS, APPEAL_OUTCOMES, parse_date
from xxgk.register.xlsx import export_xlsx, import_xlsx

register_app = typer.Typer(
    name="register", help="申请台账：登记、办理、期限、检查与年度报表。", no_args_is_help=True
)
units_app = typer.Typer(help="单位：导入、新增、列表。", no_args_is_help=True)
users_app = typer.Typer(help="用户与角色。", no_args_is_help=True)
apps_app = typer.Typer(help="政府信息公开申请：登记、列表、详情。", no_args_is_help=True)
appeals_app = typer.Typer(help="行政复议、行政诉讼。", no_args_is_help=True)
register_app.add_typer(units_app, name="units")
register_app.add_typer(users_app, name="users")
register_app.add_typer(apps_app, name="applications")
calendar_app = typer.Typer(
    help="工作日日历：地区放假与调休（系统管理员维护）。", no_args_is_help=True
)
register_app.add_typer(appeals_app, name="appeals")
register_app.add_typer(calendar_app, name="calendar")
app.add_typer(register_app, name="register")

Unit_ = Annotated[str, typer.Option("--unit", "-u", help="单位代码或名称")]
Date_ = Annotated[str, typer.Option("--date", "-d", help="日期 YYYY-MM-DD")]


@register_app.callback()
def _options(
    ctx: typer.Context,
    db: Annotated[str | None, typer.Option("--db", help="数据库URL或SQLite文件路径")] = None,
    user: Annotated[
        str, typer.Option("--as", envvar="XXGK_USER", help="以哪个用户身份操作")
    ] = "admin",
) -> None:
    """申请台账：登记、办理、期限、检查与年度报表。"""
    ctx.obj = {"db": db, "user": user}


@contextmanager
def _session(ctx: typer.Context) -> Iterator[tuple[Session, User]]:
    engine = open_database(ctx.obj["db"])
    session = make_session_factory(engine)()
    try:
        yield session, get_user(session, ctx.obj["user"])
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise RegisterError(f"数据库操作失败：{reason}", f"database error: {reason}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()


def _date(text: str | None, what: str = "日期") -> dt.date | None:
    return parse_date(text, what)


def _required_date(text: str, what: str = "日期") -> dt.date:
    day = parse_date(text, what)
    assert day is not None
    return day


@register_app.command("init")
def init(
    ctx: typer.Context,
    password: Annotated[str | None, typer.Option(help="管理员密码（可选）")] = None,
) -> None:
    """创建或升级数据库，并在没有用户时创建系统管理员 admin。

    Example:
        xxgk register --db sqlite:///taizhang.db init
    """
    url = resolve_url(ctx.obj["db"])
    try:
        revision = upgrade_to_head(url)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InputError(f"无法初始化数据库：{reason}", f"cannot initialise: {reason}") from exc
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        if not list_users(session):
            add_user(session=session, actor=None, username="admin", role="admin", password=password)
            session.commit()
            typer.echo("已创建系统管理员：admin")
    typer.echo(f"数据库已就绪：{url}（迁移版本 {revision}）")


@units_app.command("add")
def units_add(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="单位代码")],
    name: Annotated[str, typer.Argument(help="单位名称")],
    kind: Annotated[str, typer.Option(help="单位类型：" + "、".join(unit_kinds().values()))],
    parent: Annotated[str | None, typer.Option(help="上级单位代码或名称")] = None,
    division: Annotated[str | None, typer.Option(help="行政区划代码")] = None,
    region: Annotated[str | None, typer.Option(help="地区日历，如 XJ")] = None,
) -> None:
    """新增一个单位。

    Example:
        xxgk register units add qinghe 示例县清河镇人民政府 --kind township --division 659999001
    """
    with _session(ctx) as (s, actor):
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


@units_app.command("import")
def units_import(ctx: typer.Context, path: Path) -> None:
    """从CSV或XLSX导入单位（列：代码、名称、类型、上级、行政区划代码、日历地区）。

    Example:
        xxgk register units import units.csv
    """
    with _session(ctx) as (s, actor):
        created = import_units(session=s, actor=actor, path=path)
        typer.echo(f"已导入{len(created)}个单位")


@units_app.command("list")
def units_list(ctx: typer.Context) -> None:
    """按层级列出单位。

    Example:
        xxgk register units list
    """
    kinds = unit_kinds()
    with _session(ctx) as (s, _):
        for depth, unit in list_units(s):
            extra = f" 区划{unit.division_code}" if unit.division_code else ""
            region = f" 日历{unit.calendar_region}" if unit.calendar_region else ""
            typer.echo(
                f"{'  ' * depth}{unit.code}  {unit.name}"
                f"（{kinds.get(unit.kind, unit.kind)}）{extra}{region}"
            )


@users_app.command("add")
def users_add(
    ctx: typer.Context,
    username: str,
    role: Annotated[
        str,
        typer.Option(
            help="clerk 录入员 / reviewer 审核人 / unit_admin 单位管理员 / "
            "supervisor 督查 / admin 系统管理员"
        ),
    ],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="所属单位")] = None,
    password: Annotated[str | None, typer.Option(help="密码（保存为argon2哈希）")] = None,
) -> None:
    """新增用户。

    Example:
        xxgk register users add zhangsan --role clerk --unit qinghe
    """
    with _session(ctx) as (s, actor):
        home = get_unit(s, unit) if unit else None
        user = add_user(
            session=s, actor=actor, username=username, role=role, unit=home, password=password
        )
        typer.echo(f"已新增用户：{user.username}（{user.role}）")


@users_app.command("list")
def users_list(ctx: typer.Context) -> None:
    """列出用户、角色和所属单位。

    Example:
        xxgk register users list
    """
    with _session(ctx) as (s, _):
        for user in list_users(s):
            home = user.unit.name if user.unit else "—"
            state = "" if user.active else "（已停用）"
            typer.echo(f"{user.username}  {Role(user.role).label}  {home}{state}")


@apps_app.command("add")
def applications_add(
    ctx: typer.Context,
    unit: Unit_,
    channel: Annotated[str, typer.Option(help="当面/邮寄-签收/邮寄-平信/网络/传真/其他")],
    applicant_type: Annotated[
        str, typer.Option("--type", help="自然人/商业企业/科研机构/社会公益组织/法律服务机构/其他")
    ],
    arrived: Annotated[str | None, typer.Option(help="到达日期")] = None,
    signed: Annotated[str | None, typer.Option(help="签收日期（邮寄-签收）")] = None,
    confirmed: Annotated[str | None, typer.Option(help="确认日期（平信、网络、传真）")] = None,
    name: Annotated[str, typer.Option(help="申请人姓名或名称")] = "",
    contact: Annotated[str, typer.Option(help="联系方式")] = "",
    request: Annotated[str, typer.Option(help="申请内容")] = "",
    form: Annotated[str, typer.Option(help="获取信息的方式")] = "",
) -> None:
    """登记一件申请，打印编号和答复期限。

    Example:
        xxgk register applications add -u qinghe --channel 当面 --type 自然人 --arrived 2025-01-20
    """
    with _session(ctx) as (s, actor):
        app_ = register_application(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            channel_name=channel,
            applicant_type=applicant_type,
            arrived_on=_date(arrived, "到达日期"),
            signed_on=_date(signed, "签收日期"),
            confirmed_on=_date(confirmed, "确认日期"),
            applicant_name=name,
            applicant_contact=contact,
            request_text=request,
            form_wanted=form,
        )
        typer.echo(f"已登记：{app_.number}，收到日期{app_.received_on}，答复期限{app_.due_on}")


@apps_app.command("void")
def applications_void(
    ctx: typer.Context,
    number: str,
    unit: Unit_,
    reason: Annotated[str, typer.Option(help="作废理由（如重复登记）")],
) -> None:
    """作废误登记的申请（保留记录，不再计入任何统计）。

    Example:
        xxgk register applications void 2025-0003 -u qinghe --reason 重复登记
    """
    with _session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        void_application(session=s, actor=actor, application=app_, reason=reason)
        typer.echo(f"已作废：{number}")


@apps_app.command("list")
def applications_list(
    ctx: typer.Context, unit: Unit_, year: Annotated[int | None, typer.Option()] = None
) -> None:
    """列出单位的申请。

    Example:
        xxgk register applications list -u qinghe --year 2025
    """
    with _session(ctx) as (s, _):
        for item in list_applications(s, get_unit(s, unit), year=year):
            typer.echo(views.application_line(item))


@apps_app.command("show")
def applications_show(ctx: typer.Context, number: str, unit: Unit_) -> None:
    """显示一件申请的全部记录和答复期限的计算过程。

    Example:
        xxgk register applications show 2025-0001 -u qinghe
    """
    with _session(ctx) as (s, actor):
        typer.echo(
            views.application_detail(s, get_application(s, get_unit(s, unit), number), actor)
        )


@register_app.command("event")
def event(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="申请编号")],
    kind: Annotated[
        str,
        typer.Argument(
            help="补正告知/补正收到/逾期未补正/征求意见/征求意见答复/延期/第三十五条要求说明理由/第三十五条另定答复期限/收费通知/缴费/逾期未缴费/答复/撤回/作废更正"
        ),
    ],
    unit: Unit_,
    date: Date_,
    outcome: Annotated[str | None, typer.Option(help="办理结果（答复时必填），如 予以公开")] = None,
    delivery: Annotated[
        str | None, typer.Option(help="送达方式：当面送达/邮寄/电子邮件/网上/其他")
    ] = None,
    days: Annotated[int | None, typer.Option(help="延长的工作日数")] = None,
    approved: Annotated[str | None, typer.Option(help="延期批准日期")] = None,
    notified: Annotated[str | None, typer.Option(help="告知申请人日期")] = None,
    due: Annotated[str | None, typer.Option(help="第三十五条另定的答复期限")] = None,
    amount: Annotated[str | None, typer.Option(help="收费金额（元）")] = None,
    party: Annotated[str, typer.Option(help="征求意见对象")] = "",
    ref: Annotated[int | None, typer.Option(help="作废更正所针对的事件编号")] = None,
    note: Annotated[str, typer.Option(help="备注")] = "",
) -> None:
    """记录办理事件（只能追加，不能修改；录错时用“作废更正”）。

    Example:
        xxgk register event 2025-0001 答复 -u qinghe -d 2025-02-10 --outcome 予以公开
    """
    with _session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        added = add_event(
            session=s,
            actor=actor,
            application=app_,
            kind=kind,
            on=_required_date(date),
            outcome_name=outcome,
            delivery=delivery,
            days=days,
            approved_on=_date(approved, "批准日期"),
            notified_on=_date(notified, "告知日期"),
            due_on=_date(due, "答复期限"),
            amount=Decimal(amount) if amount else None,
            party=party,
            ref_id=ref,
            note=note,
        )
        typer.echo(f"已记录事件#{added.id}：{views.application_line(app_)}")


@appeals_app.command("add")
def appeals_add(
    ctx: typer.Context,
    unit: Unit_,
    kind: Annotated[str, typer.Option(help="行政复议/未经复议直接起诉/复议后起诉")],
    filed: Annotated[str, typer.Option(help="提起日期")],
    decided: Annotated[str | None, typer.Option(help="审结日期")] = None,
    outcome: Annotated[str | None, typer.Option(help="结果维持/结果纠正/其他结果")] = None,
    application: Annotated[str | None, typer.Option(help="相关申请编号")] = None,
    case: Annotated[str, typer.Option(help="案号")] = "",
) -> None:
    """登记行政复议或行政诉讼。

    Example:
        xxgk register appeals add -u qinghe --kind 行政复议 --filed 2025-04-01
    """
    with _session(ctx) as (s, actor):
        home = get_unit(s, unit)
        linked = get_application(s, home, application) if application else None
        appeal = add_appeal(
            session=s,
            unit=home,
            actor=actor,
            kind=kind,
            filed_on=_required_date(filed),
            decided_on=_date(decided, "审结日期"),
            outcome=outcome,
            application=linked,
            case_number=case,
        )
        typer.echo(f"已登记复议诉讼#{appeal.id}")


@appeals_app.command("decide")
def appeals_decide(
    ctx: typer.Context,
    appeal_id: Annotated[int, typer.Argument(help="复议诉讼编号（#后的数字）")],
    unit: Unit_,
    decided: Annotated[str, typer.Option(help="审结日期")],
    outcome: Annotated[str, typer.Option(help="结果维持/结果纠正/其他结果")],
) -> None:
    """登记尚未审结的复议诉讼的审结结果。

    Example:
        xxgk register appeals decide 3 -u qinghe --decided 2025-09-01 --outcome 结果纠正
    """
    with _session(ctx) as (s, actor):
        home = get_unit(s, unit)
        appeal = s.get(Appeal, appeal_id)
        if appeal is None or appeal.unit_id != home.id:
            raise RegisterError(
                f"单位“{home.name}”没有编号为{appeal_id}的复议诉讼", f"no appeal {appeal_id}"
            )
        decide_appeal(
            session=s,
            unit=home,
            actor=actor,
            appeal=appeal,
            decided_on=_required_date(decided),
            outcome=outcome,
        )
        typer.echo(f"已登记审结：复议诉讼#{appeal_id}")


@appeals_app.command("list")
def appeals_list(ctx: typer.Context, unit: Unit_) -> None:
    """列出单位的复议诉讼。

    Example:
        xxgk register appeals list -u qinghe
    """
    with _session(ctx) as (s, _):
        home = get_unit(s, unit)
        for appeal in s.scalars(select(Appeal).where(Appeal.unit_id == home.id)):
            result = APPEAL_OUTCOMES.get(appeal.outcome or "", "尚未审结")
            typer.echo(
                f"#{appeal.id}  {APPEAL_KINDS[appeal.kind]}  提起{appeal.filed_on}  "
                f"{result}{'  审结' + str(appeal.decided_on) if appeal.decided_on else ''}"
            )


@calendar_app.command("add")
def calendar_add(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="地区代码（如 XJ），CN 表示全国")],
    date: Date_,
    kind: Annotated[str, typer.Option(help="holiday 放假 / workday 调休上班")],
    name: Annotated[str, typer.Option(help="节日名称")],
    source: Annotated[str, typer.Option(help="来源：通知名称、文号或网址")],
    reason: Annotated[str, typer.Option(help="修改理由")],
) -> None:
    """增加一个地区放假日或调休上班日，并重新计算该地区未办结申请的期限。

    Example:
        xxgk register calendar add --region XJ -d 2026-03-20 --kind holiday --name 肉孜节 \\
            --source 自治区人民政府办公厅通知 --reason 补录2026年
    """
    with _session(ctx) as (s, actor):
        _, changed = set_calendar_day(
            session=s,
            actor=actor,
            region=region,
            day=_required_date(date),
            kind=kind,
            name=name,
            source=source,
            reason=reason,
        )
        typer.echo(f"已增加{region.upper()} {date} {name}；已重新计算未办结申请的期限{changed}件")


@calendar_app.command("list")
def calendar_list(
    ctx: typer.Context,
    region: Annotated[str, typer.Option(help="地区代码，如 XJ")],
) -> None:
    """列出地区日历中的放假日和调休上班日及其来源。

    Example:
        xxgk register calendar list --region XJ
    """
    with _session(ctx) as (s, _):
        calendar = calendar_for(s, region)
        typer.echo(f"日历版本：{calendar.version}")
        for day in sorted(calendar.overrides.values(), key=lambda d: d.day):
            kind = "放假" if day.kind == "holiday" else "上班"
            typer.echo(f"{day.day}  {kind}  {day.name}  来源：{day.source}")


@register_app.command("audit")
def audit_log(
    ctx: typer.Context,
    entity: Annotated[str, typer.Option(help="application/unit/user/appeal/document/report …")],
    entity_id: Annotated[int | None, typer.Option("--id", help="记录编号")] = None,
) -> None:
    """显示审计日志：谁、何时、做了什么、修改前后。

    Example:
        xxgk register audit --entity application --id 1
    """
    with _session(ctx) as (s, _):
        for entry in history(s, entity, entity_id):
            change = json.dumps({"before": entry.before, "after": entry.after}, ensure_ascii=False)
            why = f"  理由：{entry.reason}" if entry.reason else ""
            typer.echo(
                f"{entry.at:%Y-%m-%d %H:%M:%S}  {entry.actor_name}  {entry.action}  "
                f"{entry.entity}#{entry.entity_id}{why}  {change}"
            )


@register_app.command("due")
def due(
    ctx: typer.Context,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="单位（默认全部）")] = None,
    within: Annotated[int | None, typer.Option(help="只列出N个工作日内到期的")] = None,
    today: Annotated[str | None, typer.Option(help="以哪天为今天（默认今天）")] = None,
) -> None:
    """按紧急程度列出未办结申请：已逾期的在前。

    Example:
        xxgk register due --unit qinghe --within 5
    """
    with _session(ctx) as (s, _):
        units = [get_unit(s, unit)] if unit else [u for _, u in list_units(s)]
        items = views.due_list(s, units, _date(today) or dt.date.today(), within)
        for item in items:
            typer.echo(views.due_line(item))
        typer.echo(f"共{len(items)}件")


@register_app.command("deadline")
def deadline(
    received: Annotated[str, typer.Option(help="收到日期 YYYY-MM-DD")],
    extension: Annotated[bool, typer.Option("--extension", help="经批准延长20个工作日")] = False,
    region: Annotated[str | None, typer.Option(help="地区日历，如 XJ")] = None,
) -> None:
    """计算答复期限：第一行是ISO日期，其后是计算说明。

    Example:
        xxgk register deadline --received 2025-01-20 --extension
    """
    day = _required_date(received, "收到日期")
    ext = Extension(20, day, day) if extension else None
    typer.echo(compute_deadline(ApplicationFacts(day, extension=ext), Calendar(region)).text())


@register_app.command("check")
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
    with _session(ctx) as (s, _):
        home = get_unit(s, unit)
        findings = check_register(s, home, year=year, today=_date(today) or dt.date.today())
        for version in _latest_versions(s, home, year):
            from xxgk.model.report import Report

            findings += check_report(s, home, version.year, Report.from_dict(version.snapshot_json))
        for finding in findings:
            typer.echo(f"[{finding.severity.label}] {finding.code} {finding.message}")
        typer.echo(f"共{len(findings)}个问题")
        if any(f.severity.value == "error" for f in findings):
            raise typer.Exit(1)


def _latest_versions(s: Session, unit, year: int | None) -> list:  # type: ignore[no-untyped-def]
    years = [year] if year else range(2019, dt.date.today().year + 1)
    out = []
    for y in years:
        versions = published_versions(s, unit, y)
        if versions:
            out.append(versions[-1])
    return out


@register_app.command("report")
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
    with _session(ctx) as (s, _):
        compiled = compile_report(s, get_unit(s, unit), year)
    from xxgk.rules import validate

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


BINARY_FORMATS = ("docx", "xlsx", "pdf")


def _write(data: bytes, output: Path | None, *, binary: bool) -> None:
    if output is not None:
        output.write_bytes(data)
        typer.echo(f"已写入{output}", err=True)
    elif binary:
        raise RegisterError(
            "二进制格式（docx/xlsx/pdf）需要用 -o 指定输出文件", "use -o for binary"
        )
    else:
        typer.echo(data.decode("utf-8"), nl=False)


@register_app.command("publish")
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
    with _session(ctx) as (s, actor):
        row = publish_report(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            year=year,
            published_on=_required_date(date),
            reason=reason,
        )
        typer.echo(f"已发布{year}年度报告第{row.version}版，{year}年度台账已锁定")


@register_app.command("reopen")
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
    with _session(ctx) as (s, actor):
        reopen_year(session=s, unit=get_unit(s, unit), actor=actor, year=year, reason=reason)
        typer.echo(f"{year}年度台账已解除锁定")


@register_app.command("import-xlsx")
def import_cmd(
    ctx: typer.Context,
    path: Path,
    unit: Unit_,
    valid_only: Annotated[bool, typer.Option("--valid-only", help="只导入无误的行")] = False,
) -> None:
    """从Excel台账导入申请；任何一行有误时不导入（除非 --valid-only）。

    Example:
        xxgk register import-xlsx 2024台账.xlsx -u qinghe
    """
    with _session(ctx) as (s, actor):
        result = import_xlsx(
            session=s, unit=get_unit(s, unit), actor=actor, path=path, valid_only=valid_only
        )
    for error in result.errors:
        typer.echo(f"未导入：{error}", err=True)
    typer.echo(f"已导入{result.imported}件申请")


@register_app.command("export-xlsx")
def export_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """把单位的申请导出为Excel台账。

    Example:
        xxgk register export-xlsx 台账.xlsx -u qinghe
    """
    with _session(ctx) as (s, actor):
        count = export_xlsx(s, get_unit(s, unit), path, viewer=actor)
    typer.echo(f"已导出{count}件申请到{path}")


@register_app.command("counts")
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
    with _session(ctx) as (s, actor):
        set_yearly_count(
            session=s, unit=get_unit(s, unit), actor=actor, year=year, key=key, value=value
        )
        typer.echo(f"已录入{year}年{key}：{value}")


@register_app.command("document")
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
    with _session(ctx) as (s, actor):
        add_document(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            kind=kind,
            title=title,
            issued_on=_required_date(issued),
            doc_number=number,
            repealed_on=_date(repealed, "废止日期"),
        )
        typer.echo(f"已登记文件：{title}")


@register_app.command("import-documents")
def import_documents_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """从CSV或XLSX导入规范性文件台账（列：类型、名称、文号、制发日期、废止日期）。

    Example:
        xxgk register import-documents 文件台账.xlsx -u qinghe
    """
    with _session(ctx) as (s, actor):
        count = import_documents(session=s, unit=get_unit(s, unit), actor=actor, path=path)
    typer.echo(f"已导入{count}件文件")


@register_app.command("import-counts")
def import_counts_cmd(ctx: typer.Context, path: Path, unit: Unit_) -> None:
    """从CSV或XLSX导入表二年度数据（列：年度、项目、数值；收费单位为万元）。

    Example:
        xxgk register import-counts 年度数据.csv -u qinghe
    """
    with _session(ctx) as (s, actor):
        count = import_counts(session=s, unit=get_unit(s, unit), actor=actor, path=path)
    typer.echo(f"已导入{count}项年度数据")


@register_app.command("narrative")
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
    with _session(ctx) as (s, actor):
        set_narrative(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            year=year,
            section=section,
            text=path.read_text(encoding="utf-8").strip(),
        )
        typer.echo(f"已保存{year}年“{section}”草稿")


@register_app.command("fee")
def fee(
    ctx: typer.Context,
    items: Annotated[int | None, typer.Option(help="按件：同一申请人本月第几件申请")] = None,
    pages: Annotated[int | None, typer.Option(help="按量：提供的页数")] = None,
    application: Annotated[
        str | None, typer.Option(help="按件：由台账计算该申请是申请人本月第几件（需 -u）")
    ] = None,
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="单位")] = None,
) -> None:
    """信息处理费计算（国办函〔2020〕109号，按件或按量，二者择一）。

    按件时可用 --application 让台账统计同一申请人在同一自然月内的申请件数。

    Example:
        xxgk register fee --pages 250
    """
    if application is not None:
        if unit is None:
            raise RegisterError("--application 需要同时指定 -u 单位", "--application needs -u")
        with _session(ctx) as (s, _):
            items = month_position(s, get_unit(s, unit), application)
    if (items is None) == (pages is None):
        raise RegisterError(
            "请指定 --items、--application 或 --pages 之一",
            "give exactly one of --items, --application, --pages",
        )
    result = item_fee(items) if items is not None else page_fee(pages or 0)
    typer.echo(f"{result.amount}元")
    for line in result.lines:
        typer.echo(line)


def month_position(s: Session, unit_: object, number: str) -> int:
    """Return which application of its applicant in its calendar month ``number`` is."""
    app_ = get_application(s, unit_, number)  # type: ignore[arg-type]
    if not app_.applicant_name:
        raise RegisterError(
            f"申请{number}没有申请人姓名，无法按同一申请人累计", "the application has no applicant"
        )
    same = [
        (a.received_on, a.id)
        for a in list_applications(s, unit_)  # type: ignore[arg-type]
        if a.applicant_name == app_.applicant_name
        and (a.received_on.year, a.received_on.month)
        == (app_.received_on.year, app_.received_on.month)
    ]
    return sorted(same).index((app_.received_on, app_.id)) + 1
