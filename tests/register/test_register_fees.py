"""The 109号 fee calculator against the tables of domain-rules.md §2.7."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.errors import RegisterError
from xxgk.register.fees import item_fee, month_sequence, page_fee


@pytest.mark.parametrize(
    ("n", "fee"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (51, 400)],
)
def test_item_fee_bands(n, fee):
    assert item_fee(n).amount == fee


@pytest.mark.parametrize(
    ("pages", "fee"), [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (250, 4700)]
)
def test_page_fee_is_progressive_on_the_excess(pages, fee):
    assert page_fee(pages).amount == fee


@given(st.integers(0, 5000))
def test_page_fee_matches_a_per_page_sum(pages):
    def rate(page: int) -> int:
        return 0 if page <= 30 else 10 if page <= 100 else 20 if page <= 200 else 40

    assert page_fee(pages).amount == sum(rate(p) for p in range(1, pages + 1))


@given(st.integers(31, 2000))
def test_item_fee_formula_beyond_thirty(n):
    bands = (n - 30 + 9) // 10
    assert item_fee(n).amount == 100 + 100 * bands


def test_month_sequence_restarts_each_calendar_month():
    days = [dt.date(2025, 1, 30), dt.date(2025, 1, 31), dt.date(2025, 2, 1), dt.date(2025, 1, 2)]
    assert [n for _, n in month_sequence(days)] == [1, 2, 3, 1]


def test_bad_inputs_are_register_errors():
    with pytest.raises(RegisterError):
        item_fee(0)
    with pytest.raises(RegisterError):
        page_fee(-1)
