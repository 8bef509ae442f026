"""年报检查, 公开目录 and the JSON API: uploads with their limits, highlighted findings,
downloads, online applications with receipts, the error envelope and the OpenAPI document."""

from __future__ import annotations

import html
import re

import pytest
from conftest_paths import SEEDS
from web_support import new_client, token

from xxgk.examples import example_paths
from xxgk.parse import parse_bytes

ERRORS_EXAMPLE = "education-bureau-2024-errors.txt"


def _example(name: str) -> bytes:
    return next(p for p in example_paths() if p.name == name).read_bytes()


def _check(client, *files, text=""):
    return client.post(
        "/check",
        data={"csrf_token": token(client, "/check"), "text": text},
        files=[("files", f) for f in files],
    )


def test_web_check_one_file_highlights_findings_on_cells(client):
    r = _check(client, (ERRORS_EXAMPLE, _example(ERRORS_EXAMPLE)))
    assert r.status_code == 200
    assert re.search(r'<td data-cell="[^"]+"[^>]*class="[^"]*error', r.text)
    assert 'class="findings"' in r.text
    assert "来源：" in r.text


def test_web_check_visitor_one_file_member_many(client, as_user):
    data = (ERRORS_EXAMPLE, _example(ERRORS_EXAMPLE))
    r = _check(client, data, data)
    assert r.status_code == 400
    assert "登录后可批量检查" in r.text
    member = as_user("qinghe-clerk")
    assert _check(member, data, data).text.count('class="result card"') == 2


def test_web_check_limits_type_and_size(demo):
    folder, _ = demo
    with new_client(folder, max_upload_bytes=1000) as c:
        assert _check(c, ("a.exe", b"MZ")).status_code == 415
        assert _check(c, ("big.txt", "年".encode() * 2000)).status_code == 413


def test_web_check_unreadable_file_is_one_line_not_a_crash(client):
    r = _check(client, ("empty.txt", b""))
    assert r.status_code == 200
    assert "无法读取" in r.text


def test_web_check_pasted_hostile_text_is_escaped(client):
    text = _example("qinghe-town-2024.txt").decode("utf-8") + "\n<script>alert(1)</script>"
    r = _check(client, text=text)
    assert "<script>alert(1)" not in r.text
    assert "&lt;script&gt;" in r.text


def test_web_check_downloads_render_the_checked_report(client):
    page = _check(client, ("q.txt", _example("qinghe-town-2024.txt"))).text
    body = html.unescape(
        re.search(r'<textarea name="report_json" hidden>(.*?)</textarea>', page, re.S)[1]
    )
    csrf = token(client, "/check")
    docx = client.post(
        "/check/download", data={"csrf_token": csrf, "report_json": body, "to": "docx"}
    )
    assert docx.content[:2] == b"PK"
    assert parse_bytes(docx.content, name="r.docx").values["requests.new.total"] is not None
    as_json = client.post(
        "/check/download", data={"csrf_token": csrf, "report_json": body, "to": "json"}
    )
    assert as_json.json()["requests"]
    bad = client.post(
        "/check/download", data={"csrf_token": csrf, "report_json": "{bad", "to": "json"}
    )
    assert bad.status_code == 400


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
def test_web_check_seed_report_shows_its_tables(client):
    seed = SEEDS[0]
    r = _check(client, (seed.name, seed.read_bytes()))
    assert r.status_code == 200
    assert 'data-table="requests"' in r.text


def test_web_public_catalogue_lists_published_reports(client):
    assert "示例县清河镇人民政府" in client.get("/public").text
    report_id = client.get("/api/v1/public/reports").json()[0]["id"]
    assert client.get(f"/public/reports/{report_id}").status_code == 200
    assert client.get(f"/public/reports/{report_id}/download?to=docx").content[:2] == b"PK"
    assert client.get("/public/reports/99999").status_code == 404


def test_web_public_application_gives_receipt_and_status(client):
    units = re.findall(
        r'<option value="(\d+)"[^>]*>示例县清河镇人民政府<', client.get("/public/apply").text
    )
    csrf = token(client, "/public/apply")
    bad = client.post(
        "/public/apply",
        data={"csrf_token": csrf, "unit": units[0], "applicant_type": "natural_person"},
    )
    assert bad.status_code == 422
    assert 'id="err-request_text"' in bad.text
    assert 'id="err-applicant_name"' in bad.text
    ok = client.post(
        "/public/apply",
        data={
            "csrf_token": csrf,
            "unit": units[0],
            "applicant_type": "natural_person",
            "applicant_name": "赵六",
            "applicant_contact": "zhao@example.org",
            "request_text": "清河镇2026年防汛预案",
            "form_wanted": "电子邮件",
        },
    )
    receipt = re.search(r'id="receipt">([^<]+)<', ok.text)[1]
    status = client.get("/public/status", params={"receipt": receipt})
    assert "办理中" in status.text
    assert "赵六" not in status.text
    forged = receipt[:-1] + ("0" if receipt[-1] != "0" else "1")
    assert client.get("/public/status", params={"receipt": forged}).status_code == 404


