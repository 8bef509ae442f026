"""报送与发布 in the web and the API: blockers listed with links, submission, the supervisor's
decision, and reach by role and unit."""

from __future__ import annotations

import datetime as dt

from web_support import token

YEAR = dt.date.today().year


def _unit(c) -> int:
    return next(
        u["id"] for u in c.get("/api/v1/units").json() if u["name"] == "示例县清河镇人民政府"
    )


def _csrf(c) -> str:
    return c.get("/api/v1/me").json()["csrf_token"]


def _complete(c, unit):
    csrf = _csrf(c)
    c.put(
        f"/api/v1/units/{unit}/yearly/{YEAR}",
        json={"values": {"licensing": "1", "punishment": "0", "enforcement": "0", "fees": "0"}},
        headers={"X-CSRF-Token": csrf},
    )
    for section, text in {
        "overview": "全年依法主动公开政府信息，办理依申请公开。",
        "problems": "公开内容不够全面，将加强审核。",
        "other": "本年度没有产生信息处理费。",
    }.items():
        c.post(
            "/compile/narrative",
            data={
                "csrf_token": token(c, "/compile"),
                "unit": unit,
                "year": str(YEAR),
                "section": section,
                "text": text,
            },
        )


def test_blocked_then_submitted_then_decided_by_the_supervisor_only(as_user):
    clerk = as_user("qinghe-clerk")
    unit = _unit(clerk)
    page = clerk.get(f"/filing?unit={unit}&year={YEAR}").text
    assert 'data-state="draft"' in page
    assert "去年报数据（表二）改正" in page
    r = clerk.post(
        f"/api/v1/units/{unit}/filing/{YEAR}", json={}, headers={"X-CSRF-Token": _csrf(clerk)}
    )
    assert r.status_code == 400
    assert "错误" in r.json()["error"]["message"]
    _complete(clerk, unit)
    state = clerk.get(f"/api/v1/units/{unit}/filing/{YEAR}").json()
    assert state["errors"] == [], state["errors"]
    r = clerk.post(
        f"/api/v1/units/{unit}/filing/{YEAR}",
        json={"acknowledge_warnings": True},
        headers={"X-CSRF-Token": _csrf(clerk)},
    )
    assert r.status_code == 201, r.text
    filing = r.json()["id"]
    denied = clerk.post(
        f"/api/v1/filings/{filing}/decision",
        json={"accept": True},
        headers={"X-CSRF-Token": _csrf(clerk)},
    )
    assert denied.status_code == 403
    assert as_user("jiaotong-clerk").get(f"/api/v1/units/{unit}/filing/{YEAR}").status_code == 404
    sup = as_user("county-supervisor")
    assert "审核通过" in sup.get(f"/filing?unit={unit}&year={YEAR}").text
    r = sup.post(
        f"/filing/{filing}/decide",
        data={"csrf_token": token(sup, "/filing"), "decision": "return", "reason": ""},
        follow_redirects=True,
    )
    assert "退回报告必须说明理由" in r.text
    r = sup.post(
        f"/api/v1/filings/{filing}/decision",
        json={"accept": True},
        headers={"X-CSRF-Token": _csrf(sup)},
    )
    assert r.json()["state"] == "accepted"
    r = clerk.post(
        f"/api/v1/units/{unit}/filing/{YEAR}/publish",
        json={},
        headers={"X-CSRF-Token": _csrf(clerk)},
    )
    assert r.status_code == 403  # a 录入员 does not publish
    reviewer = as_user("qinghe-reviewer")
    r = reviewer.post(
        f"/api/v1/units/{unit}/filing/{YEAR}/publish",
        json={},
        headers={"X-CSRF-Token": _csrf(reviewer)},
    )
    assert r.status_code == 400
    assert "应在报告年度" in r.json()["error"]["message"]
