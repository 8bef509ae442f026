"""The bundled examples cannot drift from their generator, and only one has errors."""

from __future__ import annotations

from cli_support import ERRORS_EXAMPLE

from xxgk.batch import check_many
from xxgk.examples import example_paths, examples_dir
from xxgk.examples.generate import EXAMPLES, build_examples


def test_examples_regenerate_byte_identical():
    built = build_examples()
    assert sorted(built) == sorted(p.name for p in example_paths())
    for name, data in built.items():
        assert (examples_dir() / name).read_bytes() == data, name


def test_examples_cover_layouts_encoding_and_two_years():
    assert {e.layout for e in EXAMPLES} >= {"tabs", "pipes", "cells", "markdown"}
    assert any(e.encoding == "gb18030" for e in EXAMPLES)
    assert any(e.previous for e in EXAMPLES)
    assert 6 <= len(EXAMPLES) <= 8


def test_examples_check_without_errors_except_the_deliberate_one():
    outcomes = {o.path.rsplit("/", 1)[-1]: o for o in check_many(example_paths(), jobs=1)}
    for name, outcome in outcomes.items():
        errors = [f.code for f in outcome.findings if f.severity.value == "error"]
        if name == ERRORS_EXAMPLE:
            assert "requests-balance" in errors
            assert len(set(errors)) >= 2
        else:
            assert outcome.usable, outcome.error
            assert errors == [], (name, errors)
