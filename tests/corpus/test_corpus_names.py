"""Names to units: normalisation, prefix matching, ambiguity; cells in and out of JSON."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from xxgk.corpus.codec import cells_from_json, cells_to_json
from xxgk.corpus.names import UnitMatcher, name_key
from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS

UNITS = {
    1: "示例县清河镇人民政府",
    2: "示例县新华街道办事处",
    3: "示例县交通运输局",
    4: "样例县交通运输局",
    5: "示例县人民政府",
}


def test_name_key_drops_suffixes_spaces_and_full_width() -> None:
    assert name_key("示例县 清河镇人民政府") == "示例县清河镇"
    assert name_key("示例县新华街道办事处") == "示例县新华街道"
    assert name_key("示例县人民政府（本级）") == "示例县"
    assert name_key("ＡＢ县人民政府") == "AB县"
    assert name_key(None) == ""


def test_matcher_exact_prefix_and_ambiguous() -> None:
    matcher = UnitMatcher(UNITS)
    assert matcher.match("示例县清河镇人民政府").unit_id == 1
    assert matcher.match("清河镇").unit_id == 1  # the report left out the county
    assert matcher.match("示例县新华街道").unit_id == 2
    assert matcher.match("示例市示例县人民政府").unit_id == 5  # a prefix was added
    ambiguous = matcher.match("交通运输局")
    assert ambiguous.unit_id is None
    assert set(ambiguous.candidates) == {UNITS[3], UNITS[4]}
    assert matcher.match("虚拟县东山乡人民政府").unit_id is None
    assert matcher.match("").unit_id is None


@given(st.text(alphabet="示例样虚县镇乡东西南北", min_size=2, max_size=8))
def test_suffix_variants_share_a_key(place: str) -> None:
    assert name_key(f"{place}人民政府") == name_key(place) == name_key(f" {place} 政府")


_AMOUNT = [k for k, c in CELL_BY_KEY.items() if c.kind == "amount"]


@given(
    st.dictionaries(st.sampled_from(CELL_KEYS), st.none() | st.integers(0, 10**9)),
    st.none() | st.decimals(0, 10**7, places=2, allow_nan=False),
)
def test_cells_survive_json_exactly(values: dict, fee: Decimal | None) -> None:
    full = dict.fromkeys(CELL_KEYS) | values
    for key in _AMOUNT:
        full[key] = fee
    back = cells_from_json(cells_to_json(full))
    for key in CELL_KEYS:
        assert back[key] == full[key]
