"""Applications: registering, voiding, listing and showing them, what is due, the clock, fees."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.register.base import Unit_, optional_date, required_date, session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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
    from xxgk.db.units import get_unit
    from xxgk.register import views
    from xxgk.register.applications import register_application

    with session(ctx) as (s, actor):
        app_ = register_application(
            session=s,
            unit=get_unit(s, unit),
            actor=actor,
            channel_name=channel,
            applicant_type=applicant_type,
            arrived_on=optional_date(arrived, "到达日期"),
            signed_on=optional_date(signed, "签收日期"),
            confirmed_on=optional_date(confirmed, "确认日期"),
            applicant_name=name,
            applicant_contact=contact,
            request_text=request,
            form_wanted=form,
        )
        typer.echo(
            f"已登记：{app_.number}，收到日期{app_.received_on}，答复期限{views.due_text(app_)}"
        )


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
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application, void_application

    with session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        void_application(session=s, actor=actor, application=app_, reason=reason)
        typer.echo(f"已作废：{number}")


def applications_list(
    ctx: typer.Context, unit: Unit_, year: Annotated[int | None, typer.Option()] = None
) -> None:
    """列出单位的申请。

    Example:
        xxgk register applications list -u qinghe --year 2025
    """
    from xxgk.db.units import get_unit
    from xxgk.register import views
    from xxgk.register.applications import list_applications

    with session(ctx) as (s, _):
        for item in list_applications(s, get_unit(s, unit), year=year):
            typer.echo(views.application_line(item))


def applications_show(ctx: typer.Context, number: str, unit: Unit_) -> None:
    """显示一件申请的全部记录和答复期限的计算过程。

    Example:
        xxgk register applications show 2025-0001 -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register import views
    from xxgk.register.applications import get_application

    with session(ctx) as (s, actor):
        typer.echo(
            views.application_detail(s, get_application(s, get_unit(s, unit), number), actor)
        )


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
    from xxgk.db.units import get_unit, list_units
    from xxgk.register import views

    with session(ctx) as (s, _):
        units = [get_unit(s, unit)] if unit else [u for _, u in list_units(s)]
        items = views.due_list(s, units, optional_date(today) or dt.date.today(), within)
        for item in items:
            typer.echo(views.due_line(item))
        typer.echo(f"共{len(items)}件")


def deadline(
    received: Annotated[str, typer.Option(help="收到日期 YYYY-MM-DD")],
    extension: Annotated[bool, typer.Option("--extension", help="经批准延长20个工作日")] = False,
    region: Annotated[str | None, typer.Option(help="地区日历，如 XJ")] = None,
) -> None:
    """计算答复期限：第一行是ISO日期，其后是计算说明。

    Example:
        xxgk register deadline --received 2025-01-20 --extension
    """
    from xxgk.register.calendar import Calendar
    from xxgk.register.deadline import ApplicationFacts, Extension, compute_deadline

    day = required_date(received, "收到日期")
    ext = Extension(20, day, day) if extension else None
    typer.echo(compute_deadline(ApplicationFacts(day, extension=ext), Calendar(region)).text())


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
    from xxgk.errors import RegisterError
    from xxgk.register.fees import item_fee, page_fee

    if application is not None:
        if unit is None:
            raise RegisterError("--application 需要同时指定 -u 单位", "--application needs -u")
        from xxgk.db.units import get_unit

        with session(ctx) as (s, _):
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
    from xxgk.errors import RegisterError
    from xxgk.register.applications import get_application, list_applications

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
