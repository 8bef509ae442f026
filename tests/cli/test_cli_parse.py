"""``xxgk parse``: JSON, JSON Lines, CSV and Markdown output; bad input in one clean line."""

from __future__ import annotations

import csv
import io
import json

import pytest
from cli_support import (
    SEEDS_DIR,
    assert_one_clean_error_line,
    example,
    good_examples,
    needs_seeds,
    run,
    seed_paths,
    write_bad_inputs,
)

from xxgk.batch import CSV_COLUMNS
from xxgk.examples import example_paths
from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report

CANONICAL = {"organization", "year", "published", "active", "requests", "review_litigation"}
EXTRAS = {"format", "source", "sections", "provenance", "findings"}

# JSON


def test_parse_one_example_prints_one_json_object():
    path = example("county-government-2024.txt")
    result = run("parse", path)
    assert result.exit_code == 0, result.stderr
    data = json.loads(result.stdout)
    assert set(data) >= CANONICAL | EXTRAS
    assert data["organization"] == "示例县人民政府"
    assert data["year"] == 2024
    assert data["source"].endswith(path.name)


@needs_seeds
@pytest.mark.parametrize("seed", seed_paths(), ids=lambda p: p.stem)
def test_parse_seed_json_equals_truth(seed):
    result = run("parse", seed, "--format", "json")
    assert result.exit_code == 0, result.stderr
    parsed = Report.from_dict(json.loads(result.stdout)).canonical()
    truth = json.loads((SEEDS_DIR / f"{seed.stem}.truth.json").read_text(encoding="utf-8"))
    assert parsed == Report.from_dict(truth).canonical()


def test_parse_several_files_prints_json_lines_in_order():
    paths = good_examples()[:3]
    result = run("parse", *paths)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert [json.loads(line)["source"] for line in lines] == [str(p) for p in paths]


def test_parse_directory_recurses_and_skips_hidden_files(tmp_path):
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    for path in good_examples()[:2]:
        (nested / path.name).write_bytes(path.read_bytes())
    (tmp_path / ".hidden.txt").write_bytes(b"\x00\x01 not a report")
    (tmp_path / "notes.py").write_text("print('no')\n", encoding="utf-8")
    result = run("parse", tmp_path)
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_parse_jsonl_for_one_file_is_one_line():
    result = run("parse", example("transport-bureau-2024.md"), "--format", "jsonl")
    assert result.exit_code == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1


@needs_seeds
def test_parse_seed_directory_gives_one_line_per_seed():
    result = run("parse", SEEDS_DIR, "--format", "jsonl")
    sources = [json.loads(line)["source"] for line in result.stdout.splitlines()]
    # the *.truth.json files are canonical JSON reports too, so they are read as well
    assert {str(p) for p in seed_paths()} <= set(sources)


# CSV and Markdown


def test_parse_csv_has_metadata_then_every_cell_key():
    paths = example_paths()
    result = run("parse", *paths, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("\ufeff")  # Excel and WPS read it as UTF-8
    rows = list(csv.reader(io.StringIO(result.stdout.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["报告主体", "年度", "发布日期"]
    assert rows[0][CSV_COLUMNS.index("requests.granted.natural_person")] == (
        "表三“（一）予以公开”行“自然人”列"
    )
    assert tuple(rows[1]) == CSV_COLUMNS
    assert len(rows) == len(paths) + 2
    assert rows[2][CSV_COLUMNS.index("source")] == str(paths[0])
    assert all(len(row) == len(CSV_COLUMNS) for row in rows)


def test_parse_md_prints_markdown_with_headings_and_tables():
    result = run("parse", example("qinghe-town-2024.txt"), "--format", "md")
    assert result.exit_code == 0, result.stderr
    for section in SECTIONS:
        assert f"## {section.heading}" in result.stdout
    assert result.stdout.count("|---|") >= 3


def test_parse_output_option_writes_the_file(tmp_path):
    out = tmp_path / "out.json"
    result = run("parse", example("county-government-2024.txt"), "-o", out)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2024


def test_parse_debug_prints_the_parser_intermediates():
    result = run("parse", example("county-government-2024.txt"), "--debug")
    assert result.exit_code == 0, result.stderr
    dump = json.loads(result.stdout)
    assert dump["source"].endswith("county-government-2024.txt")
    assert len(dump) > 1


# Bad input


@pytest.mark.parametrize("kind", ["empty", "junk", "prose"])
def test_parse_bad_input_is_one_line_and_exit_2(tmp_path, kind):
    path = write_bad_inputs(tmp_path)[kind]
    result = run("parse", path)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert_one_clean_error_line(result.stderr, path)


def test_parse_missing_file_is_one_line_and_exit_2(tmp_path):
    path = tmp_path / "nowhere.txt"
    result = run("parse", path)
    assert result.exit_code == 2
    assert_one_clean_error_line(result.stderr, path)
    assert "不存在" in result.stderr


def test_parse_directory_mixing_good_and_bad_files(tmp_path):
    bad = write_bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_bytes(example("county-government-2024.txt").read_bytes())
    result = run("parse", tmp_path)
    assert result.exit_code == 2
    assert [json.loads(line)["source"] for line in result.stdout.splitlines()] == [str(good)]
    for path in bad.values():
        assert_one_clean_error_line(result.stderr, path)


@needs_seeds
def test_parse_seeds_as_csv_and_markdown():
    seeds = seed_paths()
    table = run("parse", *seeds, "--format", "csv")
    assert table.exit_code == 0, table.stderr
    rows = list(csv.reader(io.StringIO(table.stdout.removeprefix("\ufeff"))))
    assert [row[CSV_COLUMNS.index("source")] for row in rows[2:]] == [str(p) for p in seeds]
    markdown = run("parse", seeds[0], "--format", "md")
    assert markdown.exit_code == 0, markdown.stderr
    assert markdown.stdout.count("\n|---|") == 3
    title_lines = [line for line in markdown.stdout.splitlines() if "年度报告" in line]
    assert len(title_lines) == 1
