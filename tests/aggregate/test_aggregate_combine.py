"""Roll-up as pure functions: sums keep the 勾稽 relations, missing is never zero, differences."""

from __future__ import annotations

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xxgk.aggregate import (
    Member,
    Status,
    Submission,
    combine,
    compare,
    count_by_status,
    member_status,
)
from xxgk.model.cells import CELL_KEYS, RELATIONS
from xxgk.model.report import Report
from xxgk.synth import random_report


def _reports(seed: int, count: int) -> list[Report]:
    rng = random.Random(seed)
    return [random_report(rng, year=2024) for _ in range(count)]


def _holds(report: Report) -> bool:
    for rel in RELATIONS:
        total = sum(report.values[k] for k in rel.total)
        if total != sum(report.values[k] for k in rel.parts):
            return False
    return True


@given(st.integers(0, 10_000), st.integers(1, 6))
def test_sum_of_consistent_reports_is_consistent_and_cellwise(seed: int, count: int) -> None:
    reports = _reports(seed, count)
    combined = combine(reports, organization="示例市（汇总）", year=2024)
    assert _holds(combined)
    for key in CELL_KEYS:
        assert combined.values[key] == sum(r.values[key] for r in reports)
    assert not combined.findings


def test_fees_are_summed_as_exact_amounts() -> None:
    a, b = _reports(1, 2)
    a.values["active.fees"] = Decimal("0.1")
    b.values["active.fees"] = Decimal("0.2")
    assert combine([a, b]).values["active.fees"] == Decimal("0.3")
    b.values["active.fees"] = Decimal("0.9")
    assert combine([a, b]).values["active.fees"] == 1


def test_unreadable_cell_is_left_out_and_named_not_zero() -> None:
    a, b = _reports(2, 2)
    a.organization = "示例县清河镇人民政府"
    a.values["active.licensing"] = None
    combined = combine([a, b])
    assert combined.values["active.licensing"] == b.values["active.licensing"]
    [finding] = combined.findings
    assert finding.code == "aggregate-cell-partial"
    assert "示例县清河镇人民政府" in finding.message
    assert combine([a]).values["active.licensing"] is None


def test_no_members_gives_no_numbers() -> None:
    assert all(v is None for v in combine([]).values.values())


def test_provenance_names_contributing_members() -> None:
    a, b = _reports(3, 2)
    a.organization, b.organization = "甲镇人民政府", "乙乡人民政府"
    a.values["active.punishment"], b.values["active.punishment"] = 4, 0
    note = combine([a, b]).provenance["active.punishment"].text
    assert "甲镇人民政府" in note
    assert "乙乡人民政府" not in note


def test_member_status_missing_late_errors() -> None:
    members = [Member(1, "甲镇"), Member(2, "乙乡"), Member(3, "丙街道")]
    subs = {1: Submission(errors=0), 3: Submission(errors=2, late=True)}
    statuses = member_status(members, subs)
    assert [s.statuses for s in statuses] == [
        (Status.REPORTED,),
        (Status.MISSING,),
        (Status.REPORTED, Status.LATE, Status.ERRORS),
    ]
    assert statuses[2].label == "已报送、逾期、有错误"
    counts = count_by_status(statuses)
    assert counts[Status.MISSING] == 1
    assert counts[Status.REPORTED] == 2


def test_compare_lists_differing_cells_as_warnings() -> None:
    own, other = _reports(4, 2)
    computed = combine([own])
    assert compare(own, computed) == []
    own.values["active.enforcement"] = (own.values["active.enforcement"] or 0) + 5
    own.values["active.fees"] = None
    [finding] = compare(own, computed)
    assert finding.code == "aggregate-differs"
    assert finding.severity.value == "warning"
    assert finding.cells == ("active.enforcement",)
    assert finding.actual == finding.expected + 5
