"""文书与附件 in the web and the API: issuing letters records events, downloads are
attachments, delivery and reissue, templates, and role × unit reach of every new route."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import docx
import pytest
from web_support import login, new_client, token

from xxgk.limits import Limits
from xxgk.render.letters import default_template

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import nested_loop_template  # noqa: E402

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _open_app(c) -> tuple[str, int]:
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    app_id = c.get("/api/v1/applications?state=open").json()[0]["id"]
    return csrf, app_id


def _issue(c, csrf, app_id, kind, **values):
    return c.post(
        f"/api/v1/applications/{app_id}/letters",
        json={"kind": kind, "on": dt.date.today().isoformat(), "values": values},
        headers={"X-CSRF-Token": csrf},
    )


def test_api_issue_letter_records_event_and_downloads_docx(as_user):
    c = as_user("qinghe-clerk")
    csrf, app_id = _open_app(c)
    r = _issue(c, csrf, app_id, "correction", items=["写明文件名称"], correction_days="10")
    assert r.status_code == 201, r.text
    body = r.json()
    assert "补〔" in body["number"]
    assert body["event_id"]
    events = c.get(f"/api/v1/applications/{app_id}").json()["events"]
    assert any(body["number"] in (e.get("note") or "") for e in events)
    d = c.get(f"/api/v1/letters/{body['id']}/docx")
    assert d.status_code == 200
    assert d.headers["content-disposition"].startswith("attachment;")
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(d.content)).paragraphs)
    assert body["number"] in text
    assert "写明文件名称" in text


def test_extension_of_25_days_is_refused_at_entry(as_user):
    c = as_user("qinghe-clerk")
    csrf, app_id = _open_app(c)
    r = _issue(c, csrf, app_id, "extension", extension_days="25", approved_by="王主任")
    assert r.status_code == 400
    assert "20个工作日" in r.json()["error"]["message"]


def test_page_flow_issue_deliver_reissue_and_upload(as_user):
    c = as_user("qinghe-clerk")
    _, app_id = _open_app(c)
    page = f"/register/applications/{app_id}/letters"
    assert c.get(f"/register/applications/{app_id}").text.count("文书与附件") >= 1
    form = {"csrf_token": token(c, page), "kind": "receipt", "on": dt.date.today().isoformat()}
    r = c.post(page, data=form, follow_redirects=True)
    assert "已出具登记回执" in r.text
    letter = c.get(f"/api/v1/applications/{app_id}/letters").json()[-1]
    r = c.post(
        f"/register/letters/{letter['id']}/delivery",
        data={"csrf_token": token(c, page), "method": "post", "delivered_on": ""},
        follow_redirects=True,
    )
    assert "邮件号码" in r.text
    r = c.post(
        f"/register/letters/{letter['id']}/delivery",
        data={
            "csrf_token": token(c, page),
            "method": "post",
            "delivered_on": dt.date.today().isoformat(),
            "tracking_number": "EMS123",
        },
        follow_redirects=True,
    )
    assert "EMS123" in r.text
    r = c.post(
        f"/register/letters/{letter['id']}/reissue",
        data={"csrf_token": token(c, page), "reason": "姓名有误", "on": ""},
        follow_redirects=True,
    )
    assert "已重新出具" in r.text
    assert "姓名有误" in r.text
    r = c.post(
        f"/register/applications/{app_id}/files",
        data={"csrf_token": token(c, page), "kind": "envelope", "note": "邮戳3月2日"},
        files={"file": ("信封.png", PNG, "image/png")},
        follow_redirects=True,
    )
    assert "已保存附件" in r.text
    file_id = c.get(f"/api/v1/applications/{app_id}/files").json()[0]["id"]
    d = c.get(f"/register/applications/{app_id}/files/{file_id}")
    assert d.content == PNG
    assert d.headers["content-disposition"].startswith("attachment;")
    assert d.headers["x-content-type-options"] == "nosniff"


def test_upload_of_a_disguised_file_is_refused(as_user):
    c = as_user("qinghe-clerk")
    csrf, app_id = _open_app(c)
    r = c.post(
        f"/api/v1/applications/{app_id}/files",
        data={"kind": "incoming"},
        files={"file": ("申请.pdf", b"<html><script>alert(1)</script>", "application/pdf")},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400
    assert "不符" in r.json()["error"]["message"]
    r = c.post(
        f"/api/v1/applications/{app_id}/files",
        data={"kind": "incoming"},
        files={"file": ("x.html", b"<html></html>", "text/html")},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400


def _qinghe_setup(as_user):
    """A letter, a plain file and an identity paper on a Qinghe case; their ids."""
    c = as_user("qinghe-clerk")
    csrf, app_id = _open_app(c)
    letter_id = _issue(c, csrf, app_id, "receipt").json()["id"]
    ids = {}
    for kind in ("incoming", "identity"):
        r = c.post(
            f"/api/v1/applications/{app_id}/files",
            data={"kind": kind},
            files={"file": (f"{kind}.png", PNG + kind.encode(), "image/png")},
            headers={"X-CSRF-Token": csrf},
        )
        ids[kind] = r.json()["id"]
    return app_id, letter_id, ids


@pytest.mark.parametrize(
    ("user", "sees_case", "sees_identity", "writes"),
    [
        ("qinghe-clerk", True, True, True),
        ("qinghe-reviewer", True, True, True),
        ("jiaotong-clerk", False, False, False),
        ("county-supervisor", True, False, False),
        ("county-admin", True, False, True),
        ("admin", True, True, True),
    ],
)
def test_role_by_unit_reach_of_letters_and_files(as_user, user, sees_case, sees_identity, writes):
    app_id, letter_id, ids = _qinghe_setup(as_user)
    c = as_user(user)
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    expect = 200 if sees_case else 404
    assert c.get(f"/register/applications/{app_id}/letters").status_code == expect
    assert c.get(f"/register/letters/{letter_id}.docx").status_code == expect
    assert c.get(f"/api/v1/letters/{letter_id}/docx").status_code == expect
    assert c.get(f"/api/v1/applications/{app_id}/letters").status_code == expect
    plain = c.get(f"/register/applications/{app_id}/files/{ids['incoming']}")
    assert plain.status_code == expect
    identity = c.get(f"/api/v1/applications/{app_id}/files/{ids['identity']}")
    assert identity.status_code == (200 if sees_identity else 404)
    listed = c.get(f"/api/v1/applications/{app_id}/files")
    if sees_case:
        kinds = {f["kind"] for f in listed.json()}
        assert ("identity" in kinds) is sees_identity
    issue = _issue(c, csrf, app_id, "receipt")
    assert issue.status_code == (201 if writes else (403 if sees_case else 404))
    delivery = c.post(
        f"/api/v1/letters/{letter_id}/delivery",
        json={"method": "electronic", "delivered_on": dt.date.today().isoformat()},
        headers={"X-CSRF-Token": csrf},
    )
    assert delivery.status_code == (200 if writes else (403 if sees_case else 404))


def test_templates_page_documents_fields_and_round_trips_a_template(as_user):
    c = as_user("qinghe-clerk")
    r = c.get("/letters/templates")
    assert r.status_code == 200
    assert "{{ number }}" in r.text
    assert "补正告知书" in r.text
    template = c.get("/letters/templates/reply.docx")
    assert template.headers["content-disposition"].startswith("attachment;")
    r = c.post(
        "/letters/templates/reply",
        data={"csrf_token": token(c, "/letters/templates"), "unit": ""},
        files={"file": ("答复.docx", template.content, "application/octet-stream")},
        follow_redirects=True,
    )
    assert "已启用上传的模板" in r.text
    r = c.post(
        "/letters/settings",
        data={
            "csrf_token": token(c, "/letters/templates"),
            "agency_code": "清政信",
            "number_pattern": "{代字}{类}第{号}号",
        },
        follow_redirects=True,
    )
    assert "缺少{年}" in r.text
    assert c.get("/letters/templates/none.docx").status_code == 404


def test_a_template_with_nested_loops_is_refused_within_the_time_budget(demo):
    folder, passwords = demo
    with new_client(folder, limits=Limits(parse_seconds=1.0)) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        template = nested_loop_template("reply")
        page = c.post(
            "/letters/templates/reply",
            data={"csrf_token": token(c, "/letters/templates"), "unit": ""},
            files={"file": ("答复.docx", template, "application/octet-stream")},
        )
        assert page.status_code == 413
        assert "文书模板填写超出处理时限（1秒）" in page.text
        unit = next(u["id"] for u in c.get("/api/v1/units").json() if u["code"] == "qinghe")
        api = c.put(
            f"/api/v1/units/{unit}/letter-templates/reply",
            files={"file": ("答复.docx", template, "application/octet-stream")},
            headers={"X-CSRF-Token": c.get("/api/v1/me").json()["csrf_token"]},
        )
        assert api.status_code == 413
        assert api.json()["error"]["message"].startswith("文书模板填写超出处理时限（1秒）")
        kept = c.get(f"/api/v1/units/{unit}/letter-templates/reply").content
        assert kept == default_template("reply")  # the refused template is not in use


def test_supervisor_cannot_change_templates(as_user):
    c = as_user("county-supervisor")
    r = c.post(
        "/letters/settings",
        data={"csrf_token": token(c, "/letters/templates"), "agency_code": "x"},
    )
    assert r.status_code == 403
