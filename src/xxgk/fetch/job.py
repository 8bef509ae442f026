"""A fetch run: seeds → column pages → report pages → attachments, archived and resumable.

The main thread owns the job state (SQLite) and the decisions; worker threads only fetch. At
most ``settings.workers`` requests are in flight, never more than ``settings.per_host`` to one
host (the ``HostGate``), and URLs of a busy host wait while other hosts are served, so one slow
portal does not hold up a national run. Every finished URL is committed at once: a killed run
resumes where it stopped (see ``state``).
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from xxgk.fetch.archive import WarcArchive
from xxgk.fetch.http import Fetcher, FetchResult
from xxgk.fetch.links import PageLinks, decode_page, find_links, is_attachment
from xxgk.fetch.settings import FetchSettings
from xxgk.fetch.state import (
    DONE,
    FAILED,
    FETCHING,
    FILE,
    LIST,
    PENDING,
    REPORT,
    SEED,
    SKIPPED,
    JobState,
    UrlRow,
)

_TITLE_YEAR = re.compile(r"(20\d{2})\s*年")
_SUFFIX_BY_TYPE = {
    "pdf": ".pdf",
    "msword": ".doc",
    "wordprocessingml": ".docx",
    "spreadsheetml": ".xlsx",
    "ms-excel": ".xls",
    "html": ".html",
}


@dataclass(frozen=True)
class Seed:
    """A URL to start from: a column, a report page or an attachment; a unit's column URL
    carries the unit, so what is found there is that unit's report."""

    url: str
    unit_id: int | None = None
    title: str = ""


@dataclass
class Progress:
    """Counts of the run so far, handed to the progress callback after every URL."""

    done: int = 0
    failed: int = 0
    skipped: int = 0
    unchanged: int = 0
    pending: int = 0
    requests: int = 0
    last_url: str = ""

    @property
    def total(self) -> int:
        return self.done + self.failed + self.skipped + self.pending


@dataclass
class FetchOutcome:
    """What a run left behind: the job folder, the WARC file of this run and the counts."""

    folder: Path
    warc: Path | None
    progress: Progress
    resumed: bool
    stopped: bool = False
    failures: list[tuple[str, str]] = field(default_factory=list)


ProgressCallback = Callable[[Progress], None]


def run_fetch(
    seeds: Iterable[Seed],
    folder: Path,
    settings: FetchSettings | None = None,
    *,
    year: int | None = None,
    recheck: bool = False,
    progress: ProgressCallback | None = None,
    stop: threading.Event | None = None,
    transport: httpx.BaseTransport | None = None,
) -> FetchOutcome:
    """Fetch ``seeds`` and what they lead to into ``folder`` (job state, files, WARC).

    ``year`` keeps only report links whose title names that report year (a unit fetch wants
    this year's reports, not the column's archive of ten years). Run again on the same folder,
    an interrupted job resumes; a finished one starts a new pass that fetches only what is new
    or changed. ``stop`` ends the run after the requests in flight (the job stays resumable).
    """
    settings = settings or FetchSettings()
    state = JobState(folder)
    state.recover()
    new_pass = state.begin(recheck=recheck)
    for seed in seeds:
        state.add(seed.url, SEED, title=seed.title, unit_id=seed.unit_id)
    state.commit()
    archive = WarcArchive(folder / "warc", state.current_pass)
    fetcher = Fetcher(settings, archive.write, transport=transport)
    run = _Run(state, fetcher, folder, settings, year, progress)
    outcome = FetchOutcome(folder, archive.path, run.counts, resumed=not new_pass)
    try:
        outcome.stopped = run.loop(stop or threading.Event())
    finally:
        fetcher.close()
        archive.close()
        outcome.failures = [(r.url, r.error) for r in state.rows(status=FAILED)]
        state.close()
    if not outcome.warc or not outcome.warc.exists():
        outcome.warc = None
    return outcome


