"""Web fixtures: the demo database is built once per test session and copied for each test."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from web_support import (
    SECOND_COUNTY_PASSWORD,
    add_second_county,
    build_demo,
    copy_demo,
    login,
    new_client,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from audit_support import audit_watch  # noqa: E402
from xxgk.db.models import Role  # noqa: E402


@pytest.fixture(autouse=True)
def every_write_is_attributable():
    """Whatever a web test makes the application write is committed with an audit entry
    (``tests/audit_support.py``): a route that writes without one fails its tests."""
    with audit_watch() as watch:
        yield watch
    assert not watch.unaudited, watch.report()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    folder = tmp_path_factory.mktemp("web-demo")
    return folder, build_demo(folder)


@pytest.fixture
def demo(demo_template, tmp_path) -> tuple[Path, dict[str, str]]:
    """A fresh copy of the demo database and the demo passwords."""
    source, passwords = demo_template
    copy_demo(source, tmp_path)
    return tmp_path, passwords


@pytest.fixture
def client(demo):
    folder, _ = demo
    with new_client(folder) as c:
        yield c


@pytest.fixture
def as_user(demo):
    """Return a function giving a signed-in client for a demo username."""
    folder, passwords = demo
    clients = []

    def make(username: str):
        c = new_client(folder)
        c.__enter__()
        clients.append(c)
        login(c, username, passwords[username])
        return c

    yield make
    for c in clients:
        c.__exit__(None, None, None)


@pytest.fixture
def as_user_once(as_user):
    """A signed-in clerk, the API's CSRF token and one open application of the clerk's unit."""
    c = as_user("qinghe-clerk")
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    app_id = c.get("/api/v1/applications?state=open").json()[0]["id"]
    return c, csrf, app_id


@pytest.fixture
def other_county(demo):
    """A signed-in supervisor of a second county beside the demo's 示例县."""
    folder, _ = demo
    with new_client(folder) as c:
        with c.app.state.sessions() as s:
            add_second_county(s, {"other-supervisor": Role.SUPERVISOR})
        login(c, "other-supervisor", SECOND_COUNTY_PASSWORD)
        yield c
