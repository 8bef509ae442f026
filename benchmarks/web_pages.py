"""CPU cost of the web pages, in-process (no server, no network): CPU ms per request.

Builds the demo database in a temporary folder, signs in as the demo clerk, the county's
supervisor and the system administrator, and requests each main page of the officer and the
supervisor ``--requests`` times by calling the application (ASGI) directly from one event
loop: the figures are the application's own cost (middleware, dependencies, queries,
templates; FastAPI's thread pool included), without an HTTP client or server. They are CPU
time of this process (``time.process_time``, every thread), so they depend far less than
wall-clock figures on what else the machine runs; each page is measured ``--repeats`` times,
interleaved with the other pages, and the best is printed. The menu badge (drawn on every
page of a case handler) is also timed alone, as the library call a page makes.
``--applications N`` registers N more applications of the clerk's unit first (a third of them
left open: ``demo.server.seed_register``), the register of a large department (issue #19's
desk and badge targets are for 1,500). Example:

    .venv/bin/python benchmarks/web_pages.py --requests 100 --repeats 3
    .venv/bin/python benchmarks/web_pages.py --only desk,badge --applications 1500

A comparison with other code: run the same command with ``PYTHONPATH`` pointing at the other
``src`` folder, alternating the two runs (the README's figures were taken so).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import tempfile
import time
import warnings
from collections.abc import MutableMapping
from pathlib import Path
from typing import Any

from xxgk.demo import ensure_demo
from xxgk.demo.server import TOKEN, db_url, seed_register
from xxgk.web import WebSettings, create_app

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note on httpx in its test client
    from fastapi.testclient import TestClient

BEFORE_MS = {"application detail": 16.0}
"""CPU ms the issue (#19) measured before the calendar cache."""
TARGET_MS = 2.5
"""What a page may cost for 500 requests/s on the two cores the server shares with its
clients (issue #19: the register list ≥ 500 req/s on two workers)."""
USERS = {"clerk": "qinghe-clerk", "supervisor": "county-supervisor", "admin": "admin"}
PAGES = (
    ("register list", "clerk", "/register"),
    ("application detail", "clerk", "/register/applications/{app}"),
    ("desk", "clerk", "/desk"),
    ("desk (county)", "supervisor", "/desk"),
    ("disclosure list", "clerk", "/disclosure"),
    ("check page", "clerk", "/check"),
    ("register list (county)", "supervisor", "/register"),
    ("overview", "supervisor", "/overview"),
    ("collect", "supervisor", "/collect"),
    ("audit viewer", "admin", "/admin/audit"),
)


BADGES = (("menu badge", "clerk"), ("menu badge (all units)", "admin"))
"""The menu's count of due cases, timed alone (every page of a case handler draws it)."""
TARGETS: dict[str, tuple[float | None, float | None]] = {
    "desk": (5.0, 20.0),
    "menu badge": (None, 0.5),
}
"""CPU ms targets by page, (demo register, with ``--applications``): an officer of a large
department has thousands of cases a year (issue #19 asks every page p99 < 50 ms)."""


def settings(folder: Path, migrate: bool = True) -> WebSettings:
    return WebSettings(
        database_url=db_url(folder),
        data_dir=folder,
        secure_cookies=False,
        secret="bench-" + "x" * 40,
        demo=True,
        migrate=migrate,
    )


def demo_clients(folder: Path, applications: int = 0) -> dict[str, TestClient]:
    """Return a test client signed in for each of USERS (by its key); ``applications`` more
    applications of the clerk's unit are registered first (``demo.server.seed_register``)."""
    if applications:
        seed_register(folder, applications)
    app = create_app(settings(folder))
    with app.state.sessions() as session:
        lines = ensure_demo(session, folder)
    passwords = {ln.split("（")[0]: ln.rsplit("密码：", 1)[1] for ln in lines if "密码：" in ln}
    clients = {}
    for key, username in USERS.items():
        client = TestClient(app)
        match = TOKEN.search(client.get("/login").text)
        assert match, "no CSRF token on the login page"
        client.post(
            "/login",
            data={"username": username, "password": passwords[username], "csrf_token": match[1]},
            follow_redirects=False,
        )
        clients[key] = client
    return clients


def demo_client(folder: Path) -> TestClient:
    """Return a test client signed in as the demo clerk."""
    return demo_clients(folder)["clerk"]


class Direct:
    """GET requests sent straight to the ASGI application with a client's cookies."""

    def __init__(self, client: TestClient):
        self.app = client.app
        self.cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()

    async def get(self, path: str) -> int:
        """Send one GET of ``path``; return the status code (the body is dropped)."""
        route, _, query = path.partition("?")
        scope: dict[str, Any] = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": route,
            "raw_path": route.encode(),
            "query_string": query.encode(),
            "root_path": "",
            "headers": [(b"host", b"testserver"), (b"cookie", self.cookie)],
            "client": ("127.0.0.1", 50000),
            "server": ("testserver", 80),
        }
        status = 0

        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]

        await self.app(scope, receive, send)
        return status

    def cpu_ms(self, path: str, requests: int) -> float:
        """Return the CPU milliseconds per GET of ``path`` (after two warm-up requests)."""

        async def run(count: int) -> None:
            for _ in range(count):
                status = await self.get(path)
                assert status == 200, f"{path}: {status}"

        asyncio.run(run(2))
        start = time.process_time()
        asyncio.run(run(requests))
        return (time.process_time() - start) * 1000 / requests


