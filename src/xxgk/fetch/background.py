"""Fetch jobs started from the web, run by the shared job runner (``xxgk.jobs``): never on the
event loop, their progress and result kept in the ``jobs`` table for every server process.

A job's downloaded files live on disk under ``folder/<job id>``, so a job cut short (cancelled,
or 已中断 by a restart) is resumed by fetching the same list again. Starting and cancelling a
job are writes by a person: audited with who and what.
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.orm import Session

from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import Job, User
from xxgk.errors import InputError
from xxgk.fetch import FetchRun, FetchSettings, Progress, Seed, read_url_list, run, run_units
from xxgk.fetch.text import summary_lines
from xxgk.jobs import JobCancelled, JobContext, JobRunner, Outcome

KIND = "fetch"

MAX_PASTED_URLS = 2000
"""URLs one pasted web job may hold (a column walk finds the rest; national lists go through
the command line's ``--list``, which streams)."""


class FetchJobs:
    """The fetch jobs of one web application; ``start_*`` return at once."""

    def __init__(
        self,
        runner: JobRunner,
        folder: Path,
        settings: FetchSettings | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.runner = runner
        self.engine = runner.engine
        self.folder = folder
        self.settings = settings or FetchSettings()
        self.transport = transport

    def wait(self, job_id: str, timeout: float | None = None) -> None:
        """Wait for the job ``job_id`` to end (tests; a person watches the page)."""
        self.runner.wait(job_id, timeout)

    def start_urls(self, session: Session, actor: User, text: str) -> Job:
        """Start fetching the URLs pasted in ``text`` (one per line) into the store."""
        require(actor, CORPUS_KEEPERS)
        urls = read_url_list(text)
        if not urls:
            raise InputError("请至少填写一个网址", "no URL given")
        if len(urls) > MAX_PASTED_URLS:
            raise InputError(
                f"一次最多粘贴{MAX_PASTED_URLS}个网址（本次{len(urls)}个），"
                "请分批提交，或用命令行 xxgk fetch --list 抓取更长的清单",
                f"at most {MAX_PASTED_URLS} pasted URLs (got {len(urls)})",
            )
        seeds = [Seed(u) for u in urls]

        def crawl(context: JobContext) -> Outcome:
            return _outcome(
                run(
                    seeds,
                    self.folder / context.job_id,
                    self.settings,
                    engine=self.engine,
                    actor=context.actor(),
                    progress=_tick(context),
                    stop=context.stop,
                    transport=self.transport,
                )
            )

        return self._start(session, actor, f"{len(urls)}个网址", crawl, {"urls": urls}, len(urls))

    def start_units(
        self, session: Session, actor: User, unit_ids: Sequence[int], year: int | None
    ) -> Job:
        """Start collecting ``year``'s reports from the 年报 columns of ``unit_ids``."""
        from xxgk.fetch.store import this_year, unit_columns

        require(actor, CORPUS_KEEPERS)
        columns = unit_columns(session, unit_ids)
        if not columns:
            raise InputError(
                "所辖单位都没有填写年报栏目地址", "no unit in scope has a report column URL"
            )
        year = year or this_year()
        ids = [c.unit_id for c in columns]

        def crawl(context: JobContext) -> Outcome:
            return _outcome(
                run_units(
                    self.engine,
                    self.folder / context.job_id,
                    self.settings,
                    actor=context.actor(),
                    unit_ids=ids,
                    year=year,
                    progress=_tick(context),
                    stop=context.stop,
                    transport=self.transport,
                )
            )

        what = f"{len(columns)}个单位的{year}年度报告"
        return self._start(session, actor, what, crawl, {"units": ids, "year": year}, len(ids))

    def _start(
        self,
        session: Session,
        actor: User,
        what: str,
        crawl: Any,
        detail: dict[str, object],
        total: int,
    ) -> Job:
        return self.runner.start(
            session,
            actor,
            kind=KIND,
            what=what,
            work=crawl,
            action="fetch",
            reason=f"网上采集年度报告：{what}",
            detail=detail,
            total=total,
            failed="抓取任务出错",
            cancelled="已取消：已下载的网页保留，再次发起同一任务即可从中断处继续",
        )


def _counts(progress: Progress) -> dict[str, Any]:
    return {k: v for k, v in vars(progress).items() if k != "last_url"}


def _tick(context: JobContext) -> Any:
    def tick(progress: Progress) -> None:
        finished = progress.done + progress.failed + progress.skipped
        # a cancel sets ``stop``, which the crawl itself watches: never raise inside it
        with contextlib.suppress(JobCancelled):
            context.progress(finished, progress.total, progress.last_url, _counts(progress))

    return tick


def _outcome(result: FetchRun) -> Outcome:
    """The job's record of a finished run: counts, summary, and one result per report read
    and per address that failed."""
    p = result.outcome.progress
    items: list[Any] = [
        {"url": r.url, "organization": r.organization, "year": r.year, "outcome": "读出年度报告"}
        for r in result.reports
    ]
    items += [{"url": u, "outcome": f"未能抓取：{why}"} for u, why in result.outcome.failures]
    return Outcome(
        results=items,
        summary=summary_lines(result),
        counts={**_counts(p), "reports": len(result.reports)},
        done=p.done + p.failed + p.skipped,
        total=p.total,
    )
