"""``xxgk rules``: the catalogue of every rule and finding code."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.markup import escape

from xxgk.cli.application import app
from xxgk.cli.common import SEVERITY_STYLE, stdout_console
from xxgk.findings import FindingKind


class RulesFormat(StrEnum):
    text = "text"
    json = "json"
    md = "md"


@app.command("rules")
def rules_command(
    output_format: Annotated[
        RulesFormat, typer.Option("--format", "-f", help="输出格式。")
    ] = RulesFormat.text,
) -> None:
    """列出全部校验规则和解析问题代码：代码、级别、名称、说明、标签和依据。

    \b
    Example:
        xxgk rules
        xxgk rules --format md > 规则.md
        xxgk rules --format json
    """
    # xxgk.rules.catalogue is also a submodule, which shadows the function once imported
    from xxgk.rules.registry import catalogue

    kinds = sorted(catalogue(), key=lambda k: k.code)
    if output_format is RulesFormat.json:
        print(json.dumps([kind_to_dict(k) for k in kinds], ensure_ascii=False, indent=2))
    elif output_format is RulesFormat.md:
        print(catalogue_markdown(kinds), end="")
    else:
        print_catalogue(kinds)


def print_catalogue(kinds: list[FindingKind]) -> None:
    """Print each code with its severity in colour, title, description, tags and basis."""
    console = stdout_console()
    for kind in kinds:
        style = SEVERITY_STYLE[kind.severity.value]
        label = f"[{style}]{kind.severity.label}[/]"
        console.print(f"[bold]{kind.code}[/]  {label}  {escape(kind.title)}")
        for line in _details(kind):
            console.print(f"    {escape(line)}")
    console.print(f"[bold]共 {len(kinds)} 个代码[/]")


def kind_to_dict(kind: FindingKind) -> dict[str, Any]:
    """Return the JSON form of a catalogue entry."""
    return {
        "code": kind.code,
        "severity": kind.severity.value,
        "title": kind.title,
        "description": kind.description,
        "tags": list(kind.tags),
        "basis": kind.basis,
    }


def catalogue_markdown(kinds: list[FindingKind]) -> str:
    """Return the catalogue as one Markdown table."""
    lines = ["| 代码 | 级别 | 名称 | 说明 | 标签 | 依据 |", "|---|---|---|---|---|---|"]
    for k in kinds:
        cells: tuple[str, ...] = (
            k.code,
            k.severity.label,
            k.title,
            k.description,
            " ".join(k.tags),
            k.basis,
        )
        cells = tuple(c.replace("|", "\\|").replace("\n", " ") for c in cells)
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _details(kind: FindingKind) -> list[str]:
    lines = [kind.description] if kind.description else []
    extra = "  ".join(
        part
        for part in (
            f"标签：{' '.join(kind.tags)}" if kind.tags else "",
            f"依据：{kind.basis}" if kind.basis else "",
        )
        if part
    )
    return lines + ([extra] if extra else [])
