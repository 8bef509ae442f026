"""Every alias the model declares for a label is read exactly like the label itself.

One case per alias, generated from the model's own tables (a new alias gets a case without a new
test): a report written by ``xxgk.synth`` is rendered as Markdown, the one label is replaced by
its alias, and the parse must give the same cells, the same section texts and no finding the
original did not have (an alias is an exact match, not a fuzzy rescue).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from xxgk.model import cells
from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
    SECTIONS,
    Column,
    Row,
    Section,
)
from xxgk.model.report import Report
from xxgk.parse import parse_text
from xxgk.render import render
from xxgk.synth import random_report

LEGACY_TABLES = ("LEGACY_ACTIVE_ROWS", "LEGACY_ITEM_COLUMNS", "LEGACY_ACTIVE_BLOCKS")
"""The 2019 trial format's Table 二, which xxgk reads but does not write."""


@dataclass(frozen=True)
class Alias:
    """One alias of one label: where it is printed and what it stands for."""

    section: str
    label: Section | Row | Column
    alias: str

    @property
    def id(self) -> str:
        kind = type(self.label).__name__.lower()
        return f"{self.section}-{kind}-{self.label.key}-{self.alias}"


def _aliases() -> Iterator[Alias]:
    for section in SECTIONS:
        for alias in section.aliases:
            yield Alias(section.key, section, alias)
    tables: list[tuple[str, tuple[Row | Column, ...]]] = [
        ("requests", REQUEST_ROWS),
        ("requests", REQUEST_COLUMNS),
        ("review_litigation", REVIEW_COLUMNS),
    ]
    tables += [("active", block.rows) for block in ACTIVE_BLOCKS]
    tables += [("active", block.columns) for block in ACTIVE_BLOCKS]
    for section, labels in tables:
        for label in labels:
            for alias in label.aliases:
                yield Alias(section, label, alias)


ALIASES = list(dict.fromkeys(_aliases()))


def _every_declared_alias() -> set[tuple[str, str]]:
    """(label key, alias) of every Row and Column the model module holds with aliases."""
    found: set[tuple[str, str]] = set()

    def visit(value: Any) -> None:
        if isinstance(value, Row | Column):
            found.update((value.key, a) for a in value.aliases)
        elif isinstance(value, tuple):
            for item in value:
                visit(item)
        elif isinstance(value, cells.ActiveBlock):
            visit(value.rows)
            visit(value.columns)

    for name, value in vars(cells).items():
        if name not in LEGACY_TABLES:
            visit(value)
    return found


def test_every_alias_of_the_model_has_a_case() -> None:
    cases = [a for a in ALIASES if not isinstance(a.label, Section)]
    assert _every_declared_alias() <= {(a.label.key, a.alias) for a in cases}
    # The aliases real reports print most, written out: the model must keep declaring them.
    placed = {(a.section, a.label.key, a.alias) for a in cases}
    assert ("active", "normative_documents", "规范性文件") in placed
    assert ("requests", "total", "合计") in placed
    assert ("requests", "total_handled", "合计") in placed
    assert ("review_litigation", "total", "合计") in placed


@pytest.fixture(scope="module")
def original() -> tuple[str, Report]:
    report = random_report(
        random.Random(20), organization="示例县自然资源局", year=2024, zero_share=0.0
    )
    text = render(report, "md").decode()
    return text, parse_text(text)


def _cells_of(line: str) -> list[str]:
    return line.split("|")


def _swap(text: str, case: Alias) -> str:
    """Return ``text`` with the label of ``case`` (and only it) printed as its alias."""
    lines = text.split("\n")
    start, end = _section_span(lines, case.section)
    label = case.label
    changed = 0
    for i in range(start, end):
        if isinstance(label, Section):
            if lines[i].lstrip("# ") == label.heading:
                lines[i] = lines[i].replace(label.title, case.alias)
                changed += 1
            continue
        parts = _cells_of(lines[i])
        stripped = [p.strip() for p in parts]
        if isinstance(label, Row):
            wanted = {label.printed, label.label}
            hits = [n for n, p in enumerate(stripped) if p in wanted]
            if hits:
                n = hits[0]
                parts[n] = parts[n].replace(label.label, case.alias)
                changed += 1
        elif label.label in stripped and _is_header_of(stripped, label):
            for n, p in enumerate(stripped):
                if p == label.label:
                    parts[n] = parts[n].replace(label.label, case.alias)
                    changed += 1
        lines[i] = "|".join(parts)
    assert changed, f"the rendered report does not print {label.label!r}"
    return "\n".join(lines)


def _is_header_of(cells_in_line: list[str], column: Column) -> bool:
    """True for the header line that prints ``column`` beside its siblings."""
    for family in (REQUEST_COLUMNS, REVIEW_COLUMNS, *(b.columns for b in ACTIVE_BLOCKS)):
        if column in family:
            others = [c.label for c in family if c is not column]
            return any(o in cells_in_line for o in others) or len(family) == 1
    return False


def _section_span(lines: list[str], key: str) -> tuple[int, int]:
    heads = [
        n for n, line in enumerate(lines) if line.startswith("#") and "、" in line.lstrip("# ")
    ]
    number = next(s.number for s in SECTIONS if s.key == key)
    start = next(n for n in heads if lines[n].lstrip("# ").startswith(f"{number}、"))
    end = next((n for n in heads if n > start), len(lines))
    return start, end


@pytest.mark.parametrize("case", ALIASES, ids=lambda a: a.id)
def test_alias_reads_like_the_label(original: tuple[str, Report], case: Alias) -> None:
    text, expected = original
    swapped = _swap(text, case)
    assert case.alias in swapped
    parsed = parse_text(swapped)
    lost = {k: v for k, v in expected.values.items() if parsed.values.get(k) != v}
    assert lost == {}
    assert {k: s.text for k, s in parsed.sections.items()} == {
        k: s.text for k, s in expected.sections.items()
    }
    assert {f.code for f in parsed.findings} <= {f.code for f in expected.findings}
