"""What the pages that store uploads share: the application's collection batches and the
pool-backed ``Reader`` they parse with (报告收集 and 年报检查's 存入报告库 both start them)."""

from __future__ import annotations

from fastapi import Request

from xxgk.batch import time_budget
from xxgk.campaign.collect import Reader, read_here
from xxgk.campaign.jobs import CollectJobs
from xxgk.limits import use_limits
from xxgk.model.report import Report
from xxgk.sandbox import shared_pool
from xxgk.web.jobs import collect_jobs


def jobs(request: Request) -> CollectJobs:
    """The application's collection batches (on the shared job runner)."""
    return collect_jobs(request)


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
