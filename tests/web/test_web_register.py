"""申请台账 and 年报编制 pages: field-level validation, registering, steps that move the
deadline, list marks and filters, Excel export/import, compiling, exporting and publishing."""

from __future__ import annotations

import datetime as dt
import re

from web_support import token

from xxgk.parse import parse_bytes


def _new(client, **fields):
    data = {
        "csrf_token": token(client, "/register/new"),
        "unit": "",
        "channel": "in_person",
        "arrived_on": "",
        "signed_on": "",
        "confirmed_on": "",
        "applicant_type": "natural_person",
        "applicant_name": "王五",
        "applicant_contact": "示例路2号",
        "request_text": "清河镇2025年道路养护合同",
        "form_wanted": "纸质",
    }
    data.update(fields)
    return client.post("/register/new", data=data, follow_redirects=False)


def _qinghe(client) -> str:
    return str(
        next(
            u["id"]
            for u in client.get("/api/v1/units").json()
            if u["name"] == "示例县清河镇人民政府"
        )
    )


def test_web_new_application_reports_errors_per_field(as_user):
    c = as_user("qinghe-clerk")
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    r = _new(c, unit=_qinghe(c), channel="post_signed", arrived_on=future, request_text="")
    assert r.status_code == 422
    assert 'id="err-signed_on"' in r.text
    assert "必须填写签收日期" in r.text
    assert 'id="err-arrived_on"' in r.text
    assert "不能晚于今天" in r.text
    assert 'id="err-request_text"' in r.text
    r = _new(c, unit=_qinghe(c), arrived_on="2026-13-45")
    assert "应为YYYY-MM-DD" in r.text


def test_web_register_correction_reply_moves_the_deadline(as_user):
    c = as_user("qinghe-clerk")
    day = dt.date.today() - dt.timedelta(days=6)
    r = _new(c, unit=_qinghe(c), arrived_on=day.isoformat())
    assert r.status_code == 303
    url = r.headers["location"]
    page = c.get(url).text
    first = re.search(r'id="due-on">([\d-]+)<', page)[1]
    assert "补正告知" in page
    assert "若今日记录" in page
    csrf = token(c, url)
    c.post(
        url + "/events",
        data={
            "csrf_token": csrf,
            "kind": "correction_requested",
            "on": (day + dt.timedelta(days=1)).isoformat(),
        },
    )
    c.post(
        url + "/events",
        data={"csrf_token": csrf, "kind": "correction_received", "on": dt.date.today().isoformat()},
    )
    page = c.get(url).text
    second = re.search(r'id="due-on">([\d-]+)<', page)[1]
    assert second > first
    assert "重新计算" in page or "补正" in page.split('id="deadline-explanation"')[1]
    c.post(
        url + "/events",
        data={
            "csrf_token": csrf,
            "kind": "reply",
            "on": dt.date.today().isoformat(),
            "outcome": "granted",
            "delivery": "email",
        },
    )
    page = c.get(url).text
    assert "已办结" in page
    assert "下一步" in page
    assert "记录答复" not in page


def test_web_event_refused_by_the_law_is_shown_not_crashed(as_user):
    c = as_user("qinghe-clerk")
    app_id = c.get("/api/v1/applications?state=open").json()[0]["id"]
    url = f"/register/applications/{app_id}"
    r = c.post(
        url + "/events",
        data={
            "csrf_token": token(c, url),
            "kind": "correction_received",
            "on": dt.date.today().isoformat(),
        },
    )
    assert r.status_code == 200
    assert "没有“补正告知”记录" in r.text or "补正" in r.text


def test_web_list_marks_overdue_and_filters(as_user):
    c = as_user("qinghe-clerk")
    page = c.get("/register").text
    assert 'class="overdue"' in page
    assert "已逾期" in page
    overdue = c.get("/api/v1/applications?state=overdue").json()
    assert overdue
    assert all(r["mark"] == "overdue" for r in overdue)
    found = c.get("/api/v1/applications", params={"q": "危房改造"}).json()
    assert found
    assert all("危房改造" in r["request_text"] for r in found)
    assert c.get("/register", params={"q": "危房改造"}).text.count("data-number=") == len(found)


