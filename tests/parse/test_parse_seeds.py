"""Golden test: every seed report parses to exactly its truth, and provenance is real."""

from __future__ import annotations

from pathlib import Path

import pytest
from parse_support import differing, load_truth, seed_paths

from xxgk.findings import Severity
from xxgk.model.cells import CELL_KEYS
from xxgk.parse import parse_path

SEEDS = seed_paths()


def _id(path: Path) -> str:
    return path.name[:3]


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("path", SEEDS, ids=_id)
def test_parse_seed_matches_truth(path: Path) -> None:
    report = parse_path(path)
    truth = load_truth(path.with_name(path.name.replace(".txt", ".truth.json")))
    assert differing(report.canonical(), truth) == {}


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("path", SEEDS, ids=_id)
def test_parse_seed_provenance_points_at_the_value(path: Path) -> None:
    report = parse_path(path)
    lines = path.read_text(encoding="utf-8").split("\n")
    assert set(report.provenance) == set(CELL_KEYS)
    wrong = []
    for key, loc in report.provenance.items():
        line = lines[loc.line - 1]
        printed = line[loc.column - 1 : loc.column - 1 + len(loc.text)]
        if printed != loc.text or str(report.values[key]) not in (loc.text, loc.text + ".0"):
            wrong.append(key)
    assert wrong == []


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
@pytest.mark.parametrize("path", SEEDS, ids=_id)
def test_parse_seed_has_six_sections_and_no_warnings(path: Path) -> None:
    report = parse_path(path)
    assert list(report.sections)[1:] == [
        "overview",
        "active",
        "requests",
        "review_litigation",
        "problems",
        "other",
    ]
    assert report.sections["active"].text == ""  # the table is not section text
    assert report.sections["problems"].text
    assert [f.code for f in report.findings if f.severity != Severity.INFO] == []


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
def test_parse_seed_000_surplus_cells_are_resolved_with_info() -> None:
    report = parse_path(next(p for p in SEEDS if p.name.startswith("000")))
    codes = [f.code for f in report.findings]
    assert codes.count("parse-row-surplus-resolved") == 3
    assert report.signature == "叶城县阿克塔什镇人民政府\n2025年1月23日"
    assert "叶城县阿克塔什镇人民政府" not in report.sections["other"].text


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
def test_parse_seed_003_title_over_two_lines() -> None:
    report = parse_path(next(p for p in SEEDS if p.name.startswith("003")))
    assert report.title == "和田地区2024年政府信息公开工作年度报告"
    assert report.signature is None


@pytest.mark.skipif(not SEEDS, reason="../shared/seeds is not beside this checkout")
def test_parse_seed_002_metadata_places() -> None:
    report = parse_path(next(p for p in SEEDS if p.name.startswith("002")))
    places = report.metadata_provenance
    assert places["organization"].line == 404
    assert places["published"].text == "2025年1月20日"
    assert places["title"].line == 3
