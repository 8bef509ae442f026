"""A soak of the web application under concurrent writers: ``python benchmarks/soak.py``.

Starts ``xxgk serve`` in a subprocess (a live uvicorn on a free 127.0.0.1 port) on a fresh
SQLite file or a fresh PostgreSQL schema holding one township and its clerk, and lets
``writers`` threads, each signed in as that clerk on its own keep-alive connection, write
for ``seconds``: in turn each registers an application through the API, records the reply to
it (an event), registers one through the form and signs in again (each writer starting at
its own step). Every answer other than the expected one is counted; a 5xx is a failure of
the server. Afterwards the register is read back through the
library: every application number unique, the audit chain intact.

The issue's target: 20 writers for a minute, no 5xx, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.demo.server import TOKEN, demo_server

POSTGRES = os.environ.get("XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
CLERK = "qinghe-clerk"
PASSWORD = "清河镇台账-压测-2026"
UNIT = "qinghe"
ACTIONS = ("api", "event", "form", "login")
EXPECTED = {"form": 303, "api": 201, "event": 201, "login": 303}
IDLE_SECONDS = 4.0
"""A keep-alive connection idle this long is reopened (uvicorn closes it after 5 s)."""


@dataclass
class SoakResult:
    """What one soak measured: latencies (seconds) and answers per action, and what the
    database holds afterwards."""

    database: str
    writers: int
    seconds: float = 0.0
    latencies: dict[str, list[float]] = field(default_factory=lambda: {a: [] for a in ACTIONS})
    statuses: Counter[tuple[str, int]] = field(default_factory=Counter)
    numbers: int = 0
    unique_numbers: int = 0
    chain_ok: bool = False
    server_log: list[str] = field(default_factory=list)

    @property
    def requests(self) -> int:
        return sum(len(v) for v in self.latencies.values())

    @property
    def server_errors(self) -> int:
        """Answers 5xx (and broken connections, counted as 599)."""
        return sum(n for (_, status), n in self.statuses.items() if status >= 500)

    @property
    def unexpected(self) -> int:
        """Answers other than the one each action expects (5xx included)."""
        return sum(n for (a, status), n in self.statuses.items() if status != EXPECTED[a])

    def ms(self, share: float, action: str | None = None) -> float:
        """The ``share`` quantile of the latencies (of ``action``, else of all) in ms."""
        values = sorted(self.latencies[action] if action else sum(self.latencies.values(), []))
        if not values:
            return 0.0
        return values[min(len(values) - 1, int(share * len(values)))] * 1e3

    def lines(self) -> list[str]:
        """The report: totals beside the targets, then each action."""
        rate = self.requests / self.seconds if self.seconds else 0.0
        out = [
            f"{self.database}: {self.writers} writers for {self.seconds:.0f} s, "
            f"{self.requests} requests ({rate:.0f}/s), p50 {self.ms(0.5):.0f} ms, "
            f"p99 {self.ms(0.99):.0f} ms",
            f"  5xx: {self.server_errors} (target 0); other unexpected answers: "
            f"{self.unexpected - self.server_errors}",
            f"  application numbers: {self.numbers}, unique {self.unique_numbers} "
            f"(target: all); audit chain {'verifies' if self.chain_ok else 'BROKEN'}",
        ]
        for action in ACTIONS:
            answers = ", ".join(
                f"{status}×{n}" for (a, status), n in sorted(self.statuses.items()) if a == action
            )
            out.append(
                f"  {action:5}: {len(self.latencies[action])} requests, "
                f"p50 {self.ms(0.5, action):.0f} ms, p99 {self.ms(0.99, action):.0f} ms ({answers})"
            )
        return out


class Writer:
    """One signed-in browser of the clerk on its own keep-alive connection."""

    def __init__(self, port: int, password: str, index: int):
        self.port = port
        self.password = password
        self.index = index
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookie = ""
        self.csrf = ""
        self.unit_id = 0
        self.to_reply: list[int] = []
        self.last_used = time.monotonic()

    def request(
        self, method: str, path: str, body: bytes | None = None, headers: dict | None = None
    ) -> tuple[int, bytes, http.client.HTTPResponse | None]:
        """Send one request; a broken connection is answered 599 and reopened."""
        sent = {"Cookie": self.cookie, **(headers or {})} if self.cookie else dict(headers or {})
        if time.monotonic() - self.last_used > IDLE_SECONDS:
            self.conn.close()  # as a browser does: the server closes idle connections (5 s)
        self.last_used = time.monotonic()
        try:
            self.conn.request(method, path, body, sent)
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 599, b"", None
        cookie = response.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";")[0]
        return response.status, data, response

    def sign_in(self) -> int:
        """Sign in afresh (a new session); return the status of the POST."""
        self.cookie = ""
        status, page, _ = self.request("GET", "/login")
        match = TOKEN.search(page.decode("utf-8", "replace"))
        if status != 200 or match is None:
            return status if status != 200 else 599
        body = urllib.parse.urlencode(
            {"username": CLERK, "password": self.password, "csrf_token": match[1]}
        ).encode()
        status, _, _ = self.request(
            "POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status == 303:
            _, me, _ = self.request("GET", "/api/v1/me")
            self.csrf = json.loads(me)["csrf_token"]
        return status

    def find_unit(self) -> None:
        _, data, _ = self.request("GET", "/api/v1/units")
        self.unit_id = next(u["id"] for u in json.loads(data) if u["code"] == UNIT)

    def act(self, action: str, serial: int) -> int | None:
        """Do one write of ``action``; return the answer's status (None: nothing to do)."""
        today = dt.date.today().isoformat()
        fields = {
            "channel": "in_person",
            "arrived_on": today,
            "applicant_type": "natural_person",
            "applicant_name": f"压测申请人{self.index}-{serial}",
            "request_text": "本镇2025年农村公路养护资金的使用情况",
        }
        if action == "form":
            body = urllib.parse.urlencode(
                {**fields, "unit": str(self.unit_id), "csrf_token": self.csrf}
            ).encode()
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            return self.request("POST", "/register/new", body, form)[0]
        headers = {"Content-Type": "application/json", "X-CSRF-Token": self.csrf}
        if action == "api":
            body = json.dumps({**fields, "unit_id": self.unit_id}).encode()
            status, data, _ = self.request("POST", "/api/v1/applications", body, headers)
            if status == 201:
                self.to_reply.append(json.loads(data)["id"])
            return status
        if action == "event":
            if not self.to_reply:
                return None  # nothing to answer (the writer's API write failed)
            app_id = self.to_reply.pop()
            reply = {"kind": "reply", "on": today, "outcome": "granted", "delivery": "post"}
            body = json.dumps(reply).encode()
            return self.request("POST", f"/api/v1/applications/{app_id}/events", body, headers)[0]
        return self.sign_in()

    def close(self) -> None:
        self.conn.close()


