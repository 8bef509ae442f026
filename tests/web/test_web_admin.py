"""系统管理 in the web: units, people, the audit log viewer and the published years, role × unit.

The demo's county (示例县) has its unit admin; a second county (东坡县) with its own admin is
added here. Every route is tried by both admins, the system administrator, an officer and the
supervisor: the second county's admin sees and changes nothing of the first (404, as for what
does not exist), an officer or a supervisor cannot administer (403 with its own message).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select
from web_support import copy_demo, login, new_client, token

from xxgk.db.logins import LoginRefused, authenticate
from xxgk.db.models import AuditEntry, Unit, User
from xxgk.db.units import add_unit
from xxgk.db.users import add_user

OTHER_PASSWORD = "East-slope-county-2026"
REFUSED_ROLE = "系统管理仅供单位管理员和系统管理员使用"
NOT_FOUND = "或您无权查看"


def _add_second_county(folder, passwords: dict[str, str]):
    """Add 东坡县 with its admin to the demo in ``folder``; return (folder, passwords, ids)."""
    with new_client(folder) as c, c.app.state.sessions() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        other = add_unit(
            session=s, actor=admin, code="dongpo", name="东坡县人民政府", kind="county"
        )
        add_user(
            session=s,
            actor=admin,
            username="dongpo-admin",
            role="unit_admin",
            unit=other,
            password=OTHER_PASSWORD,
        )
        s.commit()
        ids = {u.code: u.id for u in s.scalars(select(Unit))}
        ids.update({f"user:{u.username}": u.id for u in s.scalars(select(User))})
    return folder, {**passwords, "dongpo-admin": OTHER_PASSWORD}, ids


@pytest.fixture
def world(demo):
    """The demo plus 东坡县 with its admin, fresh for a test that writes."""
    return _add_second_county(*demo)


@pytest.fixture(scope="module")
def refusal_world(demo_template, tmp_path_factory):
    """One copy of that world for the module's refusals, which change nothing."""
    source, passwords = demo_template
    folder = tmp_path_factory.mktemp("admin-refusals")
    copy_demo(source, folder)
    return _add_second_county(folder, passwords)


def _sign_in_factory(world):
    folder, passwords, _ = world
    clients: dict[str, object] = {}

    def make(username: str):
        if username not in clients:
            c = new_client(folder)
            c.__enter__()
            login(c, username, passwords[username])
            clients[username] = c
        return clients[username]

    return make, clients


@pytest.fixture
def signed_in(world):
    make, clients = _sign_in_factory(world)
    yield make
    for c in clients.values():
        c.__exit__(None, None, None)


@pytest.fixture(scope="module")
def refused_in(refusal_world):
    """Signed-in clients on the refusal world, one per user for the whole module."""
    make, clients = _sign_in_factory(refusal_world)
    yield make
    for c in clients.values():
        c.__exit__(None, None, None)


@dataclass(frozen=True)
class Route:
    """One admin route: how to call it on the first county's unit/user ``ids``."""

    name: str
    call: Callable[..., object]


def _post(path: str, **data: str) -> Callable[..., object]:
    def call(c, ids):
        return c.post(
            path.format(**ids),
            data={"csrf_token": token(c, "/desk"), **{k: v.format(**ids) for k, v in data.items()}},
            follow_redirects=False,
        )

    return call


def _get(path: str) -> Callable[..., object]:
    return lambda c, ids: c.get(path.format(**ids), follow_redirects=False)


QINGHE_ROUTES = (
    Route("unit page", _get("/admin/units/{qinghe}")),
    Route("rename", _post("/admin/units/{qinghe}/rename", name="清河镇新名", reason="试")),
    Route("move", _post("/admin/units/{qinghe}/move", parent="{shiqiao}", reason="试")),
    Route("settings", _post("/admin/units/{qinghe}/settings", kind="township", reason="试")),
    Route("retire", _post("/admin/units/{qinghe}/active", active="0", reason="试")),
    Route(
        "add unit below",
        _post("/admin/units", parent="{qinghe}", code="x1", name="新单位", kind="department"),
    ),
    Route("users of the unit", _get("/admin/users?unit={qinghe}")),
    Route("reset password", _post("/admin/users/{clerk}/password")),
    Route("unlock", _post("/admin/users/{clerk}/unlock")),
    Route(
        "change role",
        _post("/admin/users/{clerk}/role", role="reviewer", unit="{qinghe}", reason="试"),
    ),
    Route("disable", _post("/admin/users/{clerk}/active", active="0", reason="试")),
    Route("add user", _post("/admin/users", username="new-user", role="clerk", unit="{qinghe}")),
    Route("audit of the unit", _get("/admin/audit?unit={qinghe}")),
    Route("audit csv of the unit", _get("/admin/audit.csv?unit={qinghe}")),
)
AREA_ROUTES = (
    Route("home", _get("/admin")),
    Route("units", _get("/admin/units")),
    Route("users", _get("/admin/users")),
    Route("audit", _get("/admin/audit")),
    Route("audit csv", _get("/admin/audit.csv")),
    Route(
        "import",
        lambda c, ids: c.post(
            "/admin/units/import",
            data={"csrf_token": token(c, "/desk")},
            files={"file": ("units.csv", "代码,名称,类型,上级\n".encode(), "text/csv")},
            follow_redirects=False,
        ),
    ),
)


