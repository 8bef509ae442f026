"""网上采集 on the web: supervisors paste URLs or start their units' fetch; the job runs in a
background thread and its page shows the progress and the result; starting is audited."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from fetch_site import FAST, Portal
from sqlalchemy import select, update

from xxgk.corpus.models import StoredReport
from xxgk.db.models import AuditEntry, Unit
from xxgk.demo import ensure_demo
from xxgk.fetch.background import FetchJobs
from xxgk.web import WebSettings, create_app
from xxgk.web.jobs import job_runner

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _settings(folder: Path, **extra: object) -> WebSettings:
    return WebSettings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        data_dir=folder,
        secure_cookies=False,
        secret="test-secret-" + "x" * 40,
        demo=True,  # the demo accounts' generated passwords need no forced change
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """The demo database, made once for the module, and its passwords."""
    folder = tmp_path_factory.mktemp("fetch-web-demo")
    app = create_app(_settings(folder))
    with app.state.sessions() as session:
        lines = ensure_demo(session, folder)
    app.state.engine.dispose()
    passwords = {x.split("（")[0]: x.rsplit("密码：", 1)[1] for x in lines if "密码：" in x}
    return folder, passwords


@pytest.fixture
def web(demo: tuple[Path, dict[str, str]], tmp_path: Path):
    """A copy of the demo whose fetch jobs use the tests' tiny delays; returns a sign-in."""
    source, passwords = demo
    shutil.copy(source / "web.db", tmp_path / "web.db")
    app = create_app(_settings(tmp_path, migrate=False))
    app.state.fetch_jobs = FetchJobs(job_runner(app.state), tmp_path / "fetch", FAST)
    clients: list[TestClient] = []

    def sign_in(username: str) -> TestClient:
        client = TestClient(app)
        client.__enter__()
        clients.append(client)
        token = TOKEN.search(client.get("/login").text)
        assert token
        response = client.post(
            "/login",
            data={"username": username, "password": passwords[username], "csrf_token": token[1]},
            follow_redirects=False,
        )
        assert response.status_code == 303
        return client

    yield app, sign_in
    for client in clients:
        client.__exit__(None, None, None)
    app.state.engine.dispose()


def _token(client: TestClient) -> str:
    match = TOKEN.search(client.get("/fetch").text)
    assert match
    return match[1]


def test_only_supervising_roles_see_the_page(web) -> None:
    _app, sign_in = web
    assert sign_in("qinghe-clerk").get("/fetch").status_code == 403
    page = sign_in("county-supervisor").get("/fetch")
    assert page.status_code == 200
    assert "网上采集年度报告" in page.text
    assert 'href="/fetch"' in page.text  # in the menu


def test_pasted_urls_are_fetched_in_the_background_and_stored(web, portal: Portal) -> None:
    app, sign_in = web
    client = sign_in("county-supervisor")
    response = client.post(
        "/fetch",
        data={"urls": portal.site.url(portal.platform_column), "csrf_token": _token(client)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    job_id = response.headers["location"].rsplit("/", 1)[1]
    app.state.fetch_jobs.wait(job_id, 60)
    page = client.get(f"/fetch/jobs/{job_id}").text
    assert "已完成" in page
    assert "读出年度报告3份" in page
    assert 'http-equiv="refresh"' not in page
    with app.state.sessions() as session:
        sources = set(session.scalars(select(StoredReport.source)))
        entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "fetch")).one()
        assert entry.actor_name == "county-supervisor"
        stored_by = session.scalars(
            select(AuditEntry.actor_name).where(AuditEntry.action == "ingest")
        ).all()
        assert "county-supervisor" in stored_by  # the demo store was filled by the system
    assert portal.site.url("/art/2025/1/20/art_4521_9003.html") in sources
    # the county's unit administrator sees the job of the county (their scope); the scope
    # across counties is tested in tests/web/test_web_jobs.py
    other = sign_in("county-admin")
    assert other.get(f"/fetch/jobs/{job_id}").status_code == 200
    assert f"/fetch/jobs/{job_id}" in other.get("/fetch").text
    assert other.get("/fetch/jobs/000000000000").status_code == 404


