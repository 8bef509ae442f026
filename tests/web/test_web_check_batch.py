"""The batch check page: a summary table first (one row per file), the detail behind each
row, one XLSX of all results (Chinese headers, formula-safe), and 存入报告库 for a signed-in
supervisor only — visitors and clerks check but never store."""

from __future__ import annotations

import datetime as dt
import io
import random
import re

from openpyxl import load_workbook
from web_support import token

from xxgk.render import render
from xxgk.synth import random_report

YEAR = dt.date.today().year - 1


def report_text(organization: str, seed: int) -> bytes:
    report = random_report(random.Random(seed), organization=organization, year=YEAR)
    report.published = dt.date(YEAR + 1, 1, 10)
    return render(report, "txt")


def check(client, files: list[tuple[str, bytes]]):
    return client.post(
        "/check",
        data={"csrf_token": token(client, "/check")},
        files=[("files", f) for f in files],
    )


def posted(page: str, form_id: str) -> dict[str, list[str]]:
    """The fields a form of the page posts (hidden inputs and hidden textareas)."""
    import html

    form = re.search(rf'<form [^>]*id="{form_id}"[^>]*>(.*?)</form>', page, re.S)[1]
    fields: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form):
        fields.setdefault(name, []).append(html.unescape(value))
    for name, value in re.findall(r'<textarea name="(\w+)" hidden>(.*?)</textarea>', form, re.S):
        fields.setdefault(name, []).append(html.unescape(value))
    return fields


FILES = [
    ("清河镇.txt", report_text("示例县清河镇人民政府", 51)),
    ("损坏.docx", b"PK\x03\x04 broken"),
    ("公式.txt", report_text('=HYPERLINK("http://x")局', 52)),
]


def test_the_summary_comes_first_with_a_row_per_file_and_links_to_the_detail(as_user):
    sup = as_user("county-supervisor")
    page = check(sup, FILES).text
    assert page.index('id="summary"') < page.index('class="result card"')
    summary = re.search(r'<table class="list" id="summary">(.*?)</table>', page, re.S)[1]
    rows = re.findall(r'<tr data-file="([^"]+)">(.*?)</tr>', summary, re.S)
    assert [name for name, _ in rows] == ["清河镇.txt", "损坏.docx", "公式.txt"]
    assert "示例县清河镇人民政府" in rows[0][1]
    assert f"<td>{YEAR}</td>" in rows[0][1]
    assert "无法读取" in rows[1][1]
    for i in (1, 2, 3):
        assert f'href="#file-{i}"' in summary
        assert f'id="file-{i}"' in page


def test_all_results_download_as_one_formula_safe_workbook(as_user):
    sup = as_user("county-supervisor")
    page = check(sup, FILES).text
    fields = posted(page, "results-download")
    response = sup.post("/check/results.xlsx", data=fields)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows()]
    assert summary[0][:5] == ["文件", "报告主体", "年度", "错误", "警告"]
    assert "未读出单元格" in summary[0]
    assert [r[0] for r in summary[1:]] == ["清河镇.txt", "损坏.docx", "公式.txt"]
    assert summary[2][-1].startswith("无法读取")
    formula = book["汇总"]["B4"]
    assert formula.value.startswith("=HYPERLINK")
    assert formula.data_type == "s"  # the name is text, never a formula
    assert formula.quotePrefix
    findings = [[c.value for c in row] for row in book["检查发现"].iter_rows()]
    assert findings[0] == ["文件", "报告主体", "级别", "问题", "说明", "位置", "涉及单元格"]


def test_a_supervisor_stores_the_checked_reports(as_user):
    sup = as_user("county-supervisor")
    page = check(sup, FILES[:2]).text
    assert "存入报告库" in page
    response = sup.post("/check/store", data=posted(page, "store-form"), follow_redirects=False)
    assert response.status_code == 303
    where = response.headers["location"]
    assert where.startswith("/collect/jobs/")
    sup.app.state.collect_jobs.wait(where.rsplit("/", 1)[-1], timeout=120)
    result = sup.get(where).text
    assert re.search(r'data-file="清河镇.txt" data-stored="yes"', result)
    assert re.search(r'data-file="损坏.docx" data-stored="no"', result)


def test_visitors_and_clerks_check_but_never_store(client, as_user):
    page = check(client, FILES[:1]).text
    assert "存入报告库" not in page
    assert 'id="summary"' not in page  # one file: the detail alone
    fields = {
        "name": ["清河镇.txt"],
        "report_json": [""],
        "error": ["x"],
        "csrf_token": token(client, "/check"),
    }
    refused = client.post("/check/store", data=fields, follow_redirects=False)
    assert refused.status_code in (303, 401)
    clerk = as_user("qinghe-clerk")
    page = check(clerk, FILES[:2]).text
    assert 'id="store-form"' not in page
    fields = posted(page, "results-download")
    refused = clerk.post("/check/store", data=fields)
    assert refused.status_code == 403
    assert "存入报告库仅供督查、单位管理员和系统管理员使用" in refused.text
