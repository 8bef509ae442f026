"""End to end in Debian's chromium (Playwright) against uvicorn: the author drafts an item, the
reviewer, the confidentiality officer and the leader each sign in and approve it from their
待我处理 list, and the public finds it in the catalogue and by search.

With ``XXGK_SCREENSHOTS=<folder>`` the run also saves the screenshots of docs/web
(``disclosure-item.png``, ``catalogue.png``).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in

TITLE = "清河镇2026年敬老院运营补贴发放情况"
WORD = "运营补贴"
VIEWPORT = {"width": 1280, "height": 900}

pytestmark = BROWSER_MARKS


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    with live_server(demo_template, tmp_path_factory.mktemp("disclosure-browser")) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _shoot(page, name: str) -> None:
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def test_web_browser_draft_three_approvals_public(server, browser):
    base, passwords = server
    page = signed_in(browser, base, passwords, "qinghe-clerk", viewport=VIEWPORT)
    page.click("header nav a:has-text('主动公开')")
    page.click("text=起草新信息")
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=category]", label="财政信息")
    page.check("input[name=channels][value=bulletin]")
    page.fill("textarea[name=body]", f"本年度向镇敬老院发放{WORD}共计18万元，按入住老人数量核定。")
    page.click("button:has-text('保存草稿')")
    page.wait_for_selector("text=已保存草稿")
    page.click("button[data-action=submit]")
    page.wait_for_selector("#state >> text=部门审核")
    item_url = page.url
    page.close()

    for username, state in (
        ("qinghe-reviewer", "保密审查"),
        ("qinghe-secrecy", "领导审批"),
        ("qinghe-leader", "已发布"),
    ):
        page = signed_in(browser, base, passwords, username, viewport=VIEWPORT)
        page.goto(f"{base}/disclosure?view=mine")
        page.click(f"#items a:has-text('{TITLE}')")
        page.click("button[data-action=approve]")
        page.wait_for_selector(f"#state >> text={state}")
        if username == "qinghe-leader":
            assert page.url == item_url
            timeline = page.inner_text("#timeline")
            for what in ("部门审核通过", "保密审查通过", "领导审批签发"):
                assert what in timeline
            _shoot(page, "disclosure-item.png")
        page.close()

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{base}/public/catalogue")
    assert TITLE in page.inner_text("#newest")
    page.click("#units a:has-text('示例县清河镇人民政府')")
    page.click("#tree a:has-text('财政信息')")
    assert TITLE in page.inner_text("#items")
    page.click("#tree a:has-text('法规文件')")
    assert "已废止" in page.inner_text("#items")
    _shoot(page, "catalogue.png")
    page.fill("input[name=q]", WORD)
    page.click("button:has-text('搜索')")
    results = page.wait_for_selector("#results")
    assert TITLE in results.inner_text()
    assert page.locator("#results mark").first.inner_text() == WORD
    page.click(f"#results a:has-text('{TITLE}')")
    assert page.inner_text("#title") == TITLE
    assert WORD in page.inner_text("#body")
    page.close()
