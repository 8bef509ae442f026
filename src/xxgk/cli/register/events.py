"""What happens to an application after it is registered (events), and appeals against it."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import typer

from xxgk.cli.register.base import Date_, Unit_, optional_date, required_date, session

EVENT_KINDS_HELP = (
    "补正告知/补正收到/逾期未补正/征求意见/征求意见答复/延期/第三十五条要求说明理由/"
    "第三十五条另定答复期限/收费通知/缴费/逾期未缴费/答复/撤回/作废更正"
)


def event(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="申请编号")],
    kind: Annotated[str, typer.Argument(help=EVENT_KINDS_HELP)],
    unit: Unit_,
    date: Date_,
    outcome: Annotated[str | None, typer.Option(help="办理结果（答复时必填），如 予以公开")] = None,
    delivery: Annotated[
        str | None, typer.Option(help="送达方式：当面送达/邮寄/电子邮件/网上/其他")
    ] = None,
    days: Annotated[
        int | None, typer.Option(help="延长的工作日数；补正告知时为补正期限的工作日数")
    ] = None,
    approved: Annotated[str | None, typer.Option(help="延期批准日期")] = None,
    notified: Annotated[str | None, typer.Option(help="告知申请人日期")] = None,
    due: Annotated[
        str | None, typer.Option(help="第三十五条另定的答复期限；补正告知时为补正期限（日期）")
    ] = None,
    amount: Annotated[str | None, typer.Option(help="收费金额（元）")] = None,
    party: Annotated[
        str, typer.Option(help="征求意见对象；记录答复时按对象找到对应的征求意见函")
    ] = "",
    ref: Annotated[
        int | None,
        typer.Option(help="所针对的事件编号：作废更正的事件，或答复/缴费所对应的函件（#后的数字）"),
    ] = None,
    note: Annotated[str, typer.Option(help="备注")] = "",
) -> None:
    """记录办理事件（只能追加，不能修改；录错时用“作废更正”）。

    同时有几份征求意见函未答复时，用 --party 或 --ref 指明答复的是哪一份；
    不指明时会列出待答复的函件供选择。

    Example:
        xxgk register event 2025-0001 答复 -u qinghe -d 2025-02-10 --outcome 予以公开
        xxgk register event 2025-0001 征求意见答复 -u qinghe -d 2025-02-20 --ref 12
    """
    from xxgk.db.units import get_unit
    from xxgk.register import views
    from xxgk.register.applications import get_application
    from xxgk.register.events import add_event

    with session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        added = add_event(
            session=s,
            actor=actor,
            application=app_,
            kind=kind,
            on=required_date(date),
            outcome_name=outcome,
            delivery=delivery,
            days=days,
            approved_on=optional_date(approved, "批准日期"),
            notified_on=optional_date(notified, "告知日期"),
            due_on=optional_date(due, "答复期限"),
            amount=Decimal(amount) if amount else None,
            party=party,
            ref_id=ref,
            note=note,
        )
        typer.echo(f"已记录事件#{added.id}：{views.application_line(app_)}")


def letters(
    ctx: typer.Context,
    number: Annotated[str, typer.Argument(help="申请编号")],
    unit: Unit_,
) -> None:
    """列出一件申请待答复的征求意见函和未缴费的收费通知（编号可用于 --ref）。

    Example:
        xxgk register letters 2025-0001 -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.events import letter_label, pending_letters
    from xxgk.register.vocab import EventKind

    with session(ctx) as (s, _):
        app_ = get_application(s, get_unit(s, unit), number)
        pairs = (
            (EventKind.CONSULTATION_SENT, EventKind.CONSULTATION_ANSWERED),
            (EventKind.FEE_NOTICE, EventKind.FEE_PAID),
        )
        count = 0
        for sent, answer in pairs:
            for letter in pending_letters(app_, sent, answer):
                typer.echo(f"{sent.label}  {letter_label(letter)}")
                count += 1
        typer.echo(f"待答复函件{count}份")


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
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.inputs import add_appeal

    with session(ctx) as (s, actor):
        home = get_unit(s, unit)
        linked = get_application(s, home, application) if application else None
        appeal = add_appeal(
            session=s,
            unit=home,
            actor=actor,
            kind=kind,
            filed_on=required_date(filed),
            decided_on=optional_date(decided, "审结日期"),
            outcome=outcome,
            application=linked,
            case_number=case,
        )
        typer.echo(f"已登记复议诉讼#{appeal.id}")


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
    from xxgk.db.queries import row_by_id
    from xxgk.db.units import get_unit
    from xxgk.errors import RegisterError
    from xxgk.register.inputs import decide_appeal
    from xxgk.register.models import Appeal

    with session(ctx) as (s, actor):
        home = get_unit(s, unit)
        appeal = row_by_id(s, Appeal, appeal_id)
        if appeal is None or appeal.unit_id != home.id:
            raise RegisterError(
                f"单位“{home.name}”没有编号为{appeal_id}的复议诉讼", f"no appeal {appeal_id}"
            )
        decide_appeal(
            session=s,
            unit=home,
            actor=actor,
            appeal=appeal,
            decided_on=required_date(decided),
            outcome=outcome,
        )
        typer.echo(f"已登记审结：复议诉讼#{appeal_id}")


def appeals_list(ctx: typer.Context, unit: Unit_) -> None:
    """列出单位的复议诉讼（最近提起的在前，与网页相同）。

    Example:
        xxgk register appeals list -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.vocab import APPEAL_KINDS, APPEAL_OUTCOMES
    from xxgk.register.yearly import appeals_of

    with session(ctx) as (s, _):
        home = get_unit(s, unit)
        for appeal in appeals_of(s, home):
            result = APPEAL_OUTCOMES.get(appeal.outcome or "", "尚未审结")
            typer.echo(
                f"#{appeal.id}  {APPEAL_KINDS[appeal.kind]}  提起{appeal.filed_on}  "
                f"{result}{'  审结' + str(appeal.decided_on) if appeal.decided_on else ''}"
            )
