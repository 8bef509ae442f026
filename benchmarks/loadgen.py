"""A bounded local load generator for the web application: ``python benchmarks/web.py``.

Starts ``xxgk serve --demo`` in a subprocess on a free 127.0.0.1 port (a fresh SQLite demo in
a temporary folder, ``--workers`` uvicorn processes), signs in as the demo clerk and drives it
from one asyncio event loop in this process: each simulated client is a coroutine with its own
keep-alive connection, so 50 clients cost the machine (whose cores the server shares) one
Python thread rather than 50. It prints requests/s and p50/p99/max latencies of

- the register list, **closed loop**: every client sends its next request as soon as the
  previous answer is read (the saturation run: latency is mostly queueing);
- the register list with a **think time**: every client waits a random 0.5–1.5 × ``--think``
  seconds after each answer before its next request, as people reading a page do (the offered
  load is about ``clients / think`` requests/s);
- the check upload of one text report, closed loop with ``--check-clients`` clients.

The issue's target: p99 < 50 ms for the register list at 50 clients on SQLite.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import random
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from xxgk.demo.server import csrf_token, demo_server, seed_register, sign_in


@dataclass(frozen=True)
class LoadResult:
    """What one run measured (latencies in seconds, sorted; CPU seconds of the server's
    processes and of this load generator, None where /proc cannot tell)."""

    name: str
    clients: int
    behaviour: str
    latencies: tuple[float, ...]
    errors: int
    seconds: float
    server_cpu: float | None = None
    client_cpu: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def ms(self, share: float) -> float:
        """Return the ``share`` quantile in milliseconds (0 without requests)."""
        if not self.latencies:
            return 0.0
        return self.latencies[min(len(self.latencies) - 1, int(share * len(self.latencies)))] * 1e3

    def line(self) -> str:
        cpu = ""
        if self.server_cpu is not None and self.requests:
            cpu = f", server CPU {self.server_cpu * 1e3 / self.requests:.2f} ms/request"
            if self.client_cpu is not None:
                cpu += f" (load generator {self.client_cpu * 1e3 / self.requests:.2f})"
        return (
            f"{self.name}: {self.clients} clients ({self.behaviour}), {self.requests} requests "
            f"in {self.seconds:.1f} s = {self.rps:.0f} req/s, p50 {self.ms(0.5):.1f} ms, "
            f"p99 {self.ms(0.99):.1f} ms, max {self.ms(1.0):.1f} ms, errors {self.errors}{cpu}"
        )


def server_cpu_seconds() -> float | None:
    """Return the CPU seconds (user + system) used so far by this process's descendants (the
    server and its workers), read from /proc; None where there is no /proc.

    CPU per request is far steadier than requests/s when other jobs share the cores."""
    try:
        stats = {}
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/stat", "rb") as handle:
                        fields = handle.read().rsplit(b")", 1)[1].split()
                except OSError:
                    continue
                # after the name: state ppid ... utime (14th field) stime (15th)
                stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))
    except OSError:
        return None
    mine, found, ticks = {os.getpid()}, True, 0
    while found:
        found = False
        for pid, (parent, used) in stats.items():
            if parent in mine and pid not in mine:
                mine.add(pid)
                ticks += used
                found = True
    return ticks / os.sysconf("SC_CLK_TCK")


def raw_request(method: str, path: str, body: bytes | None, headers: dict[str, str]) -> bytes:
    """Return the bytes of one keep-alive HTTP/1.1 request."""
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, data: bytes) -> int:
    """Send one request and read its whole answer; return the status code."""
    writer.write(data)
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = re.search(rb"(?i)\r\ncontent-length:\s*(\d+)", head)
    if length:
        await reader.readexactly(int(length[1]))
    elif re.search(rb"(?i)\r\ntransfer-encoding:\s*chunked", head):
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status


async def _client(
    port: int, data: bytes, stop: float, think: float, rng: random.Random, out: list, bad: list
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    if think:
        await asyncio.sleep(rng.uniform(0, think))  # spread the first requests
    try:
        while time.monotonic() < stop:
            start = time.perf_counter()
            try:
                status = await _exchange(reader, writer, data)
            except (OSError, asyncio.IncompleteReadError, ValueError):
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                status = 599
            out.append(time.perf_counter() - start)
            if not 200 <= status < 300:  # a redirect to the login page is a failure too
                bad.append(status)
            if think:
                pause = rng.uniform(0.5 * think, 1.5 * think)
                await asyncio.sleep(max(0.0, min(pause, stop - time.monotonic())))
    finally:
        writer.close()


def run(
    port: int,
    name: str,
    request: tuple[str, str, bytes | None, dict[str, str]],
    clients: int,
    seconds: float,
    think: float = 0.0,
) -> LoadResult:
    """Let ``clients`` coroutines repeat ``request`` for ``seconds`` (closed loop without a
    ``think`` time, else each waiting 0.5–1.5 × ``think`` seconds between requests)."""
    data = raw_request(*request)
    latencies: list[float] = []
    errors: list[int] = []
    rng = random.Random(6)

    async def drive() -> float:
        began = time.monotonic()
        stop = began + seconds
        await asyncio.gather(
            *(_client(port, data, stop, think, rng, latencies, errors) for _ in range(clients))
        )
        return time.monotonic() - began

    server_before, client_before = server_cpu_seconds(), time.process_time()
    elapsed = asyncio.run(drive())
    server_after, client_used = server_cpu_seconds(), time.process_time() - client_before
    server_used = None
    if server_before is not None and server_after is not None:
        server_used = server_after - server_before
    behaviour = f"think time 0.5–1.5 × {think:g} s between requests" if think else "closed loop"
    return LoadResult(
        name,
        clients,
        behaviour,
        tuple(sorted(latencies)),
        len(errors),
        elapsed,
        server_used,
        client_used,
    )


def check_request(cookie: str, port: int, report: bytes) -> tuple[str, str, bytes, dict[str, str]]:
    """Return a multipart POST /check of ``report`` for the signed-in session."""
    conn = http.client.HTTPConnection("127.0.0.1", port)
    conn.request("GET", "/check", headers={"Cookie": cookie})
    response = conn.getresponse()
    token = csrf_token(response.read().decode())
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
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean think time of the second run (0: skip it)"
    )
    parser.add_argument("--check-clients", type=int, default=4)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="uvicorn worker processes"
    )
    parser.add_argument(
        "--applications",
        type=int,
        default=0,
        help="more applications of the signed-in clerk's unit to register before the runs",
    )
    args = parser.parse_args(argv)
    from xxgk.examples import example_paths

    report = next(p for p in example_paths() if p.suffix == ".txt").read_bytes()
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        if args.applications:
            seed_register(folder, args.applications)
        with demo_server(folder, args.workers) as (port, pw):
            _runs(args, port, pw, report)


def _runs(args: argparse.Namespace, port: int, pw: dict[str, str], report: bytes) -> None:
    print(
        f"server: xxgk serve --demo --workers {args.workers} on 127.0.0.1:{port} (SQLite, demo "
        f"register + {args.applications} applications); load generator: one asyncio loop in "
        f"one process, one keep-alive connection per client, {os.cpu_count()} cores shared "
        f"with the server; load average before the runs {_load()}"
    )
    cookie = sign_in(port, "qinghe-clerk", pw["qinghe-clerk"])
    listing = ("GET", "/register", None, {"Cookie": cookie})
    run(port, "warm-up", listing, 4, 1.0)
    print(run(port, "register list", listing, args.clients, args.seconds).line())
    if args.think:
        print(run(port, "register list", listing, args.clients, args.seconds, args.think).line())
    if args.check_clients:
        upload = check_request(cookie, port, report)
        print(run(port, "check upload", upload, args.check_clients, args.seconds).line())
    print(f"load average after the runs {_load()} (other work on the machine skews the figures)")


def _load() -> str:
    """Return the 1-minute load average (other processes on the cores the runs share)."""
    try:
        return f"{os.getloadavg()[0]:.1f}"
    except OSError:
        return "?"