def test_web_online_application_appears_in_the_register_as_online(client, as_user):
    reports = client.get("/api/v1/public/reports").json()
    unit_id = next(r["unit_id"] for r in reports if r["unit"] == "示例县清河镇人民政府")
    r = client.post(
        "/api/v1/public/applications",
        json={
            "unit_id": unit_id,
            "applicant_type": "natural_person",
            "applicant_name": "钱七",
            "applicant_contact": "13900000000",
            "request_text": "2026年镇村道路规划",
        },
    )
    assert r.status_code == 201
    receipt = r.json()["receipt"]
    assert client.get(f"/api/v1/public/applications/{receipt}").json()["state"] == "办理中"
    rows = as_user("qinghe-clerk").get("/api/v1/applications", params={"q": "镇村道路规划"})
    assert [row["channel"] for row in rows.json()] == ["网络"]


def test_web_api_error_envelope_and_field_errors(as_user, client):
    r = client.get("/api/v1/applications")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "login_required"
    c = as_user("qinghe-clerk")
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    unit = c.get("/api/v1/units").json()[0]["id"]
    r = c.post(
        "/api/v1/applications",
        headers={"X-CSRF-Token": csrf},
        json={
            "unit_id": unit,
            "channel": "post_signed",
            "applicant_type": "natural_person",
            "request_text": "x",
        },
    )
    assert r.status_code == 422
    assert "signed_on" in r.json()["error"]["fields"]
    r = c.post("/api/v1/applications", headers={"X-CSRF-Token": csrf}, json={"bad": 1})
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "invalid_request"


def test_web_api_register_and_step_through_the_api(as_user):
    c = as_user("qinghe-clerk")
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    unit = c.get("/api/v1/units").json()[0]["id"]
    created = c.post(
        "/api/v1/applications",
        headers={"X-CSRF-Token": csrf},
        json={
            "unit_id": unit,
            "channel": "当面",
            "arrived_on": "2026-09-01",
            "applicant_type": "natural_person",
            "request_text": "API登记",
        },
    ).json()
    assert created["deadline"]["explanation"]
    after = c.post(
        f"/api/v1/applications/{created['id']}/events",
        headers={"X-CSRF-Token": csrf},
        json={
            "kind": "延期",
            "on": "2026-09-20",
            "days": "20",
            "approved_on": "2026-09-20",
            "notified_on": "2026-09-20",
        },
    ).json()
    assert after["deadline"]["date"] > created["deadline"]["date"]


def test_web_openapi_document_and_no_server_error_on_its_gets(as_user):
    c = as_user("county-admin")
    spec = c.get("/api/v1/openapi.json").json()
    assert "/api/v1/applications" in spec["paths"]
    assert all(p.startswith("/api/v1") for p in spec["paths"])
    for path, ops in spec["paths"].items():
        if "get" not in ops:
            continue
        for value in ("1", "0", "-5", "abc", "99999", "2025-0001", "清河-2025-0001-伪造"):
            url = re.sub(r"\{[^}]+\}", value, path)
            for query in ("", "?unit_id=abc&year=x&state=zz&q=%3Cx", "?unit_id=1&year=99999"):
                assert c.get(url + query).status_code < 500, url + query


def test_web_online_applications_are_rate_limited_per_client(demo):
    folder, _ = demo
    body = {
        "unit_id": 2,
        "applicant_type": "natural_person",
        "applicant_name": "孙八",
        "applicant_contact": "138",
        "request_text": "示例",
    }
    with new_client(folder, applications_per_hour=2) as c:
        assert [c.post("/api/v1/public/applications", json=body).status_code for _ in range(3)] == [
            201,
            201,
            429,
        ]


def _photographed_title() -> bytes:
    """A page image with a report title on it (what a phone photo of page 1 shows)."""
    import io
    from pathlib import Path

    from PIL import Image, ImageDraw, ImageFont

    font_file = Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
    if not font_file.exists():
        pytest.skip("no CJK font to draw the page with")
    page = Image.new("L", (1240, 400), 255)
    font = ImageFont.truetype(str(font_file), 40)
    ImageDraw.Draw(page).text(
        (80, 150), "示例县清河镇人民政府2024年政府信息公开工作年度报告", font=font
    )
    out = io.BytesIO()
    page.save(out, "PNG")
    return out.getvalue()


def test_web_check_reads_a_page_image_by_ocr(client):
    from xxgk.parse.ocr import ocr_available

    if not ocr_available():
        pytest.skip("the ocr extra is not installed")
    r = _check(client, ("第1页.png", _photographed_title(), "image/png"))
    assert r.status_code == 200
    assert "示例县清河镇人民政府" in html.unescape(r.text)
    assert "经文字识别（OCR）读取" in html.unescape(r.text)
