"""The desk and the menu badge kept per unit (``register.unit_cases``) against a frozen copy of
the code that read everything afresh (``desk_oracle``): random registers of several units
with open, closed and voided cases, letters, consultations and 补正, written step by step
through the library's own write paths, compared after every step, for several people and
days. Kept answers must never outlive a write: not one committed by this session, by another
session, nor one rolled back."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from pathlib import Path

import pytest
from desk_oracle import _DUE_COUNT, oracle_badge, oracle_desk
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit, rename_unit, update_unit
from xxgk.db.users import add_user
from xxgk.errors import RegisterError
from xxgk.register import unit_cases
from xxgk.register.applications import register_application, update_application, void_application
from xxgk.register.attachments import FileStore
from xxgk.register.caldb import set_calendar_day, unit_calendar
from xxgk.register.caseload import due_soon_horizon
from xxgk.register.casework_models import Letter
from xxgk.register.desk import build_desk
from xxgk.register.events import add_event
from xxgk.register.letters import issue_letter, record_delivery
from xxgk.register.models import Application, Event
from xxgk.register.settings import set_fee_pauses_clock
from xxgk.register.state import live_events, status
from xxgk.register.unit_cases import menu_badge
from xxgk.register.vocab import EventKind

TODAY = dt.date(2026, 4, 20)  # a Monday, a fortnight after 清明
DAYS = (TODAY, TODAY + dt.timedelta(days=4), TODAY + dt.timedelta(days=17))
KINDS = (
    "reply",
    "correction_requested",
    "correction_received",
    "correction_lapsed",
    "consultation_sent",
    "consultation_answered",
    "extension",
    "fee_notice",
    "fee_paid",
    "withdrawal",
    "voided",
)
OUTCOMES = (
    "granted",
    "partially_granted",
    "unavailable_not_held",
    "unavailable_unclear",
    "other_no_correction",
)


def _unit_kind(wanted: str) -> str:
    from xxgk.db.units import unit_kinds

    hint = {"county": "县", "township": "镇"}[wanted]
    kinds = unit_kinds()
    return wanted if wanted in kinds else next(k for k, v in kinds.items() if hint in v)


def _plain(_template: bytes, _context: object) -> bytes:
    return b"letter"  # the letters' files do not matter here: skip rendering them


class Register:
    """A county, two townships and a department on the XJ regional calendar but one township
    on the national calendar alone; a clerk of that township, the county's unit admin and the
    system administrator."""

    def __init__(self, session: Session, folder: Path, seed: int):
        self.session = session
        self.rng = random.Random(seed)
        self.store = FileStore(folder / "files")
        self.admin = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
        self.county = self._unit("county", "示例县人民政府", None)
        self.towns = [
            self._unit("qinghe", "示例县清河镇人民政府", self.county),
            self._unit("baishui", "示例县白水镇人民政府", self.county),
            self._unit("jiaoyu", "示例县教育局", self.county),
        ]
        # the county's division code gives its units the XJ regional calendar; one township
        # keeps the national calendar alone
        update_unit(session=session, actor=self.admin, unit=self.towns[0], calendar_region="")
        self.clerk = self._user("clerk", Role.CLERK, self.towns[0])
        self.county_admin = self._user("county-admin", Role.UNIT_ADMIN, self.county)
        session.commit()

    def _unit(self, code: str, name: str, parent: Unit | None) -> Unit:
        return add_unit(
            session=self.session,
            actor=self.admin,
            code=code,
            name=name,
            kind=_unit_kind("county" if parent is None else "township"),
            parent=parent,
            division_code="659999" if parent is None else None,
        )

    def _user(self, username: str, role: Role, unit: Unit) -> User:
        return add_user(
            session=self.session, actor=self.admin, username=username, role=role, unit=unit
        )

    @property
    def units(self) -> list[Unit]:
        return [self.county, *self.towns]

    def scopes(self) -> list[tuple[User, list[Unit]]]:
        """Each person with the units the web's scope gives them (own unit / subtree / all)."""
        return [
            (self.clerk, [self.towns[0]]),
            (self.county_admin, self.units),
            (self.admin, self.units),
        ]

    def apps(self) -> list[Application]:
        return list(self.session.scalars(select(Application).order_by(Application.id)))

    def step(self) -> str:
        """Make one random write through the library and commit it; return what it was (a
        write the library refuses is rolled back and reported as refused)."""
        rng = self.rng
        apps = self.apps()
        choice = rng.choices(
            ["register", "event", "letter", "deliver", "void", "edit", "calendar", "fee", "rename"],
            weights=[8, 14, 3, 2, 1, 1, 1, 1, 1],  # fmt: skip
        )[0]
        if not apps:
            choice = "register"
        try:
            what = getattr(self, f"_{choice}")(rng, apps)
            self.session.commit()
            return what
        except RegisterError:
            self.session.rollback()
            return f"{choice} refused"

    def _register(self, rng: random.Random, apps: list[Application]) -> str:
        unit = rng.choice(self.units)
        arrived = TODAY - dt.timedelta(days=rng.randint(0, 150))
        register_application(
            session=self.session,
            unit=unit,
            actor=self.admin,
            channel_name=rng.choice(["in_person", "online"]),
            arrived_on=arrived,
            confirmed_on=arrived,
            applicant_type=rng.choice(["natural_person", "commercial"]),
            applicant_name="张三",
            request_text="某项政府信息",
        )
        return "register"

    def _event(self, rng: random.Random, apps: list[Application]) -> str:
        live = [app for app in apps if not app.void and status(app).is_open]
        app = rng.choice(live if live and rng.random() < 0.85 else apps)
        kind = rng.choice(KINDS)
        on = min(TODAY, app.received_on + dt.timedelta(days=rng.randint(0, 40)))
        extra: dict[str, object] = {}
        if kind == "reply":
            extra = {"outcome_name": rng.choice(OUTCOMES), "delivery": "post"}
        elif kind == "correction_requested":
            extra = rng.choice([{"days": rng.randint(3, 15)}, {}])
        elif kind == "extension":
            extra = {"days": rng.randint(5, 20), "approved_on": on, "notified_on": on}
        elif kind == "consultation_sent":
            extra = {"party": rng.choice(["某公司", "某局"])}
        elif kind == "fee_notice":
            from decimal import Decimal

            extra = {"amount": Decimal("100")}
        elif kind == "voided":
            live = [e for e in live_events(app) if e.kind != EventKind.REGISTERED]
            if not live:
                return "nothing to void"
            extra = {"ref_id": rng.choice(live).id}
        add_event(
            session=self.session, actor=self.admin, application=app, kind=kind, on=on, **extra
        )
        return f"event {kind}"

    def _letter(self, rng: random.Random, apps: list[Application]) -> str:
        app = rng.choice(apps)
        kind = rng.choice(["receipt", "correction"])
        values = {"items": "写明文件名称", "correction_days": str(rng.randint(3, 10))}
        on = min(TODAY, app.received_on + dt.timedelta(days=rng.randint(0, 8)))
        issue_letter(
            session=self.session,
            store=self.store,
            actor=self.admin,
            application=app,
            kind=kind,
            on=on,
            values=values if kind == "correction" else {},
            render=_plain,
        )
        return f"letter {kind}"

    def _deliver(self, rng: random.Random, apps: list[Application]) -> str:
        letters = list(self.session.scalars(select(Letter).where(Letter.delivered_on.is_(None))))
        if not letters:
            return "nothing to deliver"
        letter = rng.choice(letters)
        record_delivery(
            session=self.session,
            actor=self.admin,
            letter=letter,
            application=self.session.get(Application, letter.application_id),
            method="in_person",
            delivered_on=letter.issued_on + dt.timedelta(days=rng.randint(0, 5)),
        )
        return "deliver"

    def _void(self, rng: random.Random, apps: list[Application]) -> str:
        void_application(
            session=self.session, actor=self.admin, application=rng.choice(apps), reason="录入错误"
        )
        return "void"

    def _edit(self, rng: random.Random, apps: list[Application]) -> str:
        app = rng.choice(apps)
        if rng.random() < 0.5:
            changes: dict[str, object] = {
                "applicant_type": rng.choice(["research", "natural_person"])
            }
        else:
            day = app.received_on - dt.timedelta(days=rng.randint(1, 5))
            changes = {"arrived_on": day, "confirmed_on": day}
        update_application(
            session=self.session, actor=self.admin, application=app, reason="更正", **changes
        )
        return "edit"

    def _calendar(self, rng: random.Random, apps: list[Application]) -> str:
        day = TODAY + dt.timedelta(days=rng.randint(-30, 20))
        set_calendar_day(
            session=self.session,
            actor=self.admin,
            region=rng.choice(["XJ", "CN"]),
            day=day,
            kind="holiday",
            name="临时休假",
            source="某通知",
            reason="测试",
        )
        return "calendar"

    def _fee(self, rng: random.Random, apps: list[Application]) -> str:
        set_fee_pauses_clock(
            session=self.session,
            actor=self.admin,
            unit=rng.choice(self.units),
            pauses=rng.choice([True, False, None]),
            reason="设置",
        )
        return "fee"

    def _rename(self, rng: random.Random, apps: list[Application]) -> str:
        unit = rng.choice(self.towns)
        rename_unit(
            session=self.session,
            actor=self.admin,
            unit=unit,
            name=unit.name.rstrip("新") + ("新" if not unit.name.endswith("新") else ""),
            reason="更名",
        )
        return "rename"


