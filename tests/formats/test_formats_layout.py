"""The rendered tables have exactly the cells, spans and labels of the official template."""

from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from xxgk.model.cells import CELL_KEYS
from xxgk.render.html import render_html
from xxgk.render.layout import TABLES, format_value
from xxgk.synth import random_report

ROOT = Path(__file__).resolve().parents[2]
OFFICIAL = ROOT.parent / "shared" / "spec" / "official-tables.html"
needs_spec = pytest.mark.skipif(
    not OFFICIAL.is_file(), reason="../shared/spec is not beside this checkout"
)


def _shape(markup: str) -> list[list[tuple[str, int, int, bool]]]:
    """Return every table as rows of (label, rowspan, colspan, is_value) per ``<td>``."""
    tables = []
    for table in LexborHTMLParser(markup).css("table"):
        rows = []
        for tr in table.css("tr"):
            row = []
            for td in tr.css("td"):
                text = td.text(deep=True).strip()
                value = text.isdigit() or "data-cell" in td.attributes
                row.append(
                    (
                        "" if value else text,
                        int(td.attributes.get("rowspan") or 1),
                        int(td.attributes.get("colspan") or 1),
                        value,
                    )
                )
            rows.append(row)
        tables.append(rows)
    return tables


@needs_spec
def test_rendered_tables_match_the_official_template_cell_for_cell():
    official = _shape(OFFICIAL.read_text(encoding="utf-8"))
    rendered = _shape(render_html(random_report(random.Random(7))).decode("utf-8"))
    assert len(rendered) == len(official) == 3
    for ours, theirs in zip(rendered, official, strict=True):
        assert ours == theirs


def test_every_cell_key_is_drawn_exactly_once():
    keys = [c.key for t in TABLES for row in t.rows for c in row if c.key]
    assert sorted(keys) == sorted(CELL_KEYS)


@pytest.mark.parametrize("table", TABLES, ids=lambda t: t.key)
def test_spans_fill_the_grid_without_overlap(table):
    covered: dict[tuple[int, int], str] = {}
    for r, c, cell in table.positions():
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                assert (r + dr, c + dc) not in covered
                covered[(r + dr, c + dc)] = cell.text
    assert set(covered) == {(r, c) for r in range(len(table.rows)) for c in range(table.columns)}


@pytest.mark.parametrize(
    ("value", "printed"),
    [
        (None, ""),
        (0, "0"),
        (1234, "1234"),
        (Decimal("12.50"), "12.5"),
        (Decimal("21613.91"), "21613.91"),
        (Decimal("3"), "3"),
        (Decimal("100"), "100"),
    ],
)
def test_values_are_printed_without_invented_digits(value, printed):
    assert format_value(value) == printed
