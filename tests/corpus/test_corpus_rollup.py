"""Roll-up from the store: the subtree's sum, the members' status, the own-report comparison."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from corpus_support import make_report, write_report
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.aggregate import ReportScope, Status
from xxgk.corpus import ingest_paths
from xxgk.corpus.rollup import rollup
from xxgk.db.units import get_unit
from xxgk.model.cells import CELL_KEYS


def test_rollup_sums_subtree_and_lists_missing_late_and_errors(
    store: Engine, tmp_path: Path
) -> None:
    qinghe = make_report("示例县清河镇人民政府", 2024, 21)
    shiqiao = make_report("示例县石桥乡人民政府", 2024, 22)
    shiqiao.published = dt.date(2025, 3, 15)  # a township: deadline 1月31日 by default
    liulin = make_report("样例县柳林镇人民政府", 2024, 23)
    liulin.values["active.licensing"] = (liulin.values["active.licensing"] or 0) + 1
    liulin.values["requests.new.total"] = (liulin.values["requests.new.total"] or 0) + 7
    for name, report in (("q", qinghe), ("s", shiqiao), ("l", liulin)):
        write_report(tmp_path, f"{name}.txt", report)
    assert ingest_paths(store, [tmp_path], jobs=1).added == 3
    with Session(store) as session:
        result = rollup(session, get_unit(session, "shili"), 2024)
        by_name = {s.member.name: s.statuses for s in result.statuses}
    for key in CELL_KEYS:
        expected = qinghe.values[key] + shiqiao.values[key] + liulin.values[key]
        assert result.report.values[key] == expected
    assert by_name["示例县清河镇人民政府"] == (Status.REPORTED,)
    assert Status.LATE in by_name["示例县石桥乡人民政府"]
    assert Status.ERRORS in by_name["样例县柳林镇人民政府"]
    for missing in ("示例市示例县人民政府", "示例县交通运输局", "示例市样例县人民政府"):
        assert by_name[missing] == (Status.MISSING,)
    codes = [f.code for f in result.report.findings]
    assert "aggregate-member-missing" in codes
    assert "缺报3个" in result.report.section_text("overview")
    assert result.own is None


def test_rollup_compares_a_whole_scope_report_like_with_like(store: Engine, tmp_path: Path) -> None:
    """A 全口径 report is its members' sum plus the 本级 share: only a cell below the sum is
    flagged; a 本级 report (the default) is not compared cell by cell at all."""
    town = make_report("示例县清河镇人民政府", 2024, 31)
    dept = make_report("示例县交通运输局", 2024, 32)
    own = make_report("示例市示例县人民政府", 2024, 33)
    for key in CELL_KEYS:
        own.values[key] = town.values[key] + dept.values[key]
    own.values["active.punishment"] += 2  # the 本级 share: no finding
    own.values["active.licensing"] -= 1  # below its members' sum: flagged
    for name, report in (("t", town), ("d", dept), ("o", own)):
        write_report(tmp_path, f"{name}.txt", report)
    ingest_paths(store, [tmp_path], jobs=1)
    with Session(store) as session:
        unit = get_unit(session, "shili-x")
        default = rollup(session, unit, 2024)
        unit.report_scope = ReportScope.WHOLE.value
        result = rollup(session, unit, 2024)
    assert default.scope is ReportScope.OWN
    assert default.differences == []
    assert "不与下级合计逐格比较" in default.report.section_text("overview")
    assert [f.cells for f in result.differences] == [("active.licensing",)]
    assert result.differences[0].code == "aggregate-whole-below-members"
    assert result.differences[0].actual == result.differences[0].expected - 1
    shares = {c.key: c.share for c in result.scoped()}
    assert shares["active.punishment"] == 2
    assert shares["requests.new.total"] == 0
    assert [s.member.name for s in result.statuses if Status.MISSING in s.statuses] == [
        "示例县石桥乡人民政府"
    ]
    data = result.to_dict()
    assert data["counts"]["missing"] == 1
    assert data["own_scope"] == "whole"
    assert (
        data["report"]["active"]["punishment"]
        == town.values["active.punishment"] + dept.values["active.punishment"]
    )