LISTS = (
    "overdue",
    "due_soon",
    "letters_to_send",
    "corrections_ending",
    "consultations_unanswered",
    "findings",
)


def _compare(register: Register, context: str, shown: set[str] | None = None) -> None:
    """The desk and the badge of every person on every day of DAYS equal the oracle's
    (``shown``: add the names of the desk's lists that had lines)."""
    session = register.session
    for today in DAYS:
        for user, units in register.scopes():
            kept = build_desk(session, user, units, today, today.year)
            fresh = oracle_desk(session, user, units, today, today.year)
            assert kept == fresh, (context, user.username, today)
            if shown is not None:
                shown.update(name for name in LISTS if getattr(kept, name))
            unit_ids = {u.id for u in units}
            assert menu_badge(session, unit_ids, today) == oracle_badge(session, units, today), (
                context,
                user.username,
                today,
            )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kept_desk_and_badge_equal_the_oracle_after_every_write(sqlite_session, tmp_path, seed):
    register = Register(sqlite_session, tmp_path, seed)
    done: list[str] = []
    shown: set[str] = set()
    for _ in range(110):
        done.append(register.step())
        _compare(register, " / ".join(done[-3:]), shown)
    assert shown == set(LISTS)  # every list of the desk was compared with lines in it
    apps = register.apps()
    assert len(apps) > 15
    assert any(app.void for app in apps)
    assert any(not status(app).is_open for app in apps)
    assert any(status(app).is_open for app in apps)
    kinds = {e.kind for app in apps for e in app.events}
    assert {"voided", "reply", "correction_requested", "consultation_sent"} <= kinds
    assert {"letter correction", "deliver", "calendar", "fee", "edit", "void"} <= set(done)


