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
from xxgk.errors import XxgkError
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
    blocked = "/xxgk/zfxxgknb/202401/t20240115_400.html"  # found on the last column page
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


def _database(tmp_path: Path) -> str:
    """A migrated SQLite database with the portal's units, an administrator and a clerk."""
    from fetch_site import add_units
    from sqlalchemy.orm import Session

    from xxgk.db import make_engine, upgrade_to_head
    from xxgk.db.models import Role, Unit
    from xxgk.db.users import add_user

    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    add_units(engine)
    with Session(engine) as session, session.begin():
        admin = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
        unit = session.query(Unit).filter_by(name="示例县教育局").one()
        add_user(session=session, actor=admin, username="jiaoyu-clerk", role=Role.CLERK, unit=unit)
    engine.dispose()
    return url


def test_cli_ingest_names_the_person_in_the_audit_log(portal: Portal, tmp_path: Path) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from xxgk.corpus.models import StoredReport
    from xxgk.db import make_engine
    from xxgk.db.models import AuditEntry

    db = _database(tmp_path)
    url = portal.site.url(portal.platform_column)
    args = ["fetch", url, "--out", str(tmp_path / "job"), "--ingest", "--db", db, *FAST_OPTIONS]
    result = CliRunner().invoke(app, [*args, "--as", "admin"])
    assert result.exit_code == 0, result.output
    assert "报告库：新增3份" in result.output
    engine = make_engine(db)
    with Session(engine) as session:
        sources = set(session.scalars(select(StoredReport.source)))
        actors = set(
            session.scalars(select(AuditEntry.actor_name).where(AuditEntry.action == "ingest"))
        )
    engine.dispose()
    assert portal.site.url("/attach/2024/nb-9001.docx") in sources
    assert actors == {"admin"}


def test_cli_store_refused_to_a_clerk_before_anything_is_fetched(
    portal: Portal, tmp_path: Path
) -> None:
    db = _database(tmp_path)
    url = portal.site.url(portal.platform_column)
    args = ["fetch", url, "--out", str(tmp_path / "job"), "--ingest", "--db", db]
    result = CliRunner().invoke(app, [*args, "--as", "jiaoyu-clerk"])
    assert result.exit_code != 0
    assert isinstance(result.exception, XxgkError)
    assert sum(portal.site.hits.values()) == 0
