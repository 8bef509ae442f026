"""Fetch jobs started from the web page, each run in a thread of its own (never on the event
loop), with the progress readable while they run.

The registry lives in the web process's memory; a job's files and state live on disk under
``folder/<job id>``, so a job cut short by a restart is resumed by starting it again on the same
folder. Starting a job is a write by a person: it is audited with who started it and what.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import User
from xxgk.fetch import FetchRun, FetchSettings, Progress, Seed, read_url_list, run, run_units
from xxgk.fetch.text import summary_lines

_Tick = Callable[[Progress], None]
_Work = Callable[[_Tick], FetchRun]
RUNNING, DONE, FAILED = "running", "done", "failed"
STATE_LABELS = {RUNNING: "正在抓取", DONE: "已完成", FAILED: "出错"}


MAX_PASTED_URLS = 2000
"""URLs one pasted web job may hold (a column walk finds the rest; national lists go through
the command line's ``--list``, which streams)."""


@dataclass
class Job:
    """One fetch started from the web: who, what, and how far it has come."""

    id: str
    user_id: int
    started_by: str
    started_at: dt.datetime
    what: str
    state: str = RUNNING
    progress: Progress = field(default_factory=Progress)
    lines: list[str] = field(default_factory=list)
    reports: int = 0

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def finished(self) -> int:
        p = self.progress
        return p.done + p.failed + p.skipped


class FetchJobs:
    """The jobs of one web application; ``start_*`` return at once, the work runs in threads."""

    def __init__(
        self,
        engine: Engine,
        folder: Path,
        settings: FetchSettings | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.engine = engine
        self.folder = folder
        self.settings = settings or FetchSettings()
        self.transport = transport
        self._jobs: dict[str, Job] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def of_user(self, user: User, *, everyone: bool = False) -> list[Job]:
        """The jobs ``user`` may see (their own; all for an administrator), newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if everyone or j.user_id == user.id]
        return sorted(jobs, key=lambda j: j.started_at, reverse=True)

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for a job's thread to end (the tests; a person looks at the page)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def start_urls(self, session: Session, actor: User, text: str) -> Job:
        """Start fetching the URLs pasted in ``text`` (one per line) into the store."""
        require(actor, CORPUS_KEEPERS)
        urls = read_url_list(text)
        from xxgk.errors import InputError

        if not urls:
            raise InputError("请至少填写一个网址", "no URL given")
        if len(urls) > MAX_PASTED_URLS:
            raise InputError(
                f"一次最多粘贴{MAX_PASTED_URLS}个网址（本次{len(urls)}个），"
                "请分批提交，或用命令行 xxgk fetch --list 抓取更长的清单",
                f"at most {MAX_PASTED_URLS} pasted URLs (got {len(urls)})",
            )
        job = self._new(session, actor, f"{len(urls)}个网址", {"urls": urls})
        seeds = [Seed(u) for u in urls]

        def work(progress: _Tick) -> FetchRun:
            return run(
                seeds,
                self._dir(job),
                self.settings,
                engine=self.engine,
                actor=self._actor(job),
                progress=progress,
                transport=self.transport,
            )

        self._spawn(job, work)
        return job

    def start_units(
        self, session: Session, actor: User, unit_ids: Sequence[int], year: int | None
    ) -> Job:
        """Start collecting ``year``'s reports from the 年报 columns of ``unit_ids``."""
        from xxgk.fetch.store import this_year, unit_columns

        require(actor, CORPUS_KEEPERS)
        columns = unit_columns(session, unit_ids)
        if not columns:
            from xxgk.errors import InputError

            raise InputError(
                "所辖单位都没有填写年报栏目地址", "no unit in scope has a report column URL"
            )
        year = year or this_year()
        what = f"{len(columns)}个单位的{year}年度报告"
        job = self._new(session, actor, what, {"units": [c.unit_id for c in columns], "year": year})
        ids = [c.unit_id for c in columns]

        def work(progress: _Tick) -> FetchRun:
            return run_units(
                self.engine,
                self._dir(job),
                self.settings,
                actor=self._actor(job),
                unit_ids=ids,
                year=year,
                progress=progress,
                transport=self.transport,
            )

        self._spawn(job, work)
        return job

    # --- internals --------------------------------------------------------------------------

    def _actor(self, job: Job) -> User | None:
        """The person who started ``job``, loaded afresh in the job's thread."""
        with Session(self.engine) as session:
            actor = session.get(User, job.user_id)
            if actor is not None:
                session.expunge(actor)
        return actor

    def _dir(self, job: Job) -> Path:
        return self.folder / job.id

    def _new(self, session: Session, actor: User, what: str, detail: dict[str, object]) -> Job:
        job = Job(
            id=uuid.uuid4().hex[:12],
            user_id=actor.id,
            started_by=actor.display_name or actor.username,
            started_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            what=what,
        )
        audit.record(
            session=session,
            actor=actor,
            action="fetch",
            entity="fetch_job",
            entity_id=None,
            after={"job": job.id, **detail},
            reason=f"网上采集年度报告：{what}",
        )
        session.commit()
        with self._lock:
            self._jobs[job.id] = job
        return job

    def _spawn(self, job: Job, work: _Work) -> None:
        def target() -> None:
            def tick(progress: Progress) -> None:
                job.progress = Progress(**vars(progress))

            try:
                result = work(tick)
            except Exception as exc:  # shown on the job's page; the thread must not die silently
                job.lines = [f"抓取任务出错：{exc}"]
                job.state = FAILED
                return
            job.progress = Progress(**vars(result.outcome.progress))
            job.reports = len(result.reports)
            job.lines = summary_lines(result)
            job.state = DONE

        thread = threading.Thread(target=target, name=f"xxgk-fetch-{job.id}", daemon=True)
        self._threads[job.id] = thread
        thread.start()