def test_kept_desk_on_both_backends(session, tmp_path):
    """A shorter walk on each backend (PostgreSQL reads each statement at its own snapshot)."""
    register = Register(session, tmp_path, 7)
    for _ in range(30):
        register.step()
    _compare(register, "walk")


def test_the_desk_is_answered_from_memory_until_the_register_changes(
    sqlite_session, tmp_path, monkeypatch
):
    register = Register(sqlite_session, tmp_path, 4)
    for _ in range(25):
        register.step()
    reads: list[int] = []
    real = unit_cases.read_unit_cases

    def counting(session, unit, *args, **kwargs):
        reads.append(unit.id)
        return real(session, unit, *args, **kwargs)

    monkeypatch.setattr(unit_cases, "read_unit_cases", counting)
    user, units = register.scopes()[1]
    build_desk(register.session, user, units, TODAY, TODAY.year)
    reads.clear()
    build_desk(register.session, user, units, TODAY, TODAY.year)
    assert reads == []  # nothing changed: every unit answered from memory
    town = register.towns[2]
    register_application(
        session=register.session,
        unit=town,
        actor=register.admin,
        channel_name="in_person",
        arrived_on=TODAY,
        applicant_type="natural_person",
    )
    register.session.commit()
    build_desk(register.session, user, units, TODAY, TODAY.year)
    assert reads == [town.id]  # only the unit that changed is read again
    reads.clear()
    build_desk(register.session, user, units, TODAY + dt.timedelta(days=1), TODAY.year)
    assert sorted(reads) == sorted(u.id for u in units)  # a new day: every deadline again


