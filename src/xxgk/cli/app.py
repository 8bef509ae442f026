"""The typer application every command module registers itself on."""

from __future__ import annotations

import typer

HELP_WIDTH = 100

app = typer.Typer(
    name="xxgk",
    help=(
        "xxgk：政府信息公开工作年度报告的解析、校验与渲染。\n\n"
        "Parse, check and render annual government information-disclosure reports."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": HELP_WIDTH, "terminal_width": HELP_WIDTH},
)
