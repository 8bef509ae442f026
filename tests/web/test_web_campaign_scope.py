"""Every route and export of the supervising office's campaign (issue #16), tried by a second
county's supervisor and unit admin on the first county's units, users, batch and reports.

The list of routes is read from the application: every route under ``CAMPAIGN_PREFIXES``
must have a call here or be named in ``NOT_SCOPED`` with the reason, so a route added later
cannot be forgotten. Each call must be refused by the route's own message (403/404/400, or a
redirect whose page flashes the refusal) or answer with nothing of the first county; and no
call may write anything (the audit log, which every write goes to, stays as it was).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import re
import zipfile
from dataclasses import dataclass, field

import pytest
from sqlalchemy import func, select
from web_support import add_second_county, copy_demo, login, new_client, token

from xxgk.corpus.models import StoredReport
from xxgk.db.models import AuditEntry, Role, Unit, User
from xxgk.render import render
from xxgk.synth import random_report

YEAR = dt.date.today().year - 1
PASSWORD = "另一县-口令-2026-campaign"
SECOND = ("lx-supervisor", "lx-admin")
FIRST_COUNTY = "示例县"
CAMPAIGN_PREFIXES = ("/overview", "/collect", "/check/store", "/campaign", "/admin", "/fetch")
NOT_SCOPED = {
    ("GET", "/admin"): "the 系统管理 index: links to the pages below, no data of any unit",
    ("POST", "/fetch"): "fetches the URLs typed in; what it finds is stored through the same "
    "collection batch as POST /collect, whose scope refusal is tried here",
    ("POST", "/fetch/units"): "takes no unit: it fetches the 年报栏目 of the caller's own units",
}


def _first_report(organization: str = "示例县清河镇人民政府"):
    report = random_report(random.Random(11), organization=organization, year=YEAR)
    report.published = dt.date(YEAR + 1, 1, 15)
    return report


FIRST_REPORT = _first_report()
UNIT_TABLE = "代码,名称,类型,上级\nx-new,示例县新设办事处,township,qinghe\n".encode()


@dataclass(frozen=True)
class Call:
    """How to call one route on the first county: path parameters, query or form fields."""

    params: dict[str, str] = field(default_factory=dict)
    data: dict[str, str] = field(default_factory=dict)
    formats: tuple[str, ...] = ("",)
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    batch: bool = False  # the route starts a collection batch (its rows name refusals)


CALLS: dict[tuple[str, str], Call] = {
    ("GET", "/overview"): Call(data={"unit": "{jiaoyu}", "year": "{year}"}),
    ("GET", "/overview/trend.svg"): Call(data={"unit": "{shilixian}"}),
    ("GET", "/overview/mix.svg"): Call(data={"unit": "{shilixian}"}),
    ("GET", "/overview/ranking.svg"): Call(data={"unit": "{shilixian}", "year": "{year}"}),
    ("GET", "/overview/export.csv"): Call(data={"unit": "{shilixian}", "year": "{year}"}),
    ("GET", "/overview/opendata.xlsx"): Call(data={"unit": "{shilixian}", "year": "{year}"}),
    ("GET", "/overview/units/{unit_id}"): Call({"unit_id": "{jiaoyu}"}, {"year": "{year}"}),
    ("POST", "/overview/units/{unit_id}/marks"): Call(
        {"unit_id": "{jiaoyu}"},
        {"year": "{year}", "key": "x", "verdict": "dismissed", "reason": "试"},
    ),
    ("GET", "/overview/units/{unit_id}/findings.{fmt}"): Call(
        {"unit_id": "{jiaoyu}"}, {"year": "{year}"}, ("csv", "xlsx")
    ),
    ("GET", "/overview/findings.{fmt}"): Call(
        data={"unit": "{shilixian}", "year": "{year}"}, formats=("csv", "xlsx")
    ),
    ("GET", "/overview/rollup"): Call(data={"unit": "{shilixian}", "year": "{year}"}),
    ("GET", "/overview/rollup.{fmt}"): Call(
        data={"unit": "{shilixian}", "year": "{year}"}, formats=("docx", "xlsx", "pdf")
    ),
    ("POST", "/overview/rollup/scope"): Call(
        data={"unit": "{shilixian}", "year": "{year}", "report_scope": "full"}
    ),
    ("GET", "/collect"): Call(),
    ("POST", "/collect"): Call(
        data={"year": "{year}"},
        files={"files": ("清河镇.txt", render(FIRST_REPORT, "txt"))},
        batch=True,
    ),
    ("GET", "/collect/jobs/{job_id}"): Call({"job_id": "{job}"}),
    ("GET", "/collect/jobs/{job_id}/results.xlsx"): Call({"job_id": "{job}"}),
    ("POST", "/collect/jobs/{job_id}/cancel"): Call({"job_id": "{job}"}),
    ("POST", "/collect/match"): Call(data={"report": "{report}", "unit": "{qinghe}"}),
    ("POST", "/check/store"): Call(
        data={
            "name": "清河镇.txt",
            "report_json": json.dumps(FIRST_REPORT.to_dict(), ensure_ascii=False)
            .replace("{", "{{")
            .replace("}", "}}"),
            "error": "",
        },
        batch=True,
    ),
    ("GET", "/fetch"): Call(data={"unit": "{jiaoyu}"}),
    ("POST", "/fetch/column"): Call(data={"unit": "{jiaoyu}", "url": "http://127.0.0.1:9/"}),
    ("GET", "/fetch/jobs/{job_id}"): Call({"job_id": "{job}"}),
    ("POST", "/fetch/jobs/{job_id}/cancel"): Call({"job_id": "{job}"}),
    ("GET", "/admin/units"): Call(data={"unit": "{shilixian}"}),
    ("POST", "/admin/units"): Call(
        data={"parent": "{qinghe}", "code": "x1", "name": "新单位", "kind": "department"}
    ),
    ("POST", "/admin/units/import"): Call(files={"file": ("单位.csv", UNIT_TABLE)}),
    ("GET", "/admin/units/{unit_id}"): Call({"unit_id": "{qinghe}"}),
    ("POST", "/admin/units/{unit_id}/rename"): Call(
        {"unit_id": "{qinghe}"}, {"name": "清河镇新名", "reason": "试"}
    ),
    ("POST", "/admin/units/{unit_id}/move"): Call(
        {"unit_id": "{qinghe}"}, {"parent": "{shiqiao}", "reason": "试"}
    ),
    ("POST", "/admin/units/{unit_id}/settings"): Call(
        {"unit_id": "{qinghe}"}, {"kind": "township", "reason": "试"}
    ),
    ("POST", "/admin/units/{unit_id}/active"): Call(
        {"unit_id": "{qinghe}"}, {"active": "0", "reason": "试"}
    ),
    ("GET", "/admin/users"): Call(data={"unit": "{qinghe}"}),
    ("POST", "/admin/users"): Call(
        data={"username": "new-user", "role": "clerk", "unit": "{qinghe}"}
    ),
    ("POST", "/admin/users/{user_id}/password"): Call({"user_id": "{clerk}"}),
    ("POST", "/admin/users/{user_id}/role"): Call(
        {"user_id": "{clerk}"}, {"role": "reviewer", "unit": "{qinghe}", "reason": "试"}
    ),
    ("POST", "/admin/users/{user_id}/active"): Call(
        {"user_id": "{clerk}"}, {"active": "0", "reason": "试"}
    ),
    ("POST", "/admin/users/{user_id}/unlock"): Call({"user_id": "{clerk}"}),
    ("GET", "/admin/audit"): Call(data={"unit": "{qinghe}"}),
    ("GET", "/admin/audit.csv"): Call(data={"unit": "{qinghe}"}),
    ("POST", "/admin/audit/verify"): Call(),
    ("GET", "/admin/years"): Call(data={"unit": "{jiaoyu}"}),
    ("POST", "/admin/years/reopen"): Call(
        data={"unit": "{qinghe}", "year": "{year}", "reason": "试"}
    ),
}


def campaign_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the application under ``CAMPAIGN_PREFIXES``."""
    from xxgk.web.routes import ROUTERS

    return {
        (method, route.path)
        for router in ROUTERS
        for route in router.routes
        if route.path.startswith(CAMPAIGN_PREFIXES)
        for method in route.methods - {"HEAD"}
    }


