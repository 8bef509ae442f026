"""Issue 13: validator false alarms on correct reports, each with its legal reason, and the
promise that a correct report of any kind of body from 2018 on raises no error."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from xxgk.model.cells import FORMAT_2019, FORMAT_2021
from xxgk.model.report import SectionText
from xxgk.model.units import UnitKind
from xxgk.rules import validate
from xxgk.synth import FEE_SENTENCE, random_report

ORGANIZATIONS = {
    UnitKind.PROVINCE: "示例省人民政府",
    UnitKind.PREFECTURE: "样例市人民政府",
    UnitKind.COUNTY: "示例县人民政府",
    UnitKind.TOWNSHIP: "示例县清河镇人民政府",
    UnitKind.PREFECTURE_OFFICE: "示例地区行政公署",
    UnitKind.SUBDISTRICT: "示例县新华街道办事处",
    UnitKind.STATE_COUNCIL_DEPARTMENT: "中华人民共和国示例部",
    UnitKind.DEPARTMENT: "示例县教育局",
    UnitKind.DISPATCHED: "示例县经济开发区管理委员会",
    UnitKind.AUTHORIZED: "示例县公共资源交易中心",
}


def _report(kind: UnitKind, year: int, seed: int = 1):
    fmt = FORMAT_2019 if year <= 2020 else FORMAT_2021
    rng = random.Random(seed * 1000 + year)
    return random_report(rng, organization=ORGANIZATIONS[kind], year=year, format_version=fmt)


@pytest.mark.parametrize("kind", list(UnitKind))
@pytest.mark.parametrize("year", range(2018, 2026))
def test_a_correct_report_of_any_body_from_2018_on_raises_no_error(kind, year):
    """Done when of issue 13: no error on a correct report (synth, consistent by construction),
    told the kind or guessing it from the name."""
    for seed in range(2):
        report = _report(kind, year, seed)
        for settings in ({"unit_kind": kind}, None):
            errors = validate(report, settings=settings).errors
            assert [f.code for f in errors] == []


@pytest.mark.parametrize(
    ("kind", "name"),
    [
        (UnitKind.STATE_COUNCIL_DEPARTMENT, "中华人民共和国示例部"),
        (UnitKind.STATE_COUNCIL_DEPARTMENT, "国家示例委员会"),
        (UnitKind.PROVINCE, "示例省人民政府"),
        (UnitKind.PREFECTURE, "样例市人民政府"),
        (UnitKind.PREFECTURE, "示例自治州人民政府"),
    ],
)
def test_ministries_and_rule_making_governments_may_report_rules_lifa_fa_91_93(kind, name):
    """立法法 art. 91: 国务院各部、委员会 and 直属机构 with administrative functions make 部门规章;
    art. 93: governments of provinces, 设区的市 and 自治州 make 地方政府规章."""
    report = _report(kind, 2024)
    report.organization = name
    report["active.rules.issued"], report["active.rules.in_force"] = 2, 9
    report["active.rules.repealed"] = 0
    for settings in ({"unit_kind": kind}, None):
        assert "rules-not-rulemaker" not in validate(report, settings=settings).codes


def test_a_county_reporting_rules_is_still_warned_lifa_fa_93():
    """A county government cannot make 规章 (立法法 art. 93): the warning stays."""
    report = _report(UnitKind.COUNTY, 2024)
    report["active.rules.issued"], report["active.rules.in_force"] = 1, 1
    assert "rules-not-rulemaker" in validate(report, settings={"unit_kind": "county"}).codes


def test_a_2018_report_has_until_march_31_under_the_2007_regulation():
    """2007 条例 art. 31: every agency published by 3月31日; the 1月31日 department deadline
    only applies from the 2019 reports (2019 条例 art. 49)."""
    old = _report(UnitKind.DEPARTMENT, 2018)
    old.published = dt.date(2019, 3, 20)
    assert "published-late" not in validate(old, settings={"unit_kind": "department"}).codes
    new = _report(UnitKind.DEPARTMENT, 2019)
    new.published = dt.date(2020, 3, 20)
    assert "published-late" in validate(new, settings={"unit_kind": "department"}).codes


@pytest.mark.parametrize("year", [2019, 2020])
def test_reports_before_2021_are_not_asked_for_the_109_hao_fee_sentence(year):
    """109号 fees are charged from 2021-01-01: a 2019 or 2020 report has no fee to state."""
    report = _report(UnitKind.DEPARTMENT, year)
    _drop_fee_sentence(report)
    assert "fee-statement-missing" not in validate(report).codes


def test_a_2021_report_without_the_fee_sentence_is_warned_109_hao():
    report = _report(UnitKind.DEPARTMENT, 2021)
    _drop_fee_sentence(report)
    assert "fee-statement-missing" in validate(report).codes


def _drop_fee_sentence(report):
    section = report.sections["other"]
    report.sections["other"] = SectionText(section.heading, section.text.replace(FEE_SENTENCE, ""))


def test_a_title_year_disagreeing_with_the_period_is_a_year_mismatch_not_lateness():
    """D03: the title says one year, the statistics period another; the report's year is in
    doubt, so no lateness of hundreds of days is reckoned from the wrong year."""
    report = _report(UnitKind.DEPARTMENT, 2023)
    report.published = dt.date(2024, 11, 21)
    report.title = "示例县教育局2023年政府信息公开工作年度报告"
    preamble = "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
    report.sections["preamble"] = SectionText("", preamble)
    codes = validate(report, settings={"unit_kind": "department"}).codes
    assert "year-mismatch" in codes
    assert "published-late" not in codes
    assert "published-impossible" not in codes


@pytest.mark.parametrize("kind", [UnitKind.SUBDISTRICT, UnitKind.PREFECTURE_OFFICE])
def test_accountability_rule_is_only_for_peoples_governments_art50(kind):
    """条例 art. 50 ¶1(四) asks 各级人民政府 for 考核、评议、追究: a 街道办事处 or a 地区行政公署
    is not a 人民政府."""
    report = _report(kind, 2024)
    _drop_accountability(report)
    codes = validate(report, settings={"unit_kind": kind}).codes
    assert "accountability-missing" not in codes
    assert "accountability-partial" not in codes


def test_a_township_without_accountability_is_still_warned_art50():
    report = _report(UnitKind.TOWNSHIP, 2024)
    _drop_accountability(report)
    assert "accountability-missing" in validate(report, settings={"unit_kind": "township"}).codes


def _drop_accountability(report):
    section = report.sections["overview"]
    lines = [line for line in section.text.split("\n") if not line.startswith("（五）")]
    report.sections["overview"] = SectionText(section.heading, "\n".join(lines))


def test_township_lateness_by_the_assumed_date_is_a_warning_until_the_date_is_set_art49():
    """条例 art. 49 fixes no date for 乡镇/街道: by the assumed 1月31日 a late township report
    is only a warning; once the supervising office sets the local date, lateness is an error."""
    report = _report(UnitKind.TOWNSHIP, 2024)
    report.published = dt.date(2025, 2, 11)
    assumed = validate(report, settings={"unit_kind": "township"})
    assert "published-late-assumed" in assumed.codes
    assert "published-late" not in assumed.codes
    assert not assumed.errors
    set_local = validate(report, settings={"unit_kind": "township", "township_deadline": "1-31"})
    assert "published-late" in set_local.codes
    later = validate(report, settings={"unit_kind": "township", "township_deadline": "2-20"})
    assert not {"published-late", "published-late-assumed"} & set(later.codes)
