"""What makes the register list cheap, and the load generator: paging, the light state of
listed applications (the same as on the application's own page), the kept calendar that a
calendar change replaces, the worker processes of ``xxgk serve`` and the asyncio clients."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import sys
import threading
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from web_support import SECRET, login, settings

from xxgk.db.models import Unit, User
from xxgk.demo.server import demo_server, sign_in
from xxgk.errors import InputError
from xxgk.register.caldb import set_calendar_day
from xxgk.web import create_app, workers
from xxgk.web import register_view as rv
from xxgk.web.app import app_from_environment

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import loadgen  # noqa: E402  (the load benchmark's generator, benchmarks/loadgen.py)

ROW = re.compile(r'<tr class="[^"]*" data-number="([^"]+)"')


def _register_many(client, count: int) -> None:
    csrf = client.get("/api/v1/me").json()["csrf_token"]
    unit = client.get("/api/v1/me").json()["user"]["unit_id"]
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    for i in range(count):
        r = client.post(
            "/api/v1/applications",
            json={
                "unit_id": unit,
                "channel": "in_person",
                "arrived_on": day,
                "applicant_type": "natural_person",
                "applicant_name": f"分页{i}",
                "request_text": f"分页测试申请{i}",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert r.status_code == 201, r.text


def test_web_register_list_pages_by_fifty(as_user):
    c = as_user("qinghe-clerk")
    _register_many(c, rv.PAGE_SIZE + 5)
    listed = [r for r in c.get("/api/v1/applications").json() if not r["void"]]
    first = c.get("/register")
    numbers = ROW.findall(first.text)
    assert len(numbers) == rv.PAGE_SIZE
    assert f"共{len(listed)}条" in first.text
    assert 'href="/register?page=2" rel="next"' in first.text
    second = c.get("/register?page=2")
    rest = ROW.findall(second.text)
    assert len(rest) == len(listed) - rv.PAGE_SIZE
    assert 'rel="prev"' in second.text
    assert 'rel="next"' not in second.text
    assert sorted(numbers + rest) == sorted(r["number"] for r in listed)
    assert ROW.findall(c.get("/register?page=999").text) == rest  # past the end: the last page
    searched = c.get("/register?q=分页测试申请&page=2")
    assert len(ROW.findall(searched.text)) == 5
    assert "共55条" in searched.text
    assert 'href="/register?q=%E5%88%86' in searched.text
    assert "page=1" in searched.text


def test_web_listed_state_and_mark_are_those_of_the_application_page(as_user):
    c = as_user("county-admin")
    rows = c.get("/api/v1/applications?state=all").json()
    assert {r["mark"] for r in rows} >= {"overdue", "due_soon"}
    assert any(not r["open"] for r in rows)
    for row in rows:
        detail = c.get(f"/api/v1/applications/{row['id']}").json()
        for key in ("state", "open", "mark", "mark_text", "left", "due_on"):
            assert row[key] == detail[key], (row["number"], key)


def test_web_kept_calendar_is_replaced_by_a_calendar_change(demo):
    folder, _ = demo
    app = create_app(settings(folder, migrate=False))
    with app.state.sessions() as session:
        unit = session.scalar(select(Unit).where(Unit.code == "qinghe"))
        admin = session.scalar(select(User).where(User.username == "admin"))
        before = rv.calendar_of(session, unit)
        assert rv.calendar_of(session, unit) is before
        day = dt.date.today() + dt.timedelta(days=40)
        set_calendar_day(
            session=session,
            actor=admin,
            region="CN",
            day=day,
            kind="holiday" if before.is_workday(day) else "workday",
            name="测试调整",
            source="测试通知",
            reason="测试",
        )
        session.flush()
        after = rv.calendar_of(session, unit)
        assert after is not before
        assert after.is_workday(day) != before.is_workday(day)
        session.rollback()
    app.state.engine.dispose()


def test_web_worker_app_reads_database_and_data_folder_from_the_environment(
    demo, monkeypatch, tmp_path
):
    folder, passwords = demo
    monkeypatch.setenv("XXGK_DATABASE_URL", settings(folder).database_url)
    monkeypatch.setenv("XXGK_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("XXGK_SECURE_COOKIES", "0")
    monkeypatch.setenv("XXGK_WORKERS", "2")
    app = app_from_environment()
    assert not app.state.settings.migrate
    assert app.state.settings.login_attempts == 5  # counted in the database, shared by all
    assert app.state.apply_limiter.attempts == 10  # 20 online applications an hour, shared
    assert (tmp_path / "data" / "secret.key").exists()
    assert app.state.secret != SECRET
    with TestClient(app) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        assert c.get("/register").status_code == 200


@pytest.fixture
def tiny_server():
    """A keep-alive HTTP server on 127.0.0.1 that answers every request with a short page."""
    ready = threading.Event()
    holder: dict = {}

    async def handle(reader, writer):
        try:
            while True:
                await reader.readuntil(b"\r\n\r\n")
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def serve():
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        holder["port"] = server.sockets[0].getsockname()[1]
        holder["stop"] = asyncio.Event()
        holder["loop"] = asyncio.get_running_loop()
        ready.set()
        await holder["stop"].wait()
        server.close()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    ready.wait(10)
    yield holder["port"]
    holder["loop"].call_soon_threadsafe(holder["stop"].set)
    thread.join(10)


def test_web_loadgen_clients_closed_loop_and_with_think_time(tiny_server):
    request = ("GET", "/register", None, {"Cookie": "x=1"})
    closed = loadgen.run(tiny_server, "list", request, 5, 0.3)
    assert closed.errors == 0
    assert closed.requests > 50
    assert "closed loop" in closed.line()
    thinking = loadgen.run(tiny_server, "list", request, 5, 0.5, think=0.2)
    assert thinking.errors == 0
    assert 5 <= thinking.requests <= 5 * (0.5 / 0.1 + 1)  # at most one per 0.1 s per client
    assert "think time 0.5–1.5 × 0.2 s" in thinking.line()
    assert 0 < thinking.ms(0.5) <= thinking.ms(0.99) <= thinking.ms(1.0)


def test_web_loadgen_request_bytes():
    data = loadgen.raw_request("POST", "/check", b"abc", {"Cookie": "s=1"})
    head, body = data.split(b"\r\n\r\n")
    assert head.startswith(b"POST /check HTTP/1.1\r\n")
    assert b"\r\nContent-Length: 3" in head
    assert b"\r\nCookie: s=1" in head
    assert body == b"abc"


def test_web_serve_with_two_workers_signs_in_and_lists(tmp_path):
    """``xxgk serve --demo --workers 2`` as a subprocess: both processes share the secret, so
    a session made by one is good on the other (new connections land on either)."""
    with demo_server(tmp_path, workers=2) as (port, passwords):
        cookie = sign_in(port, "qinghe-clerk", passwords["qinghe-clerk"])
        assert cookie.startswith("xxgk_session=")
        listing = ("GET", "/register", None, {"Cookie": cookie})
        result = loadgen.run(port, "list", listing, 4, 0.5)
        assert result.requests >= 4
        assert result.errors == 0
        anonymous = ("GET", "/register", None, {"Cookie": "xxgk_session=forged"})
        refused = loadgen.run(port, "list", anonymous, 2, 0.3)
        assert refused.errors == refused.requests > 0  # redirected to the login page
    workers.ensure_free("127.0.0.1", port)  # every worker has ended with the server


@pytest.mark.skipif(not workers.available(), reason="no SO_REUSEPORT on this system")
def test_web_workers_listen_on_sockets_of_their_own_and_refuse_a_taken_port():
    first = workers.listening_socket("127.0.0.1", 0)
    port = first.getsockname()[1]
    second = workers.listening_socket("127.0.0.1", port)
    try:
        assert second.getsockname()[1] == port
        with pytest.raises(InputError, match="无法在 127.0.0.1"):
            workers.ensure_free("127.0.0.1", port)
    finally:
        first.close()
        second.close()
    workers.ensure_free("127.0.0.1", port)


def test_web_api_list_pages_when_asked(as_user):
    c = as_user("qinghe-clerk")
    _register_many(c, rv.PAGE_SIZE)
    everything = c.get("/api/v1/applications").json()
    first = c.get("/api/v1/applications?page=1")
    assert len(first.json()) == rv.PAGE_SIZE
    assert first.headers["X-Total-Count"] == str(len(everything))
    assert first.headers["X-Page-Count"] == "2"
    second = c.get("/api/v1/applications?page=2").json()
    assert [r["id"] for r in first.json() + second] == [r["id"] for r in everything]
    searched = c.get("/api/v1/applications?page=1&q=分页测试申请1")
    assert searched.headers["X-Total-Count"] == str(len(searched.json())) == "11"
    assert c.get("/api/v1/applications?page=0").status_code == 422
