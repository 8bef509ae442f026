"""The register as the pages and the API show it: list rows with their deadline marks, the
filters, and the next legal steps of an application with the deadline each would give.

Everything here reads through the library (``xxgk.register``); the deadline previews run the
same ``compute_deadline`` on the application's facts with the step added, nothing is stored.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.register.caldb import kept_calendar as calendar_of
from xxgk.register.calendar import Calendar
from xxgk.register.caseload import problems_of
from xxgk.register.deadline import Deadline, compute_deadline
from xxgk.register.models import Application, Event
from xxgk.register.queries import calendar_change_ids, light_events
from xxgk.register.state import Status, facts, live_events, status
from xxgk.register.views import MASK, state_label, working_days_left
from xxgk.register.vocab import APPLICANT_TYPES, CHANNEL_LABELS, Channel, EventKind

PAGE_SIZE = 50
"""Rows on one page of the register list."""
DUE_SOON = 5
"""Open applications with at most this many working days left are marked 即将到期."""
STATES = {
    "open": "办理中",
    "overdue": "已逾期",
    "due_soon": "即将到期",
    "closed": "已办结",
    "void": "已作废",
    "problems": "有问题",
}


@dataclass(frozen=True)
class DueMark:
    """How urgent an open application is: ``overdue``, ``due_soon`` or ``""``, and why."""

    css: str
    text: str
    left: int | None


def due_mark(
    app: Application, calendar: Calendar, today: dt.date, is_open: bool | None = None
) -> DueMark:
    """Return the deadline mark of ``app`` as of ``today`` (``is_open``: its state, when the
    caller already knows it)."""
    if is_open is None:
        is_open = not app.void and status(app).is_open
    waiting = getattr(app, "correction_due", None)
    if is_open and app.due_on is None and waiting is not None:
        left = working_days_left(calendar, today, waiting)
        if left < 0:
            return DueMark("waiting", "补正期限已过，可按逾期未补正办结", left)
        return DueMark("waiting", f"待补正，补正期限剩余{left}个工作日", left)
    if not is_open or app.due_on is None:
        return DueMark("", "", None)
    left = working_days_left(calendar, today, app.due_on)
    if left < 0:
        return DueMark("overdue", f"已逾期{-left}个工作日", left)
    if left <= DUE_SOON:
        return DueMark("due_soon", "今日到期" if left == 0 else f"剩余{left}个工作日", left)
    return DueMark("", f"剩余{left}个工作日", left)


def application_row(
    app: Application,
    mark: DueMark,
    personal: bool,
    state: Any = None,
    is_open: bool | None = None,
    known: Status | None = None,
) -> dict[str, Any]:
    """Return one row of the register list (personal data masked unless ``personal``).

    ``state`` shows 待补正 from the stored correction period, so it reads ``correction_due``.

    ``state`` is what decides the state: anything with ``void`` and ``events`` (default: the
    application itself, with its ORM events); ``is_open`` its state and ``known`` its
    ``status`` when already known.
    """
    state = app if state is None else state
    if is_open is None:
        is_open = not app.void and status(state).is_open
    return {
        "id": app.id,
        "number": app.number,
        "unit": app.unit.name,
        "unit_id": app.unit_id,
        "channel": CHANNEL_LABELS[Channel(app.channel)],
        "received_on": app.received_on.isoformat(),
        "applicant_type": APPLICANT_TYPES.get(app.applicant_type, app.applicant_type),
        "applicant_name": app.applicant_name if personal else MASK,
        "request_text": app.request_text,
        "due_on": app.due_on.isoformat() if app.due_on else None,
        "provisional": app.due_provisional,
        "due_note": app.due_note,
        "correction_due": app.correction_due.isoformat() if app.correction_due else None,
        "state": state_label(state, known),
        "open": is_open,
        "void": app.void,
        "mark": mark.css,
        "mark_text": mark.text,
        "left": mark.left,
    }


@dataclass
class Reading:
    """What :func:`list_rows` read of its applications, for :func:`with_problems` to reuse:
    their events as light rows (by application id) and the calendars (by unit id)."""

    events: dict[int, list[Any]] = field(default_factory=dict)
    calendars: dict[int, Calendar] = field(default_factory=dict)


def list_rows(
    session: Session,
    apps: Sequence[Any],
    *,
    personal: Any,
    today: dt.date,
    state: str = "",
    query: str = "",
    reading: Reading | None = None,
) -> list[dict[str, Any]]:
    """Return the rows of ``apps`` that match the state filter and the search text.

    ``personal(unit)`` says whether names may be shown; the search never matches a masked name.
    ``reading``, when given, receives the events and calendars read.
    """
    days = calendar_change_ids(session) if apps else ()
    events = light_events(session, [app.id for app in apps])
    calendars: dict[int, Calendar] = {}
    if reading is not None:
        reading.events, reading.calendars = events, calendars
    rows = []
    needle = query.strip()
    shown: dict[int, bool] = {}  # whether names may be shown, by unit id
    for app in apps:
        calendar = calendars.get(app.unit_id)
        if calendar is None:
            calendar = calendars[app.unit_id] = calendar_of(session, app.unit, days)
        light = SimpleNamespace(
            void=app.void,
            due_on=app.due_on,
            correction_due=app.correction_due,
            events=events.get(app.id, ()),
        )
        known = status(light)  # type: ignore[arg-type]
        is_open = not app.void and known.is_open
        mark = due_mark(light, calendar, today, is_open)  # type: ignore[arg-type]
        names = shown.get(app.unit_id)
        if names is None:
            names = shown[app.unit_id] = personal(app.unit)
        row = application_row(app, mark, names, light, is_open, known)
        if _matches(row, state) and _found(row, needle):
            rows.append(row)
    return rows


def _page_of_applications(
    scope: Any, unit: Unit | None, year: int | None, page: int
) -> list[SimpleNamespace]:
    return scope.listed_applications(  # type: ignore[no-any-return,unused-ignore]
        unit, year, include_void=False, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE
    )


@dataclass(frozen=True)
class ListPage:
    """One page of the register list and where it lies among all matching rows."""

    rows: list[dict[str, Any]]
    total: int
    page: int
    pages: int


def list_page(
    scope: Any,
    unit: Unit | None,
    year: int | None,
    *,
    today: dt.date,
    state: str = "",
    query: str = "",
    page: int = 1,
) -> ListPage:
    """Return page ``page`` (PAGE_SIZE rows) of the register list of ``scope``.

    Without a state filter or search text the page is cut in the database (only its rows and
    their events are read); a filter on the deadline state or a search needs every row's
    state, so then all rows are built and the page is cut afterwards.
    """
    page = max(1, page)
    if state == "" and not query.strip():
        apps = _page_of_applications(scope, unit, year, page)
        total = len(apps)
        if page > 1 or total == PAGE_SIZE:
            total = scope.count_applications(unit, year, include_void=False)
        pages = max(1, -(-total // PAGE_SIZE))
        if page > pages:  # past the end: the last page
            page = pages
            apps = _page_of_applications(scope, unit, year, page)
        read = Reading()
        rows = list_rows(scope.session, apps, personal=scope.personal, today=today, reading=read)
        return ListPage(with_problems(scope.session, rows, apps, today, read), total, page, pages)
    apps = scope.listed_applications(unit, year)
    read = Reading()
    rows = list_rows(
        scope.session,
        apps,
        personal=scope.personal,
        today=today,
        state="" if state == "problems" else state,
        query=query,
        reading=read,
    )
    if state == "problems":  # every row's checks decide which rows are on the pages
        rows = [r for r in with_problems(scope.session, rows, apps, today, read) if r["problems"]]
    pages = max(1, -(-len(rows) // PAGE_SIZE))
    page = min(page, pages)
    shown = rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    if state != "problems":
        shown = with_problems(scope.session, shown, apps, today, read)
    return ListPage(shown, len(rows), page, pages)


def with_problems(
    session: Session,
    rows: list[dict[str, Any]],
    apps: Sequence[Any],
    today: dt.date,
    reading: Reading | None = None,
) -> list[dict[str, Any]]:
    """Add to each row the messages of its register findings (A01–A05, errors and warnings);
    ``reading`` (what ``list_rows`` read of ``apps``) lets unchanged cases be answered from
    the findings kept by ``caseload.problems_of``."""
    wanted = {row["id"] for row in rows}
    found = problems_of(
        session,
        [app for app in apps if app.id in wanted],
        today,
        events=reading.events if reading is not None else None,
        calendars=reading.calendars if reading is not None else None,
    )
    for row in rows:
        row["problems"] = [f.message for f in found.get(row["id"], ())]
    return rows


def _matches(row: dict[str, Any], state: str) -> bool:
    if state == "void":
        return row["void"]
    if row["void"]:
        return state == "all"
    return {
        "": True,
        "all": True,
        "open": row["open"],
        "closed": not row["open"],
        "overdue": row["mark"] == "overdue",
        "due_soon": row["mark"] == "due_soon",
    }.get(state, True)


def _found(row: dict[str, Any], needle: str) -> bool:
    if not needle:
        return True
    fields = (row["number"], row["request_text"], row["applicant_name"], row["unit"])
    return any(needle in (value or "") for value in fields if value != MASK)


@dataclass(frozen=True)
class Step:
    """A next legal step offered on the application page, with its preview deadline."""

    kind: EventKind
    hint: str
    preview: Deadline | None
    closes: bool = False


HINTS = {
    EventKind.CORRECTION_REQUESTED: (
        "应在收到申请之日起7个工作日内一次性告知，并给予合理的补正期限（第三十条）；"
        "待补正期间不计算答复期限"
    ),
    EventKind.CORRECTION_RECEIVED: "答复期限自收到补正后的申请之日起重新计算",
    EventKind.CORRECTION_LAPSED: (
        "补正期限届满后申请人无正当理由仍未补正，视为放弃申请，办结（期满前不能记录）"
    ),
    EventKind.CONSULTATION_SENT: "征求第三方或其他机关意见的时间不计入期限（最长15个工作日）",
    EventKind.CONSULTATION_ANSWERED: (
        "选择所答复的征求意见函；答复日期不能早于发函日期，期限继续计算"
    ),
    EventKind.EXTENSION: "经负责人同意并告知申请人，可延长不超过20个工作日（第三十三条）",
    EventKind.ART35_INQUIRY: "申请数量、频次明显超过合理范围时要求说明理由（第三十五条）",
    EventKind.ART35_DEADLINE: "理由合理但无法在期限内答复的，可另定期限并告知申请人",
    EventKind.FEE_NOTICE: "依照信息处理费管理办法收费的，发出收费通知",
    EventKind.FEE_PAID: "申请人缴纳费用",
    EventKind.FEE_UNPAID: (
        "自收到收费通知次日起20个工作日内未缴费的，视为放弃申请，办结（期满前不能记录）"
    ),
    EventKind.REPLY: "作出答复并送达，办结",
    EventKind.WITHDRAWAL: "申请人撤回申请，办结",
}
CLOSING_STEPS = frozenset(
    {EventKind.REPLY, EventKind.WITHDRAWAL, EventKind.CORRECTION_LAPSED, EventKind.FEE_UNPAID}
)


def next_steps(app: Application, calendar: Calendar, today: dt.date) -> list[Step]:
    """Return the steps the law allows next for an open application, each with its deadline."""
    if app.void or not status(app).is_open:
        return []
    live = live_events(app)
    done = {EventKind(e.kind) for e in live}
    kinds = []
    if EventKind.CORRECTION_REQUESTED not in done:
        kinds.append(EventKind.CORRECTION_REQUESTED)
    elif EventKind.CORRECTION_RECEIVED not in done:
        kinds += [EventKind.CORRECTION_RECEIVED, EventKind.CORRECTION_LAPSED]
    kinds.append(EventKind.CONSULTATION_SENT)
    if _pending(live, EventKind.CONSULTATION_SENT, EventKind.CONSULTATION_ANSWERED):
        kinds.append(EventKind.CONSULTATION_ANSWERED)
    if EventKind.EXTENSION not in done:
        kinds.append(EventKind.EXTENSION)
    kinds += [EventKind.ART35_INQUIRY, EventKind.ART35_DEADLINE]
    if EventKind.FEE_NOTICE not in done:
        kinds.append(EventKind.FEE_NOTICE)
    elif _pending(live, EventKind.FEE_NOTICE, EventKind.FEE_PAID):
        kinds += [EventKind.FEE_PAID, EventKind.FEE_UNPAID]
    kinds += [EventKind.REPLY, EventKind.WITHDRAWAL]
    day = max(today, app.received_on)
    return [
        Step(
            k,
            HINTS[k],
            None
            if k in CLOSING_STEPS or k is EventKind.ART35_DEADLINE
            else preview(app, calendar, k, day),
            k in CLOSING_STEPS,
        )
        for k in kinds
    ]


def _pending(live: list[Event], sent: EventKind, answer: EventKind) -> list[int]:
    answered = {e.ref_id for e in live if e.kind == answer}
    return [e.id for e in live if e.kind == sent and e.id not in answered]


def preview(app: Application, calendar: Calendar, kind: EventKind, on: dt.date) -> Deadline:
    """Return the deadline ``app`` would have if step ``kind`` were recorded on ``on``.

    An extension is previewed at its maximum (20 working days, approved and notified that day).
    """
    live = live_events(app)
    ref = None
    if kind is EventKind.CONSULTATION_ANSWERED:  # previewed as the answer to the oldest letter
        ref = _pending(live, EventKind.CONSULTATION_SENT, kind)[0]
    if kind is EventKind.FEE_PAID:
        ref = _pending(live, EventKind.FEE_NOTICE, kind)[0]
    extension = kind is EventKind.EXTENSION
    extra = Event(
        kind=kind.value,
        on=on,
        ref_id=ref,
        party="",
        days=20 if extension else None,
        approved_on=on if extension else None,
        notified_on=on if extension else None,
    )
    fake = SimpleNamespace(
        unit=app.unit,
        events=[*app.events, extra],
        channel=app.channel,
        arrived_on=app.arrived_on,
        signed_on=app.signed_on,
        confirmed_on=app.confirmed_on,
        received_on=app.received_on,
    )
    return compute_deadline(facts(fake, calendar=calendar), calendar)  # type: ignore[arg-type]


def current_deadline(app: Application, calendar: Calendar) -> Deadline:
    """Return the application's deadline with its explanation, as the library computes it
    (``calendar``: the unit's, which the caller has already built for the marks and steps)."""
    return compute_deadline(facts(app, calendar=calendar), calendar)


def open_letters(app: Application) -> dict[str, list[dict[str, Any]]]:
    """Return the unanswered consultation letters and unpaid fee notices of ``app`` to choose
    from when recording an answer or a payment (by event kind value)."""
    from xxgk.register.events import letter_label, pending_letters

    pairs = {
        EventKind.CONSULTATION_ANSWERED: EventKind.CONSULTATION_SENT,
        EventKind.FEE_PAID: EventKind.FEE_NOTICE,
    }
    return {
        answer.value: [
            {"id": e.id, "label": letter_label(e), "party": e.party}
            for e in pending_letters(app, sent, answer)
        ]
        for answer, sent in pairs.items()
    }


def timeline(app: Application) -> list[dict[str, Any]]:
    """Return the events of ``app`` in order, voided ones marked."""
    from xxgk.register.vocab import DELIVERIES, OUTCOMES

    voided = {e.ref_id for e in app.events if e.kind == EventKind.VOIDED}
    out = []
    for e in app.events:
        details = [
            OUTCOMES.get(e.outcome or "", ""),
            DELIVERIES.get(e.delivery or "", ""),
            e.party,
            f"延长{e.days}个工作日" if e.days else "",
            f"批准{e.approved_on}" if e.approved_on else "",
            f"告知{e.notified_on}" if e.notified_on else "",
            f"另定期限{e.due_on}" if e.due_on else "",
            f"金额{e.amount}元" if e.amount is not None else "",
            f"作废事件#{e.ref_id}" if e.kind == EventKind.VOIDED else "",
        ]
        out.append(
            {
                "id": e.id,
                "on": e.on.isoformat(),
                "kind": EventKind(e.kind).label,
                "details": "；".join(d for d in details if d),
                "note": e.note,
                "actor": e.actor_name,
                "voided": e.id in voided,
            }
        )
    return out


def writable_units(units: list[tuple[int, Unit]], can_write: Any) -> list[Unit]:
    """Return the units of the scope whose register the user may change."""
    return [u for _, u in units if can_write(u)]
