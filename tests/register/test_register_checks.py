"""Register checks A01–A06: each fires on its defect and stays silent on a clean application."""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.errors import RegisterError
from xxgk.findings import KINDS
from xxgk.register import add_event, check_register, check_report, compile_report
from xxgk.register import register_application as register

D = dt.date.fromisoformat


@pytest.fixture
def new(sqlite_world):
    w = sqlite_world

    def make(received="2025-03-03"):
        return register(
            session=w.session,
            unit=w.town,
            actor=w.clerk,
            channel_name="当面",
            arrived_on=D(received),
            applicant_type="自然人",
        )

    def event(app, kind, on, **extra):
        return add_event(
            session=w.session, actor=w.clerk, application=app, kind=kind, on=D(on), **extra
        )

    def codes(today=None):
        return sorted(f.code for f in check_register(w.session, w.town, today=today))

    return make, event, codes


def test_clean_application_has_no_findings(new):
    make, event, codes = new
    app = make()
    event(app, "补正告知", "2025-03-05")
    event(app, "补正收到", "2025-03-12")
    event(
        app, "延期", "2025-04-01", days=20, approved_on=D("2025-04-01"), notified_on=D("2025-04-02")
    )
    event(app, "答复", "2025-05-06", outcome_name="补正后申请内容仍不明确")
    assert codes() == []


def test_a01_late_reply_and_open_overdue(new):
    make, event, codes = new
    event(make(), "答复", "2025-04-02", outcome_name="予以公开")  # due 04-01: 肉孜节 in XJ
    make("2025-03-10")
    assert codes(today=D("2025-04-30")) == ["register-open-overdue", "register-reply-late"]


def test_a01_consultation_pause_makes_a_reply_timely(new):
    make, event, codes = new
    app = make()
    sent = event(app, "征求意见", "2025-03-10", party="示例公司")
    event(app, "征求意见答复", "2025-03-20")
    event(app, "答复", "2025-04-03", outcome_name="保护第三方合法权益")
    assert sent.id in {e.ref_id for e in app.events}
    assert codes() == []


def test_a02_late_and_repeated_correction_notices(new):
    make, event, codes = new
    app = make()
    event(app, "补正告知", "2025-03-13")
    event(app, "补正告知", "2025-03-14")
    assert codes() == ["register-correction-late", "register-correction-repeated"]


def test_a03_extension_problems(new, sqlite_world):
    make, event, codes = new
    app = make()
    event(app, "延期", "2025-03-20", days=20, approved_on=None, notified_on=D("2025-04-10"))
    # 25 days cannot be entered (test_extension_beyond_the_law_is_refused_at_entry); a register
    # imported or written before that refusal may still hold it, and A03 reports it
    app.events[-1].days = 25
    sqlite_world.session.flush()
    found = check_register(sqlite_world.session, sqlite_world.town)
    messages = [f.message for f in found]
    assert any("没有政府信息公开工作机构负责人同意" in m for m in messages)
    assert any("超过20个工作日" in m for m in messages)
    assert any("晚于原答复期限" in m for m in messages)
    assert set(codes()) == {"register-extension-invalid"}


@pytest.mark.parametrize(
    ("outcome", "needed"),
    [
        ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "补正告知"),
        ("申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "收费通知"),
        ("无正当理由大量反复申请", "第三十五条要求说明理由"),
    ],
)
def test_a05_outcome_needs_its_events(new, outcome, needed):
    make, event, codes = new
    bare, done = make(), make()
    event(bare, "答复", "2025-03-20", outcome_name=outcome)
    event(done, needed, "2025-03-04")
    event(done, "答复", "2025-03-20", outcome_name=outcome)
    assert codes() == ["register-outcome-inconsistent"]


def test_a05_implied_outcomes_of_lapsed_correction_and_unpaid_fee(new, sqlite_world):
    make, event, codes = new
    a, b = make(), make()
    event(a, "补正告知", "2025-03-04")
    event(a, "逾期未补正", "2025-04-10")
    event(b, "收费通知", "2025-03-10", amount=100)
    event(b, "逾期未缴费", "2025-04-10")
    report = compile_report(sqlite_world.session, sqlite_world.town, 2025)
    assert report["requests.other_no_correction.total"] == 1
    assert report["requests.other_no_fee.total"] == 1
    assert codes() == []


def test_a06_report_that_differs_from_the_register(new, sqlite_world):
    make, event, _ = new
    event(make(), "答复", "2025-03-20", outcome_name="予以公开")
    w = sqlite_world
    report = compile_report(w.session, w.town, 2025)
    assert check_report(w.session, w.town, 2025, report) == []
    report["requests.granted.natural_person"] = 0
    found = check_report(w.session, w.town, 2025, report)
    assert [f.cells for f in found] == [("requests.granted.natural_person",)]
    assert "台账统计为1" in found[0].message


def test_register_kinds_are_in_the_catalogue():
    tags = {KINDS[c].tags[1] for c in KINDS if c.startswith("register-")}
    assert tags == {"A01", "A02", "A03", "A04", "A05", "A06"}


def test_fee_period_is_not_counted_by_default_109_hao_and_a_unit_may_change_it(new, sqlite_world):
    """109号 (domain-rules §2.7): the time from the fee notice to payment is left out of the
    reply period by default; a unit's setting may count it, and the explanation says which."""
    from xxgk.register.calendar import Calendar
    from xxgk.register.deadline import compute_deadline
    from xxgk.register.state import facts

    make, event, _ = new
    app = make()
    event(app, "收费通知", "2025-03-10", amount=100)
    event(app, "缴费", "2025-03-17")
    assert [p.label for p in facts(app).pauses] == ["收费通知至缴费"]
    paused = compute_deadline(facts(app), Calendar("XJ"))
    assert paused.paused_days == 5
    assert any("不计入答复期限（国办函〔2020〕109号" in line for line in paused.explanation)
    sqlite_world.town.fee_pauses_clock = False
    assert facts(app).pauses == ()
    counted = compute_deadline(facts(app), Calendar("XJ"))
    assert counted.date < paused.date
    assert any("计入答复期限（不扣除）" in line for line in counted.explanation)


def test_extension_beyond_the_law_is_refused_at_entry(new):
    make, event, _ = new
    app = make()
    with pytest.raises(RegisterError, match="条例第三十三条第二款"):
        event(app, "延期", "2025-03-20", days=25, approved_on=D("2025-03-20"))
    with pytest.raises(RegisterError, match="不能填写-3"):
        event(app, "延期", "2025-03-20", days=-3, approved_on=D("2025-03-20"))
    old = make("2019-03-01")  # before the 2019 regulation: at most 15 working days
    with pytest.raises(RegisterError, match="最长不得超过15个工作日"):
        event(old, "延期", "2019-03-20", days=16, approved_on=D("2019-03-20"))
