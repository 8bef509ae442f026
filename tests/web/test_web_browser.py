"""End to end in Debian's chromium (Playwright, never a downloaded browser) against uvicorn on
a free localhost port: sign in, register, 补正 and reply with the deadline moving, check an
uploaded report and see a finding highlighted, submit the public application form, see the
charts of 汇总与对比.

With ``XXGK_SCREENSHOTS=<folder>`` the run also saves ``overview.png`` of docs/web.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in
from conftest_paths import SEEDS

from xxgk.examples import example_paths
from xxgk.parse import parse_bytes

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    with live_server(demo_template, tmp_path_factory.mktemp("browser")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def test_web_browser_register_correction_reply(server, browser):
    base, passwords = server
    page = signed_in(browser, base, passwords, "qinghe-clerk")
    page.click("text=登记新申请")
    day = (dt.date.today() - dt.timedelta(days=4)).isoformat()
    page.fill("input[name=arrived_on]", day)
    page.fill("input[name=applicant_name]", "浏览器测试人")
    page.fill("textarea[name=request_text]", "示例县清河镇2026年公共厕所改造清单")
    page.click("button:has-text('登记')")
    page.wait_for_selector("#due-on")
    first = page.inner_text("#due-on")
    page.click("details[data-kind=correction_requested] summary")
    page.click("details[data-kind=correction_requested] button")
    page.wait_for_selector("text=已记录“补正告知”")
    page.click("details[data-kind=correction_received] summary")
    page.click("details[data-kind=correction_received] button")
    page.wait_for_selector("text=已记录“补正收到”")
    second = page.inner_text("#due-on")
    assert second > first
    page.click("details[data-kind=reply] summary")
    page.click("details[data-kind=reply] button")
    page.wait_for_selector("text=已记录“答复”")
    assert "已办结" in page.inner_text("#state")
    page.close()


def test_web_browser_compile_download_docx_and_parse_back(server, browser, tmp_path):
    base, passwords = server
    page = signed_in(browser, base, passwords, "qinghe-reviewer")
    page.goto(f"{base}/compile?year={dt.date.today().year - 1}")
    with page.expect_download() as download:
        page.click("a.button:has-text('DOCX')")
    target = tmp_path / "report.docx"
    download.value.save_as(target)
    report = parse_bytes(target.read_bytes(), name="report.docx")
    assert report.organization == "示例县清河镇人民政府"
    assert report.values["requests.new.total"] == 6
    page.close()


def test_web_browser_upload_report_shows_highlighted_finding(server, browser):
    base, _ = server
    path = next(p for p in example_paths() if p.name == "education-bureau-2024-errors.txt")
    page = browser.new_page()
    page.goto(f"{base}/check")
    page.set_input_files("input[name=files]", str(path))
    page.click("button:has-text('开始检查')")
    cell = page.wait_for_selector("td.error")
    cell.click()
    info = page.wait_for_selector("#cell-info")
    assert "单元格" in info.inner_text()
    page.close()


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
def test_web_browser_upload_seed_report_lists_its_findings(server, browser):
    base, _ = server
    page = browser.new_page()
    page.goto(f"{base}/check")
    page.set_input_files("input[name=files]", str(SEEDS[0]))
    page.click("button:has-text('开始检查')")
    page.wait_for_selector("table[data-table=requests]")
    assert page.query_selector("ol.findings") or page.query_selector("p.ok")
    assert page.inner_text(".counts")
    page.close()


def test_web_browser_public_application(server, browser):
    base, _ = server
    page = browser.new_page()
    page.goto(f"{base}/public/apply")
    page.select_option("select[name=unit]", label="示例县清河镇人民政府")
    page.fill("input[name=applicant_name]", "公众申请人")
    page.fill("input[name=applicant_contact]", "gongzhong@example.org")
    page.fill("textarea[name=request_text]", "清河镇2026年河道整治项目批复")
    page.click("button:has-text('提交申请')")
    receipt = page.wait_for_selector("#receipt").inner_text()
    page.click("text=查询办理状态")
    assert "办理中" in page.inner_text("#status")
    assert receipt
    page.close()


def test_web_browser_overview_draws_its_charts(server, browser):
    base, passwords = server
    page = signed_in(
        browser, base, passwords, "county-supervisor", viewport={"width": 1280, "height": 900}
    )
    page.goto(f"{base}/overview?min_n=20")
    for chart in ("chart-trend", "chart-mix", "chart-ranking"):
        page.wait_for_function(
            f"document.getElementById('{chart}').complete "
            f"&& document.getElementById('{chart}').naturalWidth > 100"
        )
    assert page.inner_text("#ranking")
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / "overview.png"), full_page=True)
    page.close()