def drive(port: int, password: str, writers: int, seconds: float, result: SoakResult) -> None:
    """Let ``writers`` threads write for ``seconds``; record every answer in ``result``."""
    team = [Writer(port, password, i) for i in range(writers)]

    def ready(writer: Writer) -> None:
        if writer.sign_in() != 303:
            raise RuntimeError("the clerk could not sign in")
        writer.find_unit()

    with ThreadPoolExecutor(writers) as pool:
        list(pool.map(ready, team))
    lock = threading.Lock()
    start = threading.Barrier(writers)
    stop = [0.0, 0.0]

    def going() -> bool:
        """Until ``seconds`` have passed and every kind of write has been answered once (on
        a machine too busy for that, at most four times as long)."""
        now = time.monotonic()
        if now < stop[0]:
            return True
        with lock:
            missing = any(not result.latencies[a] for a in ACTIONS)
        return missing and now < stop[1]

    def work(writer: Writer) -> None:
        start.wait()
        serial = 0
        while going():
            action = ACTIONS[(serial + writer.index) % len(ACTIONS)]
            began = time.perf_counter()
            status = writer.act(action, serial)
            took = time.perf_counter() - began
            serial += 1
            if status is None:
                continue
            with lock:
                result.latencies[action].append(took)
                result.statuses[(action, status)] += 1

    began = time.monotonic()
    stop[:] = [began + seconds, began + 4 * seconds]
    threads = [threading.Thread(target=work, args=(w,)) for w in team]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.monotonic() - began
    for writer in team:
        writer.close()


