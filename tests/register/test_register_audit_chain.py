"""The audit log is a hash chain: changes and deletions made behind xxgk's back are found."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from xxgk.cli import main
from xxgk.db.audit import record
from xxgk.db.chain import verify
from xxgk.register.applications import register_application


def _three_applications(world) -> None:
    for day in (3, 4, 5):
        register_application(
            session=world.session,
            unit=world.town,
            actor=world.clerk,
            channel_name="当面",
            applicant_type="自然人",
            arrived_on=dt.date(2025, 3, day),
            applicant_name=f"申请人{day}",
        )
    world.session.commit()


def _verify(engine):
    with Session(engine) as s:
        return verify(s)


def _audit_ids(engine) -> list[int]:
    with engine.connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM audit_log ORDER BY id"))]


def test_an_untouched_chain_verifies(world, engine):
    _three_applications(world)
    report = _verify(engine)
    assert report.ok, report.broken
    assert report.checked == len(_audit_ids(engine)) >= 8


def test_an_update_behind_xxgks_back_names_the_changed_entry(world, engine):
    _three_applications(world)
    victim = _audit_ids(engine)[-2]
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE audit_log SET actor_name = 'nobody' WHERE id = :id"), {"id": victim}
        )
    report = _verify(engine)
    assert not report.ok
    assert report.broken.entry_id == victim
    assert "被修改" in report.broken.message


def test_a_deleted_entry_breaks_the_link_of_the_next(world, engine):
    _three_applications(world)
    ids = _audit_ids(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[3]})
    report = _verify(engine)
    assert report.broken is not None
    assert report.broken.entry_id == ids[4]
    assert report.checked == 3


def test_deleting_the_newest_entries_is_found_by_the_head(world, engine):
    _three_applications(world)
    ids = _audit_ids(engine)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": ids[-2]})
    report = _verify(engine)
    assert report.broken is not None
    assert "最新记录被删除" in report.broken.message


def test_writes_continue_the_chain_after_verification(world, engine):
    _three_applications(world)
    _three_applications(world)
    assert _verify(engine).ok


def test_audit_verify_command_exit_codes(tmp_path, monkeypatch, capsys):
    url = f"sqlite:///{tmp_path / 'chain.db'}"
    monkeypatch.setenv("XXGK_DATABASE_URL", url)
    monkeypatch.delenv("XXGK_USER", raising=False)

    def run(*args: str) -> tuple[int, str]:
        monkeypatch.setattr("sys.argv", ["xxgk", *args])
        try:
            main()
            status = 0
        except SystemExit as exc:
            status = exc.code or 0
        out, err = capsys.readouterr()
        return status, out + err

    assert run("register", "init")[0] == 0
    code, out = run(
        "register", "--as", "admin", "units", "add", "qh", "清河镇", "--kind", "township"
    )
    assert code == 0, out
    code, out = run("audit", "verify")
    assert code == 0, out
    assert "审计日志完整" in out
    from xxgk.db import make_engine

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = 1"))
    engine.dispose()
    code, out = run("audit", "verify")
    assert code == 1
    assert "第1条记录" in out


@pytest.mark.postgres
def test_the_application_role_may_insert_but_not_rewrite_the_log(clean_pg_engine):
    """docs/register.md: on PostgreSQL the application's role gets INSERT and SELECT only."""
    with Session(clean_pg_engine) as s:
        record(session=s, actor=None, action="test", entity="unit", entity_id=None)
        s.commit()
    role = f"xxgk_app_{uuid.uuid4().hex[:10]}"
    with clean_pg_engine.begin() as conn:
        conn.execute(text(f"CREATE ROLE {role}"))
    try:
        with clean_pg_engine.begin() as conn:
            schema = conn.execute(text("SELECT current_schema()")).scalar_one()
            conn.execute(text(f'GRANT USAGE ON SCHEMA "{schema}" TO {role}'))
            conn.execute(text(f"GRANT SELECT, INSERT ON audit_log TO {role}"))
            conn.execute(text(f"SET LOCAL ROLE {role}"))
            assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one() > 0
            with pytest.raises(Exception, match="permission denied"), conn.begin_nested():
                conn.execute(text("UPDATE audit_log SET reason = 'x'"))
            with pytest.raises(Exception, match="permission denied"), conn.begin_nested():
                conn.execute(text("DELETE FROM audit_log"))
    finally:
        with clean_pg_engine.begin() as conn:
            conn.execute(text(f"DROP OWNED BY {role}"))
            conn.execute(text(f"DROP ROLE {role}"))
