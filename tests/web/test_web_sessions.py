"""Server-side sessions, login throttling per account and per address, the audit of logins, the
password policy and the forced change of generated passwords, and the caching headers."""

from __future__ import annotations

from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session
from web_support import SECRET, login, new_client, token

from xxgk.db.models import AuditEntry, LoginSession

COOKIE = "xxgk_session"


def _audit(folder, action: str) -> list[AuditEntry]:
    engine = create_engine(f"sqlite:///{folder / 'web.db'}")
    with Session(engine) as s:
        rows = list(s.scalars(select(AuditEntry).where(AuditEntry.action == action)))
    engine.dispose()
    return rows


def _try(c, username: str, password: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return c.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token(c)},
        headers=headers,
        follow_redirects=False,
    )


def test_a_copied_cookie_is_refused_after_logout(demo):
    folder, passwords = demo
    with new_client(folder) as c, new_client(folder) as thief:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        thief.cookies.set(COOKIE, c.cookies[COOKIE])
        assert thief.get("/register", follow_redirects=False).status_code == 200
        c.post("/logout", data={"csrf_token": token(c, "/register")}, follow_redirects=False)
        gone = thief.get("/register", follow_redirects=False)
        assert gone.status_code == 303
        assert gone.headers["location"].startswith("/login")
        assert thief.get("/api/v1/me").status_code == 401


def test_the_cookie_carries_no_part_of_the_password_hash(demo):
    folder, passwords = demo
    with new_client(folder) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        from itsdangerous import TimestampSigner

        raw = TimestampSigner(SECRET).unsign(c.cookies[COOKIE].encode())
        import base64
        import json

        content = json.loads(base64.b64decode(raw))
        assert set(content) <= {"sid", "csrf", "flash"}
        engine = create_engine(f"sqlite:///{folder / 'web.db'}")
        with engine.connect() as conn:
            hashes = [r[0] for r in conn.execute(text("SELECT password_hash FROM users"))]
        engine.dispose()
        assert not any(h and h[-12:] in json.dumps(content) for h in hashes)


