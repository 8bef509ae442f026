"""What the pages that parse uploads share: the time budget of a file in the sandbox pool, and
the collection batches of the application with the pool-backed ``Reader`` they parse with
(报告收集 and 年报检查's 存入报告库 both start batches)."""

from __future__ import annotations

from fastapi import Request

from xxgk.campaign.collect import Reader, read_here
from xxgk.campaign.jobs import CollectJobs
from xxgk.limits import use_limits
from xxgk.model.report import Report
from xxgk.parse.ocr import ocr_available, sniff_image
from xxgk.parse.pdf import sniff_pdf
from xxgk.sandbox import shared_pool


def time_budget(data: bytes) -> str:
    """Return the time budget of parsing ``data`` in the pool: ``ocr_seconds`` for an image
    or a PDF when OCR is installed (a scan is recognised page by page, far longer than a
    parse), else ``parse_seconds``."""
    maybe_scan = sniff_image(data) or sniff_pdf(data)
    return "ocr_seconds" if maybe_scan and ocr_available() else "parse_seconds"


def jobs(request: Request) -> CollectJobs:
    """The application's collection batches (made on first use)."""
    state = request.app.state
    if getattr(state, "collect_jobs", None) is None:
        state.collect_jobs = CollectJobs(state.engine)
    registry: CollectJobs = state.collect_jobs
    return registry


def reader(request: Request) -> Reader:
    """Return the ``Reader`` of this application: each file parsed in the sandbox pool within
    its time budget (``time_budget``); with ``parse_workers=0`` in the batch's thread within
    the same budgets."""
    settings = request.app.state.settings
    if settings.parse_workers <= 0:

        def read_in_thread(data: bytes, name: str) -> Report:
            with use_limits(settings.limits):
                return read_here(data, name)

        return read_in_thread
    pool = shared_pool(settings.parse_workers, settings.limits)

    def read_in_pool(data: bytes, name: str) -> Report:
        return pool.call(read_here, data, name, budget=time_budget(data))

    return read_in_pool
