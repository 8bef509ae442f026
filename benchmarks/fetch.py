"""Benchmark the crawl of ``xxgk.fetch``: ``python benchmarks/fetch.py [--hosts 20 --columns 10]``.

Serves a synthetic "national" site on 127.0.0.1 — ``--hosts`` portals (one port each, so each
is a host of its own), each with ``--columns`` 年报 columns of three TRS-style pages, every page
listing report pages, every report page with a PDF-named attachment — and crawls it twice with
no delay: a small run and one ``--scale`` times larger. It prints URLs per second (the cost of
the scheduler, the WARC, the files and the job state per URL, without the politeness pauses
that bound a real run) and the peak memory of each run. Targets (issue 18): memory flat in the
size of the run (the larger run within 30 MB of the smaller), ≥ 100 URLs/s on one core so a
national run is bound by the per-host pause, never by xxgk. Reading and storing the reports is
measured by ``benchmarks/corpus.py`` (the same parser and store).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from xxgk.fetch import FetchSettings, Seed
from xxgk.fetch.job import run_fetch

REPORTS_PER_PAGE = 5
PAGES = 3


def _page(path: str) -> tuple[bytes, str]:
    """The body of ``path`` on a synthetic portal (list page, report page or attachment)."""
    if path.endswith(".pdf"):
        return b"%PDF-1.4\n" + path.encode() * 50, "application/pdf"
    if "/col" in path and "/t" not in path:
        column = path.split("/")[1]
        links = "".join(
            f'<li><a href="/{column}/t{i}.html">示例县第{i}号2024年政府信息公开工作年度报告'
            "</a></li>"
            for i in range(
                REPORTS_PER_PAGE * _page_no(path), REPORTS_PER_PAGE * (_page_no(path) + 1)
            )
        )
        script = f'<script>createPageHTML({PAGES}, 0, "index", "html");</script>'
        html = f"<html><head><title>年报</title></head><body><ul>{links}</ul>{script}</body></html>"
        return html.encode(), "text/html; charset=utf-8"
    filler = "政府信息公开工作年度报告正文。" * 200
    html = (
        f"<html><head><title>年度报告</title></head><body><p>发布时间：2025-01-20</p>"
        f"<p>{filler}</p><a href='{path[:-5]}.pdf'>附件</a></body></html>"
    )
    return html.encode(), "text/html; charset=utf-8"


def _page_no(path: str) -> int:
    name = path.rsplit("/", 1)[-1]
    return int(name[6:-5]) if name.startswith("index_") else 0


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if self.path == "/robots.txt":
            body, ctype = b"User-agent: *\nDisallow: /private/\n", "text/plain"
        else:
            body, ctype = _page(self.path)
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def _serve(hosts: int) -> list[ThreadingHTTPServer]:
    servers = []
    for _ in range(hosts):
        server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
    return servers


def _crawl(servers: list[ThreadingHTTPServer], columns: int, folder: Path) -> tuple[int, float]:
    seeds = [
        Seed(f"http://127.0.0.1:{s.server_address[1]}/col{c}/index.html")
        for s in servers
        for c in range(columns)
    ]
    settings = FetchSettings(
        delay=0.0, timeout=10.0, retries=1, backoff=0.01, workers=8, per_host=2
    )
    start = time.perf_counter()
    outcome = run_fetch(seeds, folder, settings)
    return outcome.progress.done, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hosts", type=int, default=10)
    parser.add_argument("--columns", type=int, default=5)
    parser.add_argument("--scale", type=int, default=4)
    args = parser.parse_args(argv)
    servers = _serve(args.hosts)
    peaks = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, columns in enumerate((args.columns, args.columns * args.scale)):
            done, seconds = _crawl(servers, columns, Path(tmp) / f"run{n}")
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            peaks.append(peak)
            print(
                f"{args.hosts}个网站×{columns}个栏目：抓取{done}个地址，用时{seconds:.1f}秒，"
                f"{done / seconds:.0f}个/秒（目标≥100），内存峰值{peak:.0f} MB",
                flush=True,
            )
    growth = peaks[1] - peaks[0]
    print(f"规模扩大{args.scale}倍，内存峰值增加{growth:.0f} MB（目标≤30 MB）")
    for server in servers:
        server.shutdown()
    return 0 if growth <= 30 else 1


if __name__ == "__main__":
    sys.exit(main())
