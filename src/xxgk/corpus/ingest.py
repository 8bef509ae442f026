"""``ingest``: parse and check report files into the store, streaming, on every core.

Files are taken in chunks: the main process hashes a chunk and drops files whose hash is stored
(re-ingesting is a no-op), worker processes parse, match and check the rest, and the main
process writes each chunk in one transaction while the workers already parse the next one.
Memory stays flat in the size of the corpus: only one or two chunks are held at a time, and
the hashes of the run (64 bytes a file) so that a copy in a later chunk is not stored twice.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xxgk.batch import iter_report_paths
from xxgk.corpus.crossyear import remember_kinds
from xxgk.corpus.models import StoredReport
from xxgk.corpus.prepare import Payload, UnitInfo, file_hash, init_worker, prepare_many
from xxgk.corpus.writer import VersionChange, write_batch
from xxgk.db.access import CORPUS_KEEPERS, require
from xxgk.db.models import Unit, User

CHUNK = 400
"""Files per transaction."""


@dataclass
class Unmatched:
    """A report whose 报告主体 matched no unit (kept in the store, listed for a person)."""

    path: str
    organization: str
    year: int | None
    candidates: tuple[str, ...] = ()


@dataclass
class IngestSummary:
    """Counts and the lists a person must look at after an ingest."""

    added: int = 0
    versions: list[VersionChange] = field(default_factory=list)
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    with_errors: int = 0
    late: int = 0
    write_seconds: float = 0.0
    """Time the main process spent writing to the database (the store's own cost)."""

    @property
    def seen(self) -> int:
        return self.added + self.unchanged + len(self.failed)


def load_units(session: Session) -> dict[int, UnitInfo]:
    """Return ``{unit id: UnitInfo}`` of the active units."""
    columns = (Unit.id, Unit.name, Unit.kind, Unit.report_deadline)
    rows = session.execute(select(*columns).where(Unit.active))
    return {r.id: UnitInfo(r.id, r.name, r.kind, r.report_deadline) for r in rows}


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    chunk: int = CHUNK,
    progress: Callable[[int], None] | None = None,
    actor: User | None = None,
    ocr: str = "auto",
) -> IngestSummary:
    """Ingest every report file under ``paths`` into the store at ``engine``; each written
    chunk is one audit entry naming ``actor`` (the person who ran the ingest; None: the
    system, for the demo), who must be allowed to keep the store. ``ocr`` says when scans
    are recognised (``auto``, ``always``, ``never``)."""
    if actor is not None:
        require(actor, CORPUS_KEEPERS)
    with Session(engine) as session:
        units = load_units(session)
    remember_kinds(units)
    workers = jobs if jobs is not None else (os.cpu_count() or 1)
    summary = IngestSummary()
    chunks = _chunks((str(p) for p in iter_report_paths(paths)), chunk)
    taken: set[str] = set()  # hashes of this run: a chunk is checked before the last is written
    if workers <= 1:
        init_worker(units, ocr)
        for items in chunks:
            todo = _new_items(engine, items, summary, taken)
            _write(engine, prepare_many(todo), summary, actor)
            _tick(progress, len(items))
        return summary
    with ProcessPoolExecutor(workers, initializer=init_worker, initargs=(units, ocr)) as pool:
        pending: list[Future[list[Payload]]] = []
        pending_size = 0
        for items in chunks:
            todo = _new_items(engine, items, summary, taken)
            split = max(1, len(todo) // (workers * 2) + 1)
            submitted = [
                pool.submit(prepare_many, todo[i : i + split]) for i in range(0, len(todo), split)
            ]
            _drain(engine, pending, summary, actor)
            _tick(progress, pending_size)
            pending, pending_size = submitted, len(items)
        _drain(engine, pending, summary, actor)
        _tick(progress, pending_size)
    return summary


def _tick(progress: Callable[[int], None] | None, count: int) -> None:
    if progress is not None and count:
        progress(count)


def _drain(
    engine: Engine,
    futures: list[Future[list[Payload]]],
    summary: IngestSummary,
    actor: User | None,
) -> None:
    payloads = [p for future in futures for p in future.result()]
    if payloads:
        _write(engine, payloads, summary, actor)


def _chunks(items: Iterator[str], size: int) -> Iterator[list[str]]:
    while batch := list(islice(items, size)):
        yield batch


def _new_items(
    engine: Engine, paths: list[str], summary: IngestSummary, taken: set[str]
) -> list[tuple[str, str]]:
    """Hash ``paths``; return those whose content is neither stored nor ``taken`` earlier in
    this run (the first of duplicates), and add their hashes to ``taken``."""
    hashed: dict[str, str] = {}
    for path in paths:
        try:
            digest = file_hash(path)
        except OSError as exc:
            summary.failed.append(f"{path}: 无法读取文件（{exc.strerror or exc}）(cannot read)")
            continue
        if digest in taken:
            summary.unchanged += 1
            continue
        taken.add(digest)
        hashed[path] = digest
    with Session(engine) as session:
        known = set(
            session.scalars(
                select(StoredReport.source_hash).where(
                    StoredReport.source_hash.in_(list(hashed.values()))
                )
            )
        )
    summary.unchanged += sum(1 for d in hashed.values() if d in known)
    return [(p, d) for p, d in hashed.items() if d not in known]


def _write(
    engine: Engine, payloads: list[Payload], summary: IngestSummary, actor: User | None
) -> None:
    usable = []
    for payload in payloads:
        if payload.error is not None:
            summary.failed.append(payload.error)
            continue
        usable.append(payload)
        _note(payload, summary)
    start = time.perf_counter()
    with Session(engine) as session, session.begin():
        result = write_batch(session, usable, actor)
    summary.write_seconds += time.perf_counter() - start
    summary.added += len(result.new_ids)
    summary.versions += result.versions


def _note(payload: Payload, summary: IngestSummary) -> None:
    row: dict[str, Any] = payload.row
    if row["unit_id"] is None:
        summary.unmatched.append(
            Unmatched(payload.path, row["organization"], row["year"], payload.candidates)
        )
    if row["errors"]:
        summary.with_errors += 1
    if row["late"]:
        summary.late += 1
