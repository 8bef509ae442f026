"""Sign-in, sessions, CSRF, the login rate limit, the secret, and one unit not reaching another
unit's applications by guessing ids (pages and API alike)."""

from __future__ import annotations

import re
import stat

from web_support import new_client, token

from xxgk.web.settings import SECRET_FILE, load_secret


def _app_ids(client) -> list[int]:
    return [row["id"] for row in client.get("/api/v1/applications").json()]


def test_web_anonymous_register_redirects_to_login(client):
    response = client.get("/register", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


def test_web_wrong_password_is_refused_then_rate_limited(demo):
    folder, _ = demo
    with new_client(folder, login_attempts=3) as c:
        for _ in range(3):
            r = c.post(
                "/login",
                data={"username": "qinghe-clerk", "password": "wrong", "csrf_token": token(c)},
            )
            assert r.status_code == 401
            assert "用户名或密码错误" in r.text
        r = c.post(
            "/login", data={"username": "qinghe-clerk", "password": "wrong", "csrf_token": token(c)}
        )
        assert r.status_code == 429
        assert "登录失败次数过多" in r.text


def test_web_login_sets_signed_httponly_cookie_and_logout_ends_it(demo):
    folder, passwords = demo
    with new_client(folder) as c:
        r = c.post(
            "/login",
            data={
                "username": "qinghe-clerk",
                "password": passwords["qinghe-clerk"],
                "csrf_token": token(c),
            },
            follow_redirects=False,
        )
        cookie = r.headers["set-cookie"]
        assert "xxgk_session=" in cookie
        assert "httponly" in cookie.lower()
        assert "samesite=lax" in cookie.lower()
        assert c.get("/register").status_code == 200
        c.post("/logout", data={"csrf_token": token(c, "/register")})
        assert c.get("/register", follow_redirects=False).status_code == 303


def test_web_secure_cookie_flag_when_configured(demo):
    folder, passwords = demo
    with new_client(folder, secure_cookies=True) as c:
        r = c.post(
            "/login",
            data={
                "username": "qinghe-clerk",
                "password": passwords["qinghe-clerk"],
                "csrf_token": token(c),
            },
            follow_redirects=False,
        )
        assert "secure" in r.headers["set-cookie"].lower()


def test_web_tampered_session_cookie_is_ignored(demo, as_user):
    c = as_user("qinghe-clerk")
    value = c.cookies.get("xxgk_session")
    c.cookies.set("xxgk_session", value[:-3] + ("AAA" if not value.endswith("AAA") else "BBB"))
    assert c.get("/register", follow_redirects=False).status_code == 303


def test_web_secret_is_generated_once_owner_only(tmp_path):
    first = load_secret(tmp_path)
    mode = stat.S_IMODE((tmp_path / SECRET_FILE).stat().st_mode)
    assert mode == 0o600
    assert load_secret(tmp_path) == first
    assert len(first) >= 32


def test_web_form_post_without_csrf_token_is_refused(as_user):
    c = as_user("qinghe-clerk")
    r = c.post(
        "/register/new",
        data={
            "unit": "2",
            "channel": "in_person",
            "arrived_on": "2026-01-05",
            "applicant_type": "natural_person",
            "request_text": "x",
        },
    )
    assert r.status_code == 403
    assert "CSRF" in r.text
    r = c.post("/register/new", data={"csrf_token": "forged", "request_text": "x"})
    assert r.status_code == 403


def test_web_non_ascii_csrf_token_is_refused_not_a_crash(client):
    token(client)  # the session now has a token to compare with
    r = client.post("/login", data={"username": "admin", "password": "x", "csrf_token": "令牌"})
    assert r.status_code == 403


def test_web_login_form_without_csrf_token_is_refused(client):
    r = client.post("/login", data={"username": "admin", "password": "x"})
    assert r.status_code == 403


def test_web_api_change_without_csrf_header_is_refused(as_user):
    c = as_user("qinghe-clerk")
    app_id = _app_ids(c)[0]
    r = c.post(f"/api/v1/applications/{app_id}/events", json={"kind": "撤回", "on": "2026-11-01"})
    assert r.status_code == 403
    assert r.json()["error"]["code"] == "csrf"


def test_web_other_unit_cannot_read_or_change_by_guessing_ids(as_user):
    owner = as_user("qinghe-clerk")
    other = as_user("jiaotong-clerk")
    theirs = set(_app_ids(owner))
    mine = set(_app_ids(other))
    assert theirs
    assert mine
    assert not theirs & mine
    csrf = token(other, "/register")
    api_csrf = other.get("/api/v1/me").json()["csrf_token"]
    for app_id in sorted(theirs):
        page = other.get(f"/register/applications/{app_id}")
        assert page.status_code == 404
        assert "申请" not in page.text.split("<main>")[1].split("找不到")[0]
        assert other.get(f"/api/v1/applications/{app_id}").status_code == 404
        posted = other.post(
            f"/register/applications/{app_id}/events",
            data={"csrf_token": csrf, "kind": "撤回", "on": "2026-11-01"},
        )
        assert posted.status_code == 404
        api = other.post(
            f"/api/v1/applications/{app_id}/events",
            json={"kind": "撤回", "on": "2026-11-01"},
            headers={"X-CSRF-Token": api_csrf},
        )
        assert api.status_code == 404
        assert api.json()["error"]["code"] == "not_found"
    # nothing changed for the owner
    for app_id in theirs:
        events = owner.get(f"/api/v1/applications/{app_id}").json()["events"]
        assert all(e["kind"] != "撤回" for e in events)


def test_web_other_unit_cannot_export_or_compile_foreign_unit(as_user):
    other = as_user("jiaotong-clerk")
    qinghe = next(u["id"] for u in as_user("qinghe-clerk").get("/api/v1/units").json())
    assert other.get(f"/register/export?unit={qinghe}").status_code == 404
    assert other.get(f"/compile?unit={qinghe}").status_code == 404
    assert other.get(f"/api/v1/reports/compiled?unit_id={qinghe}&year=2025").status_code == 404


def test_web_supervisor_reads_subtree_masked_and_cannot_write(as_user):
    sup = as_user("county-supervisor")
    rows = sup.get("/api/v1/applications").json()
    assert {r["unit"] for r in rows} >= {"示例县清河镇人民政府", "示例县交通运输局"}
    assert {r["applicant_name"] for r in rows} == {"***"}
    app_id = rows[0]["id"]
    page = sup.get(f"/register/applications/{app_id}")
    assert page.status_code == 200
    assert "下一步" not in page.text
    assert sup.get("/register/new").status_code == 403
    r = sup.post(
        f"/register/applications/{app_id}/events",
        data={"csrf_token": token(sup, "/register"), "kind": "撤回", "on": "2026-11-01"},
    )
    assert r.status_code == 403
    assert "无权" in r.text
    events = sup.get(f"/api/v1/applications/{app_id}").json()["events"]
    assert all(e["kind"] != "撤回" for e in events)


def test_web_security_headers_present(client):
    r = client.get("/check")
    assert r.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in r.headers["content-security-policy"]
    assert re.search(r"nosniff", r.headers["x-content-type-options"])
