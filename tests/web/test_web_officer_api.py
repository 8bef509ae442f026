"""The officer's web tasks as ``/api/v1`` operations, each the same library function as its
page: the approval opinion (审核意见) on a disclosure step and an extension, letter templates
and settings, the yearly figures from a file, the digest on demand — with role × unit reach."""

from __future__ import annotations

import datetime as dt

import pytest
from tests.register.test_register_desk import smtp_server  # noqa: F401 (the fixture)

TODAY = dt.date.today().isoformat()
YEAR = dt.date.today().year  # the demo's last year is published and locked


def _csrf(c) -> dict[str, str]:
    return {"X-CSRF-Token": c.get("/api/v1/me").json()["csrf_token"]}


def _unit_id(c, code: str = "qinghe") -> int:
    return next(u["id"] for u in c.get("/api/v1/units").json() if u["code"] == code)


def _qinghe_id(as_user) -> int:
    return _unit_id(as_user("admin"))


def test_an_approval_through_the_api_keeps_its_opinion(as_user):
    clerk, reviewer = as_user("qinghe-clerk"), as_user("qinghe-reviewer")
    cats = clerk.get("/api/v1/disclosure/catalogue").json()
    body = {
        "unit_id": _unit_id(clerk),
        "title": "清河镇2026年农村公路养护计划",
        "category_id": cats[0]["id"],
        "body": "本镇2026年农村公路养护计划如下。",
        "channels": ["website"],
    }
    item = clerk.post("/api/v1/disclosure/items", json=body, headers=_csrf(clerk)).json()
    clerk.post(f"/api/v1/disclosure/items/{item['id']}/submit", headers=_csrf(clerk))
    r = reviewer.post(
        f"/api/v1/disclosure/items/{item['id']}/approve",
        json={"opinion": "内容准确，同意公开"},
        headers=_csrf(reviewer),
    )
    assert r.status_code == 200, r.text
    assert r.json()["steps"][-1]["reason"] == "内容准确，同意公开"
    assert r.json()["state"] != "dept_review"


def test_an_extension_keeps_who_approved_it_when_and_the_opinion(as_user):
    c = as_user("qinghe-clerk")
    app_id = c.get("/api/v1/applications?state=open").json()[0]["id"]
    r = c.post(
        f"/api/v1/applications/{app_id}/letters",
        json={
            "kind": "extension",
            "on": TODAY,
            "values": {
                "extension_days": "10",
                "approved_by": "李主任",
                "approved_on": TODAY,
                "opinion": "需协调档案馆调取，同意延期",
            },
        },
        headers=_csrf(c),
    )
    assert r.status_code == 201, r.text
    events = c.get(f"/api/v1/applications/{app_id}").json()["events"]
    note = next(e for e in events if e["id"] == r.json()["event_id"])["note"]
    assert "批准人李主任" in note
    assert "审核意见：需协调档案馆调取，同意延期" in note


def test_templates_and_settings_through_the_api(as_user):
    c = as_user("qinghe-clerk")
    unit = _unit_id(c)
    kinds = {k["kind"]: k for k in c.get("/api/v1/letters/kinds").json()}
    assert "extension_days" in kinds["extension"]["fields"]
    template = c.get(f"/api/v1/units/{unit}/letter-templates/reply")
    assert template.status_code == 200
    assert template.headers["content-disposition"].startswith("attachment;")
    r = c.put(
        f"/api/v1/units/{unit}/letter-templates/reply",
        files={"file": ("答复.docx", template.content, "application/octet-stream")},
        headers=_csrf(c),
    )
    assert r.status_code == 200, r.text
    r = c.put(
        f"/api/v1/units/{unit}/letter-templates/reply",
        files={"file": ("答复.txt", b"hello", "text/plain")},
        headers=_csrf(c),
    )
    assert r.status_code == 400
    assert "应为Word" in r.json()["error"]["message"]
    r = c.put(
        f"/api/v1/units/{unit}/letter-settings",
        json={"changes": {"agency_code": "清政信", "smtp_port": "邮件"}},
        headers=_csrf(c),
    )
    assert r.status_code == 400
    assert "SMTP端口应为" in r.json()["error"]["message"]
    r = c.put(
        f"/api/v1/units/{unit}/letter-settings",
        json={"changes": {"agency_code": "清政信", "review_body": "示例县人民政府"}},
        headers=_csrf(c),
    )
    assert r.status_code == 200, r.text
    assert c.get(f"/api/v1/units/{unit}/letter-settings").json()["agency_code"] == "清政信"