def test_every_campaign_route_is_tried_or_named_with_its_reason():
    routes = campaign_routes()
    assert routes - set(CALLS) - set(NOT_SCOPED) == set(), "a campaign route has no scope call"
    assert set(CALLS) | set(NOT_SCOPED) <= routes, "a call names a route that is gone"


@pytest.fixture(scope="module")
def world(demo_template, tmp_path_factory):
    """The demo plus 另一县 with a supervisor and a unit admin, and a batch of the first
    county's supervisor holding one unmatched report; yields (clients, ids, audit count)."""
    source, passwords = demo_template
    folder = tmp_path_factory.mktemp("campaign-scope")
    copy_demo(source, folder)
    with new_client(folder) as first, first.app.state.sessions() as s:
        second = dict(zip(SECOND, (Role.SUPERVISOR, Role.UNIT_ADMIN), strict=True))
        add_second_county(s, second, PASSWORD)
        ids = {u.code: str(u.id) for u in s.scalars(select(Unit))}
        ids["clerk"] = str(s.scalar(select(User.id).where(User.username == "qinghe-clerk")))
        login(first, "county-supervisor", passwords["county-supervisor"])
        ids.update(_first_batch(first))
        ids["year"] = str(YEAR)
        clients = {}
        for username in SECOND:
            c = new_client(folder)
            c.__enter__()
            login(c, username, PASSWORD)
            clients[username] = c
        yield clients, ids
        for c in clients.values():
            c.__exit__(None, None, None)


