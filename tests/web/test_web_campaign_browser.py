"""The whole January campaign of a county's supervising office in Debian's chromium, as issue
#16 asks: ten fictional units, one ZIP with one corrupt file, one unit that never reports, one
late, one with errors that is sent back and corrected (a new version in the store); a finding
of that unit marked 驳回 with a reason follows it into the corrected version because its cells
did not change; the 汇总表 downloaded as XLSX and DOCX and checked cell by cell against the sum
of the members' reports; and the overview's one status per unit agrees with its counts, with
every unit's drill-down and with the roll-up's member list and downloads.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves campaign-versions.png of docs/web (the two
versions of the corrected report compared).

The reports are made by ``xxgk.synth`` and rendered by ``xxgk.render``, so the expected sum is
computed here from the very reports that were uploaded, not read back from xxgk's store.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import random
import re
import zipfile
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in

from xxgk.model.cells import CELL_KEYS, request_key
from xxgk.model.report import Report
from xxgk.parse import parse_bytes
from xxgk.render import render
from xxgk.synth import random_report

pytestmark = BROWSER_MARKS
YEAR = dt.date.today().year - 1
ON_TIME = dt.date(YEAR + 1, 1, 20)
NEW_UNITS = (
    ("dongba", "示例县东坝镇人民政府", "township"),
    ("xihe", "示例县西河乡人民政府", "township"),
    ("nanshan", "示例县南山镇人民政府", "township"),
    ("beiling", "示例县北岭乡人民政府", "township"),
    ("caizheng", "示例县财政局", "department"),
    ("weijian", "示例县卫生健康委员会", "department"),
)
#: The members that report in the January batch (file name → unit; seed = position).
SENT = {
    "清河镇.txt": "示例县清河镇人民政府",
    "石桥乡.txt": "示例县石桥乡人民政府",
    "交通运输局.txt": "示例县交通运输局",
    "教育局.txt": "示例县教育局",
    "东坝镇.txt": "示例县东坝镇人民政府",
    "西河乡.txt": "示例县西河乡人民政府",
    "南山镇.txt": "示例县南山镇人民政府",
    "卫健委.txt": "示例县卫生健康委员会",
}
LATE = "示例县石桥乡人民政府"
WRONG = "示例县教育局"
MISSING = "示例县北岭乡人民政府"  # sends nothing
BROKEN = "示例县财政局"  # its only file is corrupt
REVIEW_TOTAL = "review_litigation.review.total"
DISMISSAL = "经核实复议案件系本年受理、次年审结，统计口径无误"


def _reports() -> dict[str, Report]:
    """The batch's reports: 石桥乡 published late; 教育局 with two errors, a total of 新收申请
    that does not add up (to be corrected) and a 行政复议 total without results (to be 驳回)."""
    reports = {}
    for seed, (file, unit) in enumerate(SENT.items(), start=1):
        report = random_report(random.Random(seed), organization=unit, year=YEAR)
        report.published = dt.date(YEAR + 1, 3, 15) if unit == LATE else ON_TIME
        reports[file] = report
    wrong = reports["教育局.txt"]
    wrong.values[request_key("new", "total")] += 7
    wrong.values[REVIEW_TOTAL] += 3
    return reports


def _corrected(wrong: Report) -> Report:
    """教育局's corrected report: the 新收申请 total fixed, the 行政复议 cells unchanged."""
    fixed = copy.deepcopy(wrong)
    fixed.values[request_key("new", "total")] -= 7
    return fixed


