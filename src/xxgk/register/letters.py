"""Issuing the letters of a case (文书): filled from the register, numbered, kept, delivered.

``issue_letter`` is the one way a letter comes into being. It checks what the law asks of that
letter (an extension is at most 20 working days, a 补正 notice lists what to correct, a fee
notice has an amount), assigns the 文号, records the matching register event with the
letter's date and 文号 — so the clock and the letter cannot disagree — renders the DOCX from
the unit's template and keeps it in the file store. A reissue gets a new 文号 and marks the
old letter as superseded; ``record_delivery`` keeps how and when the letter reached its
addressee, and where the law counts from receipt (an extension or an art. 35 period must be
notified) that date is what the clock reads. What each letter must say: domain-rules §2.10.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.models import Unit, User
from xxgk.errors import InputError, RegisterError, RenderError
from xxgk.limits import LimitError, check
from xxgk.ooxml import open_package
from xxgk.records.vocab import parse_date
from xxgk.register.attachments import FileStore
from xxgk.register.caldb import unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.casework_models import Letter, LetterSettings, LetterTemplate
from xxgk.register.events import add_event, refresh_deadline
from xxgk.register.fees import item_fee, page_fee
from xxgk.register.models import Application, Event
from xxgk.register.numbering import assign_number, check_pattern, settings_for
from xxgk.register.vocab import OUTCOMES, EventKind, outcome
from xxgk.render.letters import COMMON_FIELDS, KIND_FIELDS, default_template, render_letter
from xxgk.sandbox import budgeted

MAX_EXTENSION_DAYS = 20  # 条例 art. 33 ¶2
ANSWER_DAYS = 15  # 条例 arts. 32, 34
PAYMENT_DAYS = 20  # 国办函〔2020〕109号
DEFAULT_CORRECTION_DAYS = 15
"""A "reasonable period" to correct (art. 30 names none); a letter may set another."""

Renderer = Callable[[bytes, Mapping[str, Any]], bytes]
"""Fills a template (DOCX bytes) with a context and returns the letter: ``render_budgeted``
here (the CLI), the worker pool in the web (``xxgk.sandbox.ParsePool.call``)."""


def render_budgeted(template: bytes, context: Mapping[str, Any]) -> bytes:
    """Render a letter in this process within the parse time and memory budget: a unit's
    template is untrusted, and nested loops would otherwise run for hours."""
    with budgeted():
        return render_letter(template, context)


@contextmanager
def template_budget() -> Iterator[None]:
    """Name the template when its rendering runs over the time budget (the guard's own timer
    or the pool killing the job both raise ``LimitError`` for ``parse_seconds``)."""
    try:
        yield
    except LimitError as exc:
        if exc.budget != "parse_seconds":
            raise
        raise LimitError(
            exc.budget,
            exc.limit,
            message_zh=(
                f"文书模板填写超出处理时限（{exc.limit:g}秒），已拒绝："
                "请检查模板中的循环（for）是否过多或嵌套"
            ),
        ) from None


class LetterKind(StrEnum):
    """The letters a body sends in a case."""

    RECEIPT = "receipt"
    CORRECTION = "correction"
    CONSULTATION = "consultation"
    EXTENSION = "extension"
    ART35 = "art35"
    FEE = "fee"
    REPLY = "reply"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]

    @property
    def code(self) -> str:
        """The character of the kind in the 文号 (清政信补〔2026〕3号)."""
        return KIND_CODES[self]


KIND_LABELS = {
    LetterKind.RECEIPT: "登记回执",
    LetterKind.CORRECTION: "补正告知书",
    LetterKind.CONSULTATION: "征求意见函",
    LetterKind.EXTENSION: "延期答复告知书",
    LetterKind.ART35: "第三十五条期限告知书",
    LetterKind.FEE: "收费通知书",
    LetterKind.REPLY: "答复告知书",
}
KIND_CODES = {
    LetterKind.RECEIPT: "收",
    LetterKind.CORRECTION: "补",
    LetterKind.CONSULTATION: "征",
    LetterKind.EXTENSION: "延",
    LetterKind.ART35: "限",
    LetterKind.FEE: "费",
    LetterKind.REPLY: "复",
}
DELIVERY_METHODS = {"post": "邮寄", "in_person": "当面送达", "electronic": "电子送达"}
EVENT_DELIVERY = {"post": "post", "in_person": "in_person", "electronic": "email"}

REPLY_FAMILIES = {
    "granted": "予以公开",
    "partially_granted": "部分公开",
    "denied": "不予公开",
    "unavailable": "无法提供",
    "not_processed": "不予处理",
    "other": "其他处理",
}
BASIS = {
    "granted": "《中华人民共和国政府信息公开条例》第三十六条第（二）项",
    "partially_granted": "《中华人民共和国政府信息公开条例》第三十七条",
    "denied_state_secret": "《中华人民共和国政府信息公开条例》第十四条",
    "denied_prohibited_by_law": "《中华人民共和国政府信息公开条例》第十四条",
    "denied_security_stability": "《中华人民共和国政府信息公开条例》第十四条",
    "denied_third_party": "《中华人民共和国政府信息公开条例》第十五条",
    "denied_internal_affairs": "《中华人民共和国政府信息公开条例》第十六条第一款",
    "denied_process_info": "《中华人民共和国政府信息公开条例》第十六条第二款",
    "denied_enforcement_file": "《中华人民共和国政府信息公开条例》第十六条第二款",
    "denied_inquiry": "《中华人民共和国政府信息公开条例》第三十六条第（七）项",
    "unavailable_not_held": "《中华人民共和国政府信息公开条例》第三十六条第（四）项",
    "unavailable_needs_creation": "《中华人民共和国政府信息公开条例》第三十八条",
    "unavailable_unclear": "《中华人民共和国政府信息公开条例》第三十条",
    "not_processed_petition": "《中华人民共和国政府信息公开条例》第三十九条第一款",
    "not_processed_duplicate": "《中华人民共和国政府信息公开条例》第三十六条第（六）项",
    "not_processed_publication": "《中华人民共和国政府信息公开条例》第三十九条第二款",
    "not_processed_excessive": "《中华人民共和国政府信息公开条例》第三十五条",
    "not_processed_confirmation": "《中华人民共和国政府信息公开条例》第三十六条",
    "other_no_correction": "《中华人民共和国政府信息公开条例》第三十条",
    "other_no_fee": "《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）",
    "other_other": "《中华人民共和国政府信息公开条例》",
}
DECISIONS = {
    "granted": "您申请的信息属于可以公开的政府信息，本机关决定予以公开。{how}",
    "partially_granted": (
        "您申请的信息中，{withheld}不予公开，理由是：{reason}。其余部分可以公开，"
        "本机关决定予以提供。{how}"
    ),
    "denied_state_secret": "您申请的信息属于国家秘密，依法不予公开。{reason}",
    "denied_prohibited_by_law": "您申请的信息属于法律、行政法规禁止公开的信息，不予公开。{reason}",
    "denied_security_stability": (
        "您申请的信息公开后可能危及国家安全、公共安全、经济安全、社会稳定，不予公开。{reason}"
    ),
    "denied_third_party": (
        "您申请的信息涉及商业秘密、个人隐私等，公开会对第三方合法权益造成损害，不予公开。{reason}"
    ),
    "denied_internal_affairs": "您申请的信息属于行政机关的内部事务信息，可以不予公开。{reason}",
    "denied_process_info": (
        "您申请的信息属于行政机关在履行职责过程中形成的过程性信息，可以不予公开。{reason}"
    ),
    "denied_enforcement_file": "您申请的信息属于行政执法案卷信息，可以不予公开。{reason}",
    "denied_inquiry": (
        "您申请获取的信息属于依照有关法律、行政法规规定办理查询的事项，请您依照相关规定办理。{reason}"
    ),
    "unavailable_not_held": (
        "经检索，本机关没有制作或者获取您申请的政府信息，该信息不存在。{holder}"
    ),
    "unavailable_needs_creation": (
        "您申请的信息需要本机关对现有政府信息进行加工、分析，本机关可以不予提供。{reason}"
    ),
    "unavailable_unclear": (
        "您补正后的申请内容仍不明确，本机关无法确定您所需的政府信息，无法提供。{reason}"
    ),
    "not_processed_petition": (
        "您提出的事项属于信访、投诉、举报等诉求，不作为政府信息公开申请处理，"
        "请您通过相应渠道提出。{reason}"
    ),
    "not_processed_duplicate": (
        "您重复申请公开本机关已经答复过的相同政府信息，本机关不再重复处理。{reason}"
    ),
    "not_processed_publication": "您申请获取的是公开出版物，请您通过正规渠道获取。{how}",
    "not_processed_excessive": (
        "您申请公开政府信息的数量、频次明显超过合理范围，且说明的理由不合理，本机关不予处理。{reason}"
    ),
    "not_processed_confirmation": (
        "您要求本机关确认或者重新出具已获取的信息，不属于政府信息公开申请的处理范围，本机关不予处理。{reason}"
    ),
    "other_no_correction": (
        "本机关已书面告知您补正申请，您无正当理由逾期未补正，视为放弃申请，本机关不再处理该申请。"
    ),
    "other_no_fee": "您逾期未按收费通知要求缴纳信息处理费，视为放弃申请，本机关不再处理该申请。",
    "other_other": "{reason}",
}


def reply_family(outcome_key: str) -> str:
    """Return the outcome family (Table 三 group) of an outcome row key."""
    for family in ("partially_granted", "granted", "denied", "unavailable", "not_processed"):
        if outcome_key == family or outcome_key.startswith(family + "_"):
            return family
    return "other"


def letter_kind(value: str | LetterKind) -> LetterKind:
    """Return the letter kind named by ``value`` (key or Chinese label)."""
    for kind in LetterKind:
        if value in (kind, kind.value, kind.label):
            return kind
    raise RegisterError(
        f"文书类型“{value}”无法识别，可选：{'、'.join(KIND_LABELS.values())}",
        f"unknown letter kind {value!r}",
    )


def chinese(day: dt.date | None) -> str:
    """Return ``day`` as 2026年3月5日 (empty for None)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def template_fields(kind: str) -> dict[str, str]:
    """Return the fields a template of ``kind`` may use, with their meaning."""
    return {**COMMON_FIELDS, **KIND_FIELDS[letter_kind(kind).value]}


