"""The HTML reader reads every page as the reader before its rework did.

``html_reader_before`` is a frozen copy of the reader as it stood before its walk was
reworked for speed (one ``traverse()`` per table, cells picked by tag numbers, texts by
``text_lexbor``). Both read the same pages: generated
reports rendered to HTML, the same reports as Word exports, inside site chrome and inside a
script, the golden fixtures, and random tag soup full of what makes a table not plain. The
lines (texts, table/row/cell and line numbers), the page fields, the findings and the
refusals must be identical.
"""

from __future__ import annotations

import importlib.util
import random
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from html_reader_before import read_html as read_html_before
from test_parse_html_fast_paths import _pages

from xxgk.errors import InputError
from xxgk.parse import html
from xxgk.render import render
from xxgk.synth import random_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def _shapes() -> Any:
    """The fixture maker's page shapes (Word export, site chrome, report in a script)."""
    path = FIXTURES / "formats" / "make_fixtures.py"
    spec = importlib.util.spec_from_file_location("make_fixtures_shapes", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


def _reading(read: Callable[[bytes, str | None], Any], data: bytes) -> Any:
    try:
        doc = read(data, "page.html")
    except InputError as exc:
        return ("refused", type(exc).__name__, str(exc))
    lines = [(line.in_table, [(c.text, c.location) for c in line.cells]) for line in doc.lines]
    return lines, doc.page_fields, doc.findings, doc.format_name


def _generated(count: int) -> Iterator[bytes]:
    shapes = _shapes()
    rng = random.Random(19)
    for n in range(count):
        report = random_report(rng)
        yield render(report, "html")
        if n % 4 == 0:
            yield shapes.word_page(report)
        elif n % 4 == 1:
            yield shapes.chrome_page(report)
        elif n % 4 == 2:
            yield shapes.script_page(report)


def _assert_same(data: bytes) -> None:
    assert _reading(html.read_html, data) == _reading(read_html_before, data), data[:400]


def test_generated_reports_read_the_same() -> None:
    pages = list(_generated(240))
    for data in pages:
        _assert_same(data)
    for data in reversed(pages):  # again, the shared lines now warm
        _assert_same(data)


def test_fixtures_read_the_same() -> None:
    found = sorted(FIXTURES.rglob("*.htm*"))
    assert found
    for path in found:
        _assert_same(path.read_bytes())


@pytest.mark.parametrize("seed", [21, 22])
def test_tag_soup_reads_the_same(seed: int) -> None:
    for page in _pages(1500, seed):
        _assert_same(page.encode("utf-8"))
        _assert_same(('<meta charset="gbk">' + page).encode("gb18030"))
