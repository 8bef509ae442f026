"""Register checks A01–A06 (domain-rules.md §5): what the register shows was done wrong.

Each check yields ``Finding``s whose kinds are registered in ``xxgk.findings.KINDS``, so the CLI
and the web show them like every other finding. A06 compares a report's Table 三 with the
register's own count.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import replace

from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.findings import Finding, FindingKind, Severity, register_kind
from xxgk.model.cells import REQUEST_ROWS, cell_title
from xxgk.model.report import Report
from xxgk.register.applications import list_applications
from xxgk.register.caldb import unit_calendar
from xxgk.register.calendar import Calendar
from xxgk.register.compile import compile_report
from xxgk.register.deadline import FEE_PAYMENT_LIMIT, compute_deadline, periods
from xxgk.register.models import Application
from xxgk.register.state import correction_period_end, facts, live_events, status
from xxgk.register.vocab import CLOSING, OUTCOMES, EventKind

CORRECTION_NOTICE_DAYS = 7


def _kind(
    code: str, aid: str, title: str, template: str, basis: str, sev: Severity = Severity.ERROR
) -> str:
    register_kind(FindingKind(code, sev, title, template, basis=basis, tags=("#register", aid)))
    return code


REPLY_LATE = _kind(
    "register-reply-late",
    "A01",
    "答复超过法定期限",
    "申请{number}于{replied}答复，晚于答复期限{due}（逾期{late}个工作日）",
    "条例第三十三条",
)
OPEN_OVERDUE = _kind(
    "register-open-overdue",
    "A01",
    "申请逾期未答复",
    "申请{number}的答复期限{due}已过（截至{today}），仍未答复",
    "条例第三十三条",
)
CORRECTION_LATE = _kind(
    "register-correction-late",
    "A02",
    "补正告知超过7个工作日",
    "申请{number}的补正告知于{on}发出，晚于收到后第7个工作日{limit}",
    "条例第三十条",
)
CORRECTION_REPEATED = _kind(
    "register-correction-repeated",
    "A02",
    "多次补正告知",
    "申请{number}发出了{count}次补正告知，条例要求一次性告知",
    "条例第三十条",
)
EXTENSION_INVALID = _kind(
    "register-extension-invalid",
    "A03",
    "延期不合规",
    "申请{number}的延期{problem}",
    "条例第三十三条",
)
OUTCOME_MISSING = _kind(
    "register-outcome-missing",
    "A04",
    "办理结果不唯一或缺失",
    "申请{number}{problem}",
    "国办公开办函〔2021〕30号",
)
OUTCOME_INCONSISTENT = _kind(
    "register-outcome-inconsistent",
    "A05",
    "办理结果与办理过程不符",
    "申请{number}的办理结果为“{outcome}”，但{problem}",
    "条例第三十条、第三十五条、第四十二条",
)
CORRECTION_PERIOD_PASSED = _kind(
    "register-correction-period-passed",
    "A02",
    "补正期限已过",
    "申请{number}的补正期限{until}已过（截至{today}），申请人仍未补正，可按逾期未补正办结",
    "条例第三十条",
    Severity.INFO,
)
CLOSED_EARLY = _kind(
    "register-closed-before-period",
    "A05",
    "未到期限即按逾期办结",
    "申请{number}于{on}按“{what}”办结，但{period}至{end}才届满",
    "条例第三十条；国办函〔2020〕109号",
)
REPORT_MISMATCH = _kind(
    "register-report-mismatch",
    "A06",
    "年度报告与台账不一致",
    "{cell}：报告为{actual}，台账统计为{expected}",
    "国办公开办函〔2021〕30号",
)


def check_register(
    session: Session, unit: Unit, *, year: int | None = None, today: dt.date | None = None
) -> list[Finding]:
    """Return the A01–A05 findings of ``unit``'s applications (received in ``year``, if given)."""
    calendar = unit_calendar(session, unit)
    findings: list[Finding] = []
    for app in list_applications(session, unit, year=year):
        findings += check_application(app, calendar, today=today)
    return findings


def check_application(
    app: Application, calendar: Calendar, *, today: dt.date | None = None
) -> list[Finding]:
    """Return the A01–A05 findings of one application."""
    return [
        *_late(app, calendar, today),
        *_corrections(app, calendar),
        *_extensions(app, calendar),
        *_outcome(app),
        *_closed_early(app, calendar),
    ]


def check_report(session: Session, unit: Unit, year: int, report: Report) -> list[Finding]:
    """A06: return a finding for each Table 三 cell of ``report`` the register disagrees with."""
    compiled = compile_report(session, unit, year)
    out = []
    for row in REQUEST_ROWS:
        for key in (k for k in compiled.values if k.startswith(f"requests.{row.key}.")):
            if report.values.get(key) != compiled[key]:
                out.append(
                    Finding(
                        REPORT_MISMATCH,
                        (key,),
                        compiled[key],
                        report.values.get(key),
                        params={"cell": cell_title(key)},
                    )
                )
    return out


def _finding(code: str, app: Application, **params: object) -> Finding:
    return Finding(code, params={"number": app.number, **params})