# --- what each kind needs, and the event it records --------------------------------------


def _text(values: Mapping[str, Any], key: str) -> str:
    return str(values.get(key) or "").strip()


def _number(values: Mapping[str, Any], key: str, what: str, default: int | None = None) -> int:
    raw = values.get(key)
    if raw in (None, "") and default is not None:
        return default
    try:
        return int(str(raw).strip())
    except ValueError:
        raise RegisterError(f"{what}应为整数：“{raw}”", f"{key} must be an integer") from None


def _required(values: Mapping[str, Any], key: str, what: str) -> str:
    text = _text(values, key)
    if not text:
        raise RegisterError(f"请填写{what}", f"{key} is required")
    return text


def _remedy(settings: LetterSettings) -> str:
    review = settings.review_body or "有管辖权的行政复议机关"
    court = settings.court or "有管辖权的人民法院"
    return (
        f"如对本答复不服，可以自收到本答复之日起六十日内向{review}申请行政复议，"
        f"也可以自知道或者应当知道本答复之日起六个月内向{court}提起行政诉讼。"
    )


def _correction(values: Mapping[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    raw = values.get("items") or ""
    items = raw if isinstance(raw, list) else str(raw).splitlines()
    items = [str(i).strip() for i in items if str(i).strip()]
    if not items:
        raise RegisterError("补正告知书必须逐项列明需要补正的事项", "correction needs items")
    days = _number(values, "correction_days", "补正期限", DEFAULT_CORRECTION_DAYS)
    if not 1 <= days <= 60:
        raise RegisterError("补正期限应为1至60个工作日", "correction period out of range")
    ctx.update(items=items, correction_days=days)
    ctx["body"] = [
        *(f"{n}. {item}" for n, item in enumerate(items, 1)),
        "依照《中华人民共和国政府信息公开条例》第三十条，本机关现一次性告知您上述需要补正的事项。"
        f"请您自收到本告知书之日起{days}个工作日内补正。答复期限自本机关收到补正后的申请之日起计算。",
        "您无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ]
    return {"kind": EventKind.CORRECTION_REQUESTED, "days": days}


def _consultation(values: Mapping[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    party = _required(values, "party", "被征求意见的第三方或机关")
    agency = _text(values, "party_kind") == "agency"
    article = "第三十四条" if agency else "第三十二条"
    why = (
        "该信息由本机关与你机关共同制作，"
        if agency
        else "本机关认为，公开该信息可能损害你方合法权益，"
    )
    silence = (
        "逾期未提出意见的，视为同意公开。"
        if agency
        else "逾期未提出意见的，由本机关依照条例的规定决定是否公开。"
    )
    ctx.update(party=party, basis=f"条例{article}", answer_days=ANSWER_DAYS)
    ctx["body"] = [
        f"{why}依照《中华人民共和国政府信息公开条例》{article}，现书面征求意见。"
        f"请于收到本函之日起{ANSWER_DAYS}个工作日内书面提出意见。{silence}"
    ]
    ctx["applicant"] = party
    return {"kind": EventKind.CONSULTATION_SENT, "party": party}


def _extension(
    values: Mapping[str, Any], ctx: dict[str, Any], app: Application, on: dt.date, session: Session
) -> dict[str, Any]:
    days = _number(values, "extension_days", "延长的工作日数", MAX_EXTENSION_DAYS)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise RegisterError(
            f"延长答复期限最长不得超过{MAX_EXTENSION_DAYS}个工作日（条例第三十三条第二款），"
            f"不能填写{days}",
            f"an extension is at most {MAX_EXTENSION_DAYS} working days, not {days}",
        )
    approved_by = _required(values, "approved_by", "批准人（政府信息公开工作机构负责人）")
    approved_on = parse_date(values.get("approved_on"), "批准日期") or on
    if approved_on > on:
        raise RegisterError("批准日期不能晚于告知书日期", "approval after the letter")
    reason = _text(values, "reason") or "所申请信息需要较长时间检索、核查"
    opinion = " ".join(_text(values, "opinion").split())[:500]
    calendar = unit_calendar(session, app.unit)
    base = app.due_on or calendar.add_working_days(app.received_on, 20)
    new_due = calendar.add_working_days(base, days)
    ctx.update(
        reason=reason,
        approved_by=approved_by,
        approved_on=chinese(approved_on),
        extension_days=days,
        new_due_on=chinese(new_due),
    )
    ctx["body"] = [
        f"因{reason}，本机关不能在法定期限内作出答复。经本机关政府信息公开工作机构负责人"
        f"{approved_by}于{chinese(approved_on)}同意，依照《中华人民共和国政府信息公开条例》"
        f"第三十三条第二款，答复期限延长{days}个工作日，延长后的答复期限为{chinese(new_due)}。"
    ]
    return {
        "kind": EventKind.EXTENSION,
        "days": days,
        "approved_on": approved_on,
        "notified_on": on,
        "note_extra": f"批准人{approved_by}，{chinese(approved_on)}同意"
        + (f"，审核意见：{opinion}" if opinion else ""),
    }


def _art35(values: Mapping[str, Any], ctx: dict[str, Any], on: dt.date) -> dict[str, Any]:
    due = parse_date(values.get("custom_due_on"), "另行确定的答复期限")
    head = (
        "您提出的政府信息公开申请的数量、频次明显超过合理范围。"
        "依照《中华人民共和国政府信息公开条例》第三十五条，"
    )
    if due is None:
        reply_by = parse_date(values.get("reply_by"), "说明理由的期限")
        by = f"于{chinese(reply_by)}前" if reply_by else "在收到本告知书后"
        ctx.update(custom_due_on="", reply_by=chinese(reply_by))
        ctx["body"] = [
            f"{head}请您{by}说明理由。理由不合理的，本机关将告知您不予处理；理由合理但无法在"
            "条例第三十三条规定的期限内答复的，本机关将确定合理的答复期限并告知您。"
        ]
        return {"kind": EventKind.ART35_INQUIRY}
    if due <= on:
        raise RegisterError("另行确定的答复期限应晚于告知书日期", "art. 35 deadline in the past")
    ctx.update(custom_due_on=chinese(due), reply_by="")
    ctx["body"] = [
        f"{head}经审查，您说明的理由合理，但本机关无法在条例第三十三条规定的期限内答复。"
        f"本机关确定的答复期限为{chinese(due)}。"
    ]
    return {"kind": EventKind.ART35_DEADLINE, "due_on": due, "notified_on": on}


def _fee(values: Mapping[str, Any], ctx: dict[str, Any]) -> dict[str, Any]:
    method = _text(values, "fee_method") or "page"
    if method not in ("item", "page"):
        raise RegisterError("计收方式应为按件或按量", f"fee method {method!r}")
    count = _number(values, "fee_count", "件数或页数")
    fee = item_fee(count) if method == "item" else page_fee(count)
    if fee.amount <= 0:
        raise RegisterError(
            "按国办函〔2020〕109号的标准，本申请不产生信息处理费，无需发出收费通知书",
            "no fee is due, no notice to send",
        )
    pay_how = _text(values, "pay_how") or "按本机关所附缴款书载明的方式缴入国库"
    label = "按件计收" if method == "item" else "按量计收"
    ctx.update(
        fee_method=label,
        fee_count=count,
        fee_amount=fee.amount,
        fee_lines=list(fee.lines),
        pay_how=pay_how,
    )
    ctx["body"] = [
        "依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），您的申请超出合理范围，"
        f"本机关决定{label}信息处理费，金额为人民币{fee.amount}元。计算如下：",
        *fee.lines,
        f"缴费方式：{pay_how}。请您自收到本通知书之次日起{PAYMENT_DAYS}个工作日内缴纳。"
        "逾期未缴纳的，视为放弃申请，本机关不再处理该政府信息公开申请。",
    ]
    return {"kind": EventKind.FEE_NOTICE, "amount": Decimal(fee.amount)}


def _reply(
    values: Mapping[str, Any], ctx: dict[str, Any], settings: LetterSettings
) -> dict[str, Any]:
    key = outcome(_required(values, "outcome", "办理结果"))
    family = reply_family(key)
    basis = _text(values, "basis") or BASIS[key]
    reason = _text(values, "reason")
    how = _text(values, "how_to_obtain")
    holder = _text(values, "holder")
    withheld = _text(values, "withheld_part")
    if family == "partially_granted" and not (withheld and reason):
        raise RegisterError("部分公开须写明不予公开的部分及理由", "partial needs part and reason")
    if family == "denied" and not reason:
        raise RegisterError("不予公开须写明理由", "a refusal needs its reason")
    if key == "other_other" and not reason:
        raise RegisterError("其他处理须写明处理情况", "other needs a text")
    holder_text = (
        f"经了解，该信息由{holder}负责公开，您可以向其申请（条例第三十六条第（五）项）。"
        if holder
        else ""
    )
    decision = DECISIONS[key].format(
        how=f"获取方式：{how}。" if how else "",
        reason=f"理由：{reason}。" if reason and family != "partially_granted" else reason,
        withheld=withheld,
        holder=holder_text,
    )
    ctx.update(
        outcome=OUTCOMES[key],
        family=REPLY_FAMILIES[family],
        basis=basis,
        reason=reason,
        how_to_obtain=how,
        holder=holder,
        withheld_part=withheld,
        remedy=_remedy(settings),
    )
    ctx["body"] = [decision, f"本答复的依据是{basis}。"]
    return {"kind": EventKind.REPLY, "outcome_name": key, "variant": key}


# --- issuing -------------------------------------------------------------------------------


def base_context(app: Application, settings: LetterSettings, unit: Unit) -> dict[str, Any]:
    """Return the fields every letter of ``app`` shares."""
    return {
        "issuer": settings.issuer or unit.name,
        "office": settings.office,
        "applicant": app.applicant_name or "申请人",
        "application_number": app.number,
        "received_on": chinese(app.received_on),
        "request_text": app.request_text,
        "due_on": chinese(app.due_on),
        "review_body": settings.review_body or "有管辖权的行政复议机关",
        "court": settings.court or "有管辖权的人民法院",
        "address": settings.address,
        "phone": settings.phone,
        "remedy": _remedy(settings),
        "body": [],
    }


def _plan(
    kind: LetterKind,
    values: Mapping[str, Any],
    ctx: dict[str, Any],
    app: Application,
    on: dt.date,
    session: Session,
    settings: LetterSettings,
) -> dict[str, Any] | None:
    """Fill ``ctx`` with the kind's fields; return the event to record (None: no event)."""
    if kind is LetterKind.RECEIPT:
        return None
    if kind is LetterKind.CORRECTION:
        return _correction(values, ctx)
    if kind is LetterKind.CONSULTATION:
        return _consultation(values, ctx)
    if kind is LetterKind.EXTENSION:
        return _extension(values, ctx, app, on, session)
    if kind is LetterKind.ART35:
        return _art35(values, ctx, on)
    if kind is LetterKind.FEE:
        return _fee(values, ctx)
    return _reply(values, ctx, settings)


def template_for(session: Session, unit: Unit, kind: LetterKind) -> bytes:
    """Return the DOCX template ``unit`` uses for ``kind`` (its own, else the default)."""
    own = session.scalar(
        select(LetterTemplate)
        .where(
            LetterTemplate.unit_id == unit.id,
            LetterTemplate.kind == kind.value,
            LetterTemplate.active.is_(True),
        )
        .order_by(LetterTemplate.id.desc())
    )
    return own.data if own is not None else default_template(kind.value)


def issue_letter(
    *,
    session: Session,
    store: FileStore,
    actor: User,
    application: Application,
    kind: str | LetterKind,
    on: dt.date,
    values: Mapping[str, Any] | None = None,
    render: Renderer = render_budgeted,
) -> Letter:
    """Issue a letter of ``kind`` in ``application`` dated ``on``: number it, record its event,
    render it with ``render`` (within the time budget) and keep it."""
    app = application
    require(actor, WRITERS, app.unit)
    what = letter_kind(kind)
    values = values or {}
    if app.void:
        raise RegisterError(f"申请{app.number}已作废，不能发出文书", "application is void")
    if on < app.received_on:
        raise RegisterError(
            f"文书日期{on}早于收到申请日期{app.received_on}", "letter dated before receipt"
        )
    settings = settings_for(session, app.unit)
    ctx = base_context(app, settings, app.unit)
    plan = _plan(what, values, ctx, app, on, session, settings)
    seq, number = assign_number(session, app.unit, settings, on.year, what.value, what.code)
    event = _record_event(session, actor, app, what, on, number, plan)
    if event is not None:
        ctx["due_on"] = chinese(app.due_on)
    ctx.update(number=number, issued_on=chinese(on))
    with template_budget():
        rendered = render(template_for(session, app.unit, what), ctx)
    letter = Letter(
        unit_id=app.unit_id,
        application_id=app.id,
        kind=what.value,
        variant=(plan or {}).get("variant", "") or _text(values, "party_kind"),
        number=number,
        year=on.year,
        seq=seq,
        issued_on=on,
        event_id=event.id if event else None,
        actor_id=actor.id,
        actor_name=actor.username,
        fields=_plain(ctx),
        file_sha256=store.put(rendered),
    )
    return audit.add_created(session=session, actor=actor, entity="letter", row=letter)


def _record_event(
    session: Session,
    actor: User,
    app: Application,
    what: LetterKind,
    on: dt.date,
    number: str,
    plan: dict[str, Any] | None,
) -> Event | None:
    if plan is None:
        return None
    args = {k: v for k, v in plan.items() if k not in ("variant", "note_extra")}
    extra = plan.get("note_extra")
    note = f"{what.label}{number}" + (f"，{extra}" if extra else "")
    return add_event(session=session, actor=actor, application=app, on=on, note=note, **args)


def _plain(ctx: Mapping[str, Any]) -> dict[str, Any]:
    """Return ``ctx`` as JSON-safe data (kept with the letter: what it said)."""
    return {k: (v if isinstance(v, (str, int, list)) else str(v)) for k, v in ctx.items()}


def reissue_letter(
    *,
    session: Session,
    store: FileStore,
    actor: User,
    letter: Letter,
    application: Application,
    reason: str,
    on: dt.date,
    render: Renderer = render_budgeted,
) -> Letter:
    """Issue ``letter`` again under a new 文号 (the old one stays, marked as superseded); the
    register event it recorded stands. ``render`` as in ``issue_letter``."""
    require(actor, WRITERS, application.unit)
    if not reason.strip():
        raise RegisterError("重新出具文书必须说明理由", "a reissue needs a reason")
    if letter.superseded_by is not None:
        raise RegisterError(f"文书{letter.number}已被重新出具", "letter already superseded")
    if on < letter.issued_on:
        raise RegisterError("重新出具日期不能早于原文书日期", "reissue before the original")
    what = letter_kind(letter.kind)
    settings = settings_for(session, application.unit)
    seq, number = assign_number(session, application.unit, settings, on.year, what.value, what.code)
    ctx = dict(letter.fields, number=number, issued_on=chinese(on))
    with template_budget():
        rendered = render(template_for(session, application.unit, what), ctx)
    new = Letter(
        unit_id=letter.unit_id,
        application_id=letter.application_id,
        kind=letter.kind,
        variant=letter.variant,
        number=number,
        year=on.year,
        seq=seq,
        issued_on=on,
        event_id=letter.event_id,
        actor_id=actor.id,
        actor_name=actor.username,
        fields=_plain(ctx),
        file_sha256=store.put(rendered),
    )
    audit.add_created(session=session, actor=actor, entity="letter", row=new)
    before = letter.snapshot()
    letter.superseded_by, letter.superseded_reason = new.id, reason
    audit.record(
        session=session,
        actor=actor,
        action="supersede",
        entity="letter",
        entity_id=letter.id,
        before=before,
        after=letter.snapshot(),
        reason=reason,
    )
    return new


def record_delivery(
    *,
    session: Session,
    actor: User,
    letter: Letter,
    application: Application,
    method: str,
    delivered_on: dt.date,
    tracking_number: str = "",
) -> Letter:
    """Record how and when ``letter`` reached its addressee (邮寄 needs the tracking number,
    当面 the signature date). For an extension or an art. 35 deadline the applicant must be
    told: the delivery date becomes the notified date the clock checks."""
    require(actor, WRITERS, application.unit)
    if method not in DELIVERY_METHODS:
        raise RegisterError(
            f"送达方式应为：{'、'.join(DELIVERY_METHODS.values())}", f"bad method {method!r}"
        )
    if method == "post" and not tracking_number.strip():
        raise RegisterError("邮寄送达须填写邮件号码", "post needs the tracking number")
    if delivered_on < letter.issued_on:
        raise RegisterError(
            f"送达日期{delivered_on}早于文书日期{letter.issued_on}", "delivered before issued"
        )
    before = letter.snapshot()
    letter.delivery_method, letter.delivered_on = method, delivered_on
    letter.tracking_number = tracking_number.strip()
    event = session.get(Event, letter.event_id) if letter.event_id else None
    notified = (EventKind.EXTENSION.value, EventKind.ART35_DEADLINE.value)
    if event is not None and event.kind in notified:
        event.notified_on = delivered_on
        refresh_deadline(session, application)
    audit.record(
        session=session,
        actor=actor,
        action="deliver",
        entity="letter",
        entity_id=letter.id,
        before=before,
        after=letter.snapshot(),
    )
    return letter


def letters_of(session: Session, application: Application) -> list[Letter]:
    """Return the letters of ``application``, oldest first."""
    query = select(Letter).where(Letter.application_id == application.id).order_by(Letter.id)
    return list(session.scalars(query))


def period_end(
    letter: Letter, session: Session, unit: Unit, calendar: Calendar | None = None
) -> dt.date | None:
    """Return the day the period a letter sets runs out (补正, 征求意见, 缴费), counted from its
    delivery (from the letter's date while the delivery is not recorded), by ``calendar``
    (default: the unit's, read afresh)."""
    days = {
        LetterKind.CORRECTION.value: int(letter.fields.get("correction_days") or 0),
        LetterKind.CONSULTATION.value: ANSWER_DAYS,
        LetterKind.FEE.value: PAYMENT_DAYS,
    }.get(letter.kind)
    if not days:
        return None
    start = letter.delivered_on or letter.issued_on
    return (calendar or unit_calendar(session, unit)).add_working_days(start, days)


# --- templates and settings ------------------------------------------------------------------

SAMPLE = {
    "number": "示政信复〔2026〕1号",
    "issuer": "示例机关",
    "office": "示例机关政务公开办公室",
    "applicant": "申请人",
    "application_number": "2026-0001",
    "received_on": "2026年3月2日",
    "request_text": "示例申请内容",
    "issued_on": "2026年3月10日",
    "due_on": "2026年3月30日",
    "body": ["示例段落"],
}


def check_package(data: bytes, filename: str) -> None:
    """Refuse an uploaded template over the budgets of ``xxgk.limits`` (bytes, zip entries,
    decompressed size of each part and of all) before the trial rendering unpacks it: a DOCX
    of a few KB can inflate to gigabytes."""
    check("upload_bytes", len(data), path=filename)
    open_package(data, filename, "Word（DOCX）").close()


def upload_template(
    *,
    session: Session,
    actor: User,
    unit: Unit,
    kind: str,
    data: bytes,
    filename: str,
    render: Renderer = render_budgeted,
) -> LetterTemplate:
    """Make ``data`` the template of ``kind`` letters of ``unit`` after a trial rendering with
    ``render`` (as in ``issue_letter``): a template over the time budget is refused with
    ``LimitError``."""
    require(actor, WRITERS, unit)
    what = letter_kind(kind)
    if not filename.lower().endswith(".docx"):
        raise RegisterError("文书模板应为Word（.docx）文件", "a template must be a .docx file")
    sample = dict.fromkeys(template_fields(what.value), "示例") | SAMPLE
    try:
        check_package(data, filename)
        with template_budget():
            render(data, sample)
    except LimitError as exc:
        if exc.budget == "parse_seconds":
            raise
        raise RegisterError(exc.message_zh, exc.message_en) from None
    except (RenderError, InputError) as exc:
        raise RegisterError(exc.message_zh, exc.message_en) from None
    for old in session.scalars(
        select(LetterTemplate).where(
            LetterTemplate.unit_id == unit.id,
            LetterTemplate.kind == what.value,
            LetterTemplate.active.is_(True),
        )
    ):
        old.active = False
    row = LetterTemplate(
        unit_id=unit.id,
        kind=what.value,
        data=data,
        filename=filename[:200],
        actor_name=actor.username,
        active=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="template",
        entity="letter_template",
        entity_id=row.id,
        after={"unit": unit.code, "kind": what.value, "filename": row.filename},
    )
    return row


def update_settings(
    *, session: Session, actor: User, unit: Unit, changes: Mapping[str, Any]
) -> LetterSettings:
    """Change ``unit``'s letter settings (signature, 文号 pattern, remedy bodies, SMTP)."""
    require(actor, WRITERS, unit)
    row = settings_for(session, unit)
    before = row.snapshot() if row.id else None
    allowed = set(row.snapshot())
    unknown = set(changes) - allowed
    if unknown:
        raise RegisterError(f"不能修改的设置：{sorted(unknown)}", f"unknown settings {unknown}")
    if "number_pattern" in changes:
        check_pattern(str(changes["number_pattern"]))
    port = str(changes.get("smtp_port", "") or "25").strip()
    if not port.isdecimal() or not 0 < int(port) < 65536:
        raise RegisterError(f"SMTP端口应为1–65535的数字，不能是“{port}”", f"bad port {port!r}")
    for key, value in changes.items():
        setattr(row, key, int(port) if key == "smtp_port" else str(value or "").strip())
    row.updated_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    if row.id is None:
        session.add(row)
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="settings",
        entity="letter_settings",
        entity_id=row.id,
        before=before,
        after=row.snapshot(),
    )
    return row
