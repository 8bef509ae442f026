"""End to end on the local portal: columns → report pages → attachments → WARC → reports."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

from fetch_site import (
    FAST,
    Portal,
    Request,
    Response,
    Site,
    conditional,
    make_report,
    report_page,
    trs_list_page,
)

from xxgk.fetch import FetchedReport, Seed, collect, run
from xxgk.fetch.archive import read_responses
from xxgk.fetch.reports import SOURCES_DIFFER
from xxgk.render.docx import render_docx

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _seeds(portal: Portal) -> list[Seed]:
    return [Seed(portal.site.url(portal.trs_column)), Seed(portal.site.url(portal.platform_column))]


def _by_org(folder: Path) -> dict[tuple[str, int | None], FetchedReport]:
    """The job's reports (read again from its folder) by organization and year."""
    reports, _unread = collect(folder)
    return {(r.report.organization, r.report.year): r for r in reports}


def test_columns_lead_to_every_report_with_its_cells_and_page_fields(
    portal: Portal, tmp_path: Path
) -> None:
    result = run(_seeds(portal), tmp_path, FAST)
    assert len(result.reports) == len(portal.reports)
    found = _by_org(tmp_path)
    expected = {(r.organization, r.year): r for r in portal.reports.values()}
    assert set(found) == set(expected)
    for key, report in expected.items():
        got = found[key].report
        differing = [k for k, v in report.values.items() if got.values[k] != v]
        assert differing == [], key
    gbk = found[("示例县清河镇人民政府", 2024)]
    assert gbk.page_published == dt.date(2025, 1, 11)
    assert gbk.page_source == "清河镇人民政府"
    js = found[("示例县民政局", 2024)]
    assert js.page_published == dt.date(2025, 1, 21)


def test_attachment_only_report_is_read_from_the_attachment(portal: Portal, tmp_path: Path) -> None:
    run(_seeds(portal), tmp_path, FAST)
    item = _by_org(tmp_path)[("示例县教育局", 2024)]
    urls = [(s.url.rsplit("/", 1)[-1], s.used) for s in item.sources]
    assert urls == [("art_4521_9001.html", False), ("nb-9001.docx", True)]
    assert item.primary.url.endswith(".docx")
    assert item.page_published == dt.date(2025, 1, 20)


def test_page_and_pdf_of_one_report_are_one_report_with_two_sources(
    portal: Portal, tmp_path: Path
) -> None:
    result = run(_seeds(portal), tmp_path, FAST)
    item = _by_org(tmp_path)[("示例县自然资源局", 2024)]
    assert [s.format for s in item.sources] == ["网页", "PDF"]
    assert [s.used for s in item.sources] == [True, False]
    codes = [f.code for f in item.report.findings]
    assert SOURCES_DIFFER not in codes
    assert sum(1 for r in result.reports if r.organization == "示例县自然资源局") == 1


def test_differing_page_and_attachment_is_a_finding(site: Site, tmp_path: Path) -> None:
    report = make_report("示例县卫生健康委员会", 2024, seed=7)
    changed = make_report("示例县卫生健康委员会", 2024, seed=7)
    key = "requests.new.natural_person"
    changed.values[key] = (report.values[key] or 0) + 5
    site.add(
        "/art/1.html",
        report_page(report, "2025-01-22", "卫健委", attachments=[("/f/1.docx", "年度报告.docx")]),
    )
    site.add("/f/1.docx", render_docx(changed), DOCX)
    result = run([Seed(site.url("/art/1.html"))], tmp_path, FAST)
    assert len(result.reports) == 1
    ((item,), _unread) = collect(tmp_path)
    (finding,) = [f for f in item.report.findings if f.code == SOURCES_DIFFER]
    assert key in finding.cells
    assert "DOCX" in finding.message
    assert "表三" in finding.message


def test_politeness_robots_retry_timeout_and_redirect_loop(portal: Portal, tmp_path: Path) -> None:
    result = run(_seeds(portal), tmp_path, FAST)
    hits = portal.site.hits
    failures = {url.split("/", 3)[3]: why for url, why in result.outcome.failures}
    assert failures["private/nb.html"] == "robots.txt不允许抓取此地址"
    assert hits["/private/nb.html"] == 0
    assert failures["xxgk/zfxxgknb/slow.html"].startswith("超时")
    assert hits["/xxgk/zfxxgknb/slow.html"] == FAST.retries + 1
    assert failures["loop/a.html"].startswith("重定向循环")
    assert hits["/loop/a.html"] == 1
    assert hits["/loop/b.html"] == 1
    assert hits["/xxgk/zfxxgknb/202501/t20250112_502.html"] == 2  # a 500, then the page
    assert hits["/zwdt/news1.html"] == 0  # not a report: never fetched
    assert hits["/robots.txt"] == 1
    assert len(failures) == 3