def test_unit_fetch_starts_from_the_units_columns(web, portal: Portal) -> None:
    app, sign_in = web
    with app.state.sessions() as session:
        session.execute(
            update(Unit)
            .where(Unit.name == "示例县人民政府")
            .values(report_column_url=portal.site.url(portal.trs_column))
        )
        session.commit()
    client = sign_in("county-supervisor")
    assert "1个已填写年报栏目地址" in client.get("/fetch").text
    response = client.post(
        "/fetch/units", data={"year": "2024", "csrf_token": _token(client)}, follow_redirects=False
    )
    job_id = response.headers["location"].rsplit("/", 1)[1]
    app.state.fetch_jobs.wait(job_id, 60)
    page = client.get(f"/fetch/jobs/{job_id}").text
    assert "从1个单位的年报栏目开始抓取" in page
    assert "读出年度报告4份" in page
    assert portal.site.hits["/xxgk/zfxxgknb/202401/t20240115_400.html"] == 0


def test_bad_pasted_line_is_a_clear_error(web) -> None:
    _app, sign_in = web
    client = sign_in("county-supervisor")
    response = client.post("/fetch", data={"urls": "不是网址", "csrf_token": _token(client)})
    assert response.status_code == 400
    assert "第1行不是网址" in response.text


def test_pasted_urls_are_bounded(web) -> None:
    _app, sign_in = web
    client = sign_in("county-supervisor")
    urls = "\n".join(f"http://127.0.0.1:9/r{i}.html" for i in range(2001))
    response = client.post("/fetch", data={"urls": urls, "csrf_token": _token(client)})
    assert response.status_code == 400
    assert "一次最多粘贴2000个网址（本次2001个）" in response.text


def test_unit_admin_sets_a_units_column_in_the_web(web) -> None:
    app, sign_in = web
    client = sign_in("county-admin")
    page = client.get("/fetch").text
    unit_id = re.search(r'<option value="(\d+)">[^<]*清河镇', page)
    assert unit_id, "the unit is offered in the form"
    url = "https://qinghe.example.gov.cn/xxgk/zfxxgknb/"
    response = client.post(
        "/fetch/column",
        data={"unit": unit_id[1], "url": url, "csrf_token": _token(client)},
    )
    assert response.status_code == 200
    assert "的年报栏目地址" in response.text
    with app.state.sessions() as session:
        unit = session.get(Unit, int(unit_id[1]))
        assert unit is not None
        assert unit.report_column_url == url
        entry = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
        assert entry is not None
        assert entry.actor_name == "county-admin"


def test_a_bad_column_url_is_refused_with_its_reason(web) -> None:
    _app, sign_in = web
    client = sign_in("county-admin")
    page = client.get("/fetch").text
    unit_id = re.search(r'<option value="(\d+)">', page)
    assert unit_id
    response = client.post(
        "/fetch/column",
        data={"unit": unit_id[1], "url": "ftp://x", "csrf_token": _token(client)},
    )
    assert "年报栏目地址应为以http://或https://开头的网址" in response.text


def test_a_hostile_download_in_a_web_job_is_refused_by_its_budget(web, site) -> None:
    """The job's thread hands each download to the bounded worker pool: a zip bomb is one
    line naming the budget on the job's page, and the job finishes."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
    from hostile_support import docx_bomb

    site.add(
        "/f/bomb.docx",
        docx_bomb(70 << 20),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    app, sign_in = web
    client = sign_in("county-supervisor")
    response = client.post(
        "/fetch",
        data={"urls": site.url("/f/bomb.docx"), "csrf_token": _token(client)},
        follow_redirects=False,
    )
    job_id = response.headers["location"].rsplit("/", 1)[1]
    app.state.fetch_jobs.wait(job_id, 60)
    page = client.get(f"/fetch/jobs/{job_id}").text
    assert "已完成" in page
    assert "读出年度报告0份" in page
    assert "bomb.docx" in page
    assert "解压后的大小" in page