def _ids(world) -> dict[str, str]:
    _, _, ids = world
    names = {"qinghe": "qinghe", "shiqiao": "shiqiao", "clerk": "user:qinghe-clerk"}
    return {key: str(ids[value]) for key, value in names.items()}


@pytest.mark.parametrize("route", QINGHE_ROUTES + AREA_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("username", ["qinghe-clerk", "county-supervisor", "qinghe-leader"])
def test_officers_supervisors_and_leaders_cannot_administer(
    refusal_world, refused_in, route, username
):
    if username == "qinghe-leader" and route.name == "home":
        return  # a leader has the home page, for the published years
    response = route.call(refused_in(username), _ids(refusal_world))
    assert response.status_code == 403
    assert REFUSED_ROLE in response.text


@pytest.mark.parametrize("route", QINGHE_ROUTES, ids=lambda r: r.name)
def test_another_countys_admin_reaches_nothing_of_the_first(refusal_world, refused_in, route):
    folder, _, _ = refusal_world
    other = refused_in("dongpo-admin")
    with new_client(folder) as c, c.app.state.sessions() as s:
        before = s.scalar(select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1))
    response = route.call(other, _ids(refusal_world))
    assert response.status_code == 404
    assert NOT_FOUND in response.text
    with new_client(folder) as c, c.app.state.sessions() as s:
        changes = s.scalars(select(AuditEntry).where(AuditEntry.id > before)).all()
    assert [e.action for e in changes if e.action not in ("login",)] == []


@pytest.mark.parametrize("route", QINGHE_ROUTES + AREA_ROUTES, ids=lambda r: r.name)
@pytest.mark.parametrize("username", ["county-admin", "admin"])
def test_the_countys_admin_and_the_system_admin_may(world, signed_in, route, username):
    response = route.call(signed_in(username), _ids(world))
    assert response.status_code in (200, 303), response.text[:400]
    assert response.headers["cache-control"] == "no-store"


def test_writes_need_the_csrf_token(world, signed_in):
    c = signed_in("county-admin")
    ids = _ids(world)
    response = c.post(f"/admin/users/{ids['clerk']}/password", data={}, follow_redirects=False)
    assert response.status_code == 403
    assert "one-time" not in response.text
    assert "一次性密码" not in response.text


def test_the_second_countys_lists_show_nothing_of_the_first(world, signed_in):
    c = signed_in("dongpo-admin")
    for path in (
        "/admin/units",
        "/admin/users",
        "/admin/audit",
        "/admin/audit.csv",
        "/admin/years",
    ):
        text = c.get(path).text
        assert "清河" not in text, path
        assert "qinghe-clerk" not in text, path
    assert "东坡县人民政府" in c.get("/admin/units").text


def test_reset_password_shows_it_once_and_forces_a_change(world, signed_in):
    folder, passwords, _ = world
    admin = signed_in("county-admin")
    page = admin.post(
        f"/admin/users/{_ids(world)['clerk']}/password",
        data={"csrf_token": token(admin, "/admin/users")},
    )
    assert page.status_code == 200
    once = page.text.split('id="one-time-password">')[1].split("<")[0]
    assert len(once) >= 10
    assert once not in admin.get("/admin/users").text
    with new_client(folder, demo=False) as c:
        old = c.post(
            "/login",
            data={
                "username": "qinghe-clerk",
                "password": passwords["qinghe-clerk"],
                "csrf_token": token(c),
            },
        )
        assert "用户名或密码错误" in old.text
        login(c, "qinghe-clerk", once)
        desk = c.get("/desk", follow_redirects=False)
        assert desk.status_code == 303
        assert desk.headers["location"].startswith("/password")


def test_unlock_lifts_the_throttle_and_is_audited(world, signed_in):
    folder, passwords, _ = world
    with new_client(folder) as c, c.app.state.sessions() as s:
        for number in range(6):  # from six addresses: the account is throttled, not this client
            with pytest.raises(LoginRefused):
                authenticate(s, "qinghe-clerk", "wrong-guess", f"10.0.0.{number}")
    admin = signed_in("county-admin")
    listing = admin.get("/admin/users").text
    assert "登录已锁定" in listing
    done = admin.post(
        f"/admin/users/{_ids(world)['clerk']}/unlock",
        data={"csrf_token": token(admin, "/admin/users")},
    )
    assert "已解除qinghe-clerk的登录锁定" in done.text
    signed_in("qinghe-clerk")  # the right password works again at once
    audit = admin.get("/admin/audit?action=unlock-login").text
    assert "解除登录锁定" in audit
    assert "county-admin" in audit


