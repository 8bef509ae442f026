"""Random event sequences in the register give the deadline a naive day counter gives."""

from __future__ import annotations

import datetime as dt

import register_oracle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.register import add_event, register_application
from xxgk.register.calendar import Calendar

DAY = dt.timedelta(days=1)
XJ = Calendar("XJ")  # the test unit lies in Xinjiang (division code 65…)


def workday(day: dt.date) -> bool:
    """Independent reading: the Xinjiang data file's closures, then chinesecalendar or Mon–Fri."""
    if day in XJ.overrides:
        return XJ.overrides[day].kind == "workday"
    return register_oracle.workday(day)


def nth_workday(start: dt.date, n: int, skip: set[dt.date] = frozenset()) -> dt.date:
    day = start
    while n:
        day += DAY
        if workday(day) and day not in skip:
            n -= 1
    return day


sequences = st.fixed_dictionaries(
    {
        "received": st.dates(dt.date(2022, 1, 1), dt.date(2026, 11, 30)),
        "correction": st.one_of(st.none(), st.integers(1, 20)),
        "consult": st.one_of(
            st.none(), st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 30)))
        ),
        "extension": st.one_of(st.none(), st.integers(1, 20)),
    }
)


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=sequences)
def test_event_sequence_deadline_matches_a_naive_counter(sqlite_world, seq):
    w = sqlite_world
    s = w.session
    received = seq["received"]
    app = register_application(
        session=s,
        unit=w.county,
        actor=w.admin,
        channel_name="当面",
        arrived_on=received,
        applicant_type="自然人",
    )

    def event(kind, on, **extra):
        add_event(session=s, actor=w.admin, application=app, kind=kind, on=on, **extra)

    base = received
    if seq["correction"]:
        event("补正告知", received + DAY)
        base = received + seq["correction"] * DAY
        event("补正收到", base)
    skipped: set[dt.date] = set()
    if seq["consult"]:
        start, answer = seq["consult"]
        sent = base + start * DAY
        window = nth_workday(sent, 15)
        end = min(sent + answer * DAY, window) if answer is not None else window
        event("征求意见", sent)
        if answer is not None:
            event("征求意见答复", sent + answer * DAY)
        skipped = {d for d in _days(sent, end) if workday(d)}
    total = 20
    if seq["extension"]:
        event("延期", base, days=seq["extension"], approved_on=base, notified_on=base)
        total += seq["extension"]
    assert app.due_on == nth_workday(base, total, skipped)
    s.rollback()


def _days(after: dt.date, until: dt.date):
    day = after + DAY
    while day <= until:
        yield day
        day += DAY


letters = st.lists(
    st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 30))),
    max_size=2,
)
waits = st.fixed_dictionaries(
    {
        "received": st.dates(dt.date(2022, 1, 1), dt.date(2027, 6, 30)),
        "correction": st.one_of(
            st.none(),
            st.tuples(st.integers(1, 6), st.one_of(st.none(), st.integers(1, 20))),
        ),
        "consults": letters,
        "fee": st.one_of(
            st.none(), st.tuples(st.integers(0, 10), st.one_of(st.none(), st.integers(0, 40)))
        ),
    }
)


def _window(start: dt.date, answer: int | None, limit: int) -> set[dt.date]:
    """The working days after ``start`` up to the answer, never past ``limit`` working days."""
    cap = nth_workday(start, limit)
    end = min(start + answer * DAY, cap) if answer is not None else cap
    return {d for d in _days(start, end) if workday(d)}


@settings(max_examples=30, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seq=waits)
def test_waits_letters_and_fees_match_a_naive_counter(sqlite_world, seq):
    """Art. 30: no reply period while waiting for 补正, then 20 working days from the corrected
    application; arts. 32/34: concurrent consultations each pause from the day after their own
    letter to their own answer (at most 15 working days), the union left out; 109号: the time
    from the fee notice to payment (at most 20 working days) is left out by default."""
    w = sqlite_world
    s = w.session
    received = seq["received"]
    app = register_application(
        session=s,
        unit=w.county,
        actor=w.admin,
        channel_name="当面",
        arrived_on=received,
        applicant_type="自然人",
    )

    def event(kind, on, **extra):
        add_event(session=s, actor=w.admin, application=app, kind=kind, on=on, **extra)

    base = received
    if seq["correction"]:
        notice_after, corrected_after = seq["correction"]
        notice = received + notice_after * DAY
        event("补正告知", notice, days=10)
        if corrected_after is None:
            assert app.due_on is None
            assert app.correction_due == nth_workday(notice, 10)
            s.rollback()
            return
        base = notice + corrected_after * DAY
        event("补正收到", base)
    skipped: set[dt.date] = set()
    for n, (start, _) in enumerate(seq["consults"]):
        event("征求意见", base + start * DAY, party=f"第三方{n}")
    for n, (start, answer) in enumerate(seq["consults"]):
        sent = base + start * DAY
        if answer is not None:
            event("征求意见答复", sent + answer * DAY, party=f"第三方{n}")
        skipped |= _window(sent, answer, 15)
    if seq["fee"]:
        start, paid = seq["fee"]
        notice = base + start * DAY
        event("收费通知", notice, amount=100)
        if paid is not None and paid <= 28:
            event("缴费", notice + paid * DAY)
            skipped |= _window(notice, paid, 20)
        else:
            skipped |= _window(notice, None, 20)
    assert app.due_on == nth_workday(base, 20, skipped)
    s.rollback()
