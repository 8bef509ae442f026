"""One runner for every background job of xxgk (网上采集's fetch jobs, 报告收集's batches).

A job is a row of ``jobs`` (``xxgk.db.jobs``): who started it for which unit, its kind, state
(排队等候 → 正在处理 → 已完成 / 出错 / 已取消, or 已中断 when its process went away), progress
(done of total, the item at hand), per-item results, times and the error in Chinese. Every
server process and a restarted one read the same rows; starting and cancelling are audited.

The work runs in the runner's few threads (``workers``, two by default), never on the event
loop; a job that parses hands each file to the shared sandbox pool (``xxgk.sandbox``), so jobs
and page requests share the same bounded set of parse processes. More jobs than threads wait
in the queue. Cancelling asks the work to stop at its next step: the work sees ``stop`` (an
event, for fetch runs) or gets :class:`JobCancelled` from :meth:`JobContext.progress`.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import jobs as rows
from xxgk.db.models import Job, User
from xxgk.errors import XxgkError

WORKERS = 2
"""Jobs that run at once per server process (the machine has few cores; the rest queue)."""
WRITE_EVERY = 0.5
"""Seconds between two progress writes of one job (a fast fetch ticks many times a second)."""

_LIVE: set[str] = set()
"""The names of the runners alive in this process."""


class JobCancelled(Exception):
    """Raised by :meth:`JobContext.progress` when somebody cancelled the job."""


@dataclass
class Outcome:
    """What a job's work returns: its per-item results, summary lines and kind-specific counts."""

    results: list[Any] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    counts: dict[str, Any] | None = None
    done: int | None = None
    total: int | None = None


class JobContext:
    """What the work of one job gets: its id, the starter's id, ``stop`` and ``progress``."""

    def __init__(self, runner: JobRunner, job_id: str, user_id: int, stop: threading.Event):
        self.runner, self.job_id, self.user_id, self.stop = runner, job_id, user_id, stop
        self._written = 0.0

    def progress(
        self,
        done: int,
        total: int,
        current: str = "",
        counts: dict[str, Any] | None = None,
        *,
        force: bool = False,
    ) -> None:
        """Record how far the job has come (at most every ``WRITE_EVERY`` seconds unless
        ``force``); raise :class:`JobCancelled` once the job is cancelled."""
        now = time.monotonic()
        if force or done >= total or now - self._written >= WRITE_EVERY:
            self._written = now
            with Session(self.runner.engine) as session:
                wanted = rows.progress(
                    session,
                    self.job_id,
                    self.runner.name,
                    done=done,
                    total=total,
                    current=current,
                    counts=counts,
                )
                session.commit()
            if wanted:
                self.stop.set()
        self.check()

    def check(self) -> None:
        """Raise :class:`JobCancelled` once the job is cancelled."""
        if self.stop.is_set():
            raise JobCancelled

    def actor(self) -> User | None:
        """The person who started the job, loaded afresh (detached) in the job's thread."""
        with Session(self.runner.engine) as session:
            user = session.get(User, self.user_id)
            if user is not None:
                session.expunge(user)
        return user


Work = Callable[[JobContext], Outcome]


class JobRunner:
    """The background jobs of one server process: ``start`` returns at once."""

    def __init__(self, engine: Engine, workers: int = WORKERS):
        self.engine = engine
        self.name = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="xxgk-job")
        self._futures: dict[str, Future[None]] = {}
        self._stops: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        _LIVE.add(self.name)
        self.interrupted = self._interrupt_orphans()

    def start(
        self,
        session: Session,
        actor: User,
        *,
        kind: str,
        what: str,
        work: Work,
        action: str,
        reason: str,
        detail: dict[str, Any],
        total: int = 0,
        failed: str = "任务出错",
        cancelled: str = "已按要求取消",
    ) -> Job:
        """Queue ``work`` as a job of ``kind`` for ``actor`` (audited, committed) and return
        its row; ``failed`` opens the Chinese error shown when the work raises, ``cancelled``
        is what a cancelled job shows."""
        job = rows.create(
            session,
            actor,
            kind=kind,
            what=what,
            action=action,
            reason=reason,
            detail=detail,
            runner=self.name,
            total=total,
        )
        session.commit()
        stop = threading.Event()
        context = JobContext(self, job.id, actor.id, stop)
        with self._lock:
            self._stops[job.id] = stop
            self._futures[job.id] = self._pool.submit(self._run, context, work, (failed, cancelled))
        return job

    def cancel(self, session: Session, actor: User, job: Job) -> Job:
        """Cancel ``job`` (audited, committed); its work stops at its next step."""
        rows.cancel(session, actor, job)
        session.commit()
        with self._lock:
            stop = self._stops.get(job.id)
        if stop is not None:
            stop.set()
        return job

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for the job ``job_id`` of this runner to end (tests; a person watches the page)."""
        with self._lock:
            future = self._futures.get(job_id)
        if future is not None:
            future.exception(timeout)

    def close(self) -> None:
        """Stop taking jobs (the process is going away): running ones are left to end or to be
        marked 已中断 by the next runner."""
        _LIVE.discard(self.name)
        with self._lock:
            for stop in self._stops.values():
                stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)

    # --- internals --------------------------------------------------------------------------

    def _run(self, context: JobContext, work: Work, texts: tuple[str, str]) -> None:
        try:
            self._run_one(context, work, *texts)
        finally:
            with self._lock:
                self._stops.pop(context.job_id, None)

    def _run_one(self, context: JobContext, work: Work, failed: str, cancelled: str) -> None:
        with Session(self.engine) as session:
            started = rows.mark_started(session, context.job_id, self.name)
            session.commit()
        if not started:
            return
        state, error, outcome = rows.DONE, "", Outcome()
        try:
            outcome = work(context)
            if context.stop.is_set():
                state, error = rows.CANCELLED, cancelled
        except JobCancelled:
            state, error = rows.CANCELLED, cancelled
        except Exception as exc:  # shown on the job's page; the thread must not die silently
            reason = exc.message_zh if isinstance(exc, XxgkError) else f"{type(exc).__name__}"
            state, error = rows.FAILED, f"{failed}：{reason}"
        with Session(self.engine) as session:
            rows.finish(
                session,
                context.job_id,
                self.name,
                state,
                results=outcome.results,
                summary=outcome.summary,
                counts=outcome.counts,
                error=error,
                done=outcome.done,
                total=outcome.total,
            )
            session.commit()

    def _interrupt_orphans(self) -> int:
        with Session(self.engine) as session:
            count = rows.interrupt_orphans(session, runner_alive)
            session.commit()
        return count


def runner_alive(name: str) -> bool:
    """Return True unless the runner ``name`` (``host:pid:token``) is known to be gone: a
    process of this host that has ended, or a runner of this process that was closed."""
    host, _, rest = name.partition(":")
    pid_text, _, _token = rest.partition(":")
    if host != socket.gethostname() or not pid_text.isdecimal():
        return True  # another machine's: it cannot be checked from here
    pid = int(pid_text)
    if pid == os.getpid():
        return name in _LIVE
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