def test_a_password_change_ends_the_other_sessions(demo):
    folder, passwords = demo
    with new_client(folder) as c, new_client(folder) as other:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        login(other, "qinghe-clerk", passwords["qinghe-clerk"])
        new = "清河镇台账-新密码-2026"
        r = c.post(
            "/password",
            data={
                "current": passwords["qinghe-clerk"],
                "new": new,
                "again": new,
                "csrf_token": token(c, "/password"),
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text[:300]
        assert c.get("/register", follow_redirects=False).status_code == 200
        assert other.get("/register", follow_redirects=False).status_code == 303


def test_the_password_policy_refuses_weak_passwords(demo):
    folder, passwords = demo
    with new_client(folder) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        for weak, why in (
            ("short", "至少需要10个字符"),
            ("qinghe-clerk-2026", "不能包含用户名"),
            ("1qaz2wsx3edc", "过于常见"),
        ):
            r = c.post(
                "/password",
                data={
                    "current": passwords["qinghe-clerk"],
                    "new": weak,
                    "again": weak,
                    "csrf_token": token(c, "/password"),
                },
            )
            assert r.status_code == 400
            assert why in r.text


def test_one_account_is_throttled_from_rotating_addresses(demo):
    """Behind a trusted proxy every guess comes from a new address: the account still locks."""
    folder, passwords = demo
    with new_client(folder, login_attempts=3, trusted_proxies=("testclient",)) as c:
        codes = [
            _try(c, "qinghe-clerk", f"guess-{i}", forwarded=f"198.51.100.{i}").status_code
            for i in range(6)
        ]
        assert codes[:3] == [401, 401, 401]
        assert codes[3:] == [429, 429, 429]
        right = _try(c, "qinghe-clerk", passwords["qinghe-clerk"], forwarded="198.51.100.99")
        assert right.status_code == 429  # even the right password waits for the back-off
        assert "管理员解除锁定" in right.text
    failed = _audit(folder, "login-failed")
    assert len(failed) == 3
    assert {e.after["address"] for e in failed} == {"198.51.100.0", "198.51.100.1", "198.51.100.2"}
    assert all(e.after["username"] == "qinghe-clerk" for e in failed)
    assert len(_audit(folder, "login-throttled")) == 4


def test_one_address_is_throttled_across_many_names(demo):
    folder, _ = demo
    with new_client(folder, login_attempts=3) as c:
        codes = [_try(c, f"name-{i}", "whatever-password").status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_forwarded_for_is_ignored_without_a_trusted_proxy(demo):
    folder, _ = demo
    with new_client(folder, login_attempts=2) as c:
        codes = [
            _try(c, f"user{i}", "whatever-password", forwarded=f"203.0.113.{i}").status_code
            for i in range(3)
        ]
    assert codes == [401, 401, 429]  # the rotating header did not help: one address
    assert {e.after["address"] for e in _audit(folder, "login-failed")} == {"testclient"}


def test_an_administrator_unlocks_an_account(demo):
    from xxgk.db.logins import unlock
    from xxgk.db.users import get_user

    folder, passwords = demo
    with new_client(folder, login_attempts=2, trusted_proxies=("testclient",)) as c:
        for i in range(3):
            _try(c, "qinghe-clerk", "wrong-password", forwarded=f"192.0.2.{i}")
        assert _try(c, "qinghe-clerk", passwords["qinghe-clerk"], "192.0.2.9").status_code == 429
        engine = create_engine(f"sqlite:///{folder / 'web.db'}")
        with Session(engine) as s:
            assert unlock(s, actor=get_user(s, "admin"), username="qinghe-clerk") == 1
            s.commit()
        engine.dispose()
        assert _try(c, "qinghe-clerk", passwords["qinghe-clerk"], "192.0.2.9").status_code == 303
    assert _audit(folder, "unlock-login")[0].actor_name == "admin"


def test_unknown_and_known_names_take_the_same_path(demo, monkeypatch):
    """An unknown name is verified against a dummy argon2 hash: one verification either way."""
    import xxgk.db.logins as logins

    calls = []
    real = logins._HASHER

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(logins, "_HASHER", Counting())
    folder, _ = demo
    with new_client(folder) as c:
        assert _try(c, "no-such-person", "whatever-password").status_code == 401
        assert _try(c, "qinghe-clerk", "whatever-password").status_code == 401
    assert len(calls) == 2
    assert calls[0] == logins._DUMMY_HASH
    assert calls[1] != logins._DUMMY_HASH


def test_successful_logins_and_logouts_are_audited(demo):
    folder, passwords = demo
    with new_client(folder) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        c.post("/logout", data={"csrf_token": token(c, "/register")})
    assert [e.actor_name for e in _audit(folder, "login")][-1] == "qinghe-clerk"
    assert [e.actor_name for e in _audit(folder, "logout")] == ["qinghe-clerk"]
    engine = create_engine(f"sqlite:///{folder / 'web.db'}")
    with Session(engine) as s:
        rows = list(s.scalars(select(LoginSession)))
        assert rows
        assert all(r.revoked_at is not None for r in rows)
    engine.dispose()


def test_generated_passwords_must_be_changed_outside_demo_mode(demo):
    folder, passwords = demo
    with new_client(folder, demo=False) as c:
        r = c.post(
            "/login",
            data={
                "username": "qinghe-clerk",
                "password": passwords["qinghe-clerk"],
                "csrf_token": token(c),
            },
            follow_redirects=False,
        )
        assert r.headers["location"] == "/password"
        page = c.get("/register", follow_redirects=False)
        assert page.headers["location"] == "/password"
        assert c.get("/api/v1/applications").status_code == 403
        assert "初始密码" in c.get("/password").text
        new = "清河镇台账-新密码-2026"
        done = c.post(
            "/password",
            data={
                "current": passwords["qinghe-clerk"],
                "new": new,
                "again": new,
                "csrf_token": token(c, "/password"),
            },
            follow_redirects=False,
        )
        assert done.status_code == 303
        assert c.get("/register", follow_redirects=False).status_code == 200


def test_personal_pages_are_not_stored_and_hsts_only_when_secure(demo, as_user):
    folder, _ = demo
    c = as_user("qinghe-clerk")
    for path in ("/register", "/api/v1/applications", "/login"):
        r = c.get(path)
        assert r.headers["cache-control"] == "no-store", path
        assert "strict-transport-security" not in r.headers
    assert c.get("/static/style.css").headers.get("cache-control") != "no-store"
    with new_client(folder, secure_cookies=True) as secure:
        assert "max-age=" in secure.get("/login").headers["strict-transport-security"]
