"""The parser's caches change nothing but speed.

Work is remembered between reports (line layouts, whole shared ``SourceLine`` objects, the
tokens of a shared line, label and heading matches). These tests read every input once
cold (all caches cleared before it) and then warm, after all the other inputs, in several
orders, and require identical reports, findings, validation and debug trace: values,
provenance, sections, metadata places, everything.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
from parse_support import FIXTURES, seed_paths

from xxgk.parse import clear_caches, debug_parse, parse_bytes
from xxgk.render import render
from xxgk.render.text import LAYOUTS, render_text
from xxgk.rules import validate
from xxgk.synth import random_report

SYNTH_PER_LAYOUT = 50
SYNTH_HTML = 30


def _damage(text: str, rng: random.Random) -> str:
    """Return ``text`` with a few things people's copies do to reports: a number blanked or
    replaced by a placeholder, a line dropped or duplicated, a label cut short."""
    lines = text.split("\n")
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(lines))
        what = rng.choice(("blank", "dash", "drop", "twice", "cut"))
        if what in ("blank", "dash") and any(ch.isdigit() for ch in lines[i]):
            digits = [n for n, ch in enumerate(lines[i]) if ch.isdigit()]
            n = rng.choice(digits)
            lines[i] = lines[i][:n] + ("" if what == "blank" else "—") + lines[i][n + 1 :]
        elif what == "drop":
            del lines[i]
        elif what == "twice":
            lines.insert(i, lines[i])
        elif what == "cut" and len(lines[i]) > 6:
            lines[i] = lines[i][: len(lines[i]) - 2]
    return "\n".join(lines)


def _inputs() -> list[tuple[str, bytes]]:
    found = [(p.name, p.read_bytes()) for p in seed_paths()]
    found += [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "text").glob("*.txt"))]
    rng = random.Random(20261123)
    for layout in LAYOUTS:
        for n in range(SYNTH_PER_LAYOUT):
            text = render_text(random_report(rng), layout)
            if n % 3 == 2:
                text = _damage(text, rng)
            found.append((f"synth-{layout}-{n}.txt", text.encode("utf-8")))
    found += [(p.name, p.read_bytes()) for p in sorted((FIXTURES / "formats").glob("*.html"))]
    for n in range(SYNTH_HTML):  # the HTML reader shares rows and paragraphs too
        page = render(random_report(rng), "html").decode("utf-8")
        if n % 3 == 2:  # a blank cell and a dash: the same rows, other values
            page = page.replace(">0<", "><", 1).replace(">1<", ">—<", 1)
        found.append((f"synth-html-{n}.html", page.encode("utf-8")))
    return found


def _read(name: str, data: bytes) -> tuple[Any, ...]:
    report = parse_bytes(data, source=name, name=name)
    validation = validate(report)
    return (
        report,
        report.to_dict(),
        validation.findings,
        [f.message for f in validation.findings],
        debug_parse(data, source=name, name=name),
    )


@pytest.fixture(scope="module")
def cold() -> dict[str, tuple[Any, ...]]:
    """Every input read with empty caches."""
    out = {}
    for name, data in _inputs():
        clear_caches()
        out[name] = _read(name, data)
    clear_caches()
    return out


def test_inputs_cover_every_layout_and_the_fixtures(cold: dict[str, tuple[Any, ...]]) -> None:
    text = [n for n in cold if n.startswith("synth-") and n.endswith(".txt")]
    assert len(text) == SYNTH_PER_LAYOUT * len(LAYOUTS)
    assert len([n for n in cold if n.endswith(".html")]) >= SYNTH_HTML + 3
    assert len(cold) >= SYNTH_PER_LAYOUT * len(LAYOUTS) + SYNTH_HTML + 15


@pytest.mark.parametrize("order", ["forward", "backward", "shuffled"])
def test_warm_caches_read_every_input_the_same(
    cold: dict[str, tuple[Any, ...]], order: str
) -> None:
    inputs = _inputs()
    if order == "backward":
        inputs.reverse()
    elif order == "shuffled":
        random.Random(7).shuffle(inputs)
    clear_caches()
    for _ in range(2):  # the second pass meets every line of the first again
        for name, data in inputs:
            warm = _read(name, data)
            for part, (got, want) in enumerate(zip(warm, cold[name], strict=True)):
                assert got == want, f"{name}: part {part} differs with warm caches"


def test_shared_lines_are_not_changed_by_reading(cold: dict[str, tuple[Any, ...]]) -> None:
    """A report read after another that shares its lines reads the same (nothing written to
    a shared line or its tokens leaks into the next report)."""
    clear_caches()
    inputs = _inputs()
    first_name, first = inputs[-1]
    for name, data in inputs[:: max(1, len(inputs) // 40)]:
        _read(name, data)
        assert _read(first_name, first) == cold[first_name]


def test_clear_caches_empties_the_line_cache(tmp_path: Path) -> None:
    from xxgk.parse import text

    parse_bytes("一、总体情况\n正文\n".encode(), source="x")
    assert text._PLACED
    clear_caches()
    assert not text._PLACED


def test_clear_caches_empties_the_html_line_cache() -> None:
    from xxgk.parse import html

    page = "<html><body><p>一、总体情况</p><table><tr><td>总计</td><td>1</td></tr></table>"
    parse_bytes(page.encode(), source="x.html")
    assert html._SHARED
    clear_caches()
    assert not html._SHARED
