"""``validate`` and what it returns: selection, sorting, counts, exports, settings, docs."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest
from rules_factories import changed, good_report, with_cells, with_text
from rules_seedtext import ROOT

from xxgk.findings import KINDS, Finding, Location, Severity
from xxgk.model.units import UnitKind
from xxgk.rules import RULES, RuleSettings, RuleSettingsError, catalogue, rule, validate
from xxgk.rules.doc import render_markdown
from xxgk.rules.settings import SETTINGS_HELP

# Selection


def broken_report():
    """Balance broken in the 自然人 and 总计 columns (one application carried forward that
    the text says was closed), published late, no 落款."""
    report = with_cells(
        good_report(),
        {"requests.carried_forward.natural_person": 1, "requests.carried_forward.total": 1},
    )
    return changed(report, published=dt.date(2025, 2, 3), signature=None)


def test_rules_validate_select_code_prefix_and_tag() -> None:
    report = broken_report()
    assert set(validate(report, select=["requests-balance"]).codes) == {"requests-balance"}
    assert set(validate(report, select=["published-*"]).codes) == {"published-late-assumed"}
    assert set(validate(report, select=["#balance"]).codes) == {"requests-balance"}
    assert set(validate(report, select="requests-balance,signature-missing").codes) == {
        "requests-balance",
        "signature-missing",
    }


def test_rules_validate_ignore_after_select() -> None:
    report = broken_report()
    assert set(validate(report).codes) == {
        "requests-balance",
        "published-late-assumed",
        "signature-missing",
        "narrative-all-closed",
    }
    codes = validate(report, ignore=["#deadline", "signature-missing", "#narrative"]).codes
    assert set(codes) == {"requests-balance"}
    assert validate(report, select=["#table"], ignore=["requests-*"]).findings == []


@pytest.mark.parametrize(
    ("select", "ignore"), [(["requests-balanse"], []), ([], ["#no-such-tag"]), (["nope-*"], [])]
)
def test_rules_validate_refuses_unknown_selectors(select: list, ignore: list) -> None:
    bad = (select + ignore)[0]
    with pytest.raises(RuleSettingsError, match=bad.replace("*", r"\*")):
        validate(good_report(), select=select, ignore=ignore)


def test_rules_validate_keeps_parse_findings_and_filters_them() -> None:
    parse = pytest.importorskip("xxgk.parse")
    assert parse
    code = next(c for c in KINDS if c.startswith("parse-"))
    report = good_report()
    report.findings = [Finding(code, ("requests.new.total",), location=Location(line=3))]
    assert validate(report).codes == [code]
    assert validate(report, ignore=["parse-*"]).findings == []
    assert validate(report, select=["requests-*"]).findings == []


def test_rules_validate_wraps_unknown_codes() -> None:
    report = good_report()
    report.findings = [Finding("parse-no-such-code", params={"message": "旧版本的发现"})]
    result = validate(report)
    assert result.codes == ["finding-unknown"]
    assert "parse-no-such-code" in result.findings[0].message


# Findings: cells, places, messages


def test_rules_balance_message_names_column_and_sums() -> None:
    finding = validate(broken_report(), select=["requests-balance"]).findings[0]
    assert finding.message == "表三“自然人”列：第一项加第二项之和（2）不等于第三项加第四项之和（3）"
    assert finding.cells[0] == "requests.total_handled.natural_person"
    assert set(finding.cells) == {
        "requests.total_handled.natural_person",
        "requests.carried_forward.natural_person",
        "requests.new.natural_person",
        "requests.carried_over.natural_person",
    }
    assert (finding.expected, finding.actual) == (2, 3)


def test_rules_finding_located_at_first_cell_provenance() -> None:
    report = broken_report()
    report.provenance["requests.total_handled.natural_person"] = Location(line=42, column=7)
    finding = validate(report, select=["requests-balance"]).findings[0]
    assert finding.location == Location(line=42, column=7)


def test_rules_citation_expected_form() -> None:
    report = with_text(good_report(), "other", "依据国办函[2020]109号，没有产生信息处理费。")
    finding = validate(report, select=["citation-number-format"]).findings[0]
    assert (finding.actual, finding.expected) == ("国办函[2020]109号", "国办函〔2020〕109号")


def test_rules_value_missing_is_one_summary() -> None:
    report = with_cells(good_report(), {"requests.granted.other": None, "active.licensing": None})
    found = validate(report, select=["value-missing"]).findings
    assert len(found) == 1
    assert found[0].severity is Severity.WARNING  # D10: likely wrong, not certainly
    assert found[0].cells == ("active.licensing", "requests.granted.other")
    assert found[0].message.startswith("2个单元格没有数值")


def test_rules_value_missing_is_a_warning_and_hides_no_other_error() -> None:
    report = with_cells(good_report(), {"active.licensing": None})
    result = validate(report)
    assert result.codes == ["value-missing"]
    assert result.valid
    broken = with_cells(good_report(), {"active.licensing": None, "requests.new.total": 10**6})
    assert not validate(broken).valid


def test_rules_value_missing_exempts_rules_row_of_non_rulemakers_only() -> None:
    holes = {"active.rules.issued": None, "active.rules.repealed": None}
    assert validate(with_cells(good_report(), holes)).valid
    county_seat = validate(with_cells(good_report(), holes), settings={"unit_kind": "prefecture"})
    assert county_seat.codes == ["value-missing"]


# The report of findings


def test_rules_validation_report_sorted_counted_exported() -> None:
    report = broken_report()
    report.source = "示例.txt"
    result = validate(report)
    severities = [f.severity.rank for f in result.findings]
    assert severities == sorted(severities)
    assert not result.valid
    stats = result.stats()
    assert (stats["total"], stats["error"], stats["warning"], stats["info"]) == (5, 2, 3, 0)
    assert stats["by_code"]["requests-balance"] == 2
    data = json.loads(json.dumps(result.to_dict(), ensure_ascii=False))
    assert (data["source"], data["organization"], data["year"]) == (
        "示例.txt",
        "示例县清河镇人民政府",
        2024,
    )
    assert data["valid"] is False
    assert data["findings"][0]["code"] == "requests-balance"
    assert ["requests-balance", "requests.total_handled.natural_person"] in result.flatten(
        ["code", "cell"]
    )


def test_rules_validation_report_empty_is_valid() -> None:
    result = validate(good_report())
    assert result.valid
    assert result.stats() == {"total": 0, "error": 0, "warning": 0, "info": 0, "by_code": {}}


# Settings


def test_rules_settings_resolve_forms() -> None:
    assert RuleSettings.resolve(None) == RuleSettings()
    settings = RuleSettings(unit_kind=UnitKind.COUNTY)
    assert RuleSettings.resolve(settings) is settings
    resolved = RuleSettings.resolve({"unit_kind": "county", "deadline": "2-20"})
    assert resolved.unit_kind is UnitKind.COUNTY
    assert resolved.deadline == (2, 20)


@pytest.mark.parametrize(
    ("value", "named"),
    [
        ({"no_such_setting": 1}, "no_such_setting"),
        ({"unit_kind": "village"}, "unit_kind"),
        ({"deadline": "2-30"}, "deadline"),
        ({"similarity_threshold": 1.5}, "similarity_threshold"),
    ],
)
def test_rules_settings_refuse_bad_values(value: dict, named: str) -> None:
    with pytest.raises(RuleSettingsError, match=named):
        RuleSettings.resolve(value)


def test_rules_every_setting_has_help() -> None:
    fields = {f.name for f in dataclasses.fields(RuleSettings)}
    assert set(SETTINGS_HELP) == fields


def test_rules_settings_explicit_kind_is_not_called_a_guess() -> None:
    report = changed(good_report(), published=dt.date(2025, 2, 3))
    guessed = validate(report, select=["published-late-assumed"]).findings[0]
    assert "根据名称" in guessed.message
    told = validate(report, select=["published-late-assumed"], settings={"unit_kind": "township"})
    assert "根据名称" not in told.findings[0].message


def test_rules_settings_roll_deadline_to_next_workday() -> None:
    """31 January 2025 fell in the Spring Festival break; 5 February was the next working day."""
    report = changed(good_report(), published=dt.date(2025, 2, 5))
    local = {"township_deadline": "1-31"}
    assert "published-late" in validate(report, settings=local).codes
    rolled = validate(report, settings={**local, "roll_to_workday": True})
    assert "published-late" not in rolled.codes


def test_rules_unknown_kind_uses_latest_deadline() -> None:
    report = changed(good_report(), organization="某某某", published=dt.date(2025, 3, 1))
    assert "published-late" not in validate(report).codes
    late = changed(report, published=dt.date(2025, 4, 1))
    assert "未能确定报告主体类别" in validate(late, select=["published-late"]).findings[0].message


# Registry and documentation


def test_rules_duplicate_code_raises() -> None:
    with pytest.raises(ValueError, match="requests-balance"):
        rule(
            code="requests-balance",
            severity=Severity.ERROR,
            title="重复",
            template="重复",
            description="重复",
        )(lambda report, ctx: iter(()))


def test_rules_catalogue_lists_rules_first_then_other_kinds() -> None:
    kinds = catalogue()
    assert [k.code for k in kinds[: len(RULES)]] == list(RULES)
    assert {k.code for k in kinds} == set(KINDS)


def test_rules_catalogue_name_is_the_function_after_doc_import() -> None:
    import xxgk.rules
    import xxgk.rules.doc  # noqa: F401 - importing a submodule sets a package attribute

    assert callable(xxgk.rules.catalogue)
    assert xxgk.rules.catalogue() == catalogue()


def test_rules_docs_are_generated_from_the_code() -> None:
    """``docs/rules.md`` must equal the generator's output: run
    ``python -m xxgk.rules.doc`` after changing a rule."""
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render_markdown()
    for code in RULES:
        assert f"## {code}\n" in committed
