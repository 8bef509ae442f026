"""What names a finding across versions (its key) and what it saw (its fingerprint): a mark
follows the finding exactly while the values it points at are unchanged."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.campaign.triage import Verdict, finding_key, fingerprint, keyed
from xxgk.errors import RegisterError
from xxgk.findings import Finding
from xxgk.model.cells import CELL_KEYS
from xxgk.rules import validate
from xxgk.synth import random_report

ROW = "requests.new"


def _broken(seed: int):
    report = random_report(random.Random(seed), organization="示例县石桥乡人民政府", year=2024)
    report.values[f"{ROW}.total"] += 1
    finding = next(f for f in validate(report).findings if f.code == "requests-row-total")
    return report, finding


@given(st.integers(0, 10_000), st.sampled_from(CELL_KEYS), st.integers(1, 50))
def test_the_fingerprint_changes_exactly_when_a_cell_of_the_finding_changes(
    seed: int, key: str, change: int
) -> None:
    report, finding = _broken(seed)
    before = fingerprint(report, finding)
    value = report.values[key]
    report.values[key] = (value or 0) + change
    assert (fingerprint(report, finding) == before) is (key not in finding.cells)


def test_keys_name_code_and_cells_and_stay_unique_within_a_report() -> None:
    _, finding = _broken(1)
    assert finding_key(finding) == f"requests-row-total|{','.join(finding.cells)}"
    twice = [finding, finding]
    assert [k for k, _ in keyed(twice)] == [finding_key(finding), finding_key(finding) + "#2"]
    late = Finding("published-late", params={"published": "2025-03-01"})
    other = Finding("published-late", params={"published": "2025-04-01"})
    assert finding_key(late).startswith("published-late|@")
    assert finding_key(late) != finding_key(other)


def test_verdicts_read_their_value_or_their_chinese_label() -> None:
    assert Verdict.parse("驳回") is Verdict.DISMISSED
    assert Verdict.parse("confirmed") is Verdict.CONFIRMED
    with pytest.raises(RegisterError, match="只能是“确认”或“驳回”"):
        Verdict.parse("同意")
