"""Collection batches started from the web, run by the shared job runner (``xxgk.jobs``), as
the fetch jobs of ``xxgk.fetch.background`` are.

Always in the background, never in the request: a batch of a county's 40 reports parses in
well under a minute, but one scanned PDF may take minutes of OCR, and a person should see the
files come in rather than a spinning page. A batch's progress, then its per-file results, are
kept in its row of ``jobs``, so any server process (``xxgk serve --workers N``) shows it, and
after a restart a finished batch still does (an unfinished one shows 已中断). What a batch
stored lives in the store (each written batch audited by ``write_batch``), and its unmatched
reports stay listed for matching (``unmatched_in_scope``). A cancelled batch stores nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

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
from xxgk.db import jobs as rows
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import Job, User
from xxgk.errors import InputError
from xxgk.jobs import JobContext, JobRunner, Outcome

KIND = "collect"


def results_of(job: Job) -> list[FileResult]:
    """The per-file results of a batch (none while it runs)."""
    return [FileResult.from_dict(r) for r in job.results or []]


def counts_of(job: Job) -> Counts:
    """The totals shown above a batch's table."""
    return count_results(results_of(job))


class CollectJobs:
    """The collection batches of one web application; ``start`` returns at once."""

    def __init__(self, runner: JobRunner):
        self.runner = runner
        self.engine = runner.engine

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for the job ``job_id`` to end (tests; a person watches the page)."""
        self.runner.wait(job_id, timeout)

    def start(
        self,
        session: Session,
        actor: User,
        uploads: Sequence[Upload | FileResult],
        *,
        read: Reader = read_here,
        default_year: int | None = None,
    ) -> Job:
        """Start collecting ``uploads`` for ``actor`` (audited: who, which files)."""
        require(actor, CORPUS_KEEPERS)
        if not uploads:
            raise InputError("请选择要存入报告库的报告文件或压缩包", "no file given")
        names = [u.name if isinstance(u, Upload) else u.file for u in uploads]
        what = names[0] if len(names) == 1 else f"{names[0]}等{len(names)}个文件"
        items = list(uploads)

        def collect(context: JobContext) -> Outcome:
            def tick(done: int, total: int) -> None:
                current = names[done] if done < len(names) and total == len(names) else ""
                context.progress(done, total, current)

            with Session(self.engine) as work:
                actor_here = work.get_one(User, context.user_id)
                results = collect_reports(
                    work, actor_here, items, read=read, default_year=default_year, progress=tick
                )
                context.check()
                work.commit()
            return Outcome(results=[r.to_dict() for r in results], done=len(names))

        return self.runner.start(
            session,
            actor,
            kind=KIND,
            what=what,
            work=collect,
            action="collect",
            reason=f"报告收集：{what}",
            detail={"files": names, "default_year": default_year},
            total=len(uploads),
            failed="处理出错，本批未存入",
            cancelled="已取消，本批未存入",
        )

    def note_match(
        self,
        session: Session,
        unit_ids: Collection[int] | None,
        report_id: int,
        unit_id: int,
        unit: str,
    ) -> None:
        """Show on the batches in scope that the unmatched report ``report_id`` now belongs to
        ``unit`` (the store holds the truth; this keeps the batch's table in step)."""
        for job in rows.visible(session, KIND, unit_ids):
            changed = False
            results = results_of(job)
            for result in results:
                if result.report_id == report_id and result.unit_id is None:
                    result.unit_id, result.unit = unit_id, unit
                    result.note = "已人工指定所属单位"
                    changed = True
            if changed:
                rows.set_results(session, job, [r.to_dict() for r in results])
        session.commit()
