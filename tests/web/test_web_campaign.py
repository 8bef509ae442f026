"""One status per unit and year (xxgk.campaign.status) and the overview that follows it:
every table, chart and export of the page follows the chosen unit, and a second county's
supervisor sees nothing of the first."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.campaign.status import CampaignStatus, count_statuses, unit_statuses
from xxgk.db.engine import make_engine
from xxgk.db.models import Unit
from xxgk.register.casework_models import ReportFiling

YEAR = dt.date.today().year - 1


def _session(folder) -> Session:
    return Session(make_engine(f"sqlite:///{folder / 'web.db'}"))


def _units(s: Session) -> dict[str, Unit]:
    return {u.name: u for u in s.scalars(select(Unit))}


def _file(s: Session, unit: Unit, state: str, reason: str = "") -> None:
    s.add(
        ReportFiling(
            unit_id=unit.id,
            year=YEAR,
            version=1,
            state=state,
            submitted_by="qinghe-clerk",
            acknowledged=[],
            snapshot_json={},
            decided_by="county-supervisor" if reason else "",
            decision_reason=reason,
        )
    )


def _table(page: str) -> dict[str, str]:
    body = re.search(r'<table class="list" id="status-table">(.*?)</table>', page, re.S)[1]
    rows = re.findall(r"<tr [^>]*><td><a [^>]*>([^<]+)</a></td><td>([^<]+)</td>", body)
    return dict(rows)


def test_one_status_per_unit_from_register_store_and_filing(demo):
    folder, _ = demo
    with _session(folder) as s:
        units = _units(s)
        county = units["示例县人民政府"]
        _file(s, units["示例县石桥乡人民政府"], "returned", "表三第二行合计不等")
        _file(s, county, "submitted")
        s.commit()
        got = {u.unit: u for u in unit_statuses(s, list(units.values()), YEAR)}
    assert got["示例县石桥乡人民政府"].status is CampaignStatus.RETURNED
    assert "表三第二行合计不等" in got["示例县石桥乡人民政府"].detail
    assert got["示例县人民政府"].status is CampaignStatus.AWAITING
    assert got["示例县人民政府"].source == "报送记录"
    # published through the register after 31 January: late, with its error count kept
    transport = got["示例县交通运输局"]
    assert (transport.status, transport.source) == (CampaignStatus.LATE, "申请台账发布")
    assert transport.published_on > transport.due
    assert got["示例县清河镇人民政府"].status is CampaignStatus.ON_TIME
    # only in the report store, on time but with errors
    education = got["示例县教育局"]
    assert (education.status, education.source) == (CampaignStatus.ERRORS, "报告库")
    assert education.errors
    assert education.errors > 0
    counts = count_statuses(list(got.values()))
    assert sum(counts.values()) == 5
    assert counts[CampaignStatus.NOT_FILED] == 0


def test_overview_shows_the_one_status_and_follows_the_chosen_unit(as_user):
    sup = as_user("county-supervisor")
    page = sup.get(f"/overview?year={YEAR}").text
    table = _table(page)
    assert table["示例县交通运输局"] == "逾期"
    assert table["示例县石桥乡人民政府"] == "未报送"
    assert table["示例县清河镇人民政府"] == "已发布按时"
    assert page.count('id="status-table"') == 1  # no second, contradicting table
    assert 'id="members"' not in page
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    town = units["示例县清河镇人民政府"]
    page = sup.get(f"/overview?year={YEAR}&unit={town}").text
    assert list(_table(page)) == ["示例县清河镇人民政府"]
    assert f'src="/overview/trend.svg?unit={town}"' in page
    assert f"/overview/export.csv?year={YEAR}&amp;unit={town}" in page
    pairs = re.search(r'<table class="list" id="pairs">(.*?)</table>', page, re.S)
    assert pairs is None or "示例县教育局" not in pairs[1]
    trend = re.search(r'<table class="list" id="trend">(.*?)</table>', page, re.S)[1]
    year_row = re.search(rf"<tr><td>{YEAR}</td><td>(\d+)</td>", trend)
    assert year_row[1] == "1"  # only the township's published report is summed


def test_status_export_has_bom_chinese_headers_and_keys(as_user):
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    raw = sup.get(f"/overview/export.csv?year={YEAR}&unit={units['示例县交通运输局']}").content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["单位", "年度", "状态"]
    assert rows[1][:3] == ["unit", "year", "status"]
    assert rows[2][0] == "示例县交通运输局"
    assert rows[2][2] == "逾期"
    assert len(rows) == 3


def test_a_second_county_sees_nothing_of_the_first(other_county, as_user):
    first = {u["name"]: u["id"] for u in as_user("county-supervisor").get("/api/v1/units").json()}
    c = other_county
    page = c.get(f"/overview?year={YEAR}").text
    assert set(_table(page)) == {"另一县人民政府", "另一县东镇人民政府"}
    assert "示例县" not in page
    body = c.get(f"/overview/export.csv?year={YEAR}").content.decode("utf-8-sig")
    assert "示例县" not in body
    assert "另一县东镇人民政府" in body
    county = first["示例县人民政府"]
    for path in (
        f"/overview?unit={county}",
        f"/overview/export.csv?unit={county}",
        f"/overview/trend.svg?unit={county}",
        f"/overview/mix.svg?unit={county}",
        f"/overview/ranking.svg?unit={county}",
        f"/overview/opendata.xlsx?unit={county}",
    ):
        assert c.get(path).status_code == 404, path
    for path in ("/overview/trend.svg", "/overview/mix.svg"):
        assert "示例县" not in c.get(path).text, path


def test_the_overview_stays_closed_to_clerks(as_user):
    clerk = as_user("qinghe-clerk")
    for path in ("/overview", "/overview/export.csv", "/overview/trend.svg"):
        assert clerk.get(path).status_code == 403, path


def test_a_register_publication_enters_the_store_once(demo):
    from xxgk.campaign.store import SOURCE_PREFIX, store_published
    from xxgk.corpus.queries import unit_report, versions
    from xxgk.records.models import PublishedReport

    folder, _ = demo
    with _session(folder) as s:
        unit = _units(s)["示例县交通运输局"]
        published = s.scalar(
            select(PublishedReport).where(
                PublishedReport.unit_id == unit.id, PublishedReport.year == YEAR
            )
        )
        before = len(versions(s, unit, YEAR))
        new_id = store_published(s, unit, published, None)
        assert new_id is not None
        stored = unit_report(s, unit, YEAR)
        assert stored.id == new_id
        assert stored.source.startswith(SOURCE_PREFIX)
        assert stored.published == published.published_on
        assert stored.late  # published after 31 January: the store's own check agrees
        assert len(versions(s, unit, YEAR)) == before + 1
        assert store_published(s, unit, published, None) is None  # no second copy
        status = {u.unit: u for u in unit_statuses(s, [unit], YEAR)}["示例县交通运输局"]
        assert status.status is CampaignStatus.LATE
        assert status.stored_report_id == new_id


def test_drilldown_shows_the_units_report_findings_and_versions(as_user):
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    page = sup.get(f"/overview?year={YEAR}").text
    education = units["示例县教育局"]
    assert f'href="/overview/units/{education}?year={YEAR}"' in page
    page = sup.get(f"/overview/units/{education}?year={YEAR}").text
    assert 'data-status="errors"' in page
    assert "依据：报告库" in page
    assert 'class="findings"' in page
    assert 'data-table="' in page  # the official tables
    assert '<li class="error"' in page  # the error that gives the unit its status
    versions = re.search(r'<table class="list" id="versions">(.*?)</table>', page, re.S)[1]
    assert "第1版" in versions
    assert "/tmp" not in versions  # file names only, no server paths
    missing = sup.get(f"/overview/units/{units['示例县石桥乡人民政府']}?year={YEAR}").text
    assert "尚未发布，也未存入报告库" in missing


def test_drilldown_stays_in_scope(other_county, as_user):
    first = {u["name"]: u["id"] for u in as_user("county-supervisor").get("/api/v1/units").json()}
    assert other_county.get(f"/overview/units/{first['示例县教育局']}").status_code == 404
    clerk = as_user("qinghe-clerk")
    assert clerk.get(f"/overview/units/{first['示例县清河镇人民政府']}").status_code == 403