class _Run:
    """The scheduling loop and what is done with each response."""

    def __init__(
        self,
        state: JobState,
        fetcher: Fetcher,
        folder: Path,
        settings: FetchSettings,
        year: int | None,
        progress: ProgressCallback | None,
    ):
        self.state = state
        self.fetcher = fetcher
        self.files = folder / "files"
        self.settings = settings
        self.year = year
        self.progress = progress
        self.counts = Progress(
            done=state.count(DONE), failed=state.count(FAILED), skipped=state.count(SKIPPED)
        )

    def loop(self, stop: threading.Event) -> bool:
        """Fetch until nothing is pending (False) or ``stop`` is set (True)."""
        in_flight: dict[Future[FetchResult], UrlRow] = {}
        busy: dict[str, int] = {}
        with ThreadPoolExecutor(self.settings.workers, thread_name_prefix="xxgk-fetch") as pool:
            while True:
                if not stop.is_set():
                    self._fill(pool, in_flight, busy)
                if not in_flight:
                    return stop.is_set()
                finished, _ = wait(in_flight, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    row = in_flight.pop(future)
                    busy[_host(row.url)] -= 1
                    self._handle(row, _result(future, row.url))

    def _fill(
        self,
        pool: ThreadPoolExecutor,
        in_flight: dict[Future[FetchResult], UrlRow],
        busy: dict[str, int],
    ) -> None:
        free = self.settings.workers - len(in_flight)
        if free <= 0:
            return
        full = [host for host, n in busy.items() if n >= self.settings.per_host]
        for row in self.state.claim(free, full):
            etag, modified = (row.etag, row.last_modified) if row.file else (None, None)
            future = pool.submit(self.fetcher.fetch, row.url, etag=etag, last_modified=modified)
            in_flight[future] = row
            host = _host(row.url)
            busy[host] = busy.get(host, 0) + 1
        self.counts.pending = self._pending()

    def _pending(self) -> int:
        return self.state.count(PENDING) + self.state.count(FETCHING)

    # --- one response -----------------------------------------------------------------------

    def _handle(self, row: UrlRow, result: FetchResult) -> None:
        self.counts.requests = self.fetcher.requests
        self.counts.last_url = row.url
        if result.error:
            self.state.finish(row.url, status=FAILED, http_status=result.status, error=result.error)
            self.counts.failed += 1
        elif result.not_modified:
            self.state.finish(row.url, status=DONE, http_status=304, fetched_at=result.fetched_at)
            self.counts.done += 1
            self.counts.unchanged += 1
        else:
            self._store(row, result)
        self.counts.pending = self._pending()
        if self.progress is not None:
            self.progress(self.counts)

    def _store(self, row: UrlRow, result: FetchResult) -> None:
        digest = hashlib.sha256(result.body).hexdigest()
        html = _is_html(result)
        kind = _kind_after_fetch(row.kind, html)
        links: PageLinks | None = None
        if html:
            links = find_links(decode_page(result.body, result.content_type), result.final_url)
            if kind == SEED:
                kind = LIST if links.looks_like_list else REPORT
        path = self._save(digest, result, html)
        changed = digest != row.sha256
        if links is not None and changed:
            self._follow(row, kind, links)
        self.state.finish(
            row.url,
            status=DONE,
            kind=kind,
            http_status=result.status,
            content_type=result.content_type,
            etag=result.etag,
            last_modified=result.last_modified,
            sha256=digest,
            file=str(path.relative_to(self.files.parent)),
            final_url=result.final_url,
            fetched_at=result.fetched_at,
            changed=changed,
        )
        self.counts.done += 1
        if not changed:
            self.counts.unchanged += 1

    def _save(self, digest: str, result: FetchResult, html: bool) -> Path:
        """Keep the body under its hash (the same attachment linked twice is kept once)."""
        path = self.files / digest[:2] / (digest + _suffix(result, html))
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(path.suffix + ".part")
            partial.write_bytes(result.body)
            partial.replace(path)
        return path

    def _follow(self, row: UrlRow, kind: str, links: PageLinks) -> None:
        """Write down the links worth following from a column or a report page."""
        depth = row.depth + 1
        if kind == LIST:
            for link in links.reports:
                if self._wanted_year(link.text):
                    self.state.add(
                        link.url, REPORT, parent=row.url, title=link.text, unit_id=row.unit_id
                    )
            for link in links.attachments:
                if _is_report_title(link.text) and self._wanted_year(link.text):
                    self.state.add(
                        link.url, FILE, parent=row.url, title=link.text, unit_id=row.unit_id
                    )
            if depth < self.settings.max_list_pages:
                for link in links.pages:
                    self.state.add(link.url, LIST, parent=row.url, unit_id=row.unit_id, depth=depth)
        elif kind == REPORT:
            for link in links.attachments:
                self.state.add(link.url, FILE, parent=row.url, title=link.text, unit_id=row.unit_id)
        self.state.commit()

    def _wanted_year(self, title: str) -> bool:
        """Without a year filter every report; with one, titles naming that year or none."""
        if self.year is None:
            return True
        years = {int(y) for y in _TITLE_YEAR.findall(title)}
        return not years or self.year in years


def _result(future: Future[FetchResult], url: str) -> FetchResult:
    """The fetch's result; an unexpected error fails this URL, not the whole run."""
    try:
        return future.result()
    except Exception as exc:
        return FetchResult(url=url, error=f"抓取时发生内部错误（{type(exc).__name__}: {exc}）")


def _kind_after_fetch(kind: str, html: bool) -> str:
    """A seed, column or report link that answered with a document is an attachment."""
    if not html and kind in (SEED, LIST, REPORT):
        return FILE
    return kind


def _is_report_title(text: str) -> bool:
    return "年度报告" in text or "年报" in text


def _is_html(result: FetchResult) -> bool:
    ctype = result.content_type.lower()
    if "html" in ctype:
        return True
    if ctype and not ctype.startswith("text/"):
        return False
    if is_attachment(result.final_url):
        return False
    head = result.body[:1024].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<meta", b"<body"))


def _suffix(result: FetchResult, html: bool) -> str:
    if html:
        return ".html"
    name = urlsplit(result.final_url).path.lower()
    for suffix in (".pdf", ".docx", ".doc", ".xlsx", ".xls", ".wps", ".et", ".txt"):
        if name.endswith(suffix):
            return suffix
    ctype = result.content_type.lower()
    return next((s for k, s in _SUFFIX_BY_TYPE.items() if k in ctype), ".bin")


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower()
