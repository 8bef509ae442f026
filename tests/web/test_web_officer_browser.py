"""A post case from receipt to reply in Debian's chromium: the desk, registering a signed-for
letter, the envelope uploaded, the 登记回执 and 补正告知书 issued and delivered, the corrected
application recorded, the 答复告知书 issued; then the templates, 年报数据 and 报送 pages.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves desk.png, casework.png, letter-templates.png,
annual-inputs.png and filing.png of docs/web.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in

pytestmark = BROWSER_MARKS
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 128


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    with live_server(demo_template, tmp_path_factory.mktemp("officer")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _shot(page, name: str) -> None:
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _issue(page, kind: str, fill: dict[str, str] | None = None) -> None:
    page.click(f"details[data-letter-kind={kind}] summary")
    for selector, value in (fill or {}).items():
        page.fill(f"details[data-letter-kind={kind}] {selector}", value)
    page.click(f"details[data-letter-kind={kind}] button")
    page.wait_for_selector("text=文号")


def test_post_case_from_receipt_to_reply_with_letters_and_files(server, browser, tmp_path):
    base, passwords = server
    page = signed_in(
        browser,
        base,
        passwords,
        "qinghe-clerk",
        then="/desk",
        viewport={"width": 1280, "height": 900},
    )
    assert "工作台" in page.inner_text("h1")
    _shot(page, "desk.png")
    page.goto(f"{base}/register/new")
    arrived = dt.date.today() - dt.timedelta(days=3)
    page.select_option("select[name=channel]", "post_signed")
    page.fill("input[name=arrived_on]", arrived.isoformat())
    page.fill("input[name=signed_on]", arrived.isoformat())
    page.fill("input[name=applicant_name]", "邮寄测试人")
    page.fill("textarea[name=request_text]", "清河镇2026年农村道路养护合同")
    page.click("button:has-text('登记')")
    page.wait_for_selector("#due-on")
    page.click("#casework-link")
    page.wait_for_selector("#upload-form")

    envelope = tmp_path / "信封.png"
    envelope.write_bytes(PNG)
    page.select_option("#upload-form select[name=kind]", "envelope")
    page.set_input_files("#upload-form input[type=file]", str(envelope))
    page.fill("#upload-form input[name=note]", "邮戳日期与签收日期一致")
    page.click("#upload-form button")
    page.wait_for_selector("text=已保存附件")
    assert "信封（邮戳）" in page.inner_text("#files")

    _issue(page, "receipt")
    _issue(page, "correction", {"textarea[name=items]": "请写明合同的签订年份"})
    rows = page.locator("#letters tbody tr")
    assert rows.count() == 2
    numbers = page.inner_text("#letters")
    assert "收〔" in numbers
    assert "补〔" in numbers
    receipt = page.locator("#letters tr[data-letter=receipt]")
    receipt.locator("select[name=method]").select_option("post")
    receipt.locator("input[name=tracking_number]").fill("EMS0001")
    receipt.locator("button:has-text('记录送达')").click()
    page.wait_for_selector("text=EMS0001")

    page.goto(f"{base}/register/applications/" + page.url.split("/")[-2])
    page.click("details[data-kind=correction_received] summary")
    page.click("details[data-kind=correction_received] button")
    page.wait_for_selector("text=已记录“补正收到”")
    page.click("#casework-link")
    _issue(
        page,
        "reply",
        {"input[name=how_to_obtain]": "邮寄纸质文本"},
    )
    assert "复〔" in page.inner_text("#letters")
    with page.expect_download() as download:
        page.locator("#letters tr[data-letter=reply] a:has-text('DOCX')").click()
    assert download.value.suggested_filename.endswith("答复告知书.docx")
    _shot(page, "casework.png")
    page.goto(f"{base}/register/applications/" + page.url.split("/")[-2])
    assert "已办结" in page.inner_text("#state")

    page.goto(f"{base}/letters/templates")
    page.wait_for_selector("#letter-settings")
    _shot(page, "letter-templates.png")
    page.goto(f"{base}/compile/inputs")
    page.wait_for_selector("#yearly-form")
    _shot(page, "annual-inputs.png")
    page.goto(f"{base}/filing")
    page.wait_for_selector("#filing-state")
    _shot(page, "filing.png")
    page.close()
