"""``xxgk fetch`` on the command line, and a run killed mid-way that resumes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from fetch_site import FAST, Portal, Request, Response
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.fetch import Seed, run

ROOT = Path(__file__).resolve().parents[2]
FAST_OPTIONS = ["--delay", "0", "--timeout", str(FAST.timeout), "--retries", "2"]


def test_cli_fetches_a_list_file_and_prints_the_reports(portal: Portal, tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# 年报栏目\n{portal.site.url(portal.platform_column)}\n\n", encoding="utf-8")
    out = tmp_path / "job"
    result = CliRunner().invoke(
        app, ["fetch", "--list", str(urls), "--out", str(out), *FAST_OPTIONS]
    )
    assert result.exit_code == 0, result.output
    assert "读出年度报告3份" in result.output
    assert "示例县自然资源局 2024年度  网页发布于2025-02-03" in result.output
    assert (out / "reports.jsonl").read_text(encoding="utf-8").count("\n") == 3
    assert list((out / "warc").glob("*.warc.gz"))


def test_cli_reports_unfetchable_urls_and_exits_1(portal: Portal, tmp_path: Path) -> None:
    url = portal.site.url("/loop/a.html")
    result = CliRunner().invoke(app, ["fetch", url, "--out", str(tmp_path), *FAST_OPTIONS])
    assert result.exit_code == 1
    assert f"{url}  重定向循环" in result.output


def test_cli_bad_list_line_is_one_line_error(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("http://a.example/\nwww.example.gov.cn/nb.html\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["fetch", "--list", str(urls), "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert isinstance(result.exception, Exception)
    assert "第2行不是网址" in str(result.exception)


def test_killed_run_resumes_and_fetches_nothing_twice(portal: Portal, tmp_path: Path) -> None:
    """A real kill -9 of ``xxgk fetch`` while a report page is being served; the rerun
    fetches only what the killed run had not finished."""
    site = portal.site
    blocked = "/xxgk/zfxxgknb/202501/t20250113_503.html"
    release = threading.Event()
    original = site.routes[blocked]

    def hold(request: Request) -> Response:
        release.wait(30)
        return original  # type: ignore[return-value]

    site.routes[blocked] = hold
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    seeds = [site.url(portal.trs_column), site.url(portal.platform_column)]
    command = [sys.executable, "-m", "xxgk", "fetch", *seeds, "--out", str(tmp_path)]
    process = subprocess.Popen(  # noqa: S603 - our own command line
        [*command, *FAST_OPTIONS, "--per-host", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            if site.hits[blocked] or process.poll() is not None:
                break
            time.sleep(0.05)
        assert site.hits[blocked] == 1
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        release.set()
        if process.poll() is None:
            process.kill()
    before = dict(site.hits)
    assert len(before) >= 8  # the columns and some reports were fetched before the kill
    site.hits.clear()
    result = run([Seed(u) for u in seeds], tmp_path, FAST)
    assert result.outcome.resumed
    again = {p for p in before if site.hits[p] and p not in ("/robots.txt", blocked)}
    assert again == set()
    assert site.hits[blocked] == 1
    assert len(result.reports) == 8