def _zip(reports: dict[str, Report]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, report in reports.items():
            package.writestr(name, render(report, "txt"))
        package.writestr("财政局.docx", b"PK\x03\x04 this docx was cut off in the mail")
    return buffer.getvalue()


def _sum(reports: list[Report]) -> dict[str, int | Decimal]:
    """The members' cell-by-cell sum (fees in yuan with decimals), computed here independently
    of xxgk.aggregate."""
    return {key: sum((r.values.get(key) or 0 for r in reports), start=0) for key in CELL_KEYS}


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("campaign")
    with live_server(demo_template, folder, NEW_UNITS) as running:
        yield running


def _collect(page, base: str, path: Path) -> dict[str, object]:
    """Upload ``path`` on 报告收集 and return the per-file table's rows by file name."""
    page.goto(f"{base}/collect")
    page.set_input_files("input[name=files]", str(path))
    page.fill("input[name=year]", str(YEAR))
    page.click("button:has-text('上传并存入报告库')")
    page.wait_for_selector('#job-state[data-state="done"]', timeout=120_000)
    return {
        row.get_attribute("data-file").rsplit("/", 1)[-1]: row
        for row in page.locator("#results tbody tr").all()
    }


def _overview(page, base: str) -> dict[str, tuple[str, str]]:
    """The overview's status table: unit → (status key, label); its counts must agree."""
    page.goto(f"{base}/overview?year={YEAR}")
    table: dict[str, tuple[str, str]] = {}
    for row in page.locator("#status-table tbody tr").all():
        cells = row.locator("td")
        table[cells.nth(0).inner_text()] = (
            row.get_attribute("data-status"),
            cells.nth(1).inner_text(),
        )
    counted = {
        span.get_attribute("data-status"): int(re.sub(r"\D", "", span.inner_text()))
        for span in page.locator("#status-counts span").all()
    }
    tallied = Counter(key for key, _ in table.values())
    assert {k: n for k, n in counted.items() if n} == dict(tallied), (counted, tallied)
    return table


def _drilled(page, base: str) -> dict[str, str]:
    """The status key each unit's own page shows, reached by the overview's links."""
    page.goto(f"{base}/overview?year={YEAR}")
    links = {
        a.inner_text(): a.get_attribute("href")
        for a in page.locator("#status-table td:first-child a").all()
    }
    shown = {}
    for unit, href in links.items():
        page.goto(f"{base}{href}")
        shown[unit] = page.get_attribute("#unit-status", "data-status")
    return shown


def _shot(page, name: str, anchor: str) -> None:
    """Save the part of the page from ``anchor`` on (XXGK_SCREENSHOTS=<folder>)."""
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.locator(anchor).scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -80)")
        page.screenshot(path=str(Path(folder) / name))


def _finding(page, cell: str):
    return page.locator(f"#triage tbody tr[data-cells~='{cell}']")


def _download(page, selector: str, target: Path) -> bytes:
    with page.expect_download() as info:
        page.click(selector)
    info.value.save_as(target)
    return target.read_bytes()


def _assert_sum(document: Report, expected: dict[str, int | Decimal], what: str) -> None:
    wrong = {
        key: (document.values.get(key), want)
        for key, want in expected.items()
        if (document.values.get(key) or 0) != want
    }
    assert not wrong, f"{what}: cells differ from the members' sum: {sorted(wrong.items())[:8]}"