def test_a_write_of_another_session_is_seen(sqlite_session, tmp_path):
    register = Register(sqlite_session, tmp_path, 5)
    for _ in range(20):
        register.step()
    user, units = register.scopes()[2]
    build_desk(register.session, user, units, TODAY, TODAY.year)
    register.session.commit()
    with Session(register.session.get_bind()) as other:
        app = other.scalars(select(Application).where(Application.void.is_(False))).first()
        assert app is not None
        admin = other.get(User, register.admin.id)
        void_application(session=other, actor=admin, application=app, reason="重复登记")
        other.commit()
    _compare(register, "after another session's write")


def _open_case(register: Register) -> Application:
    for app in register.apps():
        if not app.void and status(app).is_open and app.due_on is not None:
            return app
    raise AssertionError("no open case")


def test_a_rolled_back_write_is_never_kept(sqlite_session, tmp_path):
    """A write rolled back and another committed later give the unit the same stamp (one more
    revision on the same case): what was read between must not be kept."""
    register = Register(sqlite_session, tmp_path, 6)
    for _ in range(25):
        register.step()
    session = register.session
    app = _open_case(register)
    user, units = register.scopes()[2]
    on = max(app.received_on, TODAY - dt.timedelta(days=1))
    add_event(
        session=session,
        actor=register.admin,
        application=app,
        kind="reply",
        on=on,
        outcome_name="granted",
    )
    closed = build_desk(session, user, units, TODAY, TODAY.year)
    assert closed == oracle_desk(session, user, units, TODAY, TODAY.year)
    assert app.id not in {line.app_id for line in closed.overdue + closed.due_soon}
    assert menu_badge(session, {u.id for u in units}, TODAY) == oracle_badge(session, units, TODAY)
    session.rollback()
    add_event(
        session=session,
        actor=register.admin,
        application=app,
        kind="consultation_sent",
        on=on,
        party="某公司",
    )
    session.commit()
    _compare(register, "after a rollback")
    still_open = build_desk(session, user, units, TODAY, TODAY.year)
    if app.due_on is not None and app.due_on <= TODAY + dt.timedelta(days=7):
        assert app.id in {line.app_id for line in still_open.overdue + still_open.due_soon}


