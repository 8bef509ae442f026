"""主动公开 pages and API over the demo: scope by guessed ids, CSRF, the buttons each role gets,
field-level errors of the item form, the whole review chain through the pages with a return
and an attachment, the catalogue editor, and the report compiled from the year's items."""

from __future__ import annotations

import datetime as dt
import re

from web_support import token

FORM = {
    "title": "清河镇敬老院改造项目公示",
    "body": "清河镇敬老院改造项目已完成招标，现将中标结果公示如下。",
    "doc_kind": "",
    "doc_number": "",
    "document_date": "",
    "attribute": "proactive",
    "withheld_reason": "",
}


def _items(client, **params) -> dict[str, dict]:
    """Return the items the client may see, by title."""
    rows = client.get("/api/v1/disclosure/items", params=params).json()
    return {r["title"]: r for r in rows}


def _by_state(client, state: str) -> dict:
    return next(iter(_items(client, state=state).values()))


def _category(client, path: str) -> str:
    cats = client.get("/api/v1/disclosure/catalogue").json()
    return str(next(c["id"] for c in cats if c["path"].replace(" / ", "/") == path))


def _new(client, files=None, **fields):
    data = {**FORM, "csrf_token": token(client, "/disclosure/new"), "channels": ["website"]}
    data.update(fields)
    return client.post("/disclosure/new", data=data, files=files, follow_redirects=False)


def _act(client, item_id: int, action: str, **fields):
    data = {"csrf_token": token(client, f"/disclosure/items/{item_id}"), "action": action}
    data.update(fields)
    r = client.post(f"/disclosure/items/{item_id}/actions", data=data, follow_redirects=True)
    assert r.status_code == 200
    return r


def test_web_disclosure_other_units_item_is_not_found(as_user):
    qinghe = as_user("qinghe-clerk")
    draft = _by_state(qinghe, "draft")
    published = _by_state(qinghe, "published")
    stranger = as_user("jiaotong-clerk")
    assert draft["title"] not in _items(stranger)
    for item in (draft, published):
        i = item["id"]
        assert stranger.get(f"/disclosure/items/{i}").status_code == 404
        assert stranger.get(f"/disclosure/items/{i}/edit").status_code == 404
        assert stranger.get(f"/api/v1/disclosure/items/{i}").status_code == 404
    csrf = stranger.get("/api/v1/me").json()["csrf_token"]
    r = stranger.post(
        f"/api/v1/disclosure/items/{draft['id']}/submit", headers={"X-CSRF-Token": csrf}
    )
    assert r.status_code == 404
    r = stranger.post(
        f"/disclosure/items/{draft['id']}/actions",
        data={"csrf_token": token(stranger, "/disclosure"), "action": "submit"},
    )
    assert r.status_code == 404
    assert _by_state(qinghe, "draft")["state"] == "draft"
    assert stranger.get("/disclosure/items/99999999999999999999").status_code in (404, 422)


def test_web_disclosure_forms_and_api_need_the_csrf_token(as_user):
    c = as_user("qinghe-clerk")
    cat = _category(c, "规划计划")
    r = c.post("/disclosure/new", data={**FORM, "category": cat, "channels": "website"})
    assert r.status_code == 403
    assert "CSRF" in r.text
    draft = _by_state(c, "draft")
    r = c.post(f"/disclosure/items/{draft['id']}/actions", data={"action": "submit"})
    assert r.status_code == 403
    r = c.post(f"/api/v1/disclosure/items/{draft['id']}/submit")
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf"
    assert _by_state(c, "draft")["state"] == "draft"


def test_web_disclosure_each_role_gets_its_buttons(as_user):
    secrecy = as_user("qinghe-secrecy")
    item = _by_state(secrecy, "secrecy_review")
    page = secrecy.get(f"/disclosure/items/{item['id']}").text
    assert 'data-action="approve"' in page
    assert "保密审查通过" in page
    assert 'data-action="return"' in page
    assert "待我处理" in secrecy.get("/disclosure").text
    mine = secrecy.get("/disclosure?view=mine").text
    assert item["title"] in mine
    assert _by_state(secrecy, "dept_review")["title"] not in mine
    clerk = as_user("qinghe-clerk")
    page = clerk.get(f"/disclosure/items/{item['id']}").text
    assert 'data-action="approve"' not in page
    assert "当前没有需要您办理的操作" in page
    leader = as_user("qinghe-leader")
    waiting = _by_state(leader, "leader_approval")
    page = leader.get(f"/disclosure/items/{waiting['id']}").text
    assert "领导审批签发" in page
    published = _by_state(leader, "published")
    page = leader.get(f"/disclosure/items/{published['id']}").text
    assert 'data-action="withdraw"' in page
    assert 'data-action="approve"' not in page
    reviewer = as_user("qinghe-reviewer")
    assert _items(reviewer, mine="true").keys() == {_by_state(reviewer, "dept_review")["title"]}


