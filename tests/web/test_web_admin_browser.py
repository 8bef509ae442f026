"""系统管理 in Debian's chromium, as the county's unit administrator: add a unit, add a user to
it (one-time password), the user signs in and must change it, reset the password, unlock the
throttled account, and find all of it in the audit log viewer; then the leader's published years.

With ``XXGK_SCREENSHOTS=<folder>`` the run saves admin-units.png, admin-unit.png,
admin-users.png, admin-password.png, admin-audit.png and admin-years.png of docs/web.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_support import BROWSER_MARKS, chromium, live_server, signed_in
from sqlalchemy.orm import Session

from xxgk.db import make_engine
from xxgk.db.logins import LoginRefused, authenticate

pytestmark = BROWSER_MARKS
NEW_PASSWORD = "Nanhu-taizhang-2026"
VIEW = {"width": 1280, "height": 900}


@pytest.fixture(scope="module")
def server(demo_template, tmp_path_factory):
    folder = tmp_path_factory.mktemp("admin")
    with live_server(demo_template, folder) as (base, passwords):
        yield base, passwords, folder


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


def _shot(page, name: str) -> None:
    folder = os.environ.get("XXGK_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / name), full_page=True)


def _throttle(folder: Path, username: str) -> None:
    """Six wrong passwords for ``username`` from six addresses: the account is throttled (and
    this browser's address is not)."""
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    try:
        with Session(engine) as session:
            for number in range(6):
                with pytest.raises(LoginRefused):
                    authenticate(session, username, "wrong-guess", f"10.9.0.{number}")
    finally:
        engine.dispose()


def _sign_in(browser, base: str, username: str, password: str):
    page = browser.new_page(viewport=VIEW)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/desk")
    return page


def test_add_a_unit_and_a_user_reset_unlock_and_find_it_in_the_audit_log(server, browser):
    base, passwords, folder = server
    page = signed_in(browser, base, passwords, "county-admin", then="/desk", viewport=VIEW)
    page.click("nav a:has-text('系统管理')")
    page.click("#admin-nav a:has-text('单位')")
    page.fill("#unit-add input[name=code]", "nanhu")
    page.fill("#unit-add input[name=name]", "示例县南湖镇人民政府")
    page.select_option("#unit-add select[name=kind]", "township")
    page.fill("#unit-add input[name=division_code]", "659999003")
    page.click("#unit-add button")
    page.wait_for_selector("text=已新增单位：示例县南湖镇人民政府")
    assert "次年1月31日前（地方规定未设置，按默认）" in page.inner_text("#deadline")
    _shot(page, "admin-unit.png")
    page.goto(f"{base}/admin/units")
    assert "示例县南湖镇人民政府" in page.inner_text("#unit-tree")
    _shot(page, "admin-units.png")

    page.click("#admin-nav a:has-text('人员')")
    page.fill("#user-add input[name=username]", "nanhu-clerk")
    page.fill("#user-add input[name=display_name]", "南湖镇录入员")
    page.select_option("#user-add select[name=role]", "clerk")
    page.select_option("#user-add select[name=unit]", label="　示例县南湖镇人民政府")
    page.click("#user-add button")
    first = page.inner_text("#one-time-password")
    assert len(first) >= 10

    clerk = _sign_in(browser, base, "nanhu-clerk", first)
    clerk.goto(f"{base}/password")
    assert "系统生成的初始密码" in clerk.inner_text("main")  # must be changed first
    clerk.fill("input[name=current]", first)
    clerk.fill("input[name=new]", NEW_PASSWORD)
    clerk.fill("input[name=again]", NEW_PASSWORD)
    clerk.click("button:has-text('修改密码')")
    clerk.wait_for_selector("text=密码已修改")
    clerk.close()

    page.goto(f"{base}/admin/users")
    page.click("tr[data-user=nanhu-clerk] summary")
    page.click("tr[data-user=nanhu-clerk] .reset-form button")
    second = page.inner_text("#one-time-password")
    assert second != first
    _shot(page, "admin-password.png")

    _throttle(folder, "nanhu-clerk")
    page.goto(f"{base}/admin/users")
    assert "登录已锁定" in page.inner_text("tr[data-user=nanhu-clerk]")
    _shot(page, "admin-users.png")
    page.click("tr[data-user=nanhu-clerk] summary")
    page.click("tr[data-user=nanhu-clerk] .unlock-form button")
    page.wait_for_selector("text=已解除nanhu-clerk的登录锁定")
    assert "登录已锁定" not in page.inner_text("tr[data-user=nanhu-clerk]")

    again = _sign_in(browser, base, "nanhu-clerk", second)
    again.goto(f"{base}/password")
    assert "系统生成的初始密码" in again.inner_text("main")  # the reset one is one-time too
    again.close()

    page.click("#admin-nav a:has-text('审计日志')")
    assert "日志完整性校验通过" in page.inner_text("#chain-status")
    page.fill("#audit-filter input[name=actor]", "county-admin")
    page.click("#audit-filter button")
    actions = page.inner_text("#audit-rows")
    for label in ("新增", "设置密码", "解除登录锁定"):
        assert label in actions
    page.select_option("#audit-filter select[name=unit]", label="　示例县南湖镇人民政府")
    page.fill("#audit-filter input[name=actor]", "")
    page.click("#audit-filter button")
    rows = page.inner_text("#audit-rows")
    assert "示例县南湖镇人民政府" in rows  # the unit's creation
    assert "nanhu-clerk" in rows  # the user's own sign-in
    _shot(page, "admin-audit.png")


def test_the_leader_reopens_the_published_year_with_a_reason(server, browser):
    base, passwords, _ = server
    page = signed_in(browser, base, passwords, "qinghe-leader", then="/admin/years", viewport=VIEW)
    section = page.locator("section.year[data-unit=qinghe]").first
    section.locator("input[name=reason]").fill("漏登一件申请，需更正表三")
    section.locator("button").click()
    page.wait_for_selector("text=已重新打开示例县清河镇人民政府")
    assert "漏登一件申请，需更正表三" in page.inner_text("section.year[data-unit=qinghe]")
    _shot(page, "admin-years.png")
