"""Filing (报送) the year's report to the supervising office, and publishing it.

The officer submits the compiled report; submission is refused while an error finding remains
(each listed with the page where it is fixed), and warnings must be acknowledged. A missing
value or an empty section counts as an error here: a report with either can neither be filed
nor published. The supervising office (a 督查 of a unit above, in xxgk) accepts or returns it
with reasons; every submission is a numbered version that stays in the history. Publication
follows acceptance — or is direct where no supervisor above the unit uses xxgk — and must
publish what was accepted. The 发布日期 is the day it is recorded unless an earlier real date
is entered with a reason; that reason is kept with the version and shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import APPROVERS, WRITERS, AccessError, require
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError
from xxgk.findings import Finding, Severity
from xxgk.model.cells import CELL_KEYS, SECTIONS
from xxgk.model.report import Report
from xxgk.records.lock import locked_version
from xxgk.records.models import PublishedReport
from xxgk.register.casework_models import ReportFiling
from xxgk.register.compile import compile_report
from xxgk.register.models import Application
from xxgk.register.publish import publish_report, published_versions
from xxgk.rules import validate

SUBMITTED, ACCEPTED, RETURNED, PUBLISHED = "submitted", "accepted", "returned", "published"
REOPENED = "reopened"
"""A published year unlocked for a correction: filed again like a draft, published again as a
new version with the correction's reason."""
STATE_LABELS = {
    "draft": "编制中",
    SUBMITTED: "已报送，待审核",
    ACCEPTED: "审核通过，待发布",
    RETURNED: "已退回",
    PUBLISHED: "已发布",
    REOPENED: "已重新打开，更正中",
}
NOT_YET = frozenset({"published-missing", "published-late", "published-early"})
"""Findings about the publication date, which a report not yet published cannot satisfy."""
BACKDATE_NOTE = "发布日期补记"
YEARLY = ("licensing", "punishment", "enforcement", "fees")


@dataclass(frozen=True)
class Blocker:
    """One finding standing between the report and its filing, with where to fix it."""

    code: str
    severity: str
    message: str
    fix_url: str
    fix_label: str


@dataclass(frozen=True)
class Gate:
    """What the validator says about the compiled report, split by what it blocks."""

    report: Report
    errors: tuple[Blocker, ...]
    warnings: tuple[Blocker, ...]

    @property
    def open(self) -> bool:
        return not self.errors


def _fix_place(finding: Finding, unit: Unit, year: int) -> tuple[str, str]:
    cells = " ".join(finding.cells)
    query = f"unit={unit.id}&year={year}"
    if "active." in cells and any(
        k in cells for k in ("licensing", "punishment", "enforcement", "fees")
    ):
        return f"/compile/inputs?{query}", "年报数据（表二）"
    if "review_litigation." in cells:
        return f"/compile/inputs?{query}", "年报数据（表四）"
    if "requests." in cells:
        return f"/register?unit={unit.id}", "申请台账"
    if "active." in cells:
        return f"/disclosure?unit={unit.id}", "主动公开"
    return f"/compile?{query}", "年报编制"


def _completeness(report: Report, unit: Unit, year: int) -> list[Blocker]:
    """Missing values and empty sections: errors for a report to be filed or published."""
    missing = [k for k in CELL_KEYS if report.values.get(k) is None]
    blockers = []
    if missing:
        url, label = _fix_place(Finding("value-missing", cells=tuple(missing)), unit, year)
        blockers.append(
            Blocker(
                "filing-value-missing", "error", f"表格中有{len(missing)}项数值未填报", url, label
            )
        )
    for section in SECTIONS:
        if section.key in ("active", "requests", "review_litigation"):
            continue
        if not report.section_text(section.key).strip():
            blockers.append(
                Blocker(
                    "filing-section-empty",
                    "error",
                    f"“{section.heading}”没有内容",
                    f"/compile?unit={unit.id}&year={year}#section-{section.key}",
                    "年报编制",
                )
            )
    return blockers


