"""The due day itself is still in time: an extension approved and notified on the last day of the
reply period is lawful, one approved or notified the day after is not.

The rule (domain-rules.md §2.9, from 条例第三十三条第二款): an extension of up to 20 working days
counts "only if approved_on and notified_on ≤ the current deadline" — "≤", so the deadline day
is included. An application received on Monday 2025-01-20 has its reply period end on Friday
2025-02-21 (the check value of §2.9); with 20 more working days it ends on 2025-03-21.
"""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.register.calendar import Calendar
from xxgk.register.deadline import ApplicationFacts, Extension, compute_deadline

D = dt.date.fromisoformat
RECEIVED = D("2025-01-20")
DUE = D("2025-02-21")
EXTENDED = D("2025-03-21")
NATIONAL = Calendar()


def _due(approved_on: dt.date, notified_on: dt.date) -> dt.date:
    facts = ApplicationFacts(RECEIVED, extension=Extension(20, approved_on, notified_on))
    return compute_deadline(facts, NATIONAL).date


def test_the_reply_period_ends_on_the_check_value() -> None:
    assert compute_deadline(ApplicationFacts(RECEIVED), NATIONAL).date == DUE


def test_extension_approved_and_notified_on_the_due_day_is_lawful() -> None:
    assert _due(DUE, DUE) == EXTENDED


@pytest.mark.parametrize(
    ("approved_on", "notified_on"),
    [
        (DUE, DUE + dt.timedelta(days=1)),  # notified the day after (a Saturday)
        (DUE + dt.timedelta(days=1), DUE),  # approved the day after
        (DUE, D("2025-02-24")),  # notified on the next working day
        (D("2025-02-24"), D("2025-02-24")),
    ],
)
def test_extension_approved_or_notified_after_the_due_day_does_not_count(
    approved_on: dt.date, notified_on: dt.date
) -> None:
    assert _due(approved_on, notified_on) == DUE


def test_the_day_before_the_due_day_is_lawful_too() -> None:
    assert _due(DUE - dt.timedelta(days=1), DUE - dt.timedelta(days=1)) == EXTENDED