def test_import_units_reports_a_bad_file_by_name_and_imports_a_good_one(world, signed_in):
    c = signed_in("county-admin")
    csrf = token(c, "/admin/units")
    bad = c.post(
        "/admin/units/import",
        data={"csrf_token": csrf},
        files={"file": ("单位表.csv", "名称,类型\n某单位,乡镇\n".encode(), "text/csv")},
    )
    assert bad.status_code == 200
    assert "单位表.csv" in bad.text
    assert "缺少列：code" in bad.text
    good = (
        "代码,名称,类型,上级,行政区划代码\n"
        "nanhu,示例县南湖镇人民政府,乡镇人民政府,shilixian,659999003\n"
    )
    done = c.post(
        "/admin/units/import",
        data={"csrf_token": csrf},
        files={"file": ("units.csv", ("\ufeff" + good).encode(), "text/csv")},
    )
    assert "已从units.csv导入1个单位" in done.text
    assert "示例县南湖镇人民政府" in c.get("/admin/units").text
    other = signed_in("dongpo-admin")
    refused = other.post(
        "/admin/units/import",
        data={"csrf_token": token(other, "/admin/units")},
        files={
            "file": (
                "units.csv",
                good.replace("nanhu", "nanhu2").replace("南湖", "北湖").encode(),
                "text/csv",
            )
        },
    )
    assert "不属于单位“示例县人民政府”" in refused.text


def test_audit_viewer_filters_pages_and_exports_with_a_bom(world, signed_in):
    c = signed_in("county-admin")
    ids = _ids(world)
    c.post(
        f"/admin/units/{ids['qinghe']}/rename",
        data={
            "csrf_token": token(c, "/admin/units"),
            "name": "示例县清河镇政府",
            "reason": "机构改革",
        },
    )
    page = c.get(f"/admin/audit?unit={ids['qinghe']}&action=rename&actor=county-admin")
    assert "日志完整性校验通过" in page.text
    assert "机构改革" in page.text
    assert "共1条" in page.text
    assert "共0条" in c.get("/admin/audit?action=rename&until=2000-01-01").text
    assert "不是有效日期" in c.get("/admin/audit?since=2025-02-30").text
    first = c.get("/admin/audit").text
    assert "下一页" in first
    assert "page_no=2" in first
    export = c.get(f"/admin/audit.csv?unit={ids['qinghe']}&action=rename")
    assert export.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["编号", "时间（北京时间）", "操作人", "操作"]
    assert [r[3] for r in rows[1:]] == ["更名"]


def test_only_the_units_leader_reopens_a_year_and_the_history_shows_why(world, signed_in):
    ids = _ids(world)
    county = signed_in("county-admin")
    years = county.get("/admin/years").text
    assert "已锁定" in years
    assert "reopen-form" not in years
    year = years.split('data-unit="qinghe" data-year="')[1].split('"')[0]
    form = {"unit": ids["qinghe"], "year": year, "reason": "表三更正"}
    refused = county.post(
        "/admin/years/reopen", data={**form, "csrf_token": token(county, "/admin/years")}
    )
    assert refused.status_code == 403
    assert "无权执行此操作，需要：分管领导" in refused.text
    other_leader = signed_in("jiaotong-leader")
    assert "示例县清河镇" not in other_leader.get("/admin/years").text
    outside = other_leader.post(
        "/admin/years/reopen", data={**form, "csrf_token": token(other_leader, "/admin/years")}
    )
    assert outside.status_code == 404
    leader = signed_in("qinghe-leader")
    assert "系统管理" in leader.get("/desk").text
    no_reason = leader.post(
        "/admin/years/reopen",
        data={**form, "reason": " ", "csrf_token": token(leader, "/admin/years")},
    )
    assert "必须说明理由" in no_reason.text
    done = leader.post(
        "/admin/years/reopen", data={**form, "csrf_token": token(leader, "/admin/years")}
    )
    assert f"已重新打开示例县清河镇人民政府{year}年度台账" in done.text
    assert "表三更正" in done.text
    assert "已重新打开，待重新发布" in done.text
    assert "表三更正" in county.get("/admin/audit?action=reopen").text


def test_a_townships_local_deadline_is_set_on_its_page(world, signed_in):
    c = signed_in("county-admin")
    qinghe = _ids(world)["qinghe"]
    form = {"kind": "township", "report_deadline": "3-31", "reason": "市政府规定"}
    c.post(f"/admin/units/{qinghe}/settings", data={**form, "csrf_token": token(c, "/admin/units")})
    page = c.get(f"/admin/units/{qinghe}").text
    assert "次年3月31日前（地方规定）" in page
    county = _ids(world)["qinghe"].replace(qinghe, str(world[2]["shilixian"]))
    assert 'name="report_deadline"' not in c.get(f"/admin/units/{county}").text
