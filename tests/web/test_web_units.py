"""Pure parts of the web layer: receipt numbers, the login limiter, redirects after login,
the application form's field rules, working days left, and the demo's idempotence."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.register.calendar import Calendar
from xxgk.register.views import working_days_left
from xxgk.web.forms import event_arguments, validate_application
from xxgk.web.routes.auth import safe_next
from xxgk.web.security import LoginLimiter, parse_receipt, receipt_code

codes = st.text(
    st.characters(whitelist_categories=("Ll", "Nd"), whitelist_characters="-_"),
    min_size=1,
    max_size=20,
)
numbers = st.builds(lambda y, n: f"{y}-{n:04d}", st.integers(2000, 2099), st.integers(1, 9999))


@given(codes, numbers)
def test_web_receipt_round_trips_and_any_change_is_refused(code, number):
    receipt = receipt_code("secret", code, number)
    assert parse_receipt("secret", receipt) == (code, number)
    assert parse_receipt("secret", receipt.lower()) == (code, number)
    assert parse_receipt("other secret", receipt) is None
    digit = "1" if receipt[-1] != "1" else "2"
    assert parse_receipt("secret", receipt[:-1] + digit) is None


@given(codes, numbers, numbers)
def test_web_receipt_of_one_application_does_not_open_another(code, mine, theirs):
    if mine == theirs:
        return
    forged = receipt_code("secret", code, mine).replace(mine, theirs)
    assert parse_receipt("secret", forged) is None


def test_web_login_limiter_counts_per_client_and_name():
    limiter = LoginLimiter(2, 60)
    limiter.failed("1.2.3.4", "clerk")
    assert not limiter.blocked("1.2.3.4", "clerk")
    limiter.failed("1.2.3.4", "clerk")
    assert limiter.blocked("1.2.3.4", "clerk")
    assert not limiter.blocked("5.6.7.8", "clerk")
    assert not limiter.blocked("1.2.3.4", "other")
    limiter.succeeded("1.2.3.4", "clerk")
    assert not limiter.blocked("1.2.3.4", "clerk")


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/register/applications/3", "/register/applications/3"),
        ("//evil.example/x", "/desk"),
        ("https://evil.example/", "/desk"),
        ("", "/desk"),
    ],
)
def test_web_login_only_redirects_inside_the_site(target, expected):
    assert safe_next(target) == expected


@pytest.mark.parametrize(
    ("channel", "needed"),
    [
        ("in_person", "arrived_on"),
        ("post_signed", "signed_on"),
        ("post_plain", "confirmed_on"),
        ("online", "confirmed_on"),
        ("fax", "confirmed_on"),
        ("other", "confirmed_on"),
    ],
)
def test_web_form_names_the_date_the_channel_needs(channel, needed):
    form = validate_application(
        {"channel": channel, "applicant_type": "natural_person", "request_text": "x"},
        today=dt.date(2026, 5, 1),
    )
    assert needed in form.errors
    assert "第三十一条" in form.errors[needed]


def test_web_form_accepts_a_complete_application():
    form = validate_application(
        {
            "channel": "当面",
            "arrived_on": "2026-04-30",
            "applicant_type": "natural_person",
            "request_text": "预算",
        },
        today=dt.date(2026, 5, 1),
    )
    assert form.ok
    assert form.clean["arrived_on"] == dt.date(2026, 4, 30)


def test_web_event_form_refuses_bad_numbers_and_dates():
    from xxgk.errors import RegisterError

    with pytest.raises(RegisterError, match="延长的工作日数"):
        event_arguments({"kind": "延期", "on": "2026-05-01", "days": "二十"})
    with pytest.raises(RegisterError, match="不是有效日期"):
        event_arguments({"kind": "答复", "on": "2026-02-30"})
    with pytest.raises(RegisterError, match="收费金额"):
        event_arguments({"kind": "收费通知", "on": "2026-05-01", "amount": "1,00"})


@given(
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
    st.dates(dt.date(2024, 1, 1), dt.date(2026, 12, 31)),
)
def test_web_working_days_left_agrees_with_the_calendar(today, due):
    calendar = Calendar()
    left = working_days_left(calendar, today, due)
    if due >= today:
        assert left == len(calendar.working_days(today, due))
    else:
        assert left < 0
        assert -left == max(1, len(calendar.working_days(due, today)))


def test_web_demo_is_created_once(demo_template):
    from web_support import new_client

    from xxgk.demo import ensure_demo

    folder, passwords = demo_template
    with new_client(folder) as c, c.app.state.sessions() as session:
        lines = ensure_demo(session, folder)
    assert {line.split("（")[0] for line in lines if "密码：" in line} == set(passwords)


def test_campaign_due_date_is_the_validators_deadline():
    from types import SimpleNamespace

    from xxgk.campaign.status import due_date

    county = SimpleNamespace(name="示例县人民政府", kind="county", report_deadline=None)
    bureau = SimpleNamespace(name="示例县交通运输局", kind="department", report_deadline=None)
    unknown = SimpleNamespace(name="示例县清河镇人民政府", kind="not-a-kind", report_deadline=None)
    assert due_date(county, 2024) == dt.date(2025, 3, 31)
    assert due_date(bureau, 2024) == dt.date(2025, 1, 31)
    assert due_date(unknown, 2024) == dt.date(2025, 1, 31)  # guessed from the name: a township
