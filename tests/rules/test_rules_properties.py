"""Property tests: consistent reports pass; any single changed cell is caught."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st
from strategies import arbitrary_report, consistent_pair

from xxgk.model.cells import CELL_KEYS, RELATIONS
from xxgk.rules import validate

DATA_RULES = ("#table", "#previous")
"""The rules that judge numbers; text and metadata rules are tested elsewhere."""

UNCONSTRAINED = ("active.licensing", "active.punishment", "active.enforcement", "active.fees")
"""Cells no relation ties to another: a change to them cannot be detected from the numbers."""

CHECKED = tuple(k for k in CELL_KEYS if k not in UNCONSTRAINED)


@given(consistent_pair())
def test_rules_consistent_report_passes_relations(pair) -> None:
    report, previous = pair
    assert validate(report, select=["#relation"]).findings == []
    assert validate(report, previous=previous, select=DATA_RULES).findings == []


@given(
    consistent_pair(),
    st.sampled_from(CHECKED),
    st.integers(min_value=1, max_value=50),
    st.booleans(),
)
def test_rules_single_changed_cell_is_caught(pair, key: str, delta: int, down: bool) -> None:
    report, previous = pair
    mutated = copy.deepcopy(report)
    value = mutated[key]
    if down and value >= delta:
        mutated[key] = value - delta
    else:
        mutated[key] = value + delta
    result = validate(mutated, previous=previous, select=DATA_RULES)
    assert result.findings, f"changing {key} from {value} to {mutated[key]} went unnoticed"
    assert any(key in f.cells for f in result.findings), "the changed cell is not named"


def test_rules_unconstrained_cells_are_exactly_the_decision_counts_and_fee() -> None:
    """Every other cell is in a 勾稽 relation or in the cross-year 现行有效 continuity."""
    in_relation = {k for r in RELATIONS for k in r.total + r.parts}
    cross_year = {k for k in CELL_KEYS if k.startswith("active.") and k.count(".") == 2}
    assert set(CELL_KEYS) - in_relation - cross_year == set(UNCONSTRAINED)


@given(arbitrary_report(), st.none() | arbitrary_report(), st.booleans())
def test_rules_any_report_is_judged_without_crashing(report, previous, roll: bool) -> None:
    result = validate(report, previous=previous, settings={"roll_to_workday": roll})
    for finding in result.findings:
        assert finding.message
        assert finding.to_dict()["code"] == finding.code
    assert result.valid is (not result.errors)


@given(consistent_pair())
def test_rules_generator_fills_every_cell_of_the_model(pair) -> None:
    """The generator's hand-written tables cover the model's cells: none added unseen."""
    report, _ = pair
    assert set(report.values) == set(CELL_KEYS)
