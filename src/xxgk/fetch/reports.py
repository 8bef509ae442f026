"""From fetched pages and files to reports with provenance.

A report page and its attachments are one report: each readable source is parsed with
``xxgk.parse`` (which reads the page's metadata — title, organization, published date), the
first usable one is the report, and every other usable source is compared with it cell by
cell; a difference is a finding (the page and the PDF of one report must say the same). A page
that holds only chrome and a link to the PDF is not a source, its attachment is. What this
module adds is provenance: the URL, the fetch time, and the page's own 发布时间 and 来源 fields
as printed in its chrome, beside what the parser read from the report itself.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from xxgk.errors import XxgkError
from xxgk.fetch.links import decode_page
from xxgk.fetch.state import DONE, FILE, LIST, REPORT, SEED, JobState, UrlRow
from xxgk.findings import Finding, FindingKind, Severity, register_kind
from xxgk.limits import check, current_limits
from xxgk.model.cells import cell_title
from xxgk.model.report import Report
from xxgk.parse import parse_bytes
from xxgk.parse.dates import find_date

SOURCES_DIFFER = "fetch-sources-differ"
register_kind(
    FindingKind(
        SOURCES_DIFFER,
        Severity.WARNING,
        "网页版与附件数值不一致",
        "同一报告的网页版与附件（{other}）有{count}处数值不一致：{cells}",
        "同一份年度报告在网页正文和附件中同时发布时，两者的表格数值应当完全一致。",
        ("#fetch",),
    )
)
MIN_CELLS = 20
"""Cells a parsed source must have read to count as the report (a page of chrome has none)."""
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "articlepubdate", "published")
_META_SOURCE = ("contentsource", "source", "articlesource")
_DATE_LABEL = re.compile(r"(?:发布时间|发布日期|发文日期|成文日期|公开日期|日期)\s*[:：]?\s*")
_JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_SOURCE_LABEL = re.compile(r"(?:信息)?来源\s*[:：]\s*([^\s|｜<>，,；;]{2,40})")


@dataclass
class Source:
    """One fetched original of a report and where it came from."""

    url: str
    final_url: str
    file: str
    sha256: str
    fetched_at: str
    format: str = ""
    page_published: dt.date | None = None
    page_source: str = ""
    used: bool = False
    error: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "final_url": self.final_url,
            "file": self.file,
            "sha256": self.sha256,
            "fetched_at": self.fetched_at,
            "format": self.format,
            "page_published": self.page_published.isoformat() if self.page_published else None,
            "page_source": self.page_source,
            "used": self.used,
            "error": self.error,
        }


@dataclass
class FetchedReport:
    """A report found on the web, its sources (page, attachments) and the unit it was
    fetched for (a unit's column), if any."""

    report: Report
    sources: list[Source]
    unit_id: int | None = None
    title: str = ""

    @property
    def primary(self) -> Source:
        return next(s for s in self.sources if s.used)

    @property
    def page_published(self) -> dt.date | None:
        """The 发布时间 printed by the portal (the day the report went online)."""
        return next((s.page_published for s in self.sources if s.page_published), None)

    @property
    def page_source(self) -> str:
        return next((s.page_source for s in self.sources if s.page_source), "")

    def provenance(self) -> dict[str, Any]:
        """What the store keeps of where the report came from."""
        return {
            "url": self.primary.url,
            "fetched_at": self.primary.fetched_at,
            "page_published": self.page_published.isoformat() if self.page_published else None,
            "page_source": self.page_source,
            "signed": self.report.published.isoformat() if self.report.published else None,
            "sources": [s.to_dict() for s in self.sources],
        }


@dataclass
class Unread:
    """A fetched candidate that gave no report, with the reasons of each source."""

    url: str
    reasons: list[str] = field(default_factory=list)


def page_fields(text: str) -> tuple[dt.date | None, str]:
    """Return the page's own 发布时间 and 来源 (meta tags first, then the printed labels; in
    a page written by ``document.write``, those of the written markup)."""
    published, source = _fields(LexborHTMLParser(text))
    if published is None or not source:
        for written in _script_markup(text):
            more = _fields(LexborHTMLParser(written))
            published, source = published or more[0], source or more[1]
    return published, source


def _script_markup(text: str) -> Iterator[str]:
    """The long string literals of the page's scripts that hold markup, unescaped."""
    for match in _JS_STRING.finditer(text):
        literal = match.group(0)
        if len(literal) < 200 or "<" not in literal and "\\u003c" not in literal.lower():
            continue
        try:
            value = json.loads(literal)
        except ValueError:
            continue
        if isinstance(value, str):
            yield value


def _fields(tree: LexborHTMLParser) -> tuple[dt.date | None, str]:
    published: dt.date | None = None
    source = ""
    for node in tree.css("meta[name][content]"):
        name = (node.attributes.get("name") or "").lower()
        content = (node.attributes.get("content") or "").strip()
        if name in _META_DATE and published is None:
            found = find_date(content)
            published = found[0] if found else None
        elif name in _META_SOURCE and not source:
            source = content[:100]
    body = tree.body.text(separator="\n") if tree.body else ""
    if published is None:
        published = _labelled_date(body)
    if not source:
        match = _SOURCE_LABEL.search(body)
        source = match.group(1) if match else ""
    return published, source


def _labelled_date(body: str) -> dt.date | None:
    for match in _DATE_LABEL.finditer(body):
        found = find_date(body[match.end() : match.end() + 24])
        if found and found[1] == 0:
            return found[0]
    return None


@dataclass(frozen=True)
class Found:
    """What a run lists of a report it read (the report itself is in the store and in
    ``reports.jsonl``; a national run keeps only these few fields in memory)."""

    organization: str
    year: int | None
    published: dt.date | None
    url: str
    sources: int

    @classmethod
    def of(cls, item: FetchedReport) -> Found:
        report = item.report
        published = item.page_published or report.published
        return cls(
            report.organization or "", report.year, published, item.primary.url, len(item.sources)
        )


def iter_reports(folder: Path) -> Iterator[FetchedReport | Unread]:
    """Read the reports of the job in ``folder`` one at a time (every report page and every
    attachment found directly on a column), or say why a candidate gave none."""
    state = JobState(folder)
    try:
        for row, attachments in _candidates(state):
            sources = [_source(folder, r) for r in [row, *attachments]]
            yield _read(folder, row, sources)
    finally:
        state.close()


def collect(folder: Path) -> tuple[list[FetchedReport], list[Unread]]:
    """All of ``iter_reports`` at once (for small jobs and the tests)."""
    reports: list[FetchedReport] = []
    unread: list[Unread] = []
    for item in iter_reports(folder):
        if isinstance(item, Unread):
            unread.append(item)
        else:
            reports.append(item)
    return reports, unread


def _candidates(state: JobState) -> Iterator[tuple[UrlRow, list[UrlRow]]]:
    parents_listed = {SEED, LIST}
    for row in state.rows(status=DONE, kinds=(REPORT, FILE)):
        if row.kind == REPORT:
            yield row, [a for a in state.children(row.url, FILE) if a.status == DONE]
        elif row.kind == FILE:
            parent = state.get(row.parent) if row.parent else None
            if parent is None or parent.kind in parents_listed:
                yield row, []


def _source(folder: Path, row: UrlRow) -> Source:
    return Source(
        url=row.url,
        final_url=row.final_url or row.url,
        file=row.file or "",
        sha256=row.sha256 or "",
        fetched_at=row.fetched_at or "",
    )


def _read(folder: Path, row: UrlRow, sources: list[Source]) -> FetchedReport | Unread:
    parsed: list[tuple[Source, Report]] = []
    for source in sources:
        data = (folder / source.file).read_bytes()
        if source.file.endswith(".html"):
            source.page_published, source.page_source = page_fields(decode_page(data))
        try:
            report = read_download(data, source.url, Path(source.file).name)
        except XxgkError as exc:
            source.error = exc.message_zh
            continue
        except Exception as exc:  # one odd file must not stop the collection of the rest
            source.error = f"读取时发生内部错误（{type(exc).__name__}）"
            continue
        source.format = _format_of(source.file)
        if _cells_read(report) < MIN_CELLS:
            source.error = "未读出年度报告的表格"
            continue
        parsed.append((source, report))
    if not parsed:
        return Unread(row.url, [f"{s.url}：{s.error}" for s in sources if s.error])
    (first, report), others = parsed[0], parsed[1:]
    first.used = True
    for source, other in others:
        difference = compare(report, other, source.format or "附件")
        if difference is not None:
            report.findings.append(difference)
    report.source = first.url
    return FetchedReport(report, sources, unit_id=row.unit_id, title=row.title)


FETCH_PARSE_WORKERS = 1
"""Worker processes that read a run's downloads (one at a time, as they are collected)."""


def read_download(data: bytes, url: str, name: str) -> Report:
    """Return the report read from one downloaded file, parsed in a worker process of the
    bounded pool (``xxgk.sandbox``) within the budgets of ``xxgk.limits``: the timer and
    memory ceiling of the parse in the worker, the job killed at its time budget
    (``ocr_seconds`` for what may be a scan), so a hostile download costs one worker, never
    the fetch job's thread (a web server's) or the command line's memory."""
    from xxgk.batch import time_budget
    from xxgk.sandbox import shared_pool

    check("upload_bytes", len(data), path=name)
    pool = shared_pool(FETCH_PARSE_WORKERS, current_limits())
    job = partial(parse_bytes, data, source=url, name=name)
    return pool.call(job, budget=time_budget(data))


def compare(report: Report, other: Report, other_name: str) -> Finding | None:
    """A finding naming the cells where two sources of one report disagree, or None."""
    differ = [
        key
        for key, value in report.values.items()
        if value is not None and other.values.get(key) is not None and other.values[key] != value
    ]
    if not differ:
        return None
    shown = "、".join(cell_title(k) for k in differ[:3]) + ("等" if len(differ) > 3 else "")
    return Finding(
        SOURCES_DIFFER,
        cells=tuple(differ),
        params={"other": other_name, "count": len(differ), "cells": shown},
    )


def _cells_read(report: Report) -> int:
    return sum(1 for v in report.values.values() if v is not None)


def _format_of(file: str) -> str:
    suffix = Path(file).suffix.lstrip(".").upper()
    return {"HTML": "网页"}.get(suffix, suffix)
