"""Golden test over the hand-written fixtures of ``tests/fixtures/text``.

Each ``<name>.txt`` (fictional units, written for these tests, in the encoding its name
says) has ``<name>.truth.json`` (canonical values and metadata) and ``<name>.findings.json``
(the finding codes that must be present, and the format when not 2021).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from parse_support import FIXTURES, differing, load_truth

from xxgk.findings import KINDS
from xxgk.parse import parse_path

TEXT_FIXTURES = sorted((FIXTURES / "text").glob("*.txt"))


def test_parse_fixture_folder_is_not_empty() -> None:
    assert len(TEXT_FIXTURES) >= 15


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda p: p.stem)
def test_parse_fixture_matches_truth(path: Path) -> None:
    report = parse_path(path)
    assert differing(report.canonical(), load_truth(path.with_suffix(".truth.json"))) == {}


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda p: p.stem)
def test_parse_fixture_findings(path: Path) -> None:
    expected = json.loads(path.with_suffix(".findings.json").read_text(encoding="utf-8"))
    report = parse_path(path)
    codes = {f.code for f in report.findings}
    assert set(expected["findings"]) - codes == set()
    assert report.format == expected.get("format", "2021")
    assert all(f.code in KINDS and f.message for f in report.findings)
    if not expected["findings"]:
        assert codes == set()  # a clean fixture gives no finding at all


@pytest.mark.parametrize("path", TEXT_FIXTURES, ids=lambda p: p.stem)
def test_parse_fixture_every_cell_has_a_value_or_a_finding(path: Path) -> None:
    report = parse_path(path)
    explained = {key for f in report.findings for key in f.cells}
    unexplained = [k for k, v in report.values.items() if v is None and k not in explained]
    assert unexplained == []


def test_parse_fixture_2019_keeps_old_table_two_in_legacy() -> None:
    report = parse_path(FIXTURES / "text" / "format_2019.txt")
    assert report.legacy["active.licensing.change"] == -2
    assert report.legacy["active.procurement.amount"] == Decimal("85.6")
    assert report.legacy["active.normative_documents.total_public"] == 15
    assert report.provenance["active.licensing"].text == "310"


def test_parse_fixture_truncated_keeps_what_was_read() -> None:
    report = parse_path(FIXTURES / "text" / "truncated.txt")
    assert report.values["requests.unavailable_needs_creation.total"] == 1
    assert report.values["requests.unavailable_unclear.total"] is None
    assert "review_litigation" not in report.sections


def test_parse_fixture_placeholder_findings_name_the_place() -> None:
    report = parse_path(FIXTURES / "text" / "placeholders_blanks.txt")
    blank = next(f for f in report.findings if f.code == "parse-cell-blank")
    assert blank.cells == ("requests.new.commercial",)
    assert blank.location is not None
    assert blank.location.line == 28
    assert "商业企业" in blank.message
    assert "第28行" in blank.message
