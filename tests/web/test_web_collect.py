"""报告收集 in the web: a supervisor uploads files and ZIP packages into the store, sees one
row per file, matches an unmatched report by hand; role × unit: clerks are refused, a second
county sees nothing of the first and stores nothing into it."""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import zipfile

from openpyxl import load_workbook
from web_support import login, new_client, token

from xxgk.render import render
from xxgk.synth import random_report

YEAR = dt.date.today().year - 1


def report_text(organization: str, seed: int, published: dt.date | None = None) -> bytes:
    report = random_report(random.Random(seed), organization=organization, year=YEAR)
    report.published = published or dt.date(YEAR + 1, 1, 15)
    return render(report, "txt")


def zipped(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return buffer.getvalue()


def upload(client, files: list[tuple[str, bytes]], year: str = "") -> str:
    """Upload ``files``, wait for the batch, return its page."""
    response = client.post(
        "/collect",
        data={"csrf_token": token(client, "/collect"), "year": year},
        files=[("files", (name, data)) for name, data in files],
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:400]
    where = response.headers["location"]
    client.app.state.collect_jobs.wait(where.rsplit("/", 1)[-1], timeout=120)
    return client.get(where).text


def rows(page: str) -> dict[str, str]:
    body = re.search(r'<table class="list" id="results">(.*?)</table>', page, re.S)[1]
    return {
        m[1].rsplit("/", 1)[-1]: m[2]
        for m in re.finditer(r'<tr data-file="([^"]+)"[^>]*>(.*?)</tr>', body, re.S)
    }


def test_a_supervisor_collects_a_zip_and_gets_one_row_per_file(as_user):
    sup = as_user("county-supervisor")
    package = zipped(
        {
            "清河镇.txt": report_text("示例县清河镇人民政府", 11),
            "石桥乡.txt": report_text("示例县石桥乡人民政府", 12, dt.date(YEAR + 1, 3, 2)),
            "损坏.pdf": b"%PDF-1.7 broken",
        }
    )
    page = upload(sup, [("一月报送.zip", package), ("教育局.txt", report_text("示例县教育局", 13))])
    assert 'data-state="done"' in page
    table = rows(page)
    assert set(table) == {"清河镇.txt", "石桥乡.txt", "损坏.pdf", "教育局.txt"}
    assert "示例县清河镇人民政府" in table["清河镇.txt"]
    assert "第2版" in table["清河镇.txt"]  # the demo store holds version 1 already
    assert "逾期" in table["石桥乡.txt"]
    assert "未存入" in table["损坏.pdf"]
    assert "已存入" in table["教育局.txt"]
    job = re.search(r'<h1 data-job="(\w+)">', page)[1]
    book = load_workbook(io.BytesIO(sup.get(f"/collect/jobs/{job}/results.xlsx").content))
    sheet = [[c.value for c in row] for row in book["收集结果"].iter_rows()]
    assert sheet[0][:4] == ["文件", "报告主体", "所属单位", "年度"]
    by_file = {row[0].rsplit("/", 1)[-1]: row for row in sheet[1:]}
    assert by_file["石桥乡.txt"][8] == "逾期"
    assert by_file["损坏.pdf"][9].startswith("未存入")
    overview = sup.get(f"/overview?year={YEAR}").text
    status = re.search(r"示例县石桥乡人民政府</a></td><td>([^<]+)</td>", overview)
    assert status[1] == "逾期"  # was 未报送 before the batch


def test_an_unmatched_report_is_matched_from_a_list_and_remembered(as_user):
    sup = as_user("county-supervisor")
    page = upload(sup, [("便民中心.txt", report_text("清河镇便民服务中心", 21))])
    row = rows(page)["便民中心.txt"]
    assert "未匹配，请选择" in row
    report = re.search(r'name="report" value="(\d+)"', row)[1]
    collect = sup.get("/collect").text
    assert f'data-report="{report}"' in collect
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    response = sup.post(
        "/collect/match",
        data={
            "csrf_token": token(sup, "/collect"),
            "report": report,
            "unit": units["示例县清河镇人民政府"],
            "back": "/collect",
        },
    )
    assert "已将“清河镇便民服务中心”的报告归入示例县清河镇人民政府" in response.text
    assert f'data-report="{report}"' not in response.text
    again = rows(upload(sup, [("便民中心-更正.txt", report_text("清河镇便民服务中心", 22))]))
    assert "按此前人工指定的单位归入" in again["便民中心-更正.txt"]


def test_a_batch_is_seen_by_every_server_process_and_after_a_restart(as_user):
    from sqlalchemy.orm import Session

    from xxgk.campaign.jobs import results_of
    from xxgk.db import jobs as rows
    from xxgk.jobs import JobRunner

    sup = as_user("county-supervisor")
    page = upload(sup, [("教育局.txt", report_text("示例县教育局", 61))])
    job_id = re.search(r'<h1 data-job="(\w+)">', page)[1]
    engine = sup.app.state.engine
    other_process = JobRunner(engine)  # another server process, or this one restarted
    try:
        assert other_process.interrupted == 0  # a finished batch stays as it ended
        with Session(engine) as session:
            again = rows.get(session, job_id, "collect")
            assert again is not None
            assert again.state == "done"
            assert [r.file for r in results_of(again)] == ["教育局.txt"]
            assert [j.id for j in rows.visible(session, "collect", {again.unit_id})] == [job_id]
            assert rows.visible(session, "collect", {again.unit_id + 1000}) == []
            assert rows.get(session, "../../etc/passwd") is None
    finally:
        other_process.close()


def test_clerks_and_visitors_cannot_collect(as_user, client):
    clerk = as_user("qinghe-clerk")
    assert clerk.get("/collect").status_code == 403
    refused = clerk.post(
        "/collect",
        data={"csrf_token": token(clerk, "/register")},
        files=[("files", ("清河镇.txt", report_text("示例县清河镇人民政府", 31)))],
    )
    assert refused.status_code == 403
    assert "报告收集仅供督查、单位管理员和系统管理员使用" in refused.text
    match = clerk.post(
        "/collect/match", data={"csrf_token": token(clerk, "/register"), "report": "1", "unit": ""}
    )
    assert match.status_code == 403
    assert client.get("/collect", follow_redirects=False).status_code in (303, 401)


def test_a_second_county_sees_nothing_and_stores_nothing_of_the_first(other_county, as_user):
    sup = as_user("county-supervisor")
    first_page = upload(sup, [("不明.txt", report_text("某某服务站", 41))])
    report = re.search(r'name="report" value="(\d+)"', rows(first_page)["不明.txt"])[1]
    job = re.search(r'<h1 data-job="(\w+)">', first_page)[1]
    other = other_county
    assert other.get(f"/collect/jobs/{job}").status_code == 404
    assert other.get(f"/collect/jobs/{job}/results.xlsx").status_code == 404
    page = other.get("/collect").text
    assert "某某服务站" not in page
    assert "示例县" not in page
    first_units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    own = {u["name"]: u["id"] for u in other.get("/api/v1/units").json()}
    csrf = token(other, "/collect")
    into_first = other.post(
        "/collect/match",
        data={"csrf_token": csrf, "report": report, "unit": first_units["示例县清河镇人民政府"]},
    )
    assert into_first.status_code == 404
    steal = other.post(
        "/collect/match",
        data={"csrf_token": csrf, "report": report, "unit": own["另一县东镇人民政府"]},
    )
    assert steal.status_code == 400
    assert "未找到该未匹配报告" in steal.text
    table = rows(upload(other, [("清河镇.txt", report_text("示例县清河镇人民政府", 42))]))
    assert "不是您管辖范围内的单位" in table["清河镇.txt"]


def test_a_file_over_the_upload_limit_is_refused_alone(demo):
    folder, passwords = demo
    good = report_text("示例县教育局", 71)
    with new_client(folder, max_upload_bytes=len(good) + 10) as c:
        login(c, "county-supervisor", passwords["county-supervisor"])
        table = rows(upload(c, [("大文件.txt", good + b"x" * 100), ("教育局.txt", good)]))
    assert "文件超过" in table["大文件.txt"]
    assert "未存入" in table["大文件.txt"]
    assert "已存入" in table["教育局.txt"]
