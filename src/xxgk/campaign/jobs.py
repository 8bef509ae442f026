"""Collection batches started from the web, each run in a thread of its own with its
progress readable while it runs (as the fetch jobs of ``xxgk.fetch.background``).

Always in the background, never in the request: a batch of a county's 40 reports parses in
well under a minute, but one scanned PDF may take minutes of OCR, and a person should see the
files come in rather than a spinning page. Each batch's state (progress, then the per-file
results) is also written to ``folder/<id>.json`` as it changes, so any server process (``xxgk
serve --workers N``) shows it, and after a restart a finished batch still does. What a batch
stored lives in the store (each written batch audited by ``write_batch``), and its unmatched
reports stay listed for matching (``unmatched_in_scope``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user_id": self.user_id,
            "started_by": self.started_by,
            "started_at": self.started_at.isoformat(),
            "what": self.what,
            "state": self.state,
            "done": self.done,
            "total": self.total,
            "results": [r.to_dict() for r in self.results],
            "error": self.error,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CollectJob:
        return cls(
            id=str(data["id"]),
            user_id=int(data["user_id"]),
            started_by=str(data["started_by"]),
            started_at=dt.datetime.fromisoformat(data["started_at"]),
            what=str(data["what"]),
            state=data["state"] if data["state"] in STATE_LABELS else FAILED,
            done=int(data["done"]),
            total=int(data["total"]),
            results=[FileResult.from_dict(r) for r in data["results"]],
            error=str(data["error"]),
        )


JOB_ID = re.compile(r"[0-9a-f]{12}")
KEPT = 50
"""Batches of a person listed on the collection page (newest first)."""


class CollectJobs:
    """The collection batches of one web application; ``start`` returns at once."""

    def __init__(self, engine: Engine, folder: Path):
        self.engine = engine
        self.folder = folder
        self._jobs: dict[str, CollectJob] = {}
        self._threads: dict[str, threading.Thread] = {}
        self._lock = threading.Lock()

    def get(self, job_id: str) -> CollectJob | None:
        """The batch ``job_id``: this process's own, else as saved by any process."""
        with self._lock:
            job = self._jobs.get(job_id)
        if job is not None or not JOB_ID.fullmatch(job_id):
            return job
        return self._load(self.folder / f"{job_id}.json")

    def of_user(self, user: User) -> list[CollectJob]:
        """``user``'s own batches (the newest ``KEPT``), newest first."""
        found: dict[str, CollectJob] = {}
        files = (
            sorted(self.folder.glob("*.json"), key=_mtime, reverse=True)
            if self.folder.is_dir()
            else []
        )
        for path in files[: KEPT * 4]:
            job = self._load(path)
            if job is not None and job.user_id == user.id:
                found[job.id] = job
        with self._lock:
            found.update({j.id: j for j in self._jobs.values() if j.user_id == user.id})
        jobs = sorted(found.values(), key=lambda j: j.started_at, reverse=True)
        return jobs[:KEPT]

    def note_match(self, user: User, report_id: int, unit_id: int, unit: str) -> None:
        """Show on ``user``'s batches that the unmatched report ``report_id`` now belongs to
        ``unit`` (the store holds the truth; this keeps the batch's table in step)."""
        for job in self.of_user(user):
            changed = False
            for result in job.results:
                if result.report_id == report_id and result.unit_id is None:
                    result.unit_id, result.unit = unit_id, unit
                    result.note = "已人工指定所属单位"
                    changed = True
            if changed:
                self._save(job)

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
        self._save(job)
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
            self._save(job)

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
            self._save(job)
            return
        job.results = results
        job.state = DONE
        self._save(job)

    def _save(self, job: CollectJob) -> None:
        """Write ``job``'s state for every process (atomically: a reader never sees half)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        target = self.folder / f"{job.id}.json"
        temporary = target.with_suffix(f".{threading.get_ident()}.tmp")
        temporary.write_text(json.dumps(job.to_dict(), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, target)

    @staticmethod
    def _load(path: Path) -> CollectJob | None:
        try:
            return CollectJob.from_dict(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