def test_yearly_figures_imported_from_a_file_through_the_api(as_user):
    c = as_user("qinghe-clerk")
    unit = _unit_id(c)
    csv = f"年度,项目,数值,来源\n{YEAR},行政许可,12,审批系统\n{YEAR},行政处罚,3,执法系统\n"
    r = c.post(
        f"/api/v1/units/{unit}/yearly/import",
        files={"file": ("年度数据.csv", csv.encode("utf-8-sig"), "text/csv")},
        headers=_csrf(c),
    )
    assert r.status_code == 200, r.text
    assert r.json() == {"imported": 2}
    figures = {f["key"]: f for f in c.get(f"/api/v1/units/{unit}/yearly/{YEAR}").json()}
    assert str(figures["licensing"]["value"]) in ("12", "12.00", "12.0")
    bad = f"年度,项目,数值\n{YEAR},行政许可,很多\n"
    r = c.post(
        f"/api/v1/units/{unit}/yearly/import",
        files={"file": ("错误.csv", bad.encode(), "text/csv")},
        headers=_csrf(c),
    )
    assert r.status_code == 400
    assert "第2行" in r.json()["error"]["message"]
    r = c.post(
        f"/api/v1/units/{unit}/yearly/import",
        files={"file": ("数据.pdf", b"%PDF-1.4", "application/pdf")},
        headers=_csrf(c),
    )
    assert r.status_code == 400
    assert "应为 .xlsx 或 .csv" in r.json()["error"]["message"]


def test_the_digest_on_demand_through_the_api(as_user, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    c = as_user("qinghe-clerk")
    r = c.post("/api/v1/desk/digest", headers=_csrf(c))
    assert r.status_code == 409
    assert "未设置邮件服务器" in r.json()["error"]["message"]
    c.put(
        f"/api/v1/units/{_unit_id(c)}/letter-settings",
        json={"changes": {"smtp_host": "127.0.0.1", "smtp_port": str(port),
                          "digest_to": "gk@example.invalid"}},
        headers=_csrf(c),
    )  # fmt: skip
    r = c.post("/api/v1/desk/digest", headers=_csrf(c))
    assert r.status_code == 200, r.text
    assert r.json()["recipients"] == 1
    assert len(inbox.messages) == 1
    assert "示例县清河镇人民政府" in inbox.messages[0]["Subject"]


@pytest.mark.parametrize(
    ("user", "reads", "writes"),
    [
        ("qinghe-clerk", 200, 200),
        ("jiaotong-clerk", 404, 404),
        ("county-supervisor", 200, 403),
        ("county-admin", 200, 200),
    ],
)
def test_role_by_unit_reach_of_the_new_operations(as_user, user, reads, writes):
    unit = _qinghe_id(as_user)
    c = as_user(user)
    headers = _csrf(c)
    assert c.get(f"/api/v1/units/{unit}/letter-settings").status_code == reads
    assert c.get(f"/api/v1/units/{unit}/letter-templates/fee").status_code == reads
    r = c.put(
        f"/api/v1/units/{unit}/letter-settings",
        json={"changes": {"phone": "0999-1234567"}},
        headers=headers,
    )
    assert r.status_code == writes
    if writes == 403:
        assert r.json()["error"]["message"] == "您无权修改该单位的文书设置"
    r = c.put(
        f"/api/v1/units/{unit}/letter-templates/fee",
        files={"file": ("x.docx", b"PK", "application/octet-stream")},
        headers=headers,
    )
    assert r.status_code == (400 if writes == 200 else writes)  # a broken template is refused
    r = c.post(
        f"/api/v1/units/{unit}/yearly/import",
        files={"file": ("d.csv", f"年度,项目,数值\n{YEAR},行政强制,1\n".encode(), "text/csv")},
        headers=headers,
    )
    assert r.status_code == writes
    if writes == 403:
        assert r.json()["error"]["message"] == "您无权填报该单位的年报数据"


def test_readers_cannot_send_the_digest(as_user):
    c = as_user("county-supervisor")
    r = c.post("/api/v1/desk/digest", headers=_csrf(c))
    assert r.status_code == 403
    assert r.json()["error"]["message"] == "您无权发送本单位的提醒邮件"


@pytest.mark.parametrize(
    ("user", "status", "message"),
    [
        ("jiaotong-clerk", 404, None),
        ("qinghe-clerk", 403, "无权执行此操作"),
        ("county-supervisor", 403, "无权执行此操作"),
        ("qinghe-reviewer", 403, "无权执行此操作"),
        ("qinghe-leader", 400, "无需重新打开"),
    ],
)
def test_reopening_a_year_through_the_api(as_user, user, status, message):
    unit = _qinghe_id(as_user)
    c = as_user(user)
    r = c.post(
        f"/api/v1/units/{unit}/filing/{YEAR}/reopen",
        json={"reason": "漏登一件申请"},
        headers=_csrf(c),
    )
    assert r.status_code == status, r.text
    if message:
        assert message in r.json()["error"]["message"]


def test_the_demo_year_published_is_reopened_by_its_leader(as_user):
    unit = _qinghe_id(as_user)
    c = as_user("qinghe-leader")
    last = YEAR - 1  # published by the demo
    assert c.get(f"/api/v1/units/{unit}/filing/{last}").json()["state"] == "published"
    r = c.post(
        f"/api/v1/units/{unit}/filing/{last}/reopen",
        json={"reason": "漏登一件申请"},
        headers=_csrf(c),
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "reopened"
    summary = c.get(f"/api/v1/units/{unit}/filing/{last}").json()
    assert summary["corrected"] is True
