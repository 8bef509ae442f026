"""Tables read by following the plan of an earlier table of the same shape
(``parse.table_plans``) read exactly as when read the full way, and a value the plan cannot
take (a fraction in a count cell, a blank) sends the table the full way, with its finding."""

from __future__ import annotations

import random
import re
from typing import Any

import pytest

from xxgk import parse_findings as fk
from xxgk.parse import clear_caches, debug_parse, parse_bytes, table_plans
from xxgk.render.text import render_text
from xxgk.synth import random_report


def _read(text: str) -> tuple[Any, ...]:
    data = text.encode("utf-8")
    report = parse_bytes(data, source="r.txt", name="r.txt")
    return report.to_dict(), report.findings, debug_parse(data, source="r.txt", name="r.txt")


def _cold(text: str) -> tuple[Any, ...]:
    clear_caches()
    try:
        return _read(text)
    finally:
        clear_caches()


def _replace_row(text: str, label: str, numbers: str) -> str:
    """Return ``text`` with the numbers after the tab-separated row ``label`` replaced."""
    pattern = re.compile(rf"^([^\n]*?{re.escape(label)}\t+)[^\n]*$", re.MULTILINE)
    changed, count = pattern.subn(lambda m: m.group(1) + numbers, text, count=1)
    assert count == 1, label
    return changed


@pytest.fixture
def template() -> str:
    return render_text(random_report(random.Random(41)), "tabs")


def _plans() -> list[Any]:
    return list(table_plans._PLANS.values())


def test_a_table_read_without_doubt_leaves_a_plan_that_the_next_report_follows(
    template: str,
) -> None:
    other = render_text(random_report(random.Random(42)), "tabs")
    want = _cold(other)
    _read(template)
    assert len([p for p in _plans() if p is not None]) == 3  # Table 二, 三 and 四
    followed = []
    real = table_plans._follow

    def spy(plan: Any, tokens: Any, sink: Any) -> bool:
        followed.append(real(plan, tokens, sink))
        return followed[-1]

    table_plans._follow = spy  # type: ignore[assignment]
    try:
        got = _read(other)
    finally:
        table_plans._follow = real  # type: ignore[assignment]
    assert followed
    assert all(followed)
    assert got == want


@pytest.mark.parametrize(
    ("label", "numbers", "code"),
    [
        ("1.属于国家秘密", "0\t0\t0\t1.5\t0\t0\t1", fk.VALUE_INVALID),  # a fraction in a count
        ("2.重复申请", "0\t\t0\t0\t0\t0\t0", fk.CELL_BLANK),  # a blank cell inside the row
        ("行政处罚", "—", fk.CELL_PLACEHOLDER),
        ("行政事业性收费", "1.25", None),  # an amount: the plan reads it as an amount
    ],
)
def test_a_value_the_plan_cannot_take_reads_the_table_the_full_way(
    template: str, label: str, numbers: str, code: str | None
) -> None:
    changed = _replace_row(template, label, numbers)
    want = _cold(changed)
    if code is not None:
        assert code in {f.code for f in want[1]}
    clear_caches()
    _read(template)
    assert _read(changed) == want
    _read(template)  # and the plan (or its absence) still serves the template
    assert _read(template) == _cold(template)


def test_a_table_read_with_a_finding_keeps_no_plan(template: str) -> None:
    clear_caches()
    doubtful = _replace_row(template, "2.重复申请", "0\t\t0\t0\t0\t0\t0")
    _read(doubtful)
    assert None in _plans()  # Table 三's shape: read the full way every time
    assert _read(doubtful) == _cold(doubtful)


@pytest.mark.parametrize("layout", ["tabs", "pipes", "cells", "markdown"])
def test_tables_keyed_by_their_lines_shapes_read_as_cold_reads_in_every_layout(
    layout: str,
) -> None:
    """Shared lines give their table a key of one number a line (``tokens.table_tokens``):
    the next reports of the layout follow those plans and read what a cold read reads."""
    rng = random.Random(43)
    texts = [render_text(random_report(rng), layout) for _ in range(6)]
    wants = [_cold(text) for text in texts]
    _read(texts[0])
    keyed_by_lines = [k for k in table_plans._PLANS if len(k) == 2 and isinstance(k[1], tuple)]
    assert keyed_by_lines, "no table was keyed by the shapes of its lines"
    for text, want in zip(texts[1:], wants[1:], strict=True):
        assert _read(text) == want
    clear_caches()


def test_a_shape_number_is_never_given_to_another_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    """A forgotten shape seen again gets a new number; no number stands for two shapes."""
    from xxgk.parse import tokens
    from xxgk.recall import Recall

    monkeypatch.setattr(tokens, "_SHAPE_NUMBERS", Recall(2))
    shapes = [(("x",), (i,), (0,)) for i in range(10)]
    numbers = [tokens._shape_number(s) for s in shapes]
    assert len(set(numbers)) == len(shapes)
    assert tokens._shape_number(shapes[-1]) == numbers[-1]  # remembered: the same number
    again = tokens._shape_number(shapes[0])  # forgotten: a new number, not an old one
    assert again not in numbers