def test_a_county_runs_its_january_campaign_in_the_browser(server, tmp_path):
    from docx import Document
    from openpyxl import load_workbook

    base, passwords = server
    reports = _reports()
    january = tmp_path / "一月报送.zip"
    january.write_bytes(_zip(reports))
    with chromium() as browser:
        page = signed_in(
            browser,
            base,
            passwords,
            "county-supervisor",
            then="/collect",
            viewport={"width": 1280, "height": 900},
        )
        # 1. Collect: one corrupt file refuses only itself.
        rows = _collect(page, base, january)
        assert len(rows) == len(SENT) + 1
        assert "未存入" in rows["财政局.docx"].inner_text()
        assert "逾期" in rows["石桥乡.txt"].inner_text()
        assert int(rows["教育局.txt"].locator("td").nth(5).inner_text()) >= 2
        for file in SENT:
            assert rows[file].get_attribute("data-stored") == "yes", file

        # 2. Who is missing, late or wrong: one status per unit, counts agree. The batch's
        # page leads to the overview of the reports' year.
        page.click(f".overview-link[data-year='{YEAR}']")
        page.wait_for_selector("#status-table")
        assert page.input_value("input[name=year]") == str(YEAR)
        table = _overview(page, base)
        members = {name for _, name, _ in NEW_UNITS} | set(SENT.values())
        assert members <= set(table)
        assert table[MISSING][1] == "未报送"
        assert table[BROKEN][1] == "未报送"
        assert table[LATE][1] == "逾期"
        assert table[WRONG][1] == "有错误"

        # 3. Triage: 驳回 the 行政复议 finding of 教育局 with a reason.
        page.click(f"#status-table a:text-is('{WRONG}')")
        page.wait_for_selector("#triage")
        review = _finding(page, REVIEW_TOTAL)
        assert review.count() == 1
        review.locator("select[name=verdict]").select_option("dismissed")
        review.locator("input[name=reason]").fill(DISMISSAL)
        review.locator("button:has-text('保存标记')").click()
        page.wait_for_selector("text=已将该问题标记为驳回")
        assert _finding(page, REVIEW_TOTAL).get_attribute("data-verdict") == "dismissed"
        assert _finding(page, request_key("new", "total")).count() >= 1

        # 4. Sent back and corrected: the corrected report is a new version of 教育局.
        fixed = _corrected(reports["教育局.txt"])
        corrected = tmp_path / "教育局（更正）.txt"
        corrected.write_bytes(render(fixed, "txt"))
        again = _collect(page, base, corrected)
        (row,) = again.values()
        assert row.get_attribute("data-stored") == "yes"
        version = int(re.search(r"第(\d+)版", row.inner_text())[1])
        assert version >= 3  # the demo's version, the January one, the correction
        page.click(f"#results a:text-is('{WRONG}')")
        page.wait_for_selector("#versions")
        assert page.locator("#versions tbody tr").count() == version
        assert _finding(page, request_key("new", "total")).count() == 0  # corrected
        carried = _finding(page, REVIEW_TOTAL)
        assert carried.get_attribute("data-verdict") == "dismissed"
        assert DISMISSAL in carried.locator("td.mark").inner_text()
        reports["教育局.txt"] = fixed
        page.select_option("#compare-versions select[name=a]", str(version - 1))
        page.select_option("#compare-versions select[name=b]", str(version))
        page.click("#compare-versions button")
        page.wait_for_selector("#versions-diff")
        changed = page.locator("#versions-diff tbody tr")
        assert [r.get_attribute("data-cell") for r in changed.all()] == [
            request_key("new", "total")
        ]
        assert "7" in changed.locator("td").nth(3).inner_text()
        _shot(page, "campaign-versions.png", "#versions")

        # 5. One status per unit, everywhere on the page and in every unit's drill-down.
        table = _overview(page, base)
        assert _drilled(page, base) == {unit: key for unit, (key, _) in table.items()}

        # 6. The roll-up: its member list agrees; the downloads hold the members' sum.
        page.goto(f"{base}/overview?year={YEAR}")
        page.click("#rollup-link")
        page.wait_for_selector("#member-status")
        listed = {
            r.locator("td").nth(0).inner_text(): r.get_attribute("data-status")
            for r in page.locator("#member-status tbody tr").all()
        }
        assert listed == {unit: table[unit][0] for unit in listed}
        assert set(listed) == members
        expected = _sum(list(reports.values()))
        xlsx = _download(page, "#download-xlsx", tmp_path / "汇总表.xlsx")
        docx = _download(page, "#download-docx", tmp_path / "汇总表.docx")

    _assert_sum(parse_bytes(xlsx, name="汇总表.xlsx"), expected, "XLSX")
    _assert_sum(parse_bytes(docx, name="汇总表.docx"), expected, "DOCX")
    book = load_workbook(io.BytesIO(xlsx))
    status_sheet = {r[0].value: r[1].value for r in book["下级单位报送情况"].iter_rows(min_row=2)}
    assert status_sheet == {unit: table[unit][1] for unit in members}
    last = Document(io.BytesIO(docx)).tables[-1]
    in_docx = {row.cells[0].text: row.cells[1].text for row in last.rows[1:]}
    assert in_docx == status_sheet