def test_warc_keeps_every_response_as_fetched(portal: Portal, tmp_path: Path) -> None:
    result = run(_seeds(portal), tmp_path, FAST)
    assert result.outcome.warc is not None
    records = list(read_responses(result.outcome.warc))
    by_path: dict[str, list[int]] = {}
    for url, status, date, _body in records:
        by_path.setdefault(url.split("/", 3)[3], []).append(status)
        assert dt.datetime.strptime(date, "%Y-%m-%dT%H:%M:%SZ")
    assert by_path["robots.txt"] == [200]
    assert by_path["xxgk/zfxxgknb/202501/t20250112_502.html"] == [500, 200]
    assert by_path["loop/a.html"] == [302]
    assert by_path["loop/b.html"] == [302]
    gbk_path = "/xxgk/zfxxgknb/202501/t20250111_501.html"
    body = next(b for u, s, _, b in records if u.endswith(gbk_path))
    assert body == portal.site.routes[gbk_path][2]  # type: ignore[index]
    assert (
        len(records)
        == sum(portal.site.hits.values()) - portal.site.hits["/xxgk/zfxxgknb/slow.html"]
    )


def test_rerun_fetches_only_what_is_new_or_changed(portal: Portal, tmp_path: Path) -> None:
    site = portal.site
    first = run(_seeds(portal), tmp_path, FAST)
    assert len(first.reports) == 8
    site.hits.clear()
    second = run(_seeds(portal), tmp_path, FAST)
    assert not second.outcome.resumed
    asked = set(site.hits)
    # the columns are asked again (conditionally), and what failed; the reports and
    # attachments already fetched are not
    assert site.hits["/xxgk/zfxxgknb/slow.html"] == FAST.retries + 1
    assert asked <= {
        "/xxgk/zfxxgknb/slow.html",
        "/loop/a.html",
        "/loop/b.html",
        "/robots.txt",
        "/xxgk/zfxxgknb/index.html",
        "/xxgk/zfxxgknb/index_1.html",
        "/xxgk/zfxxgknb/index_2.html",
        "/col/col4521/index.html?uid=12&pageNum=1",
        "/col/col4521/index.html?uid=12&pageNum=2",
    }, asked
    assert second.outcome.progress.unchanged >= 5
    assert len(second.reports) == 8
    # a new report appears on the first TRS page: only it is fetched
    new = make_report("示例县审计局", 2024, seed=31)
    site.add("/xxgk/zfxxgknb/202502/t20250201_900.html", report_page(new, "2025-02-01", "审计局"))
    items = [("./202502/t20250201_900.html", new.title or "", "2025-02-01")]
    site.routes["/xxgk/zfxxgknb/index.html"] = conditional(
        trs_list_page(items, 3, 0).encode(), '"trs-0-2"'
    )
    site.hits.clear()
    third = run(_seeds(portal), tmp_path, FAST)
    assert len(third.reports) == 9
    assert site.hits["/xxgk/zfxxgknb/202502/t20250201_900.html"] == 1
    fetched_reports = [p for p in site.hits if "/t2025" in p or "/art/" in p or "/attach/" in p]
    assert fetched_reports == ["/xxgk/zfxxgknb/202502/t20250201_900.html"]
    assert ("示例县审计局", 2024) in _by_org(tmp_path)


def test_retry_after_of_a_busy_server_is_waited_for(site: Site, tmp_path: Path) -> None:
    report = make_report("示例县统计局", 2024, seed=8)
    page = report_page(report, "2025-01-23", "统计局").encode()
    times: list[float] = []

    def busy_once(_request: Request) -> Response:
        times.append(time.monotonic())
        if len(times) == 1:
            return 503, {"Retry-After": "1", "Content-Type": "text/plain"}, b"busy"
        return 200, {"Content-Type": "text/html; charset=utf-8"}, page

    site.routes["/art/2.html"] = busy_once
    result = run([Seed(site.url("/art/2.html"))], tmp_path, FAST)
    assert len(result.reports) == 1
    assert times[1] - times[0] >= 1.0  # not the tests' 0.01 s back-off: the server's wish
