"""Retake the screenshots of docs/web from the demo, in Debian's chromium.

    .venv/bin/python scripts/screenshots.py [docs/web]

Starts ``xxgk serve --demo`` in a temporary folder on a free port, signs in as the demo users
whose work each page shows, and saves one PNG per page (1280 pixels wide). The browser tests
take three of them too (``XXGK_SCREENSHOTS``); this script takes them all, so the pictures in
the docs show the same application as the code.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from xxgk.demo.server import demo_server

CHROMIUM = "/usr/bin/chromium"
EXAMPLES = Path(__file__).resolve().parents[1] / "src" / "xxgk" / "examples"


def main(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with (
        tempfile.TemporaryDirectory(prefix="xxgk-shots-") as tmp,
        demo_server(Path(tmp)) as (port, passwords),
        sync_playwright() as p,
    ):
        base = f"http://127.0.0.1:{port}"
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--headless"])
        _public(browser, base, out)
        _officer(browser, base, passwords, out)
        _supervisor(browser, base, passwords, out)
        _collect(browser, base, passwords, out, Path(tmp))
        _admin(browser, base, passwords, out)
        browser.close()
    print(f"screenshots written to {out}")


def _page(browser, width: int = 1280, height: int = 900) -> Page:
    return browser.new_page(viewport={"width": width, "height": height})


def _login(browser, base: str, passwords: dict[str, str], user: str) -> Page:
    page = _page(browser)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", passwords[user])
    page.click("button:has-text('登录')")
    page.wait_for_load_state()
    return page


def _public(browser, base: str, out: Path) -> None:
    page = _page(browser)
    page.goto(f"{base}/public")
    page.screenshot(path=out / "public.png")
    page.goto(f"{base}/public/apply")
    page.screenshot(path=out / "public-apply.png")
    page.goto(f"{base}/public/catalogue")
    page.screenshot(path=out / "catalogue.png", full_page=True)
    page.goto(f"{base}/check")
    page.set_input_files("input[name=files]", str(EXAMPLES / "education-bureau-2024-errors.txt"))
    page.click("button:has-text('开始检查')")
    page.wait_for_load_state()
    marked = page.locator("td.error").first
    marked.scroll_into_view_if_needed()
    marked.click()
    page.wait_for_timeout(200)
    page.screenshot(path=out / "check.png")
    page.close()


def _officer(browser, base: str, passwords: dict[str, str], out: Path) -> None:
    page = _login(browser, base, passwords, "qinghe-clerk")
    page.goto(f"{base}/register")
    page.screenshot(path=out / "register.png")
    page.locator("table a[href^='/register/applications/']").first.click()
    page.wait_for_load_state()
    page.screenshot(path=out / "application.png", full_page=True)
    page.goto(f"{base}/compile")
    page.screenshot(path=out / "compile.png")
    page.goto(f"{base}/disclosure")
    page.screenshot(path=out / "disclosure-list.png", full_page=True)
    page.close()
    leader = _login(browser, base, passwords, "qinghe-leader")
    leader.goto(f"{base}/disclosure?view=mine")
    leader.locator("#items a").first.click()
    leader.wait_for_load_state()
    leader.screenshot(path=out / "disclosure-item.png", full_page=True)
    leader.close()


def _supervisor(browser, base: str, passwords: dict[str, str], out: Path) -> None:
    page = _login(browser, base, passwords, "county-supervisor")
    page.goto(f"{base}/overview")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=out / "overview.png", full_page=True)
    _campaign(page, base, out)
    page.close()


def _campaign(page: Page, base: str, out: Path) -> None:
    """The drill-down with a finding marked 驳回, then the 汇总表 page of the county."""
    page.click("#status-table a:has-text('示例县教育局')")
    page.wait_for_selector("#triage")
    row = page.locator("#triage tbody tr").first
    row.locator("select[name=verdict]").select_option("dismissed")
    row.locator("input[name=reason]").fill("经核实属统计口径差异，不作更正")
    row.locator("button:has-text('保存标记')").click()
    page.wait_for_selector("text=已将该问题标记为驳回")
    page.screenshot(path=out / "campaign-unit.png")
    page.goto(f"{base}/overview")
    page.click("#rollup-link")
    page.wait_for_selector("#member-status")
    page.screenshot(path=out / "campaign-rollup.png")


def _collect_zip(folder: Path) -> Path:
    """A ZIP of the demo county's reports as they arrive in January: 石桥乡 late, one file
    cut off in the mail, one under a name that matches no unit."""
    import datetime as dt
    import random
    import zipfile

    from xxgk.render import render
    from xxgk.synth import random_report

    year = dt.date.today().year - 1
    names = {
        "县政府.txt": ("示例县人民政府", dt.date(year + 1, 1, 20)),
        "石桥乡.txt": ("示例县石桥乡人民政府", dt.date(year + 1, 3, 15)),
        "教育局.txt": ("示例县教育局", dt.date(year + 1, 1, 25)),
        "便民中心.txt": ("清河镇便民服务中心", dt.date(year + 1, 1, 22)),
    }
    path = folder / "一月报送.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for i, (file, (name, published)) in enumerate(names.items()):
            report = random_report(random.Random(i), organization=name, year=year)
            report.published = published
            package.writestr(file, render(report, "txt"))
        package.writestr("交通局.docx", b"PK\x03\x04 cut off")
    return path


def _collect(browser, base: str, passwords: dict[str, str], out: Path, tmp: Path) -> None:
    """报告收集: the form, a finished batch with its per-file table, and the batch check."""
    page = _login(browser, base, passwords, "county-supervisor")
    package = _collect_zip(tmp)
    page.goto(f"{base}/collect")
    page.set_input_files("input[name=files]", str(package))
    page.screenshot(path=out / "collect.png")
    page.click("button:has-text('上传并存入报告库')")
    page.wait_for_selector('#job-state[data-state="done"]', timeout=180_000)
    page.screenshot(path=out / "collect-job.png", full_page=True)
    page.goto(f"{base}/check")
    page.set_input_files(
        "input[name=files]",
        [
            str(EXAMPLES / name)
            for name in (
                "education-bureau-2024-errors.txt",
                "county-government-2024.txt",
                "qinghe-town-2024.txt",
            )
        ],
    )
    page.click("button:has-text('开始检查')")
    page.wait_for_load_state()
    page.screenshot(path=out / "check-batch.png")
    page.close()


def _admin(browser, base: str, passwords: dict[str, str], out: Path) -> None:
    """系统管理 as the county's unit administrator (last: it resets a password), and the
    published years as the township's leader."""
    page = _login(browser, base, passwords, "county-admin")
    page.goto(f"{base}/admin/units")
    page.screenshot(path=out / "admin-units.png", full_page=True)
    page.click("#unit-tree a:has-text('清河镇')")
    page.wait_for_load_state()
    page.screenshot(path=out / "admin-unit.png", full_page=True)
    page.goto(f"{base}/admin/users")
    page.screenshot(path=out / "admin-users.png", full_page=True)
    page.click("tr[data-user=qinghe-clerk] summary")
    page.click("tr[data-user=qinghe-clerk] .reset-form button")
    page.wait_for_load_state()
    page.screenshot(path=out / "admin-password.png")
    page.goto(f"{base}/admin/audit")
    page.screenshot(path=out / "admin-audit.png")
    page.close()
    leader = _login(browser, base, passwords, "qinghe-leader")
    leader.goto(f"{base}/admin/years")
    leader.screenshot(path=out / "admin-years.png", full_page=True)
    leader.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/web"))
