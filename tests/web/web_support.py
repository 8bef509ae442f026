"""Helpers of the web tests: a demo database made once per session and copied per test, a
client, and signing in with the demo passwords."""

from __future__ import annotations

import shutil
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from xxgk.db.models import Role, Unit
from xxgk.db.units import add_unit
from xxgk.db.users import add_user, get_user
from xxgk.demo import ensure_demo
from xxgk.demo.server import TOKEN
from xxgk.web import WebSettings, create_app

SECRET = "test-secret-" + "x" * 40


def build_demo(folder: Path) -> dict[str, str]:
    """Create a migrated demo database in ``folder``; return username → password."""
    app = create_app(settings(folder))
    with app.state.sessions() as session:
        lines = ensure_demo(session, folder)
    app.state.engine.dispose()
    return {line.split("（")[0]: line.rsplit("密码：", 1)[1] for line in lines if "密码：" in line}


def settings(folder: Path, **extra) -> WebSettings:
    values = {
        "database_url": f"sqlite:///{folder / 'web.db'}",
        "data_dir": folder,
        "secure_cookies": False,
        "secret": SECRET,
        "demo": True,
    }
    return WebSettings(**{**values, **extra})


def copy_demo(source: Path, target: Path) -> None:
    shutil.copy(source / "web.db", target / "web.db")


def token(client: TestClient, path: str = "/login") -> str:
    """Return the CSRF token of the client's session (from a page's form)."""
    match = TOKEN.search(client.get(path).text)
    assert match, f"no CSRF token on {path}"
    return match[1]


def login(client: TestClient, username: str, password: str) -> None:
    response = client.post(
        "/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": token(client),
            "next": "/register",
        },
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text[:500]


def new_client(folder: Path, **extra) -> TestClient:
    return TestClient(create_app(settings(folder, migrate=False, **extra)))


SECOND_COUNTY_PASSWORD = "另一县督查-口令-2026"


def add_second_county(
    session: Session, users: dict[str, Role], password: str = SECOND_COUNTY_PASSWORD
) -> Unit:
    """Add 另一县人民政府 with its township 东镇 beside the demo's 示例县, and ``users``
    (username → role) at the county, all signing in with ``password``; commit, return the county.
    The scope tests sign in as them and must reach nothing of the first county."""
    admin = get_user(session, "admin")
    county = add_unit(
        session=session, actor=admin, code="lingxian", name="另一县人民政府", kind="county"
    )
    add_unit(
        session=session,
        actor=admin,
        code="lx-town",
        name="另一县东镇人民政府",
        kind="township",
        parent=county,
    )
    for username, role in users.items():
        add_user(
            session=session,
            actor=admin,
            username=username,
            role=role,
            unit=county,
            password=password,
        )
    session.commit()
    return county
