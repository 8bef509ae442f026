"""The cross-year rules in detail: what counts as copied from last year (D13)."""

from __future__ import annotations

import copy
import datetime as dt

from rules_factories import TEXTS, changed, good_report, previous_report, with_text

from xxgk.model.report import SectionText
from xxgk.rules import validate
from xxgk.rules.previous import narrative_for_copy

FEE = TEXTS["other"].splitlines()[0]


def last_year_with_years_changed():
    """This year's text with every 2024 turned into 2023: a lazily re-dated copy."""
    report = changed(good_report(), year=2023, published=dt.date(2024, 1, 20))
    for key, section in report.sections.items():
        text = section.text.replace("2024", "2023")
        report.sections[key] = SectionText(section.heading, text)
    return report


def test_rules_copy_with_new_years_is_caught() -> None:
    previous = last_year_with_years_changed()
    found = validate(good_report(), previous=previous, select=["previous-copied"]).findings
    assert len(found) == 1
    assert int(found[0].actual.rstrip("%")) >= 80


def test_rules_copy_threshold_is_a_setting() -> None:
    previous = last_year_with_years_changed()
    report = with_text(good_report(), "problems", TEXTS["problems"] + "新增一条本年度的问题说明。")
    settings = {"similarity_threshold": 0.99}
    assert "previous-copied" not in validate(report, previous=previous, settings=settings).codes
    assert "previous-copied" in validate(report, previous=previous).codes


def test_rules_standard_fee_sentence_does_not_count_as_copying() -> None:
    assert FEE not in narrative_for_copy(good_report())
    previous = copy.deepcopy(previous_report())
    previous.sections["other"] = SectionText("", FEE)
    assert "previous-copied" not in validate(good_report(), previous=previous).codes


def test_rules_identical_problems_is_an_error_even_if_rest_differs() -> None:
    previous = with_text(previous_report(), "problems", TEXTS["problems"])
    result = validate(good_report(), previous=previous)
    assert "previous-problems-identical" in [f.code for f in result.errors]
    assert "previous-copied" not in result.codes


def test_rules_previous_rules_silent_without_previous_or_wrong_year() -> None:
    assert validate(good_report(), select=["#previous"]).findings == []
    older = changed(last_year_with_years_changed(), year=2022)
    result = validate(good_report(), previous=older, select=["#previous"])
    assert result.codes == ["previous-not-prior-year"]
