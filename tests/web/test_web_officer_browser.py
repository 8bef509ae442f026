"""A post case from receipt to reply in Debian's chromium: the desk, registering a signed-for
letter, the envelope uploaded, the 登记回执 and 补正告知书 issued and delivered, the corrected
application recorded, the 答复告知书 issued; then the templates, 年报数据 and 报送 pages; and the
filing gate in the browser: blocked, completed, returned by the county, accepted, published.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves desk.png, casework.png, letter-templates.png,
annual-inputs.png, filing.png and filing-published.png of docs/web.
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


def _state(page) -> str:
    return page.get_attribute("#filing-state", "data-state") or ""


def _complete_narratives(page, base: str, unit: int, year: int) -> None:
    """The three text sections, written through the API in the officer's own session."""
    csrf = page.request.get(f"{base}/api/v1/me").json()["csrf_token"]
    texts = {
        "overview": "本镇坚持以公开为常态，全年主动公开政府信息，依法办理政府信息公开申请。",
        "problems": "存在的主要问题是公开内容不够全面，改进措施是加强培训和审核。",
        "other": "本年度没有产生信息处理费。无其他需要报告的事项。",
    }
    for section, text in texts.items():
        r = page.request.post(
            f"{base}/compile/narrative",
            form={"csrf_token": csrf, "unit": str(unit), "year": str(year), "section": section,
                  "text": text},
        )  # fmt: skip
        assert r.ok


def test_filing_gate_blocked_returned_accepted_published(server, browser):
    """The year's report filed in the browser: blocked while values are missing (each with its
    link), completed, submitted, returned by the county with a reason, submitted again,
    accepted, and published by the reviewer."""
    base, passwords = server
    year = dt.date.today().year - 2  # a past year nobody has filed yet
    clerk = signed_in(browser, base, passwords, "qinghe-clerk", then="/desk")
    clerk.goto(f"{base}/filing?year={year}")
    unit = int(clerk.get_attribute("#submit-form input[name=unit]", "value") or 0)
    assert _state(clerk) == "draft"
    assert clerk.locator("#filing-errors li").count() > 0
    assert clerk.is_disabled("#submit-form button")
    clerk.locator("#filing-errors a", has_text="年报数据").first.click()
    clerk.wait_for_selector("#yearly-form")
    for key in ("licensing", "punishment", "enforcement", "fees"):
        clerk.fill(f"#yearly-form input[name={key}]", "0")
        clerk.fill(f"#yearly-form input[name=source_{key}]", "业务系统年度统计")
    clerk.click("#yearly-form button")
    clerk.wait_for_selector("text=项年度数据")
    _complete_narratives(clerk, base, unit, year)
    clerk.goto(f"{base}/filing?unit={unit}&year={year}")
    assert clerk.locator("#filing-errors").count() == 0, clerk.inner_text("#filing-errors")
    if clerk.locator("#submit-form input[name=acknowledge]").count():
        clerk.check("#submit-form input[name=acknowledge]")
    clerk.click("#submit-form button")
    clerk.wait_for_selector("text=已报送")
    assert _state(clerk) == "submitted"

    county = signed_in(browser, base, passwords, "county-supervisor", then="/desk")
    county.goto(f"{base}/filing?unit={unit}&year={year}")
    row = county.locator("#filing-history tr[data-state=submitted]")
    row.locator("input[name=reason]").fill("请补充说明行政事业性收费的统计口径")
    row.locator("button[value=return]").click()
    county.wait_for_selector("text=已退回")
    assert _state(county) == "returned"

    clerk.goto(f"{base}/filing?unit={unit}&year={year}")
    assert "请补充说明行政事业性收费的统计口径" in clerk.inner_text("#filing-history")
    if clerk.locator("#submit-form input[name=acknowledge]").count():
        clerk.check("#submit-form input[name=acknowledge]")
    clerk.click("#submit-form button")
    clerk.wait_for_selector("text=第2次报送")

    county.goto(f"{base}/filing?unit={unit}&year={year}")
    county.locator("#filing-history tr[data-state=submitted] button[value=accept]").click()
    county.wait_for_selector("text=已审核通过")
    assert _state(county) == "accepted"
    assert clerk.locator("#publish-form").count() == 0  # a 录入员 does not publish

    reviewer = signed_in(browser, base, passwords, "qinghe-reviewer", then="/desk")
    reviewer.goto(f"{base}/filing?unit={unit}&year={year}")
    reviewer.click("#publish-form button")
    reviewer.wait_for_selector(f"text=已发布{year}年度报告")
    assert _state(reviewer) == "published"
    assert reviewer.locator("#filing-errors").count() == 0  # nothing left to fix once published
    history = reviewer.inner_text("#filing-history")
    assert "已退回" in history
    assert "已发布" in history
    _shot(reviewer, "filing-published.png")

    # a correction: reopened with a reason, filed and accepted again, published as version 2
    assert reviewer.locator("#reopen-form").count() == 0  # the 分管领导 decides a reopening
    leader = signed_in(browser, base, passwords, "qinghe-leader", then="/desk")
    leader.goto(f"{base}/filing?unit={unit}&year={year}")
    leader.click("text=发现错误，需要更正")
    leader.fill("#reopen-form input[name=reason]", "漏登一件申请，表三需更正")
    leader.click("#reopen-form button")
    leader.wait_for_selector(f"text=已重新打开{year}年度")
    assert _state(leader) == "reopened"
    leader.close()
    clerk.goto(f"{base}/filing?unit={unit}&year={year}")
    if clerk.locator("#submit-form input[name=acknowledge]").count():
        clerk.check("#submit-form input[name=acknowledge]")
    clerk.click("#submit-form button")
    clerk.wait_for_selector("text=第3次报送")
    county.goto(f"{base}/filing?unit={unit}&year={year}")
    county.locator("#filing-history tr[data-state=submitted] button[value=accept]").click()
    county.wait_for_selector("text=已审核通过")
    reviewer.goto(f"{base}/filing?unit={unit}&year={year}")
    reviewer.fill("#publish-form input[name=correction]", "补登一件申请，更正表三")
    reviewer.click("#publish-form button")
    reviewer.wait_for_selector(f"text=已发布{year}年度报告")
    assert _state(reviewer) == "published"
    assert reviewer.locator("#filing-history tr[data-state=published]").count() == 2
    for page in (clerk, county, reviewer):
        page.close()
