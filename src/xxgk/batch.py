"""Parse and check many report files, in order, on every core.

The command line, the benchmark and (later) the web application all check batches of files;
this module is the one place that expands directories, runs the parser and the validator in
worker processes and turns an unusable file into a one-line reason instead of an exception,
so one bad file never stops the rest of a batch.
"""

from __future__ import annotations

import gc
import io
import os
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from itertools import chain, islice
from pathlib import Path
from stat import S_ISDIR
from typing import TYPE_CHECKING, Any, TypeVar

from xxgk.collector import gc_paused
from xxgk.errors import InputError, XxgkError
from xxgk.findings import Finding, Severity
from xxgk.limits import LimitError, current_limits
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.spreadsheet import csv_row as safe_csv_row

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

REPORT_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".text", ".md", ".markdown", ".json", ".html", ".htm", ".docx", ".xlsx", ".pdf"}
    | {".png", ".jpg", ".jpeg", ".tif", ".tiff"}  # scanned or photographed pages (OCR)
)
"""File suffixes read when a directory is expanded (files named explicitly are always read)."""
PROCESS_THRESHOLD = 20
"""Batches larger than this use worker processes unless ``jobs`` says otherwise."""

Progress = Callable[[], None]
T = TypeVar("T")


@dataclass
class Outcome:
    """What became of one input file: a report (and its validation), or why it was unusable."""

    path: str
    report: Report | None = None
    validation: Any = None
    error: str | None = None
    over_budget: bool = False
    """True when the file was refused by a budget of ``xxgk.limits`` (web: HTTP 413)."""

    @property
    def usable(self) -> bool:
        return self.error is None

    @property
    def findings(self) -> list[Finding]:
        """Return the validation findings, or the parser's findings when not validated."""
        if self.validation is not None:
            return list(self.validation.findings)
        return list(self.report.findings) if self.report is not None else []

    @property
    def valid(self) -> bool:
        """Return True when the file was usable and no finding is an error."""
        return self.usable and not self.counts()[Severity.ERROR.value]

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity (``error``, ``warning``, ``info``)."""
        counts = dict.fromkeys((s.value for s in Severity), 0)
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts


@dataclass(frozen=True)
class CheckOptions:
    """The validator arguments shared by every report of a batch."""

    previous: Report | None = None
    settings: Any = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    ocr: str = "auto"
    """When scans are recognised: ``auto``, ``always`` or ``never`` (see ``parse.ocr``)."""
    keep_report: bool = True
    """False sends back only the report's header (unit, year, dates, title) with the findings:
    what a listing of findings needs. Shipping the whole report (200 cells with their places)
    from a worker process costs about as much as checking it."""


def iter_report_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterator[Path]:
    """Yield the files to read: named files as given, directories recursed in sorted order.

    Hidden files and folders (``.name``) and files without a report suffix are skipped inside
    directories; a named path that does not exist is yielded anyway so that it is reported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            yield from _walk(path)
        else:
            yield path


def _walk(folder: Path) -> Iterator[Path]:
    for child in sorted(folder.iterdir(), key=lambda p: p.name):
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.suffix.lower() in REPORT_SUFFIXES:
            yield child


def load_report(path: str | os.PathLike[str], ocr: str = "auto") -> Report:
    """Return the parsed report at ``path``; raise ``InputError`` when it is unusable (or
    over a budget of ``xxgk.limits``). ``ocr`` says when scans are recognised (``auto``,
    ``always``, ``never``)."""
    from xxgk.parse import parse_path
    from xxgk.sandbox import budgeted

    file = Path(path)
    try:
        mode = os.stat(file).st_mode  # one call for "is it there" and "is it a folder"
    except (OSError, ValueError):
        raise InputError("文件不存在", "file not found", path=str(path)) from None
    if S_ISDIR(mode):
        raise InputError("这是目录，不是报告文件", "a directory, not a report", path=str(path))
    try:
        with budgeted():  # time and memory ceilings (nothing more inside an outer guard)
            return parse_path(file, ocr=ocr)
    except XxgkError:
        raise
    except OSError as exc:
        raise InputError(
            f"无法读取文件（{exc.strerror or exc}）", f"cannot read: {exc}", path=str(path)
        ) from exc


def parse_one(path: str | os.PathLike[str], ocr: str = "auto") -> Outcome:
    """Return the outcome of parsing one file; never raises for a bad file."""
    return _guarded(path, lambda: Outcome(str(path), report=load_report(path, ocr)))


