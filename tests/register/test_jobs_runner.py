"""The one background-job runner (``xxgk.jobs``): jobs kept in the database, bounded, cancelled
when asked, 已中断 after a restart, seen only within the reader's scope, starts and cancels
audited; on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import jobs as rows
from xxgk.db.access import AccessError
from xxgk.db.models import AuditEntry, Job, Role
from xxgk.db.units import add_unit
from xxgk.db.users import add_user
from xxgk.errors import InputError
from xxgk.jobs import JobContext, JobRunner, Outcome, runner_alive

WAIT = 30


@pytest.fixture
def people(world):
    """A supervisor of the county and one of a second county."""
    other = add_unit(
        session=world.session,
        actor=world.admin,
        code="lingxian",
        name="另一县人民政府",
        kind=world.county.kind,
    )
    here = add_user(
        session=world.session,
        actor=world.admin,
        username="sup",
        role=Role.SUPERVISOR,
        unit=world.county,
    )
    there = add_user(
        session=world.session, actor=world.admin, username="sup2", role=Role.SUPERVISOR, unit=other
    )
    world.session.commit()
    return here, there


@pytest.fixture
def runners(world):
    made: list[JobRunner] = []

    def make(workers: int = 2) -> JobRunner:
        runner = JobRunner(world.session.get_bind(), workers)
        made.append(runner)
        return runner

    yield make
    for runner in made:
        runner.close()


def _start(world, runner: JobRunner, actor, work, kind: str = "fetch") -> Job:
    return runner.start(
        world.session,
        actor,
        kind=kind,
        what="试运行",
        work=work,
        action=kind,
        reason="试运行任务",
        detail={"n": 1},
        failed="试运行出错",
        cancelled="试运行已取消",
    )


def _row(world, job_id: str) -> Job:
    with Session(world.session.get_bind()) as s:
        job = rows.get(s, job_id)
        assert job is not None
        s.expunge(job)
        return job


def _blocking(started: threading.Event, gate: threading.Event):
    def work(context: JobContext) -> Outcome:
        started.set()
        while not gate.wait(0.02):
            context.progress(1, 3, "第二项")
        return Outcome(results=[{"item": 1}], summary=["完成"], done=3, total=3)

    return work


def _until(check, timeout: float = WAIT) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_a_job_runs_to_the_end_with_its_results_and_is_audited(world, people, runners):
    sup, _ = people
    runner = runners()
    started, gate = threading.Event(), threading.Event()
    job = _start(world, runner, sup, _blocking(started, gate))
    assert started.wait(WAIT)
    _until(lambda: _row(world, job.id).current == "第二项")
    running = _row(world, job.id)
    assert (running.state, running.label, running.done, running.total) == (
        "running",
        "正在处理",
        1,
        3,
    )
    assert running.started_at is not None
    gate.set()
    runner.wait(job.id, WAIT)
    done = _row(world, job.id)
    assert (done.state, done.label, done.done, done.total) == ("done", "已完成", 3, 3)
    assert done.results == [{"item": 1}]
    assert done.summary == ["完成"]
    assert done.finished_at is not None
    assert done.unit_id == world.county.id
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "fetch")).one()
    assert entry.actor_name == "sup"
    assert entry.entity == "fetch_job"
    assert entry.after == {"job": job.id, "n": 1}


def test_a_failure_is_kept_with_its_chinese_reason(world, people, runners):
    sup, _ = people
    runner = runners()

    def work(context: JobContext) -> Outcome:
        raise InputError("文件无法读取", "unreadable")

    job = _start(world, runner, sup, work)
    runner.wait(job.id, WAIT)
    failed = _row(world, job.id)
    assert (failed.state, failed.label) == ("failed", "出错")
    assert failed.error == "试运行出错：文件无法读取"


def test_jobs_beyond_the_workers_queue_and_a_queued_job_cancelled_never_runs(
    world, people, runners
):
    sup, _ = people
    runner = runners(workers=1)
    started, gate = threading.Event(), threading.Event()
    first = _start(world, runner, sup, _blocking(started, gate))
    assert started.wait(WAIT)
    ran = threading.Event()

    def second_work(context: JobContext) -> Outcome:
        ran.set()
        return Outcome()

    second = _start(world, runner, sup, second_work, kind="collect")
    assert _row(world, second.id).state == "queued"
    runner.cancel(world.session, sup, rows.get(world.session, second.id))
    cancelled = _row(world, second.id)
    assert (cancelled.state, cancelled.label) == ("cancelled", "已取消")
    gate.set()
    runner.wait(first.id, WAIT)
    runner.wait(second.id, WAIT)
    assert not ran.is_set()
    assert _row(world, first.id).state == "done"
    assert _row(world, second.id).state == "cancelled"
    entry = world.session.scalars(select(AuditEntry).where(AuditEntry.action == "cancel")).one()
    assert (entry.actor_name, entry.entity, entry.after) == (
        "sup",
        "collect_job",
        {"job": second.id},
    )


def test_a_running_job_stops_at_its_next_step_when_cancelled_from_any_process(
    world, people, runners
):
    sup, _ = people
    runner, other_process = runners(), runners()
    started, gate = threading.Event(), threading.Event()
    job = _start(world, runner, sup, _blocking(started, gate))
    assert started.wait(WAIT)
    # the cancel arrives through another process's runner: only the row tells the work
    other_process.cancel(world.session, sup, rows.get(world.session, job.id))
    runner.wait(job.id, WAIT)
    ended = _row(world, job.id)
    assert (ended.state, ended.error) == ("cancelled", "试运行已取消")
    assert not gate.is_set()
    with pytest.raises(InputError, match="无法取消"):
        runner.cancel(world.session, sup, rows.get(world.session, job.id))
    world.session.rollback()


def test_after_a_restart_an_unfinished_job_shows_interrupted(world, people, runners):
    sup, _ = people
    before = runners()
    started, gate = threading.Event(), threading.Event()
    job = _start(world, before, sup, _blocking(started, gate))
    assert started.wait(WAIT)
    before.close()  # the server process goes away
    after = runners()  # the restarted server
    assert after.interrupted == 1
    stopped = _row(world, job.id)
    assert (stopped.state, stopped.label) == ("interrupted", "已中断")
    assert "中断" in stopped.error
    gate.set()
    before.wait(job.id, WAIT)
    assert _row(world, job.id).state == "interrupted"  # the old thread cannot overwrite it
    assert runners().interrupted == 0


def test_a_runner_of_a_live_process_is_alive_and_of_an_ended_one_is_not():
    host = socket.gethostname()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    assert runner_alive(f"{host}:{os.getppid()}:x")  # a live process of this host
    assert not runner_alive(f"{host}:{dead.pid}:x")
    assert runner_alive("elsewhere:1:x")  # another machine: not ours to judge
    assert not runner_alive(f"{host}:{os.getpid()}:closed")


def test_a_reader_sees_the_jobs_of_the_units_in_scope_only(world, people, runners):
    sup, sup2 = people
    runner = runners()
    mine = _start(world, runner, sup, lambda context: Outcome())
    theirs = _start(world, runner, sup2, lambda context: Outcome())
    runner.wait(mine.id, WAIT)
    runner.wait(theirs.id, WAIT)
    s = world.session
    assert [j.id for j in rows.visible(s, "fetch", {world.county.id, world.town.id})] == [mine.id]
    assert {j.id for j in rows.visible(s, "fetch", None)} == {mine.id, theirs.id}
    assert rows.visible(s, "collect", None) == []
    assert rows.in_scope(rows.get(s, mine.id), {world.county.id})
    assert not rows.in_scope(rows.get(s, theirs.id), {world.county.id})
    assert rows.get(s, mine.id, "collect") is None


def test_only_corpus_keepers_could_start_a_kind_that_asks(world, runners):
    """The runner itself checks nobody: each kind does (fetch, collect), as the web tests show;
    a clerk is refused by the kinds' ``require``."""
    from xxgk.campaign.collect import Upload
    from xxgk.campaign.jobs import CollectJobs

    runner = runners()
    with pytest.raises(AccessError):
        CollectJobs(runner).start(world.session, world.clerk, [Upload("a.txt", b"x")])
