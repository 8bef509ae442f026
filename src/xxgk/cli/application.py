"""The typer application every command module registers itself on."""

from __future__ import annotations

import typer

try:  # plain values without pydantic: a third of start-up (issue #19); typer's internals
    from xxgk.cli.coercion import install as _direct_coercion  # as of the pinned version
except ImportError:  # another typer: it converts every value itself, slower but right
    pass
else:
    _direct_coercion()

HELP_WIDTH = 100

app = typer.Typer(
    name="xxgk",
    help=(
        "xxgk：政府信息公开工作年度报告的解析、校验、渲染与汇总；申请台账；报告库；网页应用。\n\n"
        "Parse, check, render and aggregate annual government information-disclosure reports;\n"
        "the register of applications, the report corpus and the web application."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"max_content_width": HELP_WIDTH, "terminal_width": HELP_WIDTH},
)


@app.callback()
def _group() -> None:
    # Keeps ``xxgk`` a group of commands when ``xxgk.cli.main`` loads only the one being run
    # (typer makes an application with a single command and no callback that command).
    return None