def test_web_disclosure_new_item_form_reports_errors_per_field(as_user):
    c = as_user("qinghe-clerk")
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = _new(
        c,
        title="",
        category="",
        attribute="withheld",
        doc_kind="normative_documents",
        document_date=future,
        files=[("attachments", ("病毒.exe", b"MZ", "application/octet-stream"))],
    )
    assert r.status_code == 422
    for name in (
        "title",
        "category",
        "withheld_reason",
        "doc_number",
        "document_date",
        "attachments",
    ):
        assert f'id="err-{name}"' in r.text, name
    assert "不能晚于今天" in r.text
    assert "《条例》第十四条至第十六条" in r.text
    assert "类型不被接受" in r.text
    r = _new(c, category=_category(c, "规划计划"), channels=[], document_date="2026-13-40")
    assert 'id="err-channels"' in r.text
    assert 'id="err-document_date"' in r.text
    assert "YYYY-MM-DD" in r.text


def test_web_disclosure_review_chain_through_the_pages(as_user, client):
    clerk = as_user("qinghe-clerk")
    cat = _category(clerk, "社会公益事业/社会保障")
    r = _new(
        clerk,
        category=cat,
        channels=["website", "bulletin"],
        files=[("attachments", ("名单.txt", "敬老院床位安排".encode(), "text/plain"))],
    )
    assert r.status_code == 303
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    page = clerk.get(f"/disclosure/items/{item_id}").text
    assert "名单.txt" in page
    assert "修改草稿" in page
    assert "已提交" not in _act(clerk, item_id, "submit").text
    reviewer = as_user("qinghe-reviewer")
    _act(reviewer, item_id, "approve")
    secrecy = as_user("qinghe-secrecy")
    r = _act(secrecy, item_id, "return", reason="")
    assert "须说明理由" in r.text
    _act(secrecy, item_id, "return", reason="公示栏张贴前请删除床位号")
    page = clerk.get(f"/disclosure/items/{item_id}").text
    assert "草稿" in page
    assert "公示栏张贴前请删除床位号" in page
    edit = {**FORM, "category": cat, "channels": ["website"], "body": "床位安排见附件。"}
    edit["csrf_token"] = token(clerk, f"/disclosure/items/{item_id}/edit")
    r = clerk.post(f"/disclosure/items/{item_id}/edit", data=edit, follow_redirects=False)
    assert r.status_code == 303
    _act(clerk, item_id, "submit")
    # the public does not see it yet
    assert client.get(f"/public/catalogue/items/{item_id}").status_code == 404
    _act(reviewer, item_id, "approve")
    _act(secrecy, item_id, "approve")
    leader = as_user("qinghe-leader")
    r = _act(leader, item_id, "approve")
    assert "已发布" in r.text
    timeline = re.search(r'<ol class="timeline".*?</ol>', r.text, re.S)[0]
    for what in ("起草", "提交审核", "部门审核通过", "退回修改", "保密审查通过", "领导审批签发"):
        assert what in timeline, what
    public = client.get(f"/public/catalogue/items/{item_id}")
    assert public.status_code == 200
    assert "床位安排见附件" in public.text
    link = re.search(r'href="(/public/catalogue/items/\d+/attachments/\d+)"', public.text)[1]
    download = client.get(link)
    assert download.content == "敬老院床位安排".encode()
    assert "attachment" in download.headers["content-disposition"]
    # editing is over once it left the draft state
    assert clerk.get(f"/disclosure/items/{item_id}/edit").status_code == 403


