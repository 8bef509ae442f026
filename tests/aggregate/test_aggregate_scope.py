"""A unit's own report against its members' sum, like with like (本级 / 全口径)."""

from __future__ import annotations

from xxgk.aggregate import DEFAULT_SCOPE, ReportScope, compare_scoped, scope_of, scoped_cells
from xxgk.model.report import Report


def _report(**values: int) -> Report:
    report = Report()
    for key, value in values.items():
        report.values[key.replace("__", ".")] = value
    return report


def test_a_whole_report_below_its_members_is_flagged_and_the_rest_is_the_own_share() -> None:
    own = _report(requests__new__total=12, active__licensing=1)
    members = _report(requests__new__total=9, active__licensing=2)
    found = compare_scoped(own, members, ReportScope.WHOLE)
    assert [(f.code, f.cells, f.expected, f.actual) for f in found] == [
        ("aggregate-whole-below-members", ("active.licensing",), 2, 1)
    ]
    shares = {c.key: c.share for c in scoped_cells(own, members, ReportScope.WHOLE)}
    assert shares == {"requests.new.total": 3, "active.licensing": -1}


def test_an_own_report_is_not_compared_cell_by_cell() -> None:
    own = _report(requests__new__total=2)
    members = _report(requests__new__total=9)
    assert compare_scoped(own, members, ReportScope.OWN) == []
    totals = {c.key: c.share for c in scoped_cells(own, members, ReportScope.OWN)}
    assert totals == {"requests.new.total": 11}


def test_the_default_scope_is_own() -> None:
    assert DEFAULT_SCOPE is ReportScope.OWN
    assert scope_of(None) is ReportScope.OWN
    assert scope_of("whole") is ReportScope.WHOLE
    assert scope_of("全部") is ReportScope.OWN