def badge_ms(client: TestClient, username: str, requests: int) -> float:
    """Return the CPU milliseconds of one menu badge count for ``username`` (the library call
    each page makes when it draws the menu, with the user's scope already read)."""
    from xxgk.db.users import get_user
    from xxgk.register.unit_cases import menu_badge
    from xxgk.web.deps import Scope

    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        user = get_user(session, username)
        unit_ids = Scope(session, user).unit_ids
        today = dt.date.today()
        for _ in range(2):
            menu_badge(session, unit_ids, today)
        start = time.process_time()
        for _ in range(requests):
            menu_badge(session, unit_ids, today)
        return (time.process_time() - start) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--only", default="", help="measure only pages whose name contains this (or, a,b: either)"
    )
    parser.add_argument(
        "--applications",
        type=int,
        default=0,
        help="more applications of the clerk's unit (清河镇) to register first (issue #19: 1500)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        clients = demo_clients(Path(tmp), args.applications)
        app_id = clients["clerk"].get("/api/v1/applications?state=open").json()[0]["id"]
        direct = {key: Direct(client) for key, client in clients.items()}
        wanted = args.only.split(",")
        pages = [(n, u, p.format(app=app_id)) for n, u, p in PAGES if _chosen(n, wanted)]
        badges = [(n, u) for n, u in BADGES if _chosen(n, wanted)]
        best: dict[str, float] = {}
        for _ in range(args.repeats):
            for name, user, path in pages:
                ms = direct[user].cpu_ms(path, args.requests)
                best[name] = min(best.get(name, ms), ms)
            for name, user in badges:
                ms = badge_ms(clients[user], USERS[user], args.requests)
                best[name] = min(best.get(name, ms), ms)
        print(
            f"CPU ms per request, best of {args.repeats} × {args.requests}, demo register"
            f" + {args.applications} applications of 清河镇 (code: {_code()})"
        )
        for name, user, path in [*pages, *((n, u, "(library call)") for n, u in badges)]:
            before = f"   (issue #19: {BEFORE_MS[name]:.0f} ms)" if name in BEFORE_MS else ""
            target = TARGETS.get(name, (None, None))[bool(args.applications)]
            aim = f"   target ≤ {target} ms" if target is not None else ""
            print(f"{name:<24} {best[name]:6.2f} ms  {user:<10} {path}{before}{aim}")
        print(f"target for the register list: ≤ {TARGET_MS} ms (500 req/s on two busy cores)")


def _chosen(name: str, wanted: list[str]) -> bool:
    """Return True when the page ``name`` contains one of the ``wanted`` parts of ``--only``."""
    return any(part in name for part in wanted)


def _code() -> str:
    import xxgk

    return str(Path(xxgk.__file__).parent.parent)


if __name__ == "__main__":
    main()
