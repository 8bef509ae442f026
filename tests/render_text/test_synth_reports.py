"""synth.random_report: consistent, plausible, deterministic reports for fictional units."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xxgk.model.cells import CELL_KEYS, RELATIONS, SECTIONS, request_key
from xxgk.synth import FEE_SENTENCE, is_government, random_report

seeds = st.integers(min_value=0, max_value=2**32 - 1)


@given(seeds, st.floats(min_value=0.0, max_value=1.0))
def test_random_report_satisfies_every_relation(seed, zero_share):
    report = random_report(random.Random(seed), zero_share=zero_share)
    for relation in RELATIONS:
        total = sum(report[k] for k in relation.total)
        parts = sum(report[k] for k in relation.parts)
        assert total == parts, relation.description


@given(seeds)
def test_random_report_has_every_cell_non_negative(seed):
    report = random_report(random.Random(seed))
    assert set(report.values) == set(CELL_KEYS)
    for key, value in report.values.items():
        assert value is not None, key
        assert value >= 0, key
    fee = Decimal(str(report["active.fees"]))
    assert fee == fee.quantize(Decimal("0.01"))


@given(seeds)
def test_random_report_metadata_and_sections(seed):
    report = random_report(random.Random(seed))
    assert report.year is not None
    assert report.title == f"{report.organization}{report.year}年政府信息公开工作年度报告"
    assert dt.date(report.year + 1, 1, 1) <= report.published <= dt.date(report.year + 1, 1, 31)
    assert [report.sections[s.key].heading for s in SECTIONS] == [s.heading for s in SECTIONS]
    assert FEE_SENTENCE in report.section_text("other")
    assert "109号" in FEE_SENTENCE
    if is_government(report.organization):
        overview = report.section_text("overview")
        assert all(word in overview for word in ("考核", "评议", "追究"))


def test_random_report_is_deterministic_for_a_seed():
    first = random_report(random.Random(5)).to_dict()
    assert random_report(random.Random(5)).to_dict() == first
    assert random_report(random.Random(6)).to_dict() != first


def test_random_report_uses_given_organization_and_year():
    report = random_report(random.Random(1), organization="示例县清河镇人民政府", year=2022)
    assert report.organization == "示例县清河镇人民政府"
    assert report.year == 2022
    assert "2022年" in report.section_text("overview")


def test_random_report_continues_the_previous_year():
    last = random_report(random.Random(2), organization="示例县石桥乡人民政府", year=2023)
    report = random_report(random.Random(3), previous=last)
    assert (report.organization, report.year) == (last.organization, 2024)
    for column in ("natural_person", "total"):
        assert (
            report[request_key("carried_over", column)]
            == last[request_key("carried_forward", column)]
        )
    in_force = last["active.normative_documents.in_force"]
    issued = report["active.normative_documents.issued"]
    repealed = report["active.normative_documents.repealed"]
    assert report["active.normative_documents.in_force"] == in_force + issued - repealed


def test_random_report_township_makes_no_rules():
    report = random_report(random.Random(4), organization="示例县东山乡人民政府", zero_share=0.0)
    assert report["active.rules.issued"] == 0
    assert report["active.rules.in_force"] == 0


def test_random_report_narrative_matches_the_table():
    report = random_report(random.Random(8), zero_share=0.0)
    new = report[request_key("new", "total")]
    assert f"收到政府信息公开申请{new}件" in report.section_text("overview")
