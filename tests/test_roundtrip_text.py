"""A random consistent report written in each text layout parses back identical."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.parse import parse_text
from xxgk.render.text import render_text
from xxgk.synth import random_report

PARSED_LAYOUTS = ("tabs", "pipes", "cells", "markdown")


@pytest.mark.parametrize("layout", PARSED_LAYOUTS)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), zero_share=st.sampled_from([0, 0.5, 1]))
def test_roundtrip_text_layout(layout, seed, zero_share):
    report = random_report(random.Random(seed), zero_share=zero_share)
    parsed = parse_text(render_text(report, layout), source=f"roundtrip.{layout}")
    expected = report.canonical()
    actual = parsed.canonical()
    differing = sorted(k for k in expected if expected[k] != actual.get(k))
    assert differing == []


@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_roundtrip_json(seed):
    from xxgk.model.report import Report

    report = random_report(random.Random(seed))
    assert Report.from_dict(report.to_dict()).canonical() == report.canonical()


ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16", "utf-16-le", "utf-16-be")


@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    layout=st.sampled_from(PARSED_LAYOUTS),
    encoding=st.sampled_from(ENCODINGS),
)
def test_roundtrip_text_bytes_in_any_encoding(seed, layout, encoding):
    from xxgk.parse import parse_bytes

    report = random_report(random.Random(seed))
    data = render_text(report, layout).encode(encoding)
    parsed = parse_bytes(data, source="roundtrip.txt", name="roundtrip.txt")
    assert parsed.canonical() == report.canonical()


@given(
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    layout=st.sampled_from(PARSED_LAYOUTS),
    data=st.data(),
)
def test_roundtrip_text_blank_cell_stays_blank_with_a_finding(seed, layout, data):
    from xxgk.model.cells import REQUEST_COLUMNS, REQUEST_ROWS, request_key

    report = random_report(random.Random(seed))
    row = data.draw(st.sampled_from(REQUEST_ROWS)).key
    column = data.draw(st.sampled_from(REQUEST_COLUMNS[1:-1])).key  # interior: not a border
    key = request_key(row, column)
    report[key] = None
    parsed = parse_text(render_text(report, layout), source="blank.txt")
    assert parsed.canonical() == report.canonical()
    assert any(key in f.cells for f in parsed.findings)
