"""The command line acts as a named person: no --as, no write (except setting up an empty
database); the acting user's role and unit are checked by the library like on the web; the
audit log names them."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.cli import main
from xxgk.db import make_engine
from xxgk.db.logins import LoginPolicy, LoginRefused, authenticate
from xxgk.db.models import AuditEntry

PASSWORD = "清河镇台账-录入-2026"


@pytest.fixture
def run(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'who.db'}"
    monkeypatch.setenv("XXGK_DATABASE_URL", url)
    monkeypatch.delenv("XXGK_USER", raising=False)

    def call(*args: str) -> tuple[int, str]:
        monkeypatch.setattr("sys.argv", ["xxgk", *args])
        try:
            main()
            status = 0
        except SystemExit as exc:
            status = exc.code or 0
        out, err = capsys.readouterr()
        assert "Traceback" not in out + err
        return status, out + err

    call.url = url  # type: ignore[attr-defined]
    return call


def _audit(url: str) -> list[AuditEntry]:
    engine = make_engine(url)
    with Session(engine) as s:
        rows = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id)))
    engine.dispose()
    return rows


def test_only_an_empty_database_is_set_up_without_a_person(run):
    assert run("register", "init")[0] == 0
    code, out = run("register", "units", "add", "qh", "清河镇", "--kind", "township")
    assert code == 2
    assert "--as" in out
    assert len(out.strip().splitlines()) == 1
    code, out = run("register", "users", "add", "intruder", "--role", "admin")
    assert code == 2
    assert "--as" in out
    code, out = run(
        "register", "--as", "nobody", "units", "add", "qh", "清河镇", "--kind", "township"
    )
    assert code == 2
    assert "不存在或已停用" in out


def test_the_first_user_of_an_empty_database_needs_no_person(tmp_path, run):
    from xxgk.db import upgrade_to_head

    engine = make_engine(run.url)
    upgrade_to_head(engine)
    engine.dispose()
    code, out = run("register", "users", "add", "boss", "--role", "admin", "--password", PASSWORD)
    assert code == 0, out
    code, out = run("register", "users", "add", "second", "--role", "admin")
    assert code == 2


def test_the_acting_users_role_and_unit_are_checked_and_audited(run, monkeypatch):
    run("register", "init")
    assert (
        run("register", "--as", "admin", "units", "add", "qh", "清河镇", "--kind", "township")[0]
        == 0
    )
    assert (
        run("register", "--as", "admin", "units", "add", "sq", "石桥乡", "--kind", "township")[0]
        == 0
    )
    code, out = run(
        "register",
        "--as",
        "admin",
        "users",
        "add",
        "clerk",
        "--role",
        "clerk",
        "-u",
        "qh",
        "--password",
        PASSWORD,
    )
    assert code == 0, out
    code, out = run("register", "--as", "clerk", "users", "add", "x", "--role", "admin")
    assert code == 2
    assert "无权" in out
    apply = (
        "applications",
        "add",
        "--channel",
        "当面",
        "--type",
        "自然人",
        "--arrived",
        "2025-03-03",
    )
    code, out = run("register", "--as", "clerk", *apply, "-u", "sq")
    assert code == 2
    assert "不属于单位" in out
    monkeypatch.setenv("XXGK_USER", "clerk")
    code, out = run("register", *apply, "-u", "qh")
    assert code == 0, out
    created = [e for e in _audit(run.url) if e.entity == "application"]
    assert [e.actor_name for e in created] == ["clerk"]


def test_an_administrator_unlocks_a_throttled_account_from_the_command_line(run):
    run("register", "init")
    run("register", "--as", "admin", "units", "add", "qh", "清河镇", "--kind", "township")
    run(
        "register",
        "--as",
        "admin",
        "users",
        "add",
        "clerk",
        "--role",
        "clerk",
        "-u",
        "qh",
        "--password",
        PASSWORD,
    )
    engine = make_engine(run.url)
    policy = LoginPolicy(free_attempts=1)
    with Session(engine) as s:
        for _ in range(2):
            with pytest.raises(LoginRefused):
                authenticate(s, "clerk", "wrong-password", "192.0.2.1", policy)
        with pytest.raises(LoginRefused) as refused:
            authenticate(s, "clerk", PASSWORD, "192.0.2.2", policy)
        assert refused.value.blocked_seconds > 0
    code, out = run("register", "--as", "clerk", "users", "unlock", "clerk")
    assert code == 2
    code, out = run("register", "--as", "admin", "users", "unlock", "clerk")
    assert code == 0, out
    assert "已解除锁定" in out
    with Session(engine) as s:
        assert authenticate(s, "clerk", PASSWORD, "192.0.2.2", policy).username == "clerk"
    engine.dispose()
    assert any(e.action == "unlock-login" and e.actor_name == "admin" for e in _audit(run.url))
