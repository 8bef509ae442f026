"""Downloads within the budgets of ``xxgk.limits``: a response over the bytes budget is
abandoned while it arrives, and every downloaded file is parsed in the bounded worker pool,
so a zip bomb, a far-cell workbook or a parse past its time budget is one unread file with
the budget named, and the run (a CLI run or a web job) goes on to the other reports."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from fetch_site import FAST, Site, make_report, report_page

from xxgk.fetch import FetchSettings, Seed, run
from xxgk.fetch.reports import read_download
from xxgk.limits import LimitError, Limits, use_limits
from xxgk.render.docx import render_docx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import docx_bomb, merged_xlsx  # noqa: E402

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _reasons(result) -> dict[str, str]:
    return {u.url.rsplit("/", 1)[-1]: "；".join(u.reasons) for u in result.unread}


def test_hostile_downloads_are_refused_by_their_budget_and_the_run_goes_on(
    site: Site, tmp_path: Path
) -> None:
    site.add("/f/bomb.docx", docx_bomb(70 << 20), DOCX)  # 70 MB inflated from ~70 KB
    site.add("/f/far.xlsx", merged_xlsx("A1:XFD1048576"), XLSX)
    report = make_report("示例县统计局", 2024, seed=8)
    site.add("/art/1.html", report_page(report, "2025-01-23", "统计局"))
    seeds = [Seed(site.url(p)) for p in ("/f/bomb.docx", "/f/far.xlsx", "/art/1.html")]
    result = run(seeds, tmp_path, FAST)
    assert [r.organization for r in result.reports] == ["示例县统计局"]
    reasons = _reasons(result)
    assert "解压后的大小" in reasons["bomb.docx"]
    assert "单元格数" in reasons["far.xlsx"]


def test_a_response_over_the_bytes_budget_is_abandoned(site: Site, tmp_path: Path) -> None:
    site.add("/f/big.docx", render_docx(make_report("示例县林业局", 2024, seed=9)), DOCX)
    with use_limits(Limits(upload_bytes=2000)):
        settings = FetchSettings(delay=0.0, timeout=0.4, retries=0, backoff=0.01)
    assert settings.max_bytes == 2000  # the shared budget, not a budget of its own
    result = run([Seed(site.url("/f/big.docx"))], tmp_path, settings)
    assert result.reports == []
    ((url, why),) = result.outcome.failures
    assert url.endswith("/f/big.docx")
    assert "文件过大" in why


def test_a_download_is_parsed_in_a_worker_under_the_time_budget() -> None:
    """The worker's own timer stops a parse past ``parse_seconds`` (the fetch job's thread,
    where no timer reaches, only waits for it)."""
    data = render_docx(make_report("示例县林业局", 2024, seed=9))
    assert read_download(data, "http://x/f/a.docx", "a.docx").organization == "示例县林业局"
    with use_limits(Limits(parse_seconds=0.001)), pytest.raises(LimitError) as refused:
        read_download(data, "http://x/f/a.docx", "a.docx")
    assert refused.value.budget == "parse_seconds"
