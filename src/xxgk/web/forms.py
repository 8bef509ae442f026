"""Field-level validation of the application form (pages and API share it).

Each problem is reported on its field in Chinese, before the library is called; what only the
library can judge (the year lock, a duplicate number) comes back as a message for the form.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xxgk.errors import RegisterError
from xxgk.records.vocab import parse_date
from xxgk.register.letters import MAX_EXTENSION_DAYS
from xxgk.register.state import DATE_LABELS, RECEIPT_RULES
from xxgk.register.vocab import APPLICANT_TYPES, Channel, channel

DATE_FIELDS = ("arrived_on", "signed_on", "confirmed_on")
TEXT_LIMITS = {
    "applicant_name": 200,
    "applicant_contact": 200,
    "request_text": 4000,
    "form_wanted": 100,
}


@dataclass
class ApplicationForm:
    """The submitted values (as typed) and the errors per field."""

    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def query_year(text: str) -> int | None:
    """Return the year a query parameter names, or None when it names no plausible year (the
    caller picks its own default)."""
    return int(text) if text.isdecimal() and 1990 < int(text) < 2200 else None


def validate_application(values: dict[str, str], *, today: dt.date) -> ApplicationForm:
    """Check the fields of a new application; fill ``clean`` with the library's arguments."""
    form = ApplicationForm({k: (v or "").strip() for k, v in values.items()})
    v, errors, clean = form.values, form.errors, form.clean
    try:
        chan = channel(v.get("channel", ""))
        clean["channel_name"] = chan.value
    except RegisterError:
        errors["channel"] = "请选择收到方式"
        chan = None
    for name in DATE_FIELDS:
        try:
            day = parse_date(v.get(name), DATE_LABELS[name])
        except RegisterError:
            errors[name] = f"{DATE_LABELS[name]}应为YYYY-MM-DD格式的日期"
            continue
        if day is not None and day > today:
            errors[name] = f"{DATE_LABELS[name]}不能晚于今天（{today}）"
        clean[name] = day
    if chan is not None:
        needed = RECEIPT_RULES[Channel(chan)][0]
        if (
            not clean.get(needed)
            and needed not in errors
            and not (chan is Channel.OTHER and clean.get("arrived_on"))
        ):
            label = DATE_LABELS[needed]
            errors[needed] = f"收到方式为“{chan.label}”时必须填写{label}（条例第三十一条）"
    if v.get("applicant_type") not in APPLICANT_TYPES:
        errors["applicant_type"] = "请选择申请人类型"
    else:
        clean["applicant_type"] = v["applicant_type"]
    if not v.get("request_text"):
        errors["request_text"] = "请填写申请公开的政府信息内容"
    for name, limit in TEXT_LIMITS.items():
        if len(v.get(name, "")) > limit:
            errors[name] = f"不能超过{limit}个字"
        else:
            clean[name] = v.get(name, "")
    return form


def event_arguments(values: dict[str, str]) -> dict[str, Any]:
    """Return ``add_event`` keyword arguments from a step form (dates and numbers checked)."""
    v = {k: (val or "").strip() for k, val in values.items()}
    on = parse_date(v.get("on"), "日期")
    if on is None:
        raise RegisterError("请填写事件日期", "the date of the event is required")
    args: dict[str, Any] = {
        "kind": v.get("kind", ""),
        "on": on,
        "note": v.get("note", "")[:2000],
        "outcome_name": v.get("outcome") or None,
        "delivery": v.get("delivery") or None,
        "approved_on": parse_date(v.get("approved_on"), "批准日期"),
        "notified_on": parse_date(v.get("notified_on"), "告知日期"),
        "due_on": parse_date(v.get("due_on"), "另定答复期限"),
        "party": v.get("party", "")[:200],
    }
    for name, label in (("days", "延长的工作日数"), ("ref_id", "作废的事件编号")):
        text = v.get(name, "")
        if text and not text.isdecimal():
            raise RegisterError(f"{label}应为整数", f"{name} must be an integer")
        args[name] = int(text) if text else None
    if args["days"] is not None and args["days"] > MAX_EXTENSION_DAYS:
        # 条例 art. 33 ¶2: refused at entry, not only found later by the register checks.
        raise RegisterError(
            f"延长答复期限最长不得超过{MAX_EXTENSION_DAYS}个工作日（条例第三十三条第二款）",
            f"an extension is at most {MAX_EXTENSION_DAYS} working days",
        )
    amount = v.get("amount", "")
    if amount:
        from decimal import Decimal, InvalidOperation

        try:
            args["amount"] = Decimal(amount)
        except InvalidOperation:
            raise RegisterError("收费金额应为数字", "amount must be a number") from None
    return args
