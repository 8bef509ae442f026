"""What the pages of background jobs share (网上采集, 报告收集): the application's one job
runner (``xxgk.jobs``), the kinds' registries on it, the scope a reader sees jobs in, and the
cancel button's write."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from xxgk.campaign.jobs import CollectJobs
from xxgk.db import jobs as rows
from xxgk.db.models import Job, Role
from xxgk.errors import XxgkError
from xxgk.fetch.background import FetchJobs
from xxgk.jobs import JobRunner
from xxgk.web.deps import Scope
from xxgk.web.errors import not_found
from xxgk.web.pages import write_flashed


def job_runner(state: Any) -> JobRunner:
    """The runner of the application whose ``app.state`` is ``state`` (made on first use;
    making it marks 已中断 the jobs a gone process left unfinished)."""
    if getattr(state, "job_runner", None) is None:
        state.job_runner = JobRunner(state.engine)
    runner: JobRunner = state.job_runner
    return runner


def fetch_jobs(request: Request) -> FetchJobs:
    """The application's fetch jobs (made on first use, their files in the data folder)."""
    state = request.app.state
    if getattr(state, "fetch_jobs", None) is None:
        state.fetch_jobs = FetchJobs(job_runner(state), state.settings.data_dir / "fetch")
    registry: FetchJobs = state.fetch_jobs
    return registry


def collect_jobs(request: Request) -> CollectJobs:
    """The application's collection batches (made on first use)."""
    state = request.app.state
    if getattr(state, "collect_jobs", None) is None:
        state.collect_jobs = CollectJobs(job_runner(state))
    registry: CollectJobs = state.collect_jobs
    return registry


def scope_units(scope: Scope) -> frozenset[int] | None:
    """The units whose jobs ``scope``'s user sees (None: all, for the system administrator)."""
    return None if Role(scope.user.role) is Role.ADMIN else scope.unit_ids


def listed(scope: Scope, request: Request, kind: str) -> list[Job]:
    """The newest jobs of ``kind`` in the user's scope, newest first (the runner made first,
    so that after a restart the jobs the old process left show 已中断)."""
    job_runner(request.app.state)
    return rows.visible(scope.session, kind, scope_units(scope))


def job_in_scope(scope: Scope, request: Request, kind: str, job_id: str, what: str) -> Job:
    """The job ``job_id`` of ``kind`` when it is in the user's scope; else "not found"."""
    job_runner(request.app.state)
    job = rows.get(scope.session, job_id, kind)
    if job is None or not rows.in_scope(job, scope_units(scope)):
        raise not_found(what)
    return job


def cancel(scope: Scope, request: Request, job: Job) -> None:
    """Cancel ``job`` (audited) and say so, or say why not."""
    runner = job_runner(request.app.state)
    write_flashed(
        scope.session,
        request,
        lambda: runner.cancel(scope.session, scope.user, job),
        lambda j: (
            "任务已取消"
            if j.state == rows.CANCELLED
            else "已要求取消，任务将在当前一项处理完后停止"
        ),
        refused=XxgkError,
    )