def filing_gate(
    session: Session,
    unit: Unit,
    year: int,
    *,
    apps: Sequence[Application] | None = None,
    requests: Mapping[str, Any] | None = None,
) -> Gate:
    """Return the compiled report of ``unit`` for ``year`` and what blocks its filing
    (``apps``, ``requests``: as for :func:`compile_report`)."""
    report = compile_report(session, unit, year, apps=apps, requests=requests)
    errors, warnings = _completeness(report, unit, year), []
    for finding in validate(report).findings:
        if finding.code in NOT_YET or finding.code == "value-missing":
            continue
        url, label = _fix_place(finding, unit, year)
        row = Blocker(finding.code, finding.severity.value, finding.message, url, label)
        if finding.severity is Severity.ERROR:
            errors.append(row)
        elif finding.severity is Severity.WARNING:
            warnings.append(row)
    return Gate(report, tuple(errors), tuple(warnings))


def supervisors_of(session: Session, unit: Unit) -> list[User]:
    """Return the active 督查 users of the units above ``unit`` (its supervising offices)."""
    ancestors, node = [], unit.parent
    while node is not None:
        ancestors.append(node.id)
        node = node.parent
    if not ancestors:
        return []
    query = select(User).where(
        User.role == Role.SUPERVISOR.value, User.active.is_(True), User.unit_id.in_(ancestors)
    )
    return list(session.scalars(query))


def filings(session: Session, unit: Unit, year: int) -> list[ReportFiling]:
    """Return every filing of ``unit``'s report for ``year``, oldest first."""
    query = select(ReportFiling).where(ReportFiling.unit_id == unit.id, ReportFiling.year == year)
    return list(session.scalars(query.order_by(ReportFiling.version)))


def state_of(session: Session, unit: Unit, year: int) -> str:
    """Return the report's state: draft, submitted, accepted, returned, published, or reopened.

    The lock decides publication: a year published (through filing or not) is published while
    it is locked, and reopened once unlocked until a correction is filed and published.
    """
    if locked_version(session, unit, year) is not None:
        return PUBLISHED
    rows = filings(session, unit, year)
    if rows and rows[-1].state != PUBLISHED:
        return rows[-1].state
    if rows or published_versions(session, unit, year):
        return REOPENED
    return "draft"


def submit_report(
    *, session: Session, actor: User, unit: Unit, year: int, acknowledge_warnings: bool = False
) -> ReportFiling:
    """File ``unit``'s report for ``year`` with its supervising office (a new version)."""
    require(actor, WRITERS, unit)
    current = state_of(session, unit, year)
    if current in (SUBMITTED, ACCEPTED, PUBLISHED):
        raise RegisterError(
            f"{year}年度报告当前状态为“{STATE_LABELS[current]}”，不能再次报送",
            f"the {year} report is {current}",
        )
    gate = filing_gate(session, unit, year)
    if gate.errors:
        raise RegisterError(
            f"报告还有{len(gate.errors)}个错误，改正后才能报送", f"{len(gate.errors)} errors remain"
        )
    if gate.warnings and not acknowledge_warnings:
        raise RegisterError(
            f"报告有{len(gate.warnings)}个警告，请逐一核实并确认后再报送",
            "warnings must be acknowledged",
        )
    version = (
        session.scalar(
            select(func.max(ReportFiling.version)).where(
                ReportFiling.unit_id == unit.id, ReportFiling.year == year
            )
        )
        or 0
    ) + 1
    row = ReportFiling(
        unit_id=unit.id,
        year=year,
        version=version,
        state=SUBMITTED,
        submitted_by=actor.username,
        acknowledged=[w.code for w in gate.warnings],
        snapshot_json=gate.report.to_dict(),
        decided_by="",
        decision_reason="",
    )
    return audit.add_created(session=session, actor=actor, entity="report_filing", row=row)


def _require_supervisor(session: Session, actor: User, unit: Unit) -> None:
    role = Role(actor.role)
    if role is Role.ADMIN:
        return
    if role is Role.SUPERVISOR and actor.id in {u.id for u in supervisors_of(session, unit)}:
        return
    raise AccessError(
        f"用户“{actor.username}”不是“{unit.name}”的上级督查，不能审核其报告",
        f"{actor.username} does not supervise {unit.code}",
    )


