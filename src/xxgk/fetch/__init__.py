"""Fetching published annual reports from government websites (``xxgk fetch``).

A run starts from URLs — report pages, attachments, or 年报 columns (list pages) — follows
the columns through their pagination to the report pages and the report pages to their
attachments, politely (robots.txt, one or two requests per host with a pause, retries with
back-off, timeouts, size limits), keeps every response in a WARC file and the job state in
SQLite (resumable after a kill; a rerun fetches only what is new or changed), reads the
reports with ``xxgk.parse`` and, with a database, checks and stores them in the report store
with their provenance (source URL, the page's own 发布时间 and 来源, the fetch time).

Layer: beside ``xxgk.corpus`` (uses model, parse, rules and corpus; never web or cli). The
CLI command and the web page call ``run`` / ``run_units`` and show what they return.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.corpus.ingest import IngestSummary
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import User
from xxgk.fetch.job import FetchOutcome, Progress, ProgressCallback, Seed, run_fetch
from xxgk.fetch.reports import FetchedReport, Found, Unread, collect, iter_reports
from xxgk.fetch.settings import FetchSettings
from xxgk.fetch.store import (
    StoreResult,
    UnitColumn,
    store_reports,
    this_year,
    unit_columns,
    unit_seeds,
)

__all__ = [
    "FetchRun",
    "FetchSettings",
    "FetchedReport",
    "Found",
    "Progress",
    "Seed",
    "UnitColumn",
    "collect",
    "read_url_list",
    "run",
    "run_units",
    "this_year",
    "unit_columns",
]

REPORTS_FILE = "reports.jsonl"


@dataclass
class FetchRun:
    """Everything a run produced: the crawl outcome, the reports read, what gave no report,
    and what the store made of them (None without a database)."""

    outcome: FetchOutcome
    reports: list[Found] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    stored: StoreResult | None = None
    columns: list[UnitColumn] = field(default_factory=list)


def run(
    seeds: Sequence[Seed],
    folder: Path,
    settings: FetchSettings | None = None,
    *,
    engine: Engine | None = None,
    actor: User | None = None,
    year: int | None = None,
    recheck: bool = False,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchRun:
    """Fetch ``seeds`` into ``folder``, read the reports, store them when ``engine`` is given.

    The reports with their provenance are also written to ``folder/reports.jsonl``. The
    store's audit log names ``actor``, who must be allowed to keep the store (checked before
    anything is fetched). A run stopped through ``stop`` reads and stores nothing: run it again
    to finish the job.
    """
    if engine is not None and actor is not None:
        require(actor, CORPUS_KEEPERS)
    outcome = run_fetch(
        seeds,
        folder,
        settings,
        year=year,
        recheck=recheck,
        progress=progress,
        stop=stop,
        transport=transport,
    )
    result = FetchRun(outcome)
    if outcome.stopped:
        return result
    _read_and_store(folder, result, engine, actor, year)
    return result


STORE_CHUNK = 200
"""Reports written to the store in one transaction (memory stays flat over a national run)."""


def _read_and_store(
    folder: Path, result: FetchRun, engine: Engine | None, actor: User | None, year: int | None
) -> None:
    """Read the job's reports one by one into ``reports.jsonl`` and, in chunks, the store."""
    chunk: list[FetchedReport] = []
    path = folder / REPORTS_FILE
    partial = path.with_suffix(".part")
    if engine is not None:
        result.stored = StoreResult(IngestSummary())
    with open(partial, "w", encoding="utf-8") as out:
        for item in iter_reports(folder):
            if isinstance(item, Unread):
                result.unread.append(item)
                continue
            if year is not None and item.report.year not in (year, None):
                continue
            result.reports.append(Found.of(item))
            line = {"report": item.report.to_dict(), "fetch": item.provenance()}
            out.write(json.dumps(line, ensure_ascii=False, default=str) + "\n")
            if engine is None:
                continue
            chunk.append(item)
            if len(chunk) >= STORE_CHUNK:
                _store(engine, chunk, result, actor)
        if engine is not None and chunk:
            _store(engine, chunk, result, actor)
    partial.replace(path)


def _store(
    engine: Engine, chunk: list[FetchedReport], result: FetchRun, actor: User | None
) -> None:
    assert result.stored is not None
    part = store_reports(engine, chunk, actor)
    total = result.stored.summary
    total.added += part.summary.added
    total.unchanged += part.summary.unchanged
    total.versions += part.summary.versions
    total.unmatched += part.summary.unmatched
    total.with_errors += part.summary.with_errors
    total.late += part.summary.late
    result.stored.added_urls += part.added_urls
    chunk.clear()


def run_units(
    engine: Engine,
    folder: Path,
    settings: FetchSettings | None = None,
    *,
    actor: User | None = None,
    unit_ids: Sequence[int] | None = None,
    year: int | None = None,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchRun:
    """Collect the reports of ``year`` (default: last year) from the 年报 columns of the units
    (``unit_ids``, or every unit with a column URL) and store them for the campaign overview."""
    with Session(engine) as session:
        columns = unit_columns(session, unit_ids)
    result = run(
        unit_seeds(columns),
        folder,
        settings,
        engine=engine,
        actor=actor,
        year=year or this_year(),
        progress=progress,
        stop=stop,
        transport=transport,
    )
    result.columns = columns
    return result


def read_url_list(text: str) -> list[str]:
    """The URLs of a list file or a pasted text: one per line, ``#`` comments and blank
    lines ignored; anything that is not an http(s) URL is an error naming its line."""
    from xxgk.errors import InputError

    urls = []
    for number, line in enumerate(text.splitlines(), 1):
        item = line.split("#", 1)[0].strip() if line.lstrip().startswith("#") else line.strip()
        if not item:
            continue
        if not item.lower().startswith(("http://", "https://")) or " " in item:
            raise InputError(
                f"第{number}行不是网址（应以http://或https://开头）：{item[:60]}",
                f"line {number} is not an http(s) URL",
            )
        urls.append(item)
    return urls
