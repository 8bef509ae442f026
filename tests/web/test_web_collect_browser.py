"""The January collection in Debian's chromium: the county's supervising office uploads one ZIP
of ten units' reports (one file corrupt, one report late, one with errors, one whose 报告主体
names no unit), reads the per-file table, picks the unmatched report's unit from the list, and
the overview then shows for every unit the status the table said.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves collect.png and collect-job.png of docs/web.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import random
import re
import zipfile
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in

from xxgk.model.cells import request_key
from xxgk.render import render
from xxgk.synth import random_report

pytestmark = BROWSER_MARKS
YEAR = dt.date.today().year - 1
NEW_UNITS = (
    ("dongba", "示例县东坝镇人民政府", "township"),
    ("xihe", "示例县西河乡人民政府", "township"),
    ("nanshan", "示例县南山镇人民政府", "township"),
    ("beiling", "示例县北岭乡人民政府", "township"),
    ("caizheng", "示例县财政局", "department"),
    ("weijian", "示例县卫生健康委员会", "department"),
)


def _report(name: str, seed: int, published: dt.date) -> bytes:
    report = random_report(random.Random(seed), organization=name, year=YEAR)
    report.published = published
    return report


def batch() -> bytes:
    """Ten units' reports in one ZIP: 石桥乡 late, 教育局 with a total that does not add up,
    财政局's file corrupt, 卫健委 under a short name no unit has."""
    on_time = dt.date(YEAR + 1, 1, 20)
    reports = {
        "县政府.txt": _report("示例县人民政府", 1, on_time),
        "石桥乡.txt": _report("示例县石桥乡人民政府", 2, dt.date(YEAR + 1, 3, 15)),
        "教育局.txt": _report("示例县教育局", 3, on_time),
        "东坝镇.txt": _report("示例县东坝镇人民政府", 4, on_time),
        "西河乡.txt": _report("示例县西河乡人民政府", 5, on_time),
        "南山镇.txt": _report("示例县南山镇人民政府", 6, on_time),
        "北岭乡.txt": _report("示例县北岭乡人民政府", 7, on_time),
        "清河镇.txt": _report("示例县清河镇人民政府", 8, on_time),
        "卫健委.txt": _report("县卫健委", 9, on_time),
    }
    reports["教育局.txt"].values[request_key("new", "total")] += 7
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, report in reports.items():
            package.writestr(name, render(report, "txt"))
        package.writestr("财政局.docx", b"PK\x03\x04 this docx was cut off in the mail")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("collect")
    with live_server(demo_template, folder, NEW_UNITS) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _shot(page, name: str) -> None:
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _expected(row_text: str) -> str:
    """The status the overview must show for a stored row of the per-file table."""
    cells = row_text.split("\t")
    late, errors = cells[8].strip(), cells[5].strip()
    if late == "逾期":
        return "逾期"
    return "有错误" if errors not in ("", "0") else "已发布按时"


def test_a_supervisor_collects_ten_units_and_the_overview_agrees(server, browser, tmp_path):
    base, passwords = server
    package = tmp_path / "一月报送.zip"
    package.write_bytes(batch())
    page = signed_in(
        browser,
        base,
        passwords,
        "county-supervisor",
        then="/collect",
        viewport={"width": 1280, "height": 900},
    )
    assert "报告收集" in page.inner_text("h1")
    page.set_input_files("input[name=files]", str(package))
    page.fill("input[name=year]", str(YEAR))
    _shot(page, "collect.png")
    page.click("button:has-text('上传并存入报告库')")
    page.wait_for_selector('#job-state[data-state="done"]', timeout=180_000)
    rows = {
        row.get_attribute("data-file").rsplit("/", 1)[-1]: row
        for row in page.locator("#results tbody tr").all()
    }
    assert len(rows) == 10
    assert "未存入" in rows["财政局.docx"].inner_text()
    assert "逾期" in rows["石桥乡.txt"].inner_text()
    errors = rows["教育局.txt"].locator("td").nth(5).inner_text()
    assert int(errors) > 0
    assert "第2版" in rows["教育局.txt"].inner_text()  # the demo store held version 1
    unmatched = rows["卫健委.txt"]
    assert unmatched.locator("select[name=unit]").count() == 1
    _shot(page, "collect-job.png")
    unmatched.locator("select[name=unit]").select_option(label="　示例县卫生健康委员会")
    unmatched.locator("button:has-text('确定')").click()
    page.wait_for_selector("text=已将“县卫健委”的报告归入示例县卫生健康委员会")
    assert "示例县卫生健康委员会" in rows["卫健委.txt"].locator("td").nth(2).inner_text()
    units = {
        "县政府.txt": "示例县人民政府",
        "石桥乡.txt": "示例县石桥乡人民政府",
        "教育局.txt": "示例县教育局",
        "东坝镇.txt": "示例县东坝镇人民政府",
        "西河乡.txt": "示例县西河乡人民政府",
        "南山镇.txt": "示例县南山镇人民政府",
        "北岭乡.txt": "示例县北岭乡人民政府",
        "卫健委.txt": "示例县卫生健康委员会",
    }
    expected = {
        unit: _expected("\t".join(rows[file].locator("td").nth(i).inner_text() for i in range(10)))
        for file, unit in units.items()
    }
    assert expected["示例县石桥乡人民政府"] == "逾期"
    assert expected["示例县教育局"] in ("有错误", "逾期")
    page.goto(f"{base}/overview?year={YEAR}")
    table = page.inner_html("#status-table")
    shown = dict(re.findall(r"<a [^>]*>([^<]+)</a></td><td>([^<]+)</td>", table))
    for unit, status in expected.items():
        assert shown[unit] == status, unit
    assert shown["示例县财政局"] == "未报送"  # its only file was corrupt