def decide_filing(
    *,
    session: Session,
    actor: User,
    filing: ReportFiling,
    unit: Unit,
    accept: bool,
    reason: str = "",
) -> ReportFiling:
    """Accept the submitted ``filing`` or return it with ``reason`` (the supervisor's step)."""
    _require_supervisor(session, actor, unit)
    if filing.state != SUBMITTED:
        raise RegisterError(
            f"该报送版本状态为“{STATE_LABELS[filing.state]}”，不能审核", "not awaiting a decision"
        )
    if not accept and not reason.strip():
        raise RegisterError("退回报告必须说明理由", "a return needs its reasons")
    before = filing.snapshot()
    filing.state = ACCEPTED if accept else RETURNED
    filing.decided_by, filing.decision_reason = actor.username, reason.strip()
    filing.decided_at = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    audit.record(
        session=session,
        actor=actor,
        action="accept" if accept else "return",
        entity="report_filing",
        entity_id=filing.id,
        before=before,
        after=filing.snapshot(),
        reason=reason,
    )
    return filing


def publish_filed(
    *,
    session: Session,
    actor: User,
    unit: Unit,
    year: int,
    today: dt.date,
    published_on: dt.date | None = None,
    date_reason: str = "",
    correction_reason: str = "",
) -> PublishedReport:
    """Publish the accepted report (or, without a supervisor in xxgk, the complete report).

    The 发布日期 is ``today`` unless an earlier real date is given with ``date_reason``.
    """
    require(actor, APPROVERS, unit)
    locked = locked_version(session, unit, year)
    if locked is not None:
        raise RegisterError(
            f"{year}年度报告已于{locked.published_on}发布（第{locked.version}版），如需更正请先重新打开该年度",
            f"the {year} report is already published",
        )
    day = published_on or today
    if day.year <= year:
        raise RegisterError(
            f"发布日期{day}应在报告年度{year}结束之后", f"publication date {day} is in the year"
        )
    if day > today:
        raise RegisterError("发布日期不能晚于今天", "publication date in the future")
    if day < today and not date_reason.strip():
        raise RegisterError(
            f"发布日期{day}早于今天，须说明实际发布情况（如网站发布记录）",
            "an earlier publication date needs its reason",
        )
    gate = filing_gate(session, unit, year)
    if gate.errors:
        raise RegisterError(
            f"报告还有{len(gate.errors)}个错误（含未填报的数值或空白章节），不能发布",
            "errors remain; the report cannot be published",
        )
    rows = filings(session, unit, year)
    last = rows[-1] if rows else None
    if supervisors_of(session, unit):
        if last is None or last.state != ACCEPTED:
            raise RegisterError("报告须经上级审核通过后才能发布", "publication needs acceptance")
        if Report.from_dict(last.snapshot_json).canonical() != gate.report.canonical():
            raise RegisterError(
                "报告内容在审核通过后有变化，请重新报送", "the report changed after acceptance"
            )
    notes = [correction_reason.strip()] if correction_reason.strip() else []
    if day < today:
        notes.append(f"{BACKDATE_NOTE}：{date_reason.strip()}")
    note = "；".join(notes)
    published = publish_report(
        session=session, unit=unit, actor=actor, year=year, published_on=day, reason=note
    )
    if last is not None and last.state == ACCEPTED:
        last.state, last.published_report_id = PUBLISHED, published.id
    else:
        last = audit.add_created(
            session=session,
            actor=actor,
            entity="report_filing",
            row=ReportFiling(
                unit_id=unit.id,
                year=year,
                version=(last.version + 1) if last else 1,
                state=PUBLISHED,
                submitted_by=actor.username,
                acknowledged=[w.code for w in gate.warnings],
                snapshot_json=gate.report.to_dict(),
                decided_by="",
                decision_reason="无上级督查，直接发布",
                published_report_id=published.id,
            ),
        )
    return published
