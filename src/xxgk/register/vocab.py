"""The register's controlled vocabularies: channels, event kinds, outcomes, appeal kinds.

Applicant types, outcomes and appeal kinds are the keys of the report's own rows and columns
(``model/cells.py``), so a register entry maps onto exactly one cell without a translation table.
"""

from __future__ import annotations

from enum import StrEnum

from xxgk.model.cells import APPLICANT_COLUMNS, OUTCOME_ROWS, REVIEW_COLUMNS, REVIEW_GROUPS
from xxgk.records.vocab import pick


class Channel(StrEnum):
    """How an application arrived; decides which date is the date of receipt (art. 31)."""

    IN_PERSON = "in_person"
    POST_SIGNED = "post_signed"
    POST_PLAIN = "post_plain"
    ONLINE = "online"
    FAX = "fax"
    OTHER = "other"

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.IN_PERSON: "当面",
    Channel.POST_SIGNED: "邮寄-签收",
    Channel.POST_PLAIN: "邮寄-平信",
    Channel.ONLINE: "网络",
    Channel.FAX: "传真",
    Channel.OTHER: "其他",
}


class EventKind(StrEnum):
    """What can happen to an application; events are appended, never changed."""

    REGISTERED = "registered"
    CORRECTION_REQUESTED = "correction_requested"
    CORRECTION_RECEIVED = "correction_received"
    CORRECTION_LAPSED = "correction_lapsed"
    CONSULTATION_SENT = "consultation_sent"
    CONSULTATION_ANSWERED = "consultation_answered"
    EXTENSION = "extension"
    ART35_INQUIRY = "art35_inquiry"
    ART35_DEADLINE = "art35_deadline"
    FEE_NOTICE = "fee_notice"
    FEE_PAID = "fee_paid"
    FEE_UNPAID = "fee_unpaid"
    REPLY = "reply"
    WITHDRAWAL = "withdrawal"
    VOIDED = "voided"

    @property
    def label(self) -> str:
        return EVENT_LABELS[self]


EVENT_LABELS = {
    EventKind.REGISTERED: "登记",
    EventKind.CORRECTION_REQUESTED: "补正告知",
    EventKind.CORRECTION_RECEIVED: "补正收到",
    EventKind.CORRECTION_LAPSED: "逾期未补正",
    EventKind.CONSULTATION_SENT: "征求意见",
    EventKind.CONSULTATION_ANSWERED: "征求意见答复",
    EventKind.EXTENSION: "延期",
    EventKind.ART35_INQUIRY: "第三十五条要求说明理由",
    EventKind.ART35_DEADLINE: "第三十五条另定答复期限",
    EventKind.FEE_NOTICE: "收费通知",
    EventKind.FEE_PAID: "缴费",
    EventKind.FEE_UNPAID: "逾期未缴费",
    EventKind.REPLY: "答复",
    EventKind.WITHDRAWAL: "撤回",
    EventKind.VOIDED: "作废更正",
}

IMPLIED_OUTCOME = {
    EventKind.CORRECTION_LAPSED: "other_no_correction",
    EventKind.FEE_UNPAID: "other_no_fee",
    EventKind.WITHDRAWAL: "other_other",
}
"""Closing events other than a reply, and the Table 三 row they count in."""
CLOSING = frozenset({EventKind.REPLY, *IMPLIED_OUTCOME})

OUTCOMES: dict[str, str] = {row.key: row.label for row in OUTCOME_ROWS}
"""Outcome key → its printed label, the 21 outcome rows of Table 三."""
OUTCOME_NAMES: dict[str, tuple[str, ...]] = {
    row.key: (
        row.label,
        row.printed,
        *row.aliases,
        *((f"{row.group}{row.printed}", f"{row.group} {row.printed}") if row.group else ()),
    )
    for row in OUTCOME_ROWS
}
"""Every way an officer may write an outcome: label, numbered label, alias, with the group."""
APPLICANT_TYPES: dict[str, str] = {c.key: c.label for c in APPLICANT_COLUMNS}
APPEAL_KINDS: dict[str, str] = {g.key: g.label for g in REVIEW_GROUPS}
APPEAL_OUTCOMES: dict[str, str] = {c.key: c.label for c in REVIEW_COLUMNS[:3]}
"""Decided appeal outcomes (维持/纠正/其他); an undecided appeal is 尚未审结."""
DELIVERIES = {
    "in_person": "当面送达",
    "post": "邮寄",
    "email": "电子邮件",
    "online": "网上",
    "other": "其他",
}


def outcome(value: str | None) -> str:
    """Return the outcome key named by ``value`` (key, printed label or alias)."""
    return pick(value, OUTCOMES, "办理结果", OUTCOME_NAMES)


def channel(value: str | Channel) -> Channel:
    """Return the channel named by ``value`` (key or Chinese label)."""
    if isinstance(value, Channel):
        return value
    return Channel(pick(value, {c.value: c.label for c in Channel}, "收到方式"))


def event_kind(value: str | EventKind) -> EventKind:
    """Return the event kind named by ``value`` (key or Chinese label)."""
    if isinstance(value, EventKind):
        return value
    return EventKind(pick(value, {k.value: k.label for k in EventKind}, "事件类型"))