def read_back(database_url: str, result: SoakResult) -> None:
    """Count the application numbers of the unit (all must differ) and verify the chain."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from xxgk.db import make_engine
    from xxgk.db.chain import verify
    from xxgk.db.models import Unit
    from xxgk.register.models import Application

    engine = make_engine(database_url)
    try:
        with Session(engine) as session:
            numbers = list(
                session.scalars(select(Application.number).join(Unit).where(Unit.code == UNIT))
            )
            result.numbers, result.unique_numbers = len(numbers), len(set(numbers))
            result.chain_ok = verify(session).ok
    finally:
        engine.dispose()


@contextmanager
def database(kind: str, folder: Path, postgres: str = POSTGRES) -> Iterator[str]:
    """Yield the URL of a fresh database: a SQLite file in ``folder``, or a new schema of
    the PostgreSQL database ``postgres`` (dropped afterwards)."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'soak.db'}"
        return
    import psycopg

    schema = f"xxgk_soak_{uuid.uuid4().hex[:12]}"
    plain = postgres.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{postgres}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def prepare(database_url: str) -> None:
    """Migrate the fresh database and add the one township and its clerk the writers sign
    in as (through the library; the demo's many accounts would only slow the start)."""
    from sqlalchemy.orm import Session

    from xxgk.db import make_engine, upgrade_to_head
    from xxgk.db.models import Role
    from xxgk.db.units import add_unit
    from xxgk.db.users import add_user

    engine = make_engine(database_url)
    try:
        upgrade_to_head(engine)
        with Session(engine) as session:
            admin = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
            town = add_unit(
                session=session,
                actor=admin,
                code=UNIT,
                name="示例县清河镇人民政府",
                kind="township",
            )
            add_user(
                session=session,
                actor=admin,
                username=CLERK,
                role=Role.CLERK,
                unit=town,
                password=PASSWORD,
            )
            session.commit()
    finally:
        engine.dispose()


def soak(
    kind: str, writers: int, seconds: float, *, workers: int = 1, postgres: str = POSTGRES
) -> SoakResult:
    """Run one soak on a fresh ``kind`` database (``sqlite`` or ``postgresql``)."""
    result = SoakResult(kind, writers)
    with tempfile.TemporaryDirectory() as name, database(kind, Path(name), postgres) as url:
        prepare(url)
        log = result.server_log
        with demo_server(Path(name), workers, url, log, demo=False) as (port, _):
            drive(port, PASSWORD, writers, seconds, result)
        read_back(url, result)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Soak of xxgk serve under concurrent writers")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--postgres", default=POSTGRES, help="PostgreSQL URL (a schema is made)")
    args = parser.parse_args(argv)
    kinds = ("sqlite", "postgresql") if args.database == "both" else (args.database,)
    failed = False
    for kind in kinds:
        result = soak(
            kind, args.writers, args.seconds, workers=args.workers, postgres=args.postgres
        )
        print("\n".join(result.lines()), flush=True)
        if result.server_errors:
            print("server log (last lines):\n" + "".join(result.server_log[-60:]), flush=True)
        failed |= bool(result.server_errors) or result.unique_numbers != result.numbers
        failed |= not result.chain_ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
