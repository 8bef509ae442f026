"""The other inputs of the annual report: appeals (Table 四), the normative-documents register
and yearly counts (Table 二), and the narrative drafts of the text sections.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.models import Unit, User
from xxgk.disclosure.models import NormativeDocument
from xxgk.errors import RegisterError
from xxgk.model.cells import ACTIVE_BLOCKS, SECTION_BY_KEY
from xxgk.records.lock import ensure_unlocked
from xxgk.records.vocab import DOCUMENT_KINDS, pick
from xxgk.register.models import (
    Appeal,
    Application,
    NarrativeDraft,
    YearlyCount,
)
from xxgk.register.vocab import APPEAL_KINDS, APPEAL_OUTCOMES

YEARLY_KEYS = {row.key: row.label for block in ACTIVE_BLOCKS[1:] for row in block.rows}


def add_appeal(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    kind: str,
    filed_on: dt.date,
    application: Application | None = None,
    decided_on: dt.date | None = None,
    outcome: str | None = None,
    case_number: str = "",
    note: str = "",
) -> Appeal:
    """Record a 行政复议 or 行政诉讼 (decided or 尚未审结)."""
    require(actor, WRITERS, unit)
    appeal = Appeal(
        unit_id=unit.id,
        application_id=application.id if application else None,
        kind=pick(kind, APPEAL_KINDS, "复议诉讼类型"),
        filed_on=filed_on,
        case_number=case_number,
        note=note,
    )
    _decide(appeal, decided_on, outcome)
    ensure_unlocked(session, unit, [filed_on, decided_on])
    return audit.add_created(session=session, actor=actor, entity="appeal", row=appeal)


def decide_appeal(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    appeal: Appeal,
    decided_on: dt.date,
    outcome: str,
    reason: str = "",
) -> Appeal:
    """Record the decision of a pending appeal."""
    require(actor, WRITERS, unit)
    before = appeal.snapshot()
    _decide(appeal, decided_on, outcome)
    ensure_unlocked(session, unit, [decided_on])
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="appeal",
        entity_id=appeal.id,
        before=before,
        after=appeal.snapshot(),
        reason=reason,
    )
    return appeal


def _decide(appeal: Appeal, decided_on: dt.date | None, outcome: str | None) -> None:
    if (decided_on is None) != (outcome is None):
        raise RegisterError(
            "复议诉讼的审结日期和结果必须同时填写", "decision date and outcome go together"
        )
    if decided_on is not None and decided_on < appeal.filed_on:
        raise RegisterError(
            f"审结日期{decided_on}早于提起日期{appeal.filed_on}", "decided before it was filed"
        )
    appeal.decided_on = decided_on
    appeal.outcome = pick(outcome, APPEAL_OUTCOMES, "审结结果") if outcome else None


def add_document(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    kind: str,
    title: str,
    issued_on: dt.date,
    doc_number: str = "",
    repealed_on: dt.date | None = None,
) -> NormativeDocument:
    """Add a 规章 or 行政规范性文件 to the unit's documents register."""
    require(actor, WRITERS, unit)
    if repealed_on is not None and repealed_on < issued_on:
        raise RegisterError(
            f"“{title}”的废止日期早于制发日期", f"{title!r}: repealed before issued"
        )
    ensure_unlocked(session, unit, [issued_on, repealed_on])
    doc = NormativeDocument(
        unit_id=unit.id,
        kind=pick(kind, DOCUMENT_KINDS, "文件类型"),
        title=title,
        doc_number=doc_number,
        issued_on=issued_on,
        repealed_on=repealed_on,
    )
    return audit.add_created(session=session, actor=actor, entity="document", row=doc)


def repeal_document(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    document: NormativeDocument,
    repealed_on: dt.date,
) -> NormativeDocument:
    """Record that ``document`` was repealed on ``repealed_on``."""
    require(actor, WRITERS, unit)
    ensure_unlocked(session, unit, [repealed_on])
    before = document.snapshot()
    document.repealed_on = repealed_on
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="document",
        entity_id=document.id,
        before=before,
        after=document.snapshot(),
    )
    return document


def set_yearly_count(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    year: int,
    key: str,
    value: Decimal | int | str,
    source: str = "",
) -> YearlyCount:
    """Enter (or correct) a yearly figure: licensing, punishment, enforcement, fees (万元);
    ``source`` says where the figure comes from (e.g. 审批系统年度统计)."""
    require(actor, WRITERS, unit)
    key = pick(key, YEARLY_KEYS, "年度数据项")
    amount = _amount(value, key)
    ensure_unlocked(session, unit, [year])
    row = session.scalar(
        select(YearlyCount).where(
            YearlyCount.unit_id == unit.id, YearlyCount.year == year, YearlyCount.key == key
        )
    )
    before = {"value": row.value, "source": row.source} if row else None
    if row is None:
        row = YearlyCount(unit_id=unit.id, year=year, key=key, value=amount)
        session.add(row)
    row.value = amount
    row.source = source.strip()[:500]
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="set",
        entity="yearly_count",
        entity_id=row.id,
        before=before,
        after={"year": year, "key": key, "value": amount, "source": row.source},
    )
    return row


def set_narrative(
    *, session: Session, unit: Unit, actor: User, year: int, section: str, text: str
) -> NarrativeDraft:
    """Store the draft text of one section of the unit's report for ``year``."""
    require(actor, WRITERS, unit)
    if section not in SECTION_BY_KEY:
        raise RegisterError(
            f"未知章节“{section}”，可选：{'、'.join(SECTION_BY_KEY)}",
            f"unknown section {section!r}",
        )
    ensure_unlocked(session, unit, [year])
    row = session.scalar(
        select(NarrativeDraft).where(
            NarrativeDraft.unit_id == unit.id,
            NarrativeDraft.year == year,
            NarrativeDraft.section == section,
        )
    )
    before = {"text": row.text} if row else None
    if row is None:
        row = NarrativeDraft(unit_id=unit.id, year=year, section=section)
        session.add(row)
    row.text = text
    session.flush()
    audit.record(
        session=session,
        actor=actor,
        action="set",
        entity="narrative",
        entity_id=row.id,
        before=before,
        after={"year": year, "section": section, "text": text},
    )
    return row


def _amount(value: Decimal | int | str, key: str) -> Decimal:
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise RegisterError(
            f"“{YEARLY_KEYS[key]}”的数值“{value}”无效", f"bad number {value!r}"
        ) from None
    if amount < 0 or (key != "fees" and amount != amount.to_integral_value()):
        raise RegisterError(
            f"“{YEARLY_KEYS[key]}”应为非负{'金额' if key == 'fees' else '整数'}：{value}",
            f"{key} must be a non-negative {'amount' if key == 'fees' else 'integer'}",
        )
    return amount
