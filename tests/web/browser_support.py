"""What the browser tests share: Debian's chromium, a live server on a copy of the demo
database, and the pytest marks that skip them where chromium is not installed."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from sqlalchemy import select
from sqlalchemy.orm import Session
from web_support import copy_demo, settings

from xxgk.db.engine import make_engine
from xxgk.db.models import Unit, User
from xxgk.db.units import add_unit
from xxgk.demo.server import free_port
from xxgk.web import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="/usr/bin/chromium missing: run scripts/setup-browser.sh"
    ),
]


def add_county_units(folder: Path, units: Sequence[tuple[str, str, str]]) -> None:
    """Add ``units`` (code, name, kind) under the demo county of the database in ``folder``,
    as the demo's admin."""
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    with Session(engine) as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        county = s.scalar(select(Unit).where(Unit.code == "shilixian"))
        for code, name, kind in units:
            add_unit(session=s, actor=admin, code=code, name=name, kind=kind, parent=county)
        s.commit()
    engine.dispose()


@contextmanager
def live_server(
    demo_template: tuple[Path, dict[str, str]],
    folder: Path,
    units: Sequence[tuple[str, str, str]] = (),
) -> Iterator[tuple[str, dict[str, str]]]:
    """Serve a copy of the demo database from ``folder`` on a free port, with ``units`` added
    under the demo county; yield (base, passwords)."""
    source, passwords = demo_template
    copy_demo(source, folder)
    if units:
        add_county_units(folder, units)
    port = free_port()
    config = uvicorn.Config(
        create_app(settings(folder, migrate=False)),
        host="127.0.0.1",
        port=port,
        log_level="warning",
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}", passwords
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def chromium() -> Iterator[Any]:
    """Launch Debian's chromium through Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def signed_in(
    browser: Any,
    base: str,
    passwords: dict[str, str],
    username: str,
    then: str = "/register",
    **options: Any,
):
    """Open a new page (``options``: Playwright's ``new_page`` ones) signed in as ``username``;
    signing in lands on the desk (工作台); the page then opens ``then``."""
    page = browser.new_page(**options)
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", passwords[username])
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/desk")
    if then != "/desk":
        page.goto(f"{base}{then}")
    return page
