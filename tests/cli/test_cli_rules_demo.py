"""``xxgk rules`` lists the whole catalogue; ``xxgk demo`` checks the bundled examples."""

from __future__ import annotations

import json

from cli_support import run

from xxgk.examples import example_paths
from xxgk.rules.registry import catalogue  # xxgk.rules.catalogue may be the submodule


def test_rules_text_lists_every_code():
    result = run("rules")
    assert result.exit_code == 0, result.stderr
    for kind in catalogue():
        assert kind.code in result.stdout
    assert f"共 {len(catalogue())} 个代码" in result.stdout


def test_rules_json_has_every_field():
    result = run("rules", "--format", "json")
    data = json.loads(result.stdout)
    assert {item["code"] for item in data} == {k.code for k in catalogue()}
    assert set(data[0]) == {"code", "severity", "title", "description", "tags", "basis"}


def test_rules_md_is_one_table_row_per_code():
    result = run("rules", "--format", "md")
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ")]
    assert len(rows) == len(catalogue()) + 1


def test_demo_checks_every_example_and_exits_0():
    result = run("demo")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("小结") == len(example_paths()) + 1  # and the --previous check
    assert "--previous" in result.stdout
    assert "requests-balance" in result.stdout
    assert f"合计：{len(example_paths())} 份报告" in result.stdout
    assert "xxgk check" in result.stdout
    assert "Traceback" not in result.stdout
