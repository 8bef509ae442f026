"""The audit log is a hash chain: changes and deletions made behind xxgk's back are found."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from xxgk.cli import main
from xxgk.db.audit import record
from xxgk.db.chain import verify, verify_full, verify_recent
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


def _recent(engine):
    with Session(engine) as s:
        return verify_recent(s)


def _full(engine):
    with Session(engine) as s:
        return verify_full(s)


def _tamper(engine, entry_id: int) -> None:
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_log SET reason = 'x' WHERE id = :id"), {"id": entry_id})


def test_the_recent_check_walks_only_the_entries_since_the_checkpoint(world, engine):
    _three_applications(world)
    first = _recent(engine)
    assert first.ok
    assert first.since == 0
    assert first.recent.checked == len(_audit_ids(engine))
    assert first.full_at is None  # never ran: the page says so
    again = _recent(engine)
    assert (again.since, again.recent.checked) == (_audit_ids(engine)[-1], 0)
    _three_applications(world)
    later = _recent(engine)
    assert later.ok
    assert later.since == first.recent.last_id
    assert later.recent.checked == len(_audit_ids(engine)) - first.recent.checked


def test_tampering_after_the_checkpoint_is_caught_on_view(world, engine):
    _three_applications(world)
    assert _recent(engine).ok
    _three_applications(world)
    victim = _audit_ids(engine)[-2]
    _tamper(engine, victim)
    status = _recent(engine)
    assert not status.ok
    assert status.recent.broken.entry_id == victim
    assert _recent(engine).recent.broken.entry_id == victim  # the checkpoint did not move past it


def test_tampering_with_the_checkpoint_entry_itself_is_caught_on_view(world, engine):
    _three_applications(world)
    checkpoint = _recent(engine).recent.last_id
    _tamper(engine, checkpoint)
    status = _recent(engine)
    assert status.recent.broken.entry_id == checkpoint
    assert "被修改" in status.recent.broken.message


def test_tampering_before_the_checkpoint_is_caught_by_the_full_verification(world, engine):
    _three_applications(world)
    assert _full(engine).ok
    _three_applications(world)
    assert _recent(engine).ok
    victim = _audit_ids(engine)[2]
    _tamper(engine, victim)
    assert _recent(engine).ok  # the view checks only what is new: by design
    report = _full(engine)
    assert report.broken.entry_id == victim
    status = _recent(engine)  # from now on every view shows the break
    assert status.full_at is not None
    assert status.full_checked == 2
    assert "被修改" in status.full_problem
    assert not status.ok
    assert status.recent.broken.entry_id == victim


def test_a_clean_full_verification_is_recorded(world, engine):
    _three_applications(world)
    report = _full(engine)
    status = _recent(engine)
    assert status.ok
    assert status.full_at is not None
    assert (status.full_checked, status.full_problem) == (report.checked, "")
    assert status.since == report.last_id


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
    code, out = run("audit", "verify", "--recent")
    assert code == 0, out  # the change lies before the checkpoint the first run left
    assert "记录已校验" in out
    code, out = run("audit", "verify")
    assert code == 1
    assert "第1条记录" in out
    code, out = run("audit", "verify", "--full")
    assert code == 1
    assert "第1条记录" in out
    code, out = run("audit", "verify", "--recent")
    assert code == 1  # the full run put the checkpoint before the break
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