def test_web_disclosure_author_cannot_approve_own_item_via_api(as_user):
    admin = as_user("county-admin")
    csrf = admin.get("/api/v1/me").json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}
    qinghe = next(u for u in admin.get("/api/v1/units").json() if "清河镇" in u["name"])
    cats = admin.get(f"/api/v1/disclosure/catalogue?unit_id={qinghe['id']}").json()
    body = {
        "unit_id": qinghe["id"],
        "title": "清河镇2026年河道保洁服务采购结果",
        "category_id": next(c["id"] for c in cats if c["name"] == "政府采购"),
        "body": "河道保洁服务采购已完成。",
        "channels": ["website"],
    }
    r = admin.post("/api/v1/disclosure/items", json=body, headers=headers)
    assert r.status_code == 201, r.text
    item = r.json()
    assert item["state"] == "draft"
    assert item["actions"] == ["submit"]
    r = admin.post(f"/api/v1/disclosure/items/{item['id']}/submit", headers=headers)
    assert r.json()["state"] == "dept_review"
    r = admin.post(f"/api/v1/disclosure/items/{item['id']}/approve", headers=headers)
    assert r.status_code == 400
    assert "起草人不能审核自己的信息" in r.json()["error"]["message"]
    r = admin.post(
        f"/api/v1/disclosure/items/{item['id']}/return", json={"reason": ""}, headers=headers
    )
    assert r.status_code == 422
    bad = {**body, "attribute": "withheld", "document_date": "昨天"}
    r = admin.post("/api/v1/disclosure/items", json=bad, headers=headers)
    assert r.status_code == 422
    assert set(r.json()["error"]["fields"]) >= {"withheld_reason", "document_date"}


def test_web_disclosure_withdraw_and_repeal(as_user, client):
    leader = as_user("qinghe-leader")
    published = _items(leader, state="published")
    target = next(r for r in published.values() if not r["doc_kind"])
    r = _act(leader, target["id"], "withdraw", reason="信息已过时")
    assert "已撤回" in r.text
    gone = client.get(f"/public/catalogue/items/{target['id']}")
    assert gone.status_code == 410
    assert "已撤回" in gone.text
    doc = next(r for r in published.values() if r["doc_kind"] and not r["repealed_on"])
    day = dt.date.today().isoformat()
    r = _act(leader, doc["id"], "repeal", on=day)
    assert f"已登记“{doc['title']}”于{day}废止" in r.text
    public = client.get(f"/public/catalogue/items/{doc['id']}").text
    assert 'id="repealed"' in public
    assert day in public


def test_web_disclosure_catalogue_editor(as_user):
    admin = as_user("county-admin")
    qinghe = next(u for u in admin.get("/api/v1/units").json() if "清河镇" in u["name"])
    page = f"/disclosure/catalogue?unit={qinghe['id']}"

    def change(**fields):
        data = {"csrf_token": token(admin, page), "unit": str(qinghe["id"]), **fields}
        return admin.post("/disclosure/catalogue", data=data, follow_redirects=True)

    planning = [
        c
        for c in admin.get(f"/api/v1/disclosure/catalogue?unit_id={qinghe['id']}").json()
        if c["name"] == "规划计划"
    ][0]
    assert (
        "已添加栏目“规划计划 / 乡村振兴”"
        in change(op="add", name="乡村振兴", parent=str(planning["id"])).text
    )
    cats = admin.get(f"/api/v1/disclosure/catalogue?unit_id={qinghe['id']}").json()
    new = next(c for c in cats if c["name"] == "乡村振兴")
    r = change(op="rename", node=str(new["id"]), name="乡村振兴战略")
    assert "已改名为“乡村振兴战略”" in r.text
    assert "已移动到“顶层”之下" in change(op="move", node=str(new["id"]), parent="").text
    r = change(op="move", node=str(planning["id"]), parent=str(planning["id"]))
    assert "不能把栏目" in r.text
    assert "已停用" in change(op="deactivate", node=str(new["id"])).text
    assert "该单位已有公开目录" in change(op="seed").text
    assert "找不到该栏目" in change(op="rename", node="999999", name="x").text
    cats = admin.get(f"/api/v1/disclosure/catalogue?unit_id={qinghe['id']}").json()
    assert "乡村振兴战略" not in {c["name"] for c in cats}
    clerk = as_user("qinghe-clerk")
    assert "改名" not in clerk.get("/disclosure/catalogue").text.split("<tbody>")[1]
    r = clerk.post(
        "/disclosure/catalogue",
        data={
            "csrf_token": token(clerk, "/disclosure/catalogue"),
            "unit": str(qinghe["id"]),
            "op": "add",
            "name": "越权栏目",
        },
        follow_redirects=True,
    )
    assert "无权执行此操作" in r.text