def check_one(path: str | os.PathLike[str], options: CheckOptions | None = None) -> Outcome:
    """Return the outcome of parsing and validating one file; never raises for a bad file."""
    options = options or CheckOptions()

    def run() -> Outcome:
        report = load_report(path, options.ocr)
        validation = validate_report(report, options)
        if not options.keep_report:
            report = report_header(report)
            validation.report = report
        return Outcome(str(path), report=report, validation=validation)

    return _guarded(path, run)


def report_header(report: Report) -> Report:
    """Return a report with ``report``'s metadata and no cells, sections or places."""
    return Report(
        organization=report.organization,
        year=report.year,
        published=report.published,
        format=report.format,
        source=report.source,
        values={},
        title=report.title,
        signature=report.signature,
    )


def validate_report(report: Report, options: CheckOptions) -> Any:
    """Return ``xxgk.rules.validate`` of ``report`` with the batch options."""
    from xxgk.rules import validate

    return validate(
        report,
        previous=options.previous,
        settings=options.settings,
        select=options.select,
        ignore=options.ignore,
    )


def check_data(
    data: bytes,
    name: str,
    options: CheckOptions | None = None,
    *,
    convert_legacy: bool = True,
) -> Outcome:
    """Return the outcome of parsing and validating uploaded bytes; never raises for a bad
    file. This is the job the web application runs in its worker pool."""
    options = options or CheckOptions()

    def run() -> Outcome:
        from xxgk.parse import parse_bytes

        report = parse_bytes(data, source=name, name=name, convert_legacy=convert_legacy)
        return Outcome(name, report=report, validation=validate_report(report, options))

    return _guarded(name, run)


def time_budget(data: bytes) -> str:
    """Return the time budget of parsing ``data`` in the worker pool: ``ocr_seconds`` for
    an image or a PDF when OCR is installed (a scan is recognised page by page, far longer
    than a parse), else ``parse_seconds``."""
    from xxgk.parse.ocr_modes import ocr_available
    from xxgk.parse.sniff import sniff_image, sniff_pdf

    maybe_scan = sniff_image(data) or sniff_pdf(data)
    return "ocr_seconds" if maybe_scan and ocr_available() else "parse_seconds"


def _guarded(path: str | os.PathLike[str], run: Callable[[], Outcome]) -> Outcome:
    """Run one file's work within the time and memory budgets; a bad file (or a file over
    a budget) becomes an outcome with a one-line reason."""
    from xxgk.sandbox import budgeted

    try:
        with budgeted():
            return run()
    except XxgkError as exc:
        if exc.path is None:
            exc.path = str(path)
        error = exc.describe() if exc.path else str(exc)
        return Outcome(str(path), error=error, over_budget=isinstance(exc, LimitError))
    except MemoryError:  # past the memory ceiling outside the parser's own guard
        over = LimitError("memory_bytes", current_limits().memory_bytes, path=str(path))
        return Outcome(str(path), error=over.describe(), over_budget=True)
    except Exception as exc:  # a bug must not stop the batch or print a traceback
        reason = f"处理时发生内部错误：{type(exc).__name__}: {exc}（internal error, please report）"
        return Outcome(str(path), error=f"{path}: {reason}")


def parse_many(
    paths: Sequence[str | os.PathLike[str]],
    jobs: int | None = None,
    *,
    progress: Progress | None = None,
    ocr: str = "auto",
) -> list[Outcome]:
    """Return the parse outcome of every path, in input order."""
    return run_batch(partial(parse_one, ocr=ocr), paths, jobs, progress=progress)


def iter_parse(
    paths: Sequence[str | os.PathLike[str]],
    jobs: int | None = None,
    *,
    progress: Progress | None = None,
    ocr: str = "auto",
) -> Iterator[Outcome]:
    """Yield the parse outcome of every path, in input order, as each is ready.

    Nothing is kept once yielded, so a caller that writes each outcome out (``xxgk parse
    DIR``) holds one report at a time, whatever the size of the batch. ``ocr`` says when
    scans are recognised.
    """
    return iter_batch(partial(parse_one, ocr=ocr), paths, jobs, progress=progress)


def iter_batch(
    work: Callable[[Any], T],
    paths: Sequence[str | os.PathLike[str]],
    jobs: int | None = None,
    *,
    progress: Progress | None = None,
) -> Iterator[T]:
    """Yield ``work(path)`` for every path, in input order, as each is ready.

    ``work`` runs in worker processes when the batch is big enough (``effective_jobs``), a
    bounded number of chunks of paths in flight, so memory stays flat at any batch size. What
    ``work`` returns is what crosses from a worker to this process: a caller that needs only
    a few plain values of each outcome (``xxgk check`` prints findings) makes ``work`` return
    those, not the report with its cells, places and finding objects.
    """
    workers = min(effective_jobs(len(paths), jobs), max(1, len(paths)))
    if workers == 1:
        with batch_gc():  # the freeze is not renewed: nothing of the batch is kept here
            for done in map(work, paths):
                if progress:
                    progress()
                yield done
        return
    with batch_gc(), _pool(workers, work) as pool:  # imports warmed and frozen before forking
        for results in _streamed(pool, paths, workers):
            for done in results:
                if progress:
                    progress()
                yield done


