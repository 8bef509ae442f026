"""Collection batches started from the web, each run in a thread of its own with its
progress readable while it runs (as the fetch jobs of ``xxgk.fetch.background``).

Always in the background, never in the request: a batch of a county's 40 reports parses in
well under a minute, but one scanned PDF may take minutes of OCR, and a person should see the
files come in rather than a spinning page. The registry lives in the web process's memory;
what a batch stored lives in the store (each written batch audited by ``write_batch``), and
its unmatched reports stay listed for matching (``unmatched_in_scope``) after a restart.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.campaign.collect import (
    Counts,
    FileResult,
    Reader,
    Upload,
    collect_reports,
    count_results,
    read_here,
)
from xxgk.db import audit
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import User
from xxgk.errors import InputError, XxgkError

RUNNING, DONE, FAILED = "running", "done", "failed"
STATE_LABELS = {RUNNING: "正在处理", DONE: "已完成", FAILED: "出错"}


@dataclass
class CollectJob:
    """One batch: who started it, what was uploaded, how far it has come, and the results."""

    id: str
    user_id: int
    started_by: str
    started_at: dt.datetime
    what: str
    state: str = RUNNING
    done: int = 0
    total: int = 0
    results: list[FileResult] = field(default_factory=list)
    error: str = ""

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def counts(self) -> Counts:
        return count_results(self.results)


class CollectJobs:
    """The collection batches of one web application; ``start`` returns at once."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._jobs: dict[str, CollectJob] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> CollectJob | None:
        with self._lock:
            return self._jobs.get(job_id)

    def of_user(self, user: User) -> list[CollectJob]:
        """``user``'s own batches, newest first."""
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.user_id == user.id]
        return sorted(jobs, key=lambda j: j.started_at, reverse=True)

    def note_match(self, user: User, report_id: int, unit_id: int, unit: str) -> None:
        """Show on ``user``'s batches that the unmatched report ``report_id`` now belongs to
        ``unit`` (the store holds the truth; this keeps the batch's table in step)."""
        for job in self.of_user(user):
            for result in job.results:
                if result.report_id == report_id and result.unit_id is None:
                    result.unit_id, result.unit = unit_id, unit
                    result.note = "已人工指定所属单位"

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for a batch's thread to end (tests; a person watches the page)."""
        thread = self._threads.get(job_id)
        if thread is not None:
            thread.join(timeout)

    def start(
        self,
        session: Session,
        actor: User,
        uploads: Sequence[Upload | FileResult],
        *,
        read: Reader = read_here,
        default_year: int | None = None,
    ) -> CollectJob:
        """Start collecting ``uploads`` for ``actor`` (audited: who, which files)."""
        require(actor, CORPUS_KEEPERS)
        if not uploads:
            raise InputError("请选择要存入报告库的报告文件或压缩包", "no file given")
        names = [u.name if isinstance(u, Upload) else u.file for u in uploads]
        what = names[0] if len(names) == 1 else f"{names[0]}等{len(names)}个文件"
        job = CollectJob(
            id=uuid.uuid4().hex[:12],
            user_id=actor.id,
            started_by=actor.display_name or actor.username,
            started_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            what=what,
            total=len(uploads),
        )
        audit.record(
            session=session,
            actor=actor,
            action="collect",
            entity="collect_job",
            entity_id=None,
            after={"job": job.id, "files": names, "default_year": default_year},
            reason=f"报告收集：{what}",
        )
        session.commit()
        with self._lock:
            self._jobs[job.id] = job
        thread = threading.Thread(
            target=self._run,
            args=(job, list(uploads), read, default_year),
            name=f"xxgk-collect-{job.id}",
            daemon=True,
        )
        self._threads[job.id] = thread
        thread.start()
        return job

    def _run(
        self,
        job: CollectJob,
        uploads: list[Upload | FileResult],
        read: Reader,
        default_year: int | None,
    ) -> None:
        def tick(done: int, total: int) -> None:
            job.done, job.total = done, total

        try:
            with Session(self.engine) as session:
                actor = session.get_one(User, job.user_id)
                results = collect_reports(
                    session, actor, uploads, read=read, default_year=default_year, progress=tick
                )
                session.commit()
        except Exception as exc:  # shown on the batch's page; the thread must not die silently
            reason = exc.message_zh if isinstance(exc, XxgkError) else type(exc).__name__
            job.error = f"处理出错，本批未存入：{reason}"
            job.state = FAILED
            return
        job.results = results
        job.state = DONE
