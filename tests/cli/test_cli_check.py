"""``xxgk check``: findings per report, JSON, exit codes, selection, previous year, batches."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
from cli_support import (
    ERRORS_EXAMPLE,
    ROOT,
    assert_one_clean_error_line,
    example,
    good_examples,
    needs_seeds,
    run,
    seed_paths,
    write_bad_inputs,
)

from xxgk.render.text import render_text
from xxgk.synth import random_report

# Exit status and output


def test_check_clean_examples_exit_0_with_summaries():
    paths = good_examples()
    result = run("check", *paths)
    assert result.exit_code == 0, result.stdout + result.stderr
    assert result.stdout.count("小结") == len(paths)
    assert f"合计：{len(paths)} 份报告" in result.stdout


def test_check_errors_example_exits_1_and_names_the_code():
    result = run("check", example(ERRORS_EXAMPLE))
    assert result.exit_code == 1
    assert "requests-balance" in result.stdout
    assert "错误" in result.stdout
    assert "Traceback" not in result.stdout


def test_check_json_is_one_document_with_a_list_per_report():
    paths = [example(ERRORS_EXAMPLE), example("county-government-2024.txt")]
    result = run("check", *paths, "--format", "json")
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert [item["source"] for item in data] == [str(p) for p in paths]
    assert {"source", "organization", "year", "valid", "stats", "findings"} <= set(data[0])
    assert data[0]["valid"] is False
    assert data[1]["valid"] is True
    codes = {f["code"] for f in data[0]["findings"]}
    assert "requests-balance" in codes


@needs_seeds
@pytest.mark.parametrize("seed", seed_paths(), ids=lambda p: p.stem)
def test_check_seed_exit_status(seed):
    result = run("check", seed, "--format", "json")
    data = json.loads(result.stdout)
    errors = [f["code"] for f in data[0]["findings"] if f["severity"] == "error"]
    assert result.exit_code == (1 if errors else 0)
    assert not [c for c in errors if c.startswith(("requests-", "review-"))]


# Selection


def _codes(*args):
    result = run("check", *args, "--format", "json")
    return result, {f["code"] for item in json.loads(result.stdout) for f in item["findings"]}


def test_check_select_keeps_only_the_selected_code():
    result, codes = _codes(example(ERRORS_EXAMPLE), "--select", "requests-balance")
    assert codes == {"requests-balance"}
    assert result.exit_code == 1


def test_check_ignore_drops_the_code():
    _, all_codes = _codes(example(ERRORS_EXAMPLE))
    result, codes = _codes(example(ERRORS_EXAMPLE), "--ignore", "requests-balance,parse-*")
    assert "requests-balance" in all_codes
    assert "requests-balance" not in codes
    assert not any(c.startswith("parse-") for c in codes)
    assert codes < all_codes


# Previous year


def test_check_previous_matching_year_is_clean():
    result = run(
        "check", example("qinghe-town-2024.txt"), "--previous", example("qinghe-town-2023.txt")
    )
    assert result.exit_code == 0, result.stdout


def test_check_previous_with_other_carry_over_is_reported(tmp_path):
    last = random_report(
        random.Random(1), organization="示例县清河镇人民政府", year=2023, zero_share=0.0
    )
    for column in ("natural_person", "total"):
        last[f"requests.carried_forward.{column}"] = 40
    previous = tmp_path / "previous.txt"
    previous.write_text(render_text(last, "tabs"), encoding="utf-8")
    path = example("qinghe-town-2024.txt")
    result = run("check", path, "--previous", previous, "--format", "json")
    cells = {c for f in json.loads(result.stdout)[0]["findings"] for c in f["cells"]}
    assert any(c.startswith("requests.carried_over.") for c in cells)


def test_check_unusable_previous_is_one_line_and_exit_2(tmp_path):
    bad = write_bad_inputs(tmp_path)["empty"]
    result = run("check", example("qinghe-town-2024.txt"), "--previous", bad)
    assert result.exit_code == 2
    assert_one_clean_error_line(result.stderr, bad)


def test_check_unknown_kind_is_refused():
    result = run("check", example("qinghe-town-2024.txt"), "--kind", "castle")
    assert result.exit_code == 2
    assert "castle" in result.stderr
    assert "Traceback" not in result.stderr


def test_check_kind_is_used():
    """Without ``--kind`` the kind is guessed from the name (a 政府部门, said so in the
    message); as a 县级人民政府 the report owes the accountability paragraph instead."""
    path = example(ERRORS_EXAMPLE)
    guessed = run("check", path)
    county = run("check", path, "--kind", "county")
    assert guessed.exit_code == county.exit_code == 1
    assert "系根据名称“示例县教育局”推测" in guessed.stdout
    assert "accountability-missing" not in guessed.stdout
    assert "推测" not in county.stdout
    assert "accountability-missing" in county.stdout
    assert "报告主体类别：县级人民政府" in county.stdout
    assert county.stdout != guessed.stdout


# Bad input and batches


def test_check_directory_mixing_good_and_bad_files(tmp_path):
    bad = write_bad_inputs(tmp_path)
    good = tmp_path / "good.txt"
    good.write_bytes(example("county-government-2024.txt").read_bytes())
    result = run("check", tmp_path, "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert [item["source"] for item in data] == sorted(str(p) for p in [good, *bad.values()])
    assert next(item for item in data if item["source"] == str(good))["valid"] is True
    for path in bad.values():
        assert_one_clean_error_line(result.stderr, path)


def test_check_many_files_in_processes_keeps_input_order(tmp_path):
    rng = random.Random(9)
    for index in range(24):
        report = random_report(rng)
        layout = ("tabs", "pipes", "cells", "markdown")[index % 4]
        (tmp_path / f"r{index:02d}.txt").write_text(render_text(report, layout), encoding="utf-8")
    serial = run("check", tmp_path, "--format", "json", "--jobs", "1")
    parallel = run("check", tmp_path, "--format", "json", "--jobs", "2")
    assert serial.exit_code == parallel.exit_code
    assert json.loads(serial.stdout) == json.loads(parallel.stdout)
    assert len(json.loads(serial.stdout)) == 24
    # streamed element by element, the text is exactly json.dumps of the list
    assert (
        serial.stdout == json.dumps(json.loads(serial.stdout), ensure_ascii=False, indent=2) + "\n"
    )
    text_serial = run("check", tmp_path, "--jobs", "1")
    text_parallel = run("check", tmp_path, "--jobs", "2")  # rendered in the workers
    assert text_serial.stdout == text_parallel.stdout
    assert text_serial.stdout.rstrip().endswith("合计：24 份报告，错误 0，警告 0，提示 0")


# A real process


def _xxgk(*args):
    return subprocess.run(
        [sys.executable, "-m", "xxgk", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


def test_python_m_xxgk_exit_codes(tmp_path):
    bad = write_bad_inputs(tmp_path)["junk"]
    assert _xxgk("check", example("county-government-2024.txt")).returncode == 0
    assert _xxgk("check", example(ERRORS_EXAMPLE)).returncode == 1
    broken = _xxgk("check", bad, example("county-government-2024.txt"))
    assert broken.returncode == 2
    assert_one_clean_error_line(broken.stderr, bad)
    assert "示例县人民政府" in broken.stdout