def _first_batch(client) -> dict[str, str]:
    """Upload one report no unit's name matches; return the batch's and the report's ids."""
    report = random_report(random.Random(7), organization="某某服务站", year=YEAR)
    report.published = dt.date(YEAR + 1, 1, 15)
    response = client.post(
        "/collect",
        data={"csrf_token": token(client, "/collect"), "year": str(YEAR)},
        files=[("files", ("不明.txt", render(report, "txt")))],
        follow_redirects=False,
    )
    job = response.headers["location"].rsplit("/", 1)[-1]
    client.app.state.collect_jobs.wait(job, timeout=120)
    page = client.get(f"/collect/jobs/{job}").text
    return {"job": job, "report": re.search(r'name="report" value="(\d+)"', page)[1]}


def _text(response) -> str:
    """The response as text, whatever the format (XLSX/DOCX: their XML parts)."""
    if response.content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(response.content)) as package:
            return "".join(
                package.read(n).decode("utf-8", "replace")
                for n in package.namelist()
                if n.endswith(".xml")
            )
    return response.content.decode("utf-8", "replace")


def _cases():
    for (method, path), call in sorted(CALLS.items()):
        for fmt in call.formats:
            for username in SECOND:
                yield pytest.param(method, path, fmt, username, id=f"{username}{method}{path}{fmt}")


@pytest.mark.parametrize(("method", "path", "fmt", "username"), list(_cases()))
def test_a_second_county_sees_and_changes_nothing_of_the_first(world, method, path, fmt, username):
    clients, ids = world
    c = clients[username]
    call = CALLS[(method, path)]
    url = path.format(**{k: v.format(**ids) for k, v in call.params.items()}, fmt=fmt)
    data = {k: v.format(**ids) for k, v in call.data.items()}
    before = _written(c)
    if method == "GET":
        response = c.get(url, params=data, follow_redirects=False)
    else:
        files = list(call.files.items())
        response = c.post(
            url,
            data={"csrf_token": token(c, "/desk"), **data},
            files=files or None,
            follow_redirects=False,
        )
    if response.status_code == 303 and call.batch:
        _assert_batch_stored_nothing(c, response.headers["location"])
        assert _written(c)[1] == before[1], "a report went into the store"
        return
    if response.status_code == 303:
        _assert_flashed_refusal(c, response.headers["location"])
    elif response.status_code == 200:
        assert FIRST_COUNTY not in _text(response), f"{url} shows the first county"
    else:
        _assert_refused(response)
    assert _written(c) == before, "a refused call wrote something"


def _assert_refused(response) -> None:
    """403 for a role the route is not for, 404 for what is out of the caller's scope, each
    with the route's own one-line message."""
    assert response.status_code in (403, 404), (response.status_code, response.text[:300])
    message = re.search(r'class="flash error"[^>]*>([^<]+)<', response.text)
    assert message, response.text[:300]
    if response.status_code == 404:
        assert re.fullmatch(r"找不到该\w+，或您无权查看", message[1]), message[1]
    else:
        assert "仅供" in message[1], message[1]


def _assert_flashed_refusal(client, where: str) -> None:
    """A form that reports its outcome on the next page: that page flashes the refusal."""
    message = re.search(r'class="flash error"[^>]*>([^<]+)<', client.get(where).text)
    assert message, f"{where} flashes no refusal"


def _assert_batch_stored_nothing(client, where: str) -> None:
    """A batch with the first county's report stores nothing: its row names the refusal."""
    job = where.rsplit("/", 1)[-1]
    client.app.state.collect_jobs.wait(job, timeout=120)
    page = client.get(where).text
    assert "不是您管辖范围内的单位" in page, page[-2000:]


def _written(client) -> tuple[int, int]:
    """What a call could have written: the audit log (every write goes there) and the
    report store."""
    with client.app.state.sessions() as s:
        return (
            s.scalar(select(func.count(AuditEntry.id))),
            s.scalar(select(func.count(StoredReport.id))),
        )


def test_a_county_with_no_reports_is_told_where_to_collect_them(world):
    """The second county's store is empty: its overview points to 报告收集, not to a command."""
    clients, _ = world
    page = clients["lx-supervisor"].get(f"/overview?year={YEAR}").text
    hint = re.search(r'<p class="hint" id="corpus-empty">(.*?)</p>', page, re.S)
    assert hint, "no hint for an empty report store"
    assert "另一县人民政府" in hint[1]
    assert '<a href="/collect">报告收集</a>' in hint[1]
    assert "xxgk " not in re.sub(r"<[^>]+>", "", page).replace("xxgk 政府信息公开", "")