CHUNK = 32
"""Paths a worker process is sent at a time (fewer towards the end of a batch, so that the
workers finish together): one message each way per chunk instead of per file."""
IN_FLIGHT = 3
"""Chunks per worker sent ahead of the results read: the workers never wait for the
parent, and no more than ``workers * IN_FLIGHT * CHUNK`` results are ever held."""


def chunked(count: int, workers: int) -> Iterator[range]:
    """Cut ``range(count)`` into consecutive chunks of at most ``CHUNK``, at most a quarter
    of a worker's share of what is left (so the last chunks are small)."""
    start = 0
    while start < count:
        size = max(1, min(CHUNK, (count - start) // (workers * 4)))
        yield range(start, start + size)
        start += size


def _streamed(
    pool: ProcessPoolExecutor, paths: Sequence[str | os.PathLike[str]], workers: int
) -> Iterator[list[Any]]:
    """Yield the results of every chunk of ``paths``, in order, keeping the workers busy:
    a new chunk is sent as each one's results are read (``IN_FLIGHT``)."""
    chunks = (paths[c.start : c.stop] for c in chunked(len(paths), workers))
    pending = deque(pool.submit(_run_chunk, c) for c in islice(chunks, workers * IN_FLIGHT))
    while pending:
        results = pending.popleft().result()
        for chunk in islice(chunks, 1):
            pending.append(pool.submit(_run_chunk, chunk))
        yield results


def check_many(
    paths: Sequence[str | os.PathLike[str]],
    jobs: int | None = None,
    *,
    options: CheckOptions | None = None,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Return the check outcome (parse + validate) of every path, in input order."""
    work = partial(check_one, options=options or CheckOptions())
    return run_batch(work, paths, jobs, progress=progress)


def effective_jobs(count: int, jobs: int | None) -> int:
    """Return how many processes to use: ``jobs`` if given, else every core for big batches."""
    if jobs is not None:
        return max(1, jobs)
    if count <= PROCESS_THRESHOLD:
        return 1
    return os.cpu_count() or 1


def run_batch(
    work: Callable[[Any], Outcome],
    paths: Sequence[str | os.PathLike[str]],
    jobs: int | None = None,
    *,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Apply ``work`` to every path, in worker processes when worth it; keep input order."""
    workers = min(effective_jobs(len(paths), jobs), max(1, len(paths)))
    if workers == 1:
        with batch_gc() as refreeze:
            return _collect(map(work, paths), progress, refreeze)
    # The parent unpickles every outcome: with the default thresholds the collector ran over
    # the growing list of results again and again (more CPU than unpickling itself).
    with batch_gc() as refreeze, _pool(workers, work) as pool:
        outcomes = chain.from_iterable(_streamed(pool, paths, workers))
        return _collect(outcomes, progress, refreeze)


def _pool(workers: int, work: Callable[[Any], Any]) -> ProcessPoolExecutor:
    """Return a pool of ``workers`` processes that each run ``work`` on the chunks sent.

    ``work`` is handed to each worker once, when it starts (``_init_worker``), not pickled
    with every chunk (it may carry last year's report). On Linux the workers are forked:
    they start with the parser and the rules the parent imported and froze (``batch_gc``)
    instead of importing them again each. The pool is imported here: a single file never
    needs one, and multiprocessing is a tenth of ``xxgk check FILE``'s start-up.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    fork = sys.platform.startswith("linux")  # macOS's libraries are not safe to fork
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork" if fork else None),
        initializer=_init_worker,
        initargs=(work,),
    )


_WORK: list[Callable[[Any], Any]] = []
"""In a worker process: the ``work`` of the batch (set by ``_init_worker``)."""


def _run_chunk(paths: Sequence[str | os.PathLike[str]]) -> list[Any]:
    """Return the worker's ``work`` of each path of a chunk (runs in the worker)."""
    work = _WORK[0]
    return [work(path) for path in paths]


def _collect(
    outcomes: Iterable[Outcome], progress: Progress | None, refreeze: Callable[[], None]
) -> list[Outcome]:
    """List the outcomes as they come, ticking ``progress`` and refreezing what is kept."""
    results: list[Outcome] = []
    for index, outcome in enumerate(outcomes, start=1):
        results.append(outcome)
        if progress:
            progress()
        if index % REFREEZE_EVERY == 0:
            refreeze()
    return results


REFREEZE_EVERY = 100
"""Reports between two ``gc.freeze`` of what an in-process batch keeps (see ``batch_gc``)."""
BATCH_GC_THRESHOLD = (50_000, 20, 20)
"""Collector thresholds while a batch runs: each report leaves thousands of acyclic objects
(cells, locations, findings) that the default gen-0 threshold of 700 keeps re-scanning."""


def _nothing() -> None:
    return None


def _warm_imports() -> None:
    """Import the parser and the rules, so their module objects are frozen with the rest."""
    with gc_paused():
        import xxgk.parse  # noqa: F401
        import xxgk.rules  # noqa: F401


def _init_worker(work: Callable[[Any], Any]) -> None:
    """Worker initialiser: keep the batch's ``work``, move everything imported so far out of
    the collector's sight (``gc.freeze``) and collect the young generation less often."""
    _WORK[:] = [work]
    _warm_imports()
    gc.freeze()
    gc.set_threshold(*BATCH_GC_THRESHOLD)


@contextmanager
def batch_gc() -> Iterator[Callable[[], None]]:
    """The in-process form of ``_init_worker``, undone afterwards.

    Objects are frozen only when nothing was frozen before (so a caller's own ``gc.freeze``
    is left alone) and unfrozen at the end; the previous thresholds are restored. The
    function yielded freezes again what the batch has kept so far (the outcomes, the
    parser's caches), so the collector stops walking them; it does nothing when the caller
    had frozen objects itself.
    """
    with gc_paused():  # frozen before the collector could walk what was imported
        _warm_imports()
        thresholds = gc.get_threshold()
        freeze = gc.get_freeze_count() == 0
        if freeze:
            gc.freeze()
        gc.set_threshold(*BATCH_GC_THRESHOLD)
    try:
        yield gc.freeze if freeze else _nothing
    finally:
        gc.set_threshold(*thresholds)
        if freeze:
            gc.unfreeze()


def outcome_to_dict(outcome: Outcome) -> dict[str, Any]:
    """Return the JSON form of a checked file, as ``xxgk check --format json`` prints it."""
    if not outcome.usable:
        return {"source": outcome.path, "valid": False, "error": outcome.error}
    report = outcome.report
    assert report is not None
    stats = outcome.validation.stats() if outcome.validation is not None else outcome.counts()
    return {
        "source": outcome.path,
        "organization": report.organization,
        "year": report.year,
        "valid": outcome.valid,
        "stats": stats,
        "findings": [f.to_dict() for f in outcome.findings],
    }


def batch_status(outcomes: Iterable[Outcome]) -> int:
    """Return the exit status of a check: 2 unusable input, 1 errors found, 0 clean."""
    outcomes = list(outcomes)
    if any(not o.usable for o in outcomes):
        return 2
    return 1 if any(not o.valid for o in outcomes) else 0


CSV_COLUMNS: tuple[str, ...] = ("organization", "year", "published", "format", "source", *CELL_KEYS)
"""The columns of ``xxgk parse --format csv``: metadata, then every canonical cell key."""


def csv_headers() -> list[tuple[str, str]]:
    """Return ``(Chinese header, key)`` of every ``CSV_COLUMNS`` column: the CSV's first
    header row is Chinese for the office, its second the canonical keys for programs."""
    from xxgk.model.cells import cell_title

    meta = ("报告主体", "年度", "发布日期", "格式", "来源")
    return [*zip(meta, CSV_COLUMNS[:5], strict=True), *((cell_title(k), k) for k in CELL_KEYS)]


def csv_header_lines() -> str:
    """Return the BOM and the two header rows of the parse CSV (see ``csv_headers``)."""
    from xxgk.spreadsheet import csv_document

    return csv_document(csv_headers(), []).replace("\r\n", "\n")


def csv_row(report: Report) -> list[str]:
    """Return one CSV row of ``report`` in ``CSV_COLUMNS`` order; a missing value is empty and
    formula-like text is kept as text (``xxgk.spreadsheet``)."""
    from xxgk.render.text import format_value

    published = report.published.isoformat() if report.published else ""
    meta = [report.organization or "", str(report.year or ""), published, report.format]
    return safe_csv_row(meta + [report.source or ""] + [format_value(report[k]) for k in CELL_KEYS])


def reports_to_csv(reports: Iterable[Report]) -> str:
    """Return a CSV document: BOM, Chinese headers, keys, then one row per report."""
    import csv

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerows(csv_row(r) for r in reports)
    return csv_header_lines() + buffer.getvalue()