def test_web_disclosure_compiled_report_counts_the_years_items(as_user):
    c = as_user("qinghe-clerk")
    page = c.get(f"/compile?year={dt.date.today().year}").text
    published = len(_items(c, state="published")) + len(_items(c, state="withdrawn"))
    repealed_last_year = sum(
        1
        for r in _items(c, state="published").values()
        if r["published_on"] and r["published_on"] < f"{dt.date.today().year}"
    )
    assert f"本单位主动公开政府信息{published - repealed_last_year}条" in page
    cell = re.search(r'data-cell="active\.normative_documents\.issued"[^>]*>(\d+)', page)
    assert cell[1] == "1"
    cell = re.search(r'data-cell="active\.normative_documents\.repealed"[^>]*>(\d+)', page)
    assert cell[1] == "1"


def test_web_disclosure_waiting_list_and_attachments_stay_in_scope(as_user, client):
    clerk = as_user("qinghe-clerk")
    mine = _items(clerk, mine="true")
    assert mine
    assert {r["state"] for r in mine.values()} == {"draft"}
    assert all(r["waiting"] and r["actions"] == ["submit"] for r in mine.values())
    leader = as_user("qinghe-leader")
    assert {r["state"] for r in _items(leader, mine="true").values()} == {"leader_approval"}
    with_file = next(
        r
        for r in _items(clerk, state="published").values()
        if clerk.get(f"/api/v1/disclosure/items/{r['id']}").json()["attachments"]
    )
    detail = clerk.get(f"/api/v1/disclosure/items/{with_file['id']}").json()
    attachment = detail["attachments"][0]
    path = f"/disclosure/items/{with_file['id']}/attachments/{attachment['id']}"
    assert clerk.get(path).status_code == 200
    assert as_user("jiaotong-clerk").get(path).status_code == 404
    assert client.get(path, follow_redirects=False).status_code == 303  # login first
    public = f"/public/catalogue/items/{with_file['id']}/attachments/{attachment['id']}"
    assert client.get(public).content.startswith(with_file["title"].encode())
    draft = next(iter(mine.values()))
    assert client.get(f"/public/catalogue/items/{draft['id']}/attachments/1").status_code == 404


def test_web_disclosure_a_wrong_attachment_can_be_taken_off_a_draft(as_user):
    clerk = as_user("qinghe-clerk")
    cat = _category(clerk, "规划计划")
    r = _new(
        clerk,
        category=cat,
        files=[
            ("attachments", ("正确.txt", "正文附件".encode(), "text/plain")),
            ("attachments", ("错传.txt", "不该上传的文件".encode(), "text/plain")),
        ],
    )
    item_id = int(r.headers["location"].rsplit("/", 1)[1])
    detail = clerk.get(f"/api/v1/disclosure/items/{item_id}").json()
    wrong = next(a["id"] for a in detail["attachments"] if a["filename"] == "错传.txt")
    form = clerk.get(f"/disclosure/items/{item_id}/edit").text
    assert f'name="remove_attachments" value="{wrong}"' in form
    data = {
        **FORM,
        "category": cat,
        "channels": ["website"],
        "remove_attachments": [str(wrong)],
        "csrf_token": token(clerk, f"/disclosure/items/{item_id}/edit"),
    }
    r = clerk.post(f"/disclosure/items/{item_id}/edit", data=data, follow_redirects=False)
    assert r.status_code == 303
    names = [
        a["filename"]
        for a in clerk.get(f"/api/v1/disclosure/items/{item_id}").json()["attachments"]
    ]
    assert names == ["正确.txt"]
    assert clerk.get(f"/disclosure/items/{item_id}/attachments/{wrong}").status_code == 404
    page = clerk.get(f"/disclosure/items/{item_id}").text
    assert "删除附件“错传.txt”" in page