def test_web_hostile_input_is_escaped(as_user):
    c = as_user("qinghe-clerk")
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    r = _new(
        c,
        unit=_qinghe(c),
        arrived_on=dt.date.today().isoformat(),
        applicant_name=hostile,
        request_text=hostile,
    )
    page = c.get(r.headers["location"]).text + c.get("/register").text
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_web_excel_export_then_import_into_another_unit(as_user):
    admin = as_user("county-admin")
    units = {u["name"]: u["id"] for u in admin.get("/api/v1/units").json()}
    exported = admin.get(f"/register/export?unit={units['示例县清河镇人民政府']}")
    assert exported.content[:2] == b"PK"
    r = admin.post(
        "/register/import",
        data={"csrf_token": token(admin, "/register"), "unit": str(units["示例县石桥乡人民政府"])},
        files={"file": ("taizhang.xlsx", exported.content)},
    )
    assert r.status_code == 200
    assert re.search(r"已导入\d+条申请", r.text)
    assert admin.get(f"/api/v1/applications?unit_id={units['示例县石桥乡人民政府']}").json()


def test_web_compile_edit_export_and_publish(as_user):
    c = as_user("qinghe-reviewer")
    year = dt.date.today().year - 1
    unit = _qinghe(c)
    page = c.get(f"/compile?unit={unit}&year={year}")
    assert page.status_code == 200
    assert 'data-table="requests"' in page.text
    docx = c.get(f"/compile/export?unit={unit}&year={year}&to=docx")
    report = parse_bytes(docx.content, name="r.docx")
    assert report.organization == "示例县清河镇人民政府"
    assert report.values["requests.new.total"] == 6
    # the demo published last year: the year is locked, so compile this year instead
    this = dt.date.today().year
    r = c.post(
        "/compile/narrative",
        data={
            "csrf_token": token(c, "/register"),
            "unit": unit,
            "year": str(this),
            "section": "problems",
            "text": "人员力量不足，将加强培训。",
        },
    )
    assert "人员力量不足" in r.text
    assert c.get(f"/compile/export?unit={unit}&year={this}&to=pdf").content[:4] == b"%PDF"
    r = c.post(
        "/compile/publish",
        data={
            "csrf_token": token(c, "/register"),
            "unit": unit,
            "year": str(this),
            "published_on": dt.date.today().isoformat(),
        },
    )
    assert "应在报告年度" in r.text
    assert "已发布" in c.get(f"/compile?unit={unit}&year={year}").text


def test_web_overview_for_supervisor_only(as_user):
    sup = as_user("county-supervisor")
    page = sup.get("/overview").text
    assert "未报送" in page
    assert "示例县石桥乡人民政府" in page
    assert re.search(r"示例县交通运输局</a></td><td>逾期</td>", page)  # published after 31 January
    csv = sup.get("/overview/export.csv")
    assert "示例县交通运输局" in csv.content.decode("utf-8-sig")
    assert as_user("qinghe-clerk").get("/overview").status_code == 403


def test_web_overview_from_the_report_store(as_user):
    sup = as_user("county-supervisor")
    page = sup.get("/overview").text
    members = re.search(r'<table class="list" id="status-table">(.*?)</table>', page, re.S)[1]
    assert re.search(r"示例县石桥乡人民政府</a></td><td>未报送</td>", members)
    assert re.search(r"示例县教育局</a></td><td>有错误</td><td>报告库</td>", members)
    pairs = re.search(r'<table class="list" id="pairs">(.*?)</table>', page, re.S)[1]
    assert "示例县交通运输局" in pairs
    assert "示例县教育局" in pairs
    assert 'id="corpus-trend"' in page
    chart = sup.get("/overview/trend.svg")
    assert chart.headers["content-type"] == "image/svg+xml"
    assert chart.content.lstrip().startswith(b"<?xml")
    assert sup.get("/overview/opendata.xlsx").content[:2] == b"PK"


def test_web_overview_pairs_stay_inside_the_scope(as_user):
    admin = as_user("county-admin")
    units = {u["name"]: u["id"] for u in admin.get("/api/v1/units").json()}
    page = admin.get(f"/overview?unit={units['示例县交通运输局']}").text
    assert "示例县交通运输局" in page
    assert admin.get("/overview?unit=99999").status_code == 404
