"""A bounded local load generator for the web application: ``python -m xxgk.web.loadgen``.

Starts ``xxgk serve --demo`` in a subprocess on a free 127.0.0.1 port (a fresh SQLite demo in
a temporary folder), signs in as the demo clerk, and lets ``clients`` threads send requests
for ``seconds`` each to the register list and to the report check; prints requests/s and
p50/p99 latencies. The issue's target: p99 < 50 ms for the register list at 50 clients.
"""

from __future__ import annotations

import argparse
import http.client
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass(frozen=True)
class LoadResult:
    """What one run measured."""

    name: str
    clients: int
    requests: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def line(self) -> str:
        return (
            f"{self.name}: {self.clients} clients, {self.requests} requests in "
            f"{self.seconds:.1f} s = {self.rps:.0f} req/s, p50 {self.p50_ms:.1f} ms, "
            f"p99 {self.p99_ms:.1f} ms, errors {self.errors}"
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def demo_server(folder: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """Run ``xxgk serve --demo`` in a subprocess; yield its port and the demo passwords."""
    port = _free_port()
    command = [
        sys.executable,
        "-m",
        "xxgk",
        "serve",
        "--demo",
        "--port",
        str(port),
        "--db",
        f"sqlite:///{folder / 'load.db'}",
        "--data-dir",
        str(folder),
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
        _wait_for(port)
        yield port, passwords
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_for(port: int, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def sign_in(port: int, username: str, password: str) -> str:
    """Return the Cookie header of a signed-in session and its CSRF token, joined by a tab."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("set-cookie", "").split(";")[0]
    body = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": TOKEN.search(page)[1]}
    )
    conn.request(
        "POST",
        "/login",
        body,
        {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
    )
    response = conn.getresponse()
    response.read()
    return response.getheader("set-cookie", "").split(";")[0]


def run(
    port: int,
    name: str,
    request: tuple[str, str, bytes | None, dict[str, str]],
    clients: int,
    seconds: float,
) -> LoadResult:
    """Let ``clients`` threads repeat ``request`` (method, path, body, headers) for ``seconds``."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, failed = [], 0
        while time.monotonic() < stop:
            method, path, body, headers = request
            start = time.perf_counter()
            try:
                conn.request(method, path, body, headers)
                response = conn.getresponse()
                response.read()
                ok = response.status < 400
            except OSError:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                ok = False
            mine.append(time.perf_counter() - start)
            failed += not ok
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    ordered = sorted(latencies) or [0.0]

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(p * len(ordered)))] * 1000

    return LoadResult(name, clients, len(latencies), errors[0], elapsed, pct(0.5), pct(0.99))


def check_request(cookie: str, port: int, report: bytes) -> tuple[str, str, bytes, dict[str, str]]:
    """Return a multipart POST /check of ``report`` for the signed-in session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/check", headers={"Cookie": cookie})
    response = conn.getresponse()
    token = TOKEN.search(response.read().decode())[1]
    cookie = (response.getheader("set-cookie") or cookie).split(";")[0]
    boundary = "xxgkloadboundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n'
        f'{token}\r\n--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="report.txt"\r\nContent-Type: text/plain\r\n\r\n'
    ).encode()
    body += report + f"\r\n--{boundary}--\r\n".encode()
    return (
        "POST",
        "/check",
        body,
        {"Cookie": cookie, "Content-Type": f"multipart/form-data; boundary={boundary}"},
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local load test of the xxgk web application")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--check-clients", type=int, default=4)
    args = parser.parse_args(argv)
    from xxgk.cli.demo_cmd import example_paths

    report = next(p for p in example_paths() if p.suffix == ".txt").read_bytes()
    with tempfile.TemporaryDirectory() as folder, demo_server(Path(folder)) as (port, pw):
        cookie = sign_in(port, "qinghe-clerk", pw["qinghe-clerk"])
        listing = ("GET", "/register", None, {"Cookie": cookie})
        print(run(port, "register list", listing, args.clients, args.seconds).line())
        upload = check_request(cookie, port, report)
        print(run(port, "check upload", upload, args.check_clients, args.seconds).line())


if __name__ == "__main__":
    main()
