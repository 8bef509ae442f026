"""The register checks on the list and the case page: a marker per row, the 有问题 filter (page
and API), each finding with its legal basis — only within the user's scope."""

from __future__ import annotations

import datetime as dt

import pytest


def _overdue_case(c) -> tuple[int, str]:
    """Register, as 清河镇's clerk, an application received three months ago (A01: overdue)."""
    me = c.get("/api/v1/me").json()
    unit_id = next(u["id"] for u in c.get("/api/v1/units").json() if u["code"] == "qinghe")
    arrived = (dt.date.today() - dt.timedelta(days=90)).isoformat()
    r = c.post(
        "/api/v1/applications",
        json={
            "unit_id": unit_id,
            "channel": "in_person",
            "arrived_on": arrived,
            "applicant_type": "natural_person",
            "applicant_name": "王五",
            "request_text": "某路段改造工程的批复文件",
        },
        headers={"X-CSRF-Token": me["csrf_token"]},
    )
    assert r.status_code == 201, r.text
    return r.json()["id"], r.json()["number"]


def test_a_case_with_findings_is_marked_on_the_list_and_explained_on_its_page(as_user):
    c = as_user("qinghe-clerk")
    app_id, number = _overdue_case(c)
    listed = c.get("/register", params={"q": number}).text
    assert f'href="/register/applications/{app_id}#case-findings"' in listed
    assert "有问题（1）" in listed
    assert "仍未答复" in listed  # the message, in the marker's title
    problems = c.get("/register", params={"state": "problems"}).text
    assert number in problems
    case = c.get(f"/register/applications/{app_id}").text
    assert 'id="case-findings"' in case
    assert "条例第三十三条" in case
    detail = c.get(f"/api/v1/applications/{app_id}").json()
    assert [f["basis"] for f in detail["findings"]] == ["条例第三十三条"]
    rows = c.get("/api/v1/applications", params={"state": "problems"}).json()
    assert number in {r["number"] for r in rows}
    assert all(r["problems"] for r in rows)
    paged = c.get("/api/v1/applications", params={"state": "problems", "page": 1}).json()
    assert number in {r["number"] for r in paged}


def test_a_clean_case_has_no_marker(as_user):
    c = as_user("qinghe-clerk")
    rows = c.get("/api/v1/applications").json()
    clean = [r for r in rows if not r["problems"]]
    assert clean
    listed = c.get("/register", params={"q": clean[0]["number"]}).text
    assert "有问题（" not in listed
    problems = {r["number"] for r in c.get("/api/v1/applications?state=problems").json()}
    assert clean[0]["number"] not in problems


@pytest.mark.parametrize("user", ["jiaotong-clerk", "county-supervisor"])
def test_the_problems_filter_stays_within_the_scope(as_user, user):
    _, number = _overdue_case(as_user("qinghe-clerk"))
    c = as_user(user)
    rows = c.get("/api/v1/applications", params={"state": "problems"}).json()
    if user == "jiaotong-clerk":
        assert {r["unit"] for r in rows} <= {"示例县交通运输局"}
        assert number not in {r["number"] for r in rows}
        assert number not in c.get("/register", params={"state": "problems"}).text
    else:  # the county's supervisor sees the township's problems, names masked
        found = [r for r in rows if r["number"] == number]
        assert found
        assert found[0]["applicant_name"] != "王五"


@pytest.mark.parametrize(
    ("event", "refusal"),
    [
        (
            {"kind": "extension", "days": "25", "approved_on": "{today}", "notified_on": "{today}"},
            "最长不得超过20个工作日（条例第三十三条第二款）",
        ),
        ({"kind": "reply", "outcome": "予以公开", "on": "2000-01-04"}, "早于申请收到日期"),
    ],
)
def test_a_value_the_law_forbids_is_refused_by_the_api(as_user, event, refusal):
    c = as_user("qinghe-clerk")
    app_id, _ = _overdue_case(c)
    today = dt.date.today().isoformat()
    body = {"on": today, **{k: v.format(today=today) for k, v in event.items()}}
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    r = c.post(f"/api/v1/applications/{app_id}/events", json=body, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 400
    assert refusal in r.json()["error"]["message"]
    assert len(c.get(f"/api/v1/applications/{app_id}").json()["events"]) == 1  # nothing kept
