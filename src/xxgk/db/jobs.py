"""The rows of background jobs (``jobs``): started and cancelled by people (audited), moved on
by the runner (``xxgk.jobs``) as the work goes, and read by every server process.

A job belongs to the unit of the person who started it; a reader sees the jobs of the units in
their scope (the system administrator all). The runner that runs a job writes its name
(``host:pid:token``) into the row, so a runner starting after a restart can tell a job whose
process is gone (已中断) from one another process is still running.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.base import utcnow
from xxgk.db.models import JOB_STATE_LABELS, Job, User
from xxgk.errors import InputError

QUEUED, RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED = (
    "queued",
    "running",
    "done",
    "failed",
    "cancelled",
    "interrupted",
)
ACTIVE = (QUEUED, RUNNING)
KEPT = 50
"""Jobs listed on a page (newest first)."""

assert set(JOB_STATE_LABELS) == {QUEUED, RUNNING, DONE, FAILED, CANCELLED, INTERRUPTED}


def create(
    session: Session,
    actor: User,
    *,
    kind: str,
    what: str,
    action: str,
    reason: str,
    detail: dict[str, Any],
    runner: str,
    total: int = 0,
) -> Job:
    """Add a queued job of ``kind`` started by ``actor``, audited (who, what); not committed."""
    job = Job(
        id=uuid.uuid4().hex[:12],
        kind=kind,
        user_id=actor.id,
        unit_id=actor.unit_id,
        started_by=actor.display_name or actor.username,
        what=what,
        state=QUEUED,
        done=0,
        total=total,
        current="",
        counts={},
        results=[],
        summary=[],
        error="",
        cancel_requested=False,
        runner=runner,
        created_at=utcnow().replace(microsecond=0),
    )
    session.add(job)
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity=f"{kind}_job",
        entity_id=None,
        after={"job": job.id, **detail},
        reason=reason,
    )
    session.flush()
    return job


def get(session: Session, job_id: str, kind: str | None = None) -> Job | None:
    """Return the job ``job_id`` (of ``kind``, if given), or None."""
    if len(job_id) != 12 or not job_id.isalnum():
        return None
    job = session.get(Job, job_id, populate_existing=True)
    return job if job is not None and (kind is None or job.kind == kind) else None


def in_scope(job: Job, unit_ids: Collection[int] | None) -> bool:
    """Return True when a reader whose scope is ``unit_ids`` (None: everything) sees ``job``."""
    return unit_ids is None or job.unit_id in unit_ids


def visible(
    session: Session, kind: str, unit_ids: Collection[int] | None, limit: int = KEPT
) -> list[Job]:
    """Return the newest jobs of ``kind`` of the units ``unit_ids`` (None: all), newest first."""
    query = select(Job).where(Job.kind == kind)
    if unit_ids is not None:
        query = query.where(Job.unit_id.in_(sorted(unit_ids)))
    query = query.order_by(Job.created_at.desc(), Job.id).limit(limit)
    return list(session.scalars(query.execution_options(populate_existing=True)))


def cancel(session: Session, actor: User, job: Job) -> Job:
    """Cancel ``job`` for ``actor`` (audited): a queued job at once, a running one at its next
    step (the runner sees ``cancel_requested``); a finished job cannot be cancelled."""
    if job.state not in ACTIVE:
        raise InputError(f"任务{job.label}，无法取消", f"job {job.id} is {job.state}")
    if job.state == QUEUED:
        job.state, job.finished_at, job.error = CANCELLED, utcnow(), "尚未开始即被取消"
    job.cancel_requested = True
    audit.record(
        session=session,
        actor=actor,
        action="cancel",
        entity=f"{job.kind}_job",
        entity_id=None,
        after={"job": job.id},
        reason=f"取消任务：{job.what}",
    )
    session.flush()
    return job


def mark_started(session: Session, job_id: str, runner: str) -> bool:
    """Move the queued job ``job_id`` to running under ``runner``; False if it was cancelled
    (or interrupted) while it waited."""
    moved = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == QUEUED, Job.cancel_requested.is_(False))
        .values(state=RUNNING, started_at=utcnow(), runner=runner)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def progress(
    session: Session,
    job_id: str,
    runner: str,
    *,
    done: int,
    total: int,
    current: str,
    counts: dict[str, Any] | None = None,
) -> bool:
    """Write how far the running job has come; return True when somebody asked to cancel it."""
    values: dict[str, Any] = {"done": done, "total": total, "current": current[:2000]}
    if counts is not None:
        values["counts"] = counts
    session.execute(
        update(Job)
        .where(Job.id == job_id, Job.runner == runner, Job.state == RUNNING)
        .values(**values)
    )
    wanted = session.scalar(select(Job.cancel_requested).where(Job.id == job_id))
    return bool(wanted)


def finish(
    session: Session,
    job_id: str,
    runner: str,
    state: str,
    *,
    results: list[Any] | None = None,
    summary: list[str] | None = None,
    counts: dict[str, Any] | None = None,
    error: str = "",
    done: int | None = None,
    total: int | None = None,
) -> bool:
    """End the running job ``job_id`` in ``state``; False if it is no longer this runner's
    (marked 已中断 meanwhile by a runner that took this one for gone)."""
    values: dict[str, Any] = {
        "state": state,
        "finished_at": utcnow(),
        "error": error,
        "current": "",
    }
    for name, value in (
        ("results", results),
        ("summary", summary),
        ("counts", counts),
        ("done", done),
        ("total", total),
    ):
        if value is not None:
            values[name] = value
    moved = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.runner == runner, Job.state == RUNNING)
        .values(**values)
    )
    return bool(moved.rowcount)  # type: ignore[attr-defined]


def set_results(session: Session, job: Job, results: list[Any]) -> None:
    """Replace ``job``'s per-item results (a report matched by hand afterwards)."""
    job.results = results
    session.flush()


def interrupt_orphans(session: Session, alive: Callable[[str], bool]) -> int:
    """Mark 已中断 every queued or running job whose runner is not ``alive``; return how many."""
    rows = session.execute(select(Job.id, Job.runner).where(Job.state.in_(ACTIVE))).all()
    gone = [job_id for job_id, runner in rows if not alive(runner)]
    if not gone:
        return 0
    session.execute(
        update(Job)
        .where(Job.id.in_(gone), or_(Job.state == QUEUED, Job.state == RUNNING))
        .values(
            state=INTERRUPTED,
            finished_at=utcnow(),
            error="服务重启或进程退出，任务已中断；请重新发起",
        )
    )
    return len(gone)
