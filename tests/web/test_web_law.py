"""Issue 13 on the web: provisional deadlines said wherever shown, 待补正 instead of a deadline,
and the open letters offered to choose from when recording an answer."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select
from web_support import SECRET, token

from xxgk.db.models import Unit, User
from xxgk.register import add_event, register_application
from xxgk.register.calendar import national_range
from xxgk.web.security import receipt_code

D = dt.date.fromisoformat


def _seed(
    client, arrived: str, *events: tuple[str, str, dict], region: str | None = None
) -> tuple[int, str]:
    """Register an application of 清河镇 (in ``region``'s calendar, if given) through the
    library; return its id and receipt."""
    with client.app.state.sessions() as s:
        unit = s.scalar(select(Unit).where(Unit.code == "qinghe"))
        if region:
            unit.calendar_region = region
        admin = s.scalar(select(User).where(User.username == "admin"))
        app = register_application(
            session=s,
            unit=unit,
            actor=admin,
            channel_name="当面",
            arrived_on=D(arrived),
            applicant_type="自然人",
            request_text="清河镇防汛预案",
        )
        for kind, on, extra in events:
            add_event(session=s, actor=admin, application=app, kind=kind, on=D(on), **extra)
        s.commit()
        return app.id, receipt_code(SECRET, unit.code, app.number)


def test_provisional_deadline_is_said_on_register_and_public_pages(as_user):
    """放假办法: beyond the calendar's data the 调休 swaps are unknown; the deadline (2027-01-19,
    元旦 skipped) is marked provisional on the application page, the list and the status page."""
    c = as_user("qinghe-clerk")
    app_id, receipt = _seed(c, "2026-12-21")
    page = c.get(f"/register/applications/{app_id}").text
    assert re.search(r'id="due-on">2027-01-19<', page)
    beyond = national_range()[1] < 2027
    assert ("调休安排未知" in page) == beyond
    row = next(r for r in c.get("/api/v1/applications").json() if r["id"] == app_id)
    assert row["provisional"] == beyond
    status = c.get("/public/status", params={"receipt": receipt}).text
    assert "2027-01-19" in status
    assert ('id="provisional"' in status) == beyond


def test_waiting_for_correction_shows_the_correction_period_not_overdue(as_user):
    """Art. 30: while waiting for 补正 no reply period runs; the pages say 待补正 and the
    applicant's period, and the list never marks the case overdue."""
    c = as_user("qinghe-clerk")
    app_id, receipt = _seed(
        c, "2026-03-02", ("补正告知", "2026-03-04", {"due_on": D("2026-03-20")})
    )
    page = c.get(f"/register/applications/{app_id}").text
    assert 'id="due-on">待补正<' in page
    assert 'id="correction-due">2026-03-20<' in page
    row = next(r for r in c.get("/api/v1/applications").json() if r["id"] == app_id)
    assert row["mark"] == "waiting"
    assert row["correction_due"] == "2026-03-20"
    overdue = c.get("/api/v1/applications?state=overdue").json()
    assert app_id not in [r["id"] for r in overdue]
    status = c.get("/public/status", params={"receipt": receipt}).text
    assert 'id="correction-due"' in status


def test_answer_form_offers_the_open_letters_and_records_the_chosen_one(as_user):
    """Arts. 32/34: with two consultations open the answer is recorded against the letter the
    officer chooses, and an answer dated before its letter is refused with a message."""
    c = as_user("qinghe-clerk")
    app_id, _ = _seed(
        c,
        "2026-03-02",
        ("征求意见", "2026-03-03", {"party": "某公司"}),
        ("征求意见", "2026-03-05", {"party": "县自然资源局"}),
    )
    url = f"/register/applications/{app_id}"
    page = c.get(url).text
    options = re.findall(r'<option value="(\d+)">#\d+ ([^（<]+)（', page)
    assert [party for _, party in options[:2]] == ["某公司", "县自然资源局"]
    agency = options[1][0]
    refused = c.post(
        url + "/events",
        data={
            "csrf_token": token(c, url),
            "kind": "consultation_answered",
            "on": "2026-03-04",
            "ref_id": agency,
        },
    )
    assert "早于" in refused.text
    c.post(
        url + "/events",
        data={
            "csrf_token": token(c, url),
            "kind": "consultation_answered",
            "on": "2026-03-12",
            "ref_id": agency,
        },
    )
    letters = c.get(f"/api/v1/applications/{app_id}").json()["open_letters"]
    assert [x["party"] for x in letters["consultation_answered"]] == ["某公司"]


def test_admin_enters_regional_days_with_source_and_deadlines_follow(as_user):
    """放假办法 art. 4: regional closures come from the region's notice; an administrator
    enters them with the source in the web; the year is then confirmed and stored deadlines
    (closed ones too) are recomputed. Clerks may look but not change."""
    clerk = as_user("qinghe-clerk")
    app_id, _ = _seed(
        clerk, "2026-03-02", ("答复", "2026-03-20", {"outcome_name": "予以公开"}), region="XJ"
    )
    before = next(r for r in clerk.get("/api/v1/applications").json() if r["id"] == app_id)
    page = clerk.get("/register/settings?region=XJ").text
    assert "2024、2026" in page.split('id="unconfirmed"')[1].split("</p>")[0]
    assert 'id="calendar-form"' not in page
    refused = clerk.post(
        "/register/settings/calendar",
        data={"csrf_token": token(clerk, "/register"), "region": "XJ", "day": "2026-03-20"},
    )
    assert refused.status_code == 403
    admin = as_user("admin")
    form = {
        "csrf_token": token(admin, "/register/settings"),
        "region": "XJ",
        "day": "2026-03-20",
        "kind": "holiday",
        "name": "肉孜节",
        "source": "",
    }
    assert "必须注明来源" in admin.post("/register/settings/calendar", data=form).text
    form["source"] = "（测试用虚构来源）"
    admin.post("/register/settings/calendar", data=form)
    after = next(r for r in admin.get("/api/v1/applications").json() if r["id"] == app_id)
    assert after["due_on"] > before["due_on"]
    assert "（测试用虚构来源）" in admin.get("/register/settings?region=XJ").text


def test_the_case_page_shows_no_finding_while_waiting_and_the_right_one_when_late(as_user):
    """Art. 30: a case waiting for 补正 within its period is lawful: no finding on the web;
    art. 33: a reply after the deadline shows the lateness."""
    c = as_user("qinghe-clerk")
    waiting, _ = _seed(c, "2026-03-02", ("补正告知", "2026-03-04", {"due_on": D("2099-12-31")}))
    page = c.get(f"/register/applications/{waiting}/letters").text
    assert 'id="case-findings"' not in page
    late, _ = _seed(c, "2026-05-06", ("答复", "2026-07-01", {"outcome_name": "予以公开"}))
    page = c.get(f"/register/applications/{late}/letters").text
    assert "晚于答复期限2026-06-02" in page.split('id="case-findings"')[1]
