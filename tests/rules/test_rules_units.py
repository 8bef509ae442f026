"""Unit kinds: what the law attaches to each, and the guess from the name."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.model.units import UnitKind, guess_unit_kind


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("示例县清河镇人民政府", UnitKind.TOWNSHIP),
        ("示例市白杨乡", UnitKind.TOWNSHIP),
        ("示例县 清河镇 人民政府", UnitKind.TOWNSHIP),
        ("示例区东风街道办事处", UnitKind.SUBDISTRICT),
        ("示例县人民政府", UnitKind.COUNTY),
        ("示例市示例区人民政府", UnitKind.COUNTY),
        ("示例自治州人民政府", UnitKind.PREFECTURE),
        ("示例市人民政府", UnitKind.PREFECTURE),
        ("示例省人民政府", UnitKind.PROVINCE),
        ("示例自治区人民政府", UnitKind.PROVINCE),
        ("上海市人民政府", UnitKind.PROVINCE),
        ("示例地区", UnitKind.PREFECTURE_OFFICE),
        ("示例地区行政公署", UnitKind.PREFECTURE_OFFICE),
        ("示例市交通运输局", UnitKind.DEPARTMENT),
        ("示例县人民政府办公室", UnitKind.DEPARTMENT),
        ("示例市发展和改革委员会", UnitKind.DEPARTMENT),
        ("国家示例局", UnitKind.STATE_COUNCIL_DEPARTMENT),
        ("国家市场示例总局", UnitKind.STATE_COUNCIL_DEPARTMENT),
        ("国家示例总局示例县示例局", UnitKind.DEPARTMENT),
        ("示例经济技术开发区管理委员会", UnitKind.DISPATCHED),
        ("示例市住房公积金管理中心", UnitKind.AUTHORIZED),
    ],
)
def test_units_guess_from_suffix(name: str, kind: UnitKind) -> None:
    assert guess_unit_kind(name) is kind


@pytest.mark.parametrize("name", [None, "", "   ", "某某某"])
def test_units_guess_unknown_is_none(name: str | None) -> None:
    assert guess_unit_kind(name) is None


def test_units_governments_report_accountability() -> None:
    governments = {k for k in UnitKind if k.is_government}
    assert UnitKind.TOWNSHIP in governments
    assert UnitKind.PREFECTURE_OFFICE in governments
    assert UnitKind.DEPARTMENT not in governments
    assert UnitKind.AUTHORIZED not in governments


def test_units_rule_makers_follow_legislation_law() -> None:
    makers = {k for k in UnitKind if k.may_make_rules}
    assert makers == {
        UnitKind.PROVINCE,
        UnitKind.PREFECTURE,
        UnitKind.STATE_COUNCIL_DEPARTMENT,
    }


def test_units_deadlines() -> None:
    assert UnitKind.COUNTY.deadline == (3, 31)
    assert UnitKind.PREFECTURE_OFFICE.deadline == (3, 31)
    assert UnitKind.DEPARTMENT.deadline == (1, 31)
    assert UnitKind.TOWNSHIP.deadline == (1, 31)
    assert UnitKind.TOWNSHIP.deadline_is_local_rule
    assert not UnitKind.COUNTY.deadline_is_local_rule


@pytest.mark.parametrize("text", ["township", "TOWNSHIP", "乡镇人民政府", UnitKind.TOWNSHIP])
def test_units_parse_accepts_value_name_label(text: str) -> None:
    assert UnitKind.parse(text) is UnitKind.TOWNSHIP


def test_units_parse_rejects_unknown_with_choices() -> None:
    with pytest.raises(ValueError, match="township"):
        UnitKind.parse("village")


def test_units_labels_are_distinct() -> None:
    labels = [k.label for k in UnitKind]
    assert len(set(labels)) == len(labels)


@given(st.text(max_size=30))
def test_units_guess_never_fails(name: str) -> None:
    assert guess_unit_kind(name) in (None, *UnitKind)
