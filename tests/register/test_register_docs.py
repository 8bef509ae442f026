"""docs/register.md documents every ``xxgk register`` command and every register check."""

from __future__ import annotations

from pathlib import Path

import typer.main

from xxgk.cli.register import register_app
from xxgk.findings import KINDS
from xxgk.register import checks  # noqa: F401  (registers the register-… finding kinds)

DOC = (Path(__file__).resolve().parents[2] / "docs" / "register.md").read_text(encoding="utf-8")


def _commands(group, prefix=""):
    click_group = typer.main.get_command(group)
    for name, command in click_group.commands.items():
        if hasattr(command, "commands"):
            for sub in command.commands:
                yield f"{prefix}{name} {sub}"
        else:
            yield f"{prefix}{name}"


def test_every_command_is_documented_with_help_and_example():
    names = list(_commands(register_app))
    assert len(names) > 15
    missing = [n for n in names if f"`{n}" not in DOC]
    assert missing == []
    group = typer.main.get_command(register_app)
    for name, command in group.commands.items():
        subs = getattr(command, "commands", {name: command})
        for sub in subs.values():
            assert "Example:" in (sub.help or ""), name


def test_every_register_check_is_documented():
    codes = [c for c in KINDS if c.startswith("register-")]
    assert codes
    assert [c for c in codes if f"`{c}`" not in DOC] == []
