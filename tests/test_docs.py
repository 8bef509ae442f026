"""The docs cannot drift: every command and its current help is in docs/cli.md, every rule
code in docs/rules.md, and the README's quick start is the two Makefile targets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from xxgk.cli.docs import (
    DOCS_PATH,
    cli_markdown,
    command_help,
    command_names,
    leaf_command_names,
)

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = ROOT / "docs" / "cli.md"
RULES_DOC = ROOT / "docs" / "rules.md"


def _help_blocks(text: str) -> list[str]:
    return re.findall(r"```text\n(.*?)```", text, flags=re.S)


def test_docs_cli_path_is_the_repository_file():
    assert DOCS_PATH == CLI_DOC


@pytest.mark.parametrize("name", command_names())
def test_docs_every_command_is_documented_with_its_current_help(name):
    text = CLI_DOC.read_text(encoding="utf-8")
    assert f"## `xxgk {name}`" in text
    assert command_help(name) in _help_blocks(text)


@pytest.mark.parametrize("name", leaf_command_names())
def test_docs_every_command_help_ends_with_an_example(name):
    help_text = command_help(name)
    assert "Example:" in help_text
    example = help_text.split("Example:", 1)[1]
    assert "xxgk " in example
    assert name.split()[-1] in example


def test_docs_cli_md_equals_the_generator_output():
    assert CLI_DOC.read_text(encoding="utf-8") == cli_markdown(), (
        "docs/cli.md is out of date: run python -m xxgk.cli.docs"
    )


def test_docs_every_rule_code_is_in_rules_md():
    from xxgk.rules import RULES

    text = RULES_DOC.read_text(encoding="utf-8")
    missing = [code for code in RULES if f"`{code}`" not in text and code not in text]
    assert missing == []


def test_docs_readme_quick_start_is_make_run_and_make_test():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\s*(make \w+)\s*$", quick, flags=re.M)
    assert commands == ["make run", "make test"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^run:", makefile, flags=re.M)
    assert re.search(r"^test:", makefile, flags=re.M)
