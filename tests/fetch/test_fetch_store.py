"""Fetched reports in the report store: source URL, page dates, units' columns, idempotence."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fetch_site import FAST, Portal
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from xxgk.corpus.models import StoredReport
from xxgk.corpus.rollup import rollup
from xxgk.db.models import Unit
from xxgk.fetch import Seed, collect, run, run_units
from xxgk.fetch.store import store_reports


def _stored(engine: Engine) -> dict[tuple[str, int | None], StoredReport]:
    with Session(engine) as session:
        rows = session.scalars(select(StoredReport).where(StoredReport.current)).all()
        session.expunge_all()
    return {(r.organization, r.year): r for r in rows}


def test_fetch_warc_parse_ingest_end_to_end(portal: Portal, store: Engine, tmp_path: Path) -> None:
    site = portal.site
    seeds = [Seed(site.url(portal.trs_column)), Seed(site.url(portal.platform_column))]
    result = run(seeds, tmp_path, FAST, engine=store)
    assert result.stored is not None
    assert result.stored.summary.added == 8
    rows = _stored(store)
    qinghe = rows[("示例县清河镇人民政府", 2024)]
    assert qinghe.source == site.url("/xxgk/zfxxgknb/202501/t20250111_501.html")
    assert qinghe.published == dt.date(2025, 1, 11)  # the page's 发布时间
    assert qinghe.unit_id is not None
    fetch = qinghe.extra["fetch"]
    assert fetch["page_source"] == "清河镇人民政府"
    assert fetch["page_published"] == "2025-01-11"
    assert fetch["fetched_at"][:4] == str(dt.date.today().year)
    education = rows[("示例县教育局", 2024)]
    assert education.source.endswith("/attach/2024/nb-9001.docx")
    assert [s["used"] for s in education.extra["fetch"]["sources"]] == [False, True]
    late = rows[("示例县自然资源局", 2024)]  # on the web on 3 February: after the deadline
    assert late.published == dt.date(2025, 2, 3)
    assert late.late
    assert not qinghe.late
    # storing the same reports again changes nothing
    again = store_reports(store, collect(tmp_path)[0])
    assert again.summary.added == 0
    assert again.summary.unchanged == 8


def test_unit_fetch_collects_this_years_reports_for_the_campaign(
    portal: Portal, store: Engine, tmp_path: Path
) -> None:
    site = portal.site
    with Session(store) as session, session.begin():
        columns = {
            "示例县人民政府": site.url(portal.trs_column),
            "示例县教育局": site.url(portal.platform_column),
        }
        for name, url in columns.items():
            session.execute(update(Unit).where(Unit.name == name).values(report_column_url=url))
    result = run_units(store, tmp_path, FAST, year=2024)
    assert [c.name for c in result.columns] == ["示例县人民政府", "示例县教育局"]
    assert site.hits["/xxgk/zfxxgknb/202401/t20240115_400.html"] == 0  # last year's: not asked
    rows = _stored(store)
    assert {year for _, year in rows} == {2024}
    assert len(rows) == 7
    with Session(store) as session:
        county = session.scalars(select(Unit).where(Unit.name == "示例县人民政府")).one()
        statuses = {s.member.name: s.label for s in rollup(session, county, 2024).statuses}
    assert "逾期" in statuses["示例县自然资源局"]
    assert statuses["示例县清河镇人民政府"] == "已报送"
    assert statuses["示例县交通运输局"] == "已报送"
