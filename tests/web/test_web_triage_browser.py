"""The supervising office in Debian's chromium: from 汇总与对比 to a unit's report, marking a
finding 驳回 with a reason, then the 汇总表 page and its XLSX download with the members' status.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves campaign-unit.png and campaign-rollup.png of
docs/web.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in

pytestmark = BROWSER_MARKS
YEAR = dt.date.today().year - 1


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    with live_server(demo_template, tmp_path_factory.mktemp("triage")) as running:
        yield running


def _shot(page, name: str) -> None:
    """Save the top of the page (the tables below repeat the layout of other shots)."""
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(Path(folder) / name))


def test_a_supervisor_triages_a_finding_and_downloads_the_rollup(server, tmp_path):
    from openpyxl import load_workbook

    base, passwords = server
    with chromium() as browser:
        page = signed_in(
            browser,
            base,
            passwords,
            "county-supervisor",
            then=f"/overview?year={YEAR}",
            viewport={"width": 1280, "height": 900},
        )
        page.click("#status-table a:has-text('示例县教育局')")
        page.wait_for_selector("#triage")
        row = page.locator("#triage tbody tr").first
        key = row.get_attribute("data-key")
        assert row.locator("td.mark").inner_text().startswith("未标记")
        row.locator("select[name=verdict]").select_option("dismissed")
        row.locator("input[name=reason]").fill("经核实属统计口径差异，不作更正")
        row.locator("button:has-text('保存标记')").click()
        page.wait_for_selector("text=已将该问题标记为驳回")
        marked = page.locator(f"#triage tr[data-key='{key}']")
        assert marked.get_attribute("data-verdict") == "dismissed"
        assert "经核实属统计口径差异" in marked.locator("td.mark").inner_text()
        _shot(page, "campaign-unit.png")
        page.goto(f"{base}/overview?year={YEAR}")
        page.click("#rollup-link")
        page.wait_for_selector("#member-status")
        status = page.locator("#member-status tr:has-text('示例县交通运输局') td").nth(1)
        assert status.inner_text() == "逾期"
        _shot(page, "campaign-rollup.png")
        with page.expect_download() as info:
            page.click("#download-xlsx")
        path = tmp_path / "rollup.xlsx"
        info.value.save_as(path)
        assert info.value.suggested_filename.endswith("年度汇总表.xlsx")
        book = load_workbook(path)
        listed = {r[0].value: r[1].value for r in book["下级单位报送情况"].iter_rows(min_row=2)}
        assert listed["示例县交通运输局"] == "逾期"
        assert listed["示例县石桥乡人民政府"] == "未报送"
