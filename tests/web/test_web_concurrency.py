"""Twenty clerks registering at once through the API and the form get no server error and
unique numbers, on a SQLite file and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from web_support import SECRET, login, token

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.chain import verify
from xxgk.db.models import Role
from xxgk.db.units import add_unit
from xxgk.db.users import add_user
from xxgk.register.models import Application
from xxgk.web import WebSettings, create_app

WRITERS = 20
PASSWORD = "清河镇台账-并发-2026"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def site(request: pytest.FixtureRequest, tmp_path) -> tuple[Engine, str, int]:
    """A database with one township and its clerk; its URL and the unit id."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'busy.db'}"
        engine = make_engine(url)
        upgrade_to_head(engine)
    else:
        engine = request.getfixturevalue("clean_pg_engine")
        url = request.getfixturevalue("pg_schema_url")
    with Session(engine) as s:
        admin = add_user(session=s, actor=None, username="admin", role=Role.ADMIN)
        town = add_unit(session=s, actor=admin, code="qh", name="清河镇", kind="township")
        add_user(
            session=s, actor=admin, username="clerk", role=Role.CLERK, unit=town, password=PASSWORD
        )
        s.commit()
        return engine, url, town.id


def _client(app: FastAPI) -> TestClient:
    client = TestClient(app)
    client.__enter__()
    login(client, "clerk", PASSWORD)
    return client


def test_twenty_concurrent_registrations_through_api_and_form(site, tmp_path):
    engine, url, unit_id = site
    settings = WebSettings(
        database_url=url, data_dir=tmp_path, secure_cookies=False, secret=SECRET, migrate=False
    )
    app = create_app(settings)  # one application (one connection pool), twenty browsers
    clients = [_client(app) for _ in range(WRITERS)]
    start = Barrier(WRITERS, timeout=600)
    day = dt.date.today().isoformat()

    def register(i: int) -> int:
        c = clients[i]
        csrf = c.get("/api/v1/me").json()["csrf_token"]
        form_token = token(c, "/register/new")
        start.wait()
        if i % 2:
            r = c.post(
                "/api/v1/applications",
                json={
                    "unit_id": unit_id,
                    "channel": "in_person",
                    "arrived_on": day,
                    "applicant_type": "natural_person",
                    "request_text": "本镇2025年农村公路养护资金的使用情况",
                    "applicant_name": f"接口申请人{i}",
                },
                headers={"X-CSRF-Token": csrf},
            )
            return r.status_code
        r = c.post(
            "/register/new",
            data={
                "unit": str(unit_id),
                "channel": "in_person",
                "arrived_on": day,
                "applicant_type": "natural_person",
                "request_text": "本镇2025年农村公路养护资金的使用情况",
                "applicant_name": f"表单申请人{i}",
                "csrf_token": form_token,
            },
            follow_redirects=False,
        )
        return r.status_code

    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            codes = list(pool.map(register, range(WRITERS)))
    finally:
        for c in clients:
            c.__exit__(None, None, None)
        app.state.engine.dispose()
    assert sorted(codes) == [201] * (WRITERS // 2) + [303] * (WRITERS // 2)
    with Session(engine) as s:
        numbers = list(s.scalars(select(Application.number)))
        assert len(numbers) == len(set(numbers)) == WRITERS
        assert verify(s).ok
    if engine.dialect.name == "sqlite":
        engine.dispose()