def _late(app: Application, calendar: Calendar, today: dt.date | None) -> Iterator[Finding]:
    """A01; while the applicant has to correct (art. 30) no reply period runs, so nothing is
    overdue: a passed correction period is only a prompt to close the case."""
    deadline = compute_deadline(facts(app, calendar=calendar), calendar)
    state = status(app)
    if deadline.waiting is not None:
        if today is not None and today > deadline.waiting.until:
            yield _finding(CORRECTION_PERIOD_PASSED, app, until=deadline.waiting.until, today=today)
        return
    due = deadline.date
    assert due is not None
    if (
        state.closing is not None
        and state.closing.kind == EventKind.REPLY
        and state.closed_on is not None
        and state.closed_on > due
    ):
        late = len(calendar.working_days(due, state.closed_on))
        yield _finding(REPLY_LATE, app, replied=state.closed_on, due=due, late=late)
    elif state.is_open and today is not None and today > due:
        yield _finding(OPEN_OVERDUE, app, due=due, today=today)


def _corrections(app: Application, calendar: Calendar) -> Iterator[Finding]:
    notices = [e for e in live_events(app) if e.kind == EventKind.CORRECTION_REQUESTED]
    limit = calendar.add_working_days(app.received_on, CORRECTION_NOTICE_DAYS)
    if notices and notices[0].on > limit:
        yield _finding(CORRECTION_LATE, app, on=notices[0].on, limit=limit)
    if len(notices) > 1:
        yield _finding(CORRECTION_REPEATED, app, count=len(notices))


def _extensions(app: Application, calendar: Calendar) -> Iterator[Finding]:
    extensions = [e for e in live_events(app) if e.kind == EventKind.EXTENSION]
    if not extensions:
        return
    _, longest = periods(app.received_on)
    unextended = replace(facts(app, calendar=calendar), extension=None, custom=None)
    original = compute_deadline(unextended, calendar).date
    if original is None:  # still waiting for 补正: no period to extend yet
        return
    problems = []
    if len(extensions) > 1:
        problems.append(f"记录了{len(extensions)}次，只允许延长一次")
    for ext in extensions:
        if ext.approved_on is None:
            problems.append("没有政府信息公开工作机构负责人同意的记录")
        if ext.notified_on is None:
            problems.append("没有告知申请人的记录")
        if (ext.days or 0) > longest:
            problems.append(f"延长{ext.days}个工作日，超过{longest}个工作日")
        late = [d for d in (ext.approved_on, ext.notified_on) if d and d > original]
        if late:
            problems.append(f"批准或告知日期{late[0]}晚于原答复期限{original}")
    for problem in problems:
        yield _finding(EXTENSION_INVALID, app, problem=problem)


def _outcome(app: Application) -> Iterator[Finding]:
    live = live_events(app)
    closing = [e for e in live if e.kind in CLOSING]
    if len(closing) > 1:
        yield _finding(
            OUTCOME_MISSING, app, problem=f"有{len(closing)}个办结事件，只能有一个办理结果"
        )
    state = status(app)
    if state.closing is not None and state.outcome is None:
        yield _finding(OUTCOME_MISSING, app, problem="已办结但没有办理结果")
    if state.outcome is None:
        return
    kinds = {e.kind for e in live}
    for needed, problem in _required(state.outcome):
        if needed not in kinds:
            yield _finding(
                OUTCOME_INCONSISTENT,
                app,
                outcome=OUTCOMES.get(state.outcome, state.outcome),
                problem=problem,
            )


def _closed_early(app: Application, calendar: Calendar) -> Iterator[Finding]:
    """A05: 逾期未缴费 only after the 20 working days to pay (109号), 逾期未补正 only after the
    correction period (art. 30); for records imported or entered before the refusal existed."""
    state = status(app)
    closing = state.closing
    if closing is None:
        return
    live = live_events(app)
    if closing.kind == EventKind.FEE_UNPAID:
        notices = [e for e in live if e.kind == EventKind.FEE_NOTICE and e.on <= closing.on]
        if notices:
            end = calendar.add_working_days(notices[-1].on, FEE_PAYMENT_LIMIT)
            period = f"缴费期限（收费通知次日起{FEE_PAYMENT_LIMIT}个工作日）"
            if closing.on <= end:
                yield _finding(
                    CLOSED_EARLY, app, on=closing.on, what="逾期未缴费", period=period, end=end
                )
    if closing.kind == EventKind.CORRECTION_LAPSED:
        notices = [e for e in live if e.kind == EventKind.CORRECTION_REQUESTED]
        if notices:
            end, _ = correction_period_end(notices[0], calendar)
            if closing.on <= end:
                yield _finding(
                    CLOSED_EARLY, app, on=closing.on, what="逾期未补正", period="补正期限", end=end
                )


def _required(outcome: str) -> list[tuple[str, str]]:
    table = {
        "other_no_correction": [(EventKind.CORRECTION_REQUESTED, "没有补正告知的记录")],
        "unavailable_unclear": [(EventKind.CORRECTION_RECEIVED, "没有收到补正申请的记录")],
        "other_no_fee": [(EventKind.FEE_NOTICE, "没有收费通知的记录")],
        "not_processed_excessive": [(EventKind.ART35_INQUIRY, "没有要求申请人说明理由的记录")],
    }
    return [(k.value, p) for k, p in table.get(outcome, [])]
