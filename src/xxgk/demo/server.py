"""A demo server in a subprocess, for the screenshots, the tests and the load benchmark:
``xxgk serve --demo`` on a free 127.0.0.1 port with a fresh SQLite demo in a folder, signing in
to it over plain HTTP, and a demo register grown to a given number of applications.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
"""The CSRF token in a form page."""


def csrf_token(page: str) -> str:
    """Return the CSRF token of a form page (a page without one is a broken page)."""
    match = TOKEN.search(page)
    if match is None:
        raise RuntimeError("no csrf_token on the page")
    return match[1]


def free_port() -> int:
    """Return a TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_server(
    folder: Path,
    workers: int = 1,
    database_url: str | None = None,
    log: list[str] | None = None,
    *,
    demo: bool = True,
) -> Iterator[tuple[int, dict[str, str]]]:
    """Run ``xxgk serve --demo`` (``serve`` without ``demo``) in a subprocess on
    ``database_url`` (default: a SQLite file in ``folder``); yield its port and the demo
    passwords. The server's output after start-up is read all along (a full pipe would stall
    the server) into ``log`` when given."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "xxgk",
        "serve",
        *(["--demo"] if demo else []),
        "--port",
        str(port),
        "--db",
        database_url or db_url(folder),
        "--data-dir",
        str(folder),
        "--workers",
        str(workers),
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        assert process.stdout is not None
        for line in process.stdout:
            lines.append(line)
            if "已启动" in line:
                break
        passwords = {
            m[1]: m[2] for m in re.finditer(r"^\s+(\S+)（.*密码：(\S+)$", "".join(lines), re.M)
        }
        sink = log if log is not None else []
        threading.Thread(target=_drain, args=(process.stdout, sink), daemon=True).start()
        _wait_for(port)
        yield port, passwords
    finally:
        process.terminate()
        process.wait(timeout=20)
        if process.stdout is not None:
            process.stdout.close()


def _drain(stream: IO[str], sink: list[str]) -> None:
    """Keep the server's last output lines; stop quietly when the stream is closed at the end
    (closing it while this thread reads raises ValueError, not end of file)."""
    try:
        for line in stream:
            sink.append(line)
            del sink[:-2000]  # the last lines are enough to see what went wrong
    except ValueError:
        return


def seed_register(folder: Path, count: int, today: dt.date | None = None) -> None:
    """Create the demo database of ``demo_server`` in ``folder`` with ``count`` more
    applications of 清河镇 this year (two in three of them replied), through the library."""
    from xxgk.db.engine import make_engine, make_session_factory
    from xxgk.db.migrate import upgrade_to_head
    from xxgk.db.units import get_unit
    from xxgk.db.users import get_user
    from xxgk.demo import REQUESTS, ensure_demo
    from xxgk.register.applications import register_application
    from xxgk.register.events import add_event

    day = today or dt.date.today()
    engine = make_engine(db_url(folder))
    upgrade_to_head(engine)
    with make_session_factory(engine)() as session:
        ensure_demo(session, folder, day)
        unit = get_unit(session, "qinghe")
        clerk = get_user(session, "qinghe-clerk")
        span = max(1, (day - dt.date(day.year, 1, 1)).days - 20)
        for i in range(count):
            arrived = dt.date(day.year, 1, 1) + dt.timedelta(days=i * span // max(1, count))
            app = register_application(
                session=session,
                unit=unit,
                actor=clerk,
                channel_name="in_person",
                arrived_on=arrived,
                applicant_type="natural_person",
                applicant_name=f"压测申请人{i + 1}",
                applicant_contact="示例路1号",
                request_text=REQUESTS[i % len(REQUESTS)],
            )
            if i % 3:
                add_event(
                    session=session,
                    actor=clerk,
                    application=app,
                    kind="reply",
                    on=arrived + dt.timedelta(days=10),
                    outcome_name="granted",
                    delivery="post",
                )
        session.commit()
    engine.dispose()


def db_url(folder: Path) -> str:
    """Return the URL of the demo database that ``demo_server`` serves from ``folder``."""
    return f"sqlite:///{folder / 'load.db'}"


def _wait_for(port: int, seconds: float = 60.0) -> None:
    """Return once the server on ``port`` answers (a refused try closes its socket too)."""
    deadline = time.monotonic() + seconds
    while True:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", "/login")
            conn.getresponse().read()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
        finally:
            conn.close()


def sign_in(port: int, username: str, password: str) -> str:
    """Return the Cookie header value of a signed-in session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("set-cookie", "").split(";")[0]
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": csrf_token(page)}
    )
    conn.request(
        "POST",
        "/login",
        body,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("set-cookie", "").split(";")[0]