def test_every_write_raises_the_cases_revision(sqlite_session, tmp_path):
    """The stamp moves with each write path: a new event, a changed event (a delivery that
    notifies an extension), an edit, a void, a recomputed deadline."""
    register = Register(sqlite_session, tmp_path, 8)
    session = register.session
    app = register_application(
        session=session,
        unit=register.towns[0],
        actor=register.admin,
        channel_name="in_person",
        arrived_on=TODAY - dt.timedelta(days=10),
        applicant_type="natural_person",
    )
    session.commit()
    seen = [_revision(session, app)]

    def moved(write: Callable[[], object]) -> None:
        write()
        session.commit()
        seen.append(_revision(session, app))
        assert seen[-1] > seen[-2], write

    moved(
        lambda: add_event(
            session=session,
            actor=register.admin,
            application=app,
            kind="consultation_sent",
            on=TODAY,
            party="某局",
        )
    )
    moved(
        lambda: add_event(
            session=session,
            actor=register.admin,
            application=app,
            kind="extension",
            on=TODAY,
            days=10,
            approved_on=TODAY,
        )
    )
    extension = next(e for e in app.events if e.kind == "extension")

    def notify() -> None:
        extension.notified_on = TODAY  # what a delivery of the extension letter does

    moved(notify)

    def bare_event() -> None:  # an event that names its case by id alone
        session.add(
            Event(application_id=app.id, kind="consultation_sent", on=TODAY, actor_name="x")
        )

    moved(bare_event)
    moved(
        lambda: update_application(
            session=session,
            actor=register.admin,
            application=app,
            reason="更正",
            applicant_type="commercial",
        )
    )
    moved(
        lambda: set_calendar_day(
            session=session,
            actor=register.admin,
            region="CN",
            day=TODAY + dt.timedelta(days=3),
            kind="holiday",
            name="临时",
            source="某通知",
            reason="测试",
        )
    )
    moved(
        lambda: void_application(
            session=session, actor=register.admin, application=app, reason="重复"
        )
    )


def _revision(session: Session, app: Application) -> int:
    return int(session.scalar(select(Application.revision).where(Application.id == app.id)) or 0)


def test_the_badge_counts_each_unit_by_its_own_calendar(sqlite_session, tmp_path):
    """Two units whose calendars differ by one holiday: the same deadline is due within five
    working days in one and not in the other, and the badge of a scope with both says so."""
    register = Register(sqlite_session, tmp_path, 9)
    session = register.session
    plain, regional = register.towns[0], register.towns[1]  # national / XJ calendar
    today = dt.date(2026, 6, 1)  # a Monday
    cases = {}
    for unit in (plain, regional):
        app = register_application(
            session=session,
            unit=unit,
            actor=register.admin,
            channel_name="in_person",
            arrived_on=today - dt.timedelta(days=20),
            applicant_type="natural_person",
        )
        cases[unit.id] = app
    session.flush()
    # the deadline stored in each: the sixth working day from today, nationally
    due = today
    for _ in range(6):
        due += dt.timedelta(days=1)
        while due.weekday() >= 5:
            due += dt.timedelta(days=1)
    for app in cases.values():
        app.due_on = due
    # one extra holiday in the XJ calendar only, this week: the deadline comes a day nearer
    set_calendar_day(
        session=session,
        actor=register.admin,
        region="XJ",
        day=today + dt.timedelta(days=2),
        kind="holiday",
        name="临时休假",
        source="某通知",
        reason="测试",
    )
    for app in cases.values():
        app.due_on = due  # the test fixes the stored deadline itself
    session.commit()
    assert menu_badge(session, {plain.id}, today) == 0  # six working days away
    assert menu_badge(session, {regional.id}, today) == 1  # five, with the holiday
    assert menu_badge(session, {plain.id, regional.id}, today) == 1
    assert oracle_badge(session, [plain, regional], today) == 1
    # the old count took the signed-in user's calendar for every unit of the scope: a unit
    # admin of the county (XJ) saw both
    assert register.county.calendar_region == "XJ"
    horizon = due_soon_horizon(unit_calendar(session, register.county), today)
    old = session.execute(_DUE_COUNT, {"unit_ids": [plain.id, regional.id], "until": horizon})
    assert old.scalar() == 2


def test_the_revision_hook_comes_with_the_register_tables():
    """Whatever imports the register's tables installs the hook that raises revisions (the
    package imports it before any of its modules)."""
    import subprocess
    import sys

    code = (
        "import sys; import xxgk.register.models; "
        "assert 'xxgk.register.revision' in sys.modules, 'hook not installed'; "
        "from sqlalchemy import event; from sqlalchemy.orm import Session; "
        "hook = sys.modules['xxgk.register.revision']._raise_revisions; "
        "assert event.contains(Session, 'before_flush', hook)"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
