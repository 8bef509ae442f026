"""The ``xxgk`` command line: one module per command, listed in ``COMMANDS`` below.

Each command module registers its command on the typer ``app`` of ``xxgk.cli.application``
when imported; adding a command is adding one line to ``COMMANDS``. ``main`` (the console
script and ``python -m xxgk``) imports only the module of the command being run, so ``xxgk
check FILE`` does not pay for the register, the web server or the PDF reader (start-up,
issue #19); ``--help`` and anything unrecognised load every command. ``xxgk check PATH…``
with nothing but paths does not import typer at all (``xxgk.cli.checking``). ``xxgk.cli.app``
(as tests and the docs use it) is the application with every command loaded.
"""

from __future__ import annotations

import atexit
import gc
import sys
from collections.abc import Iterable, Sequence
from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

__all__ = ["COMMANDS", "app", "load_commands", "main"]

COMMANDS: dict[str, str] = {
    "aggregate": "aggregate_cmd",
    "audit": "audit_cmd",
    "campaign": "campaign_cmd",
    "check": "check_cmd",
    "corpus": "corpus_cmd",
    "demo": "demo_cmd",
    "disclosure": "disclosure",
    "fetch": "fetch_cmd",
    "parse": "parse_cmd",
    "register": "register",
    "render": "render_cmd",
    "rules": "rules_cmd",
    "serve": "serve_cmd",
}
"""Every command (or group) name and the module of ``xxgk.cli`` that registers it."""


def load_commands(names: Iterable[str] | None = None) -> typer.Typer:
    """Import the modules of the commands ``names`` (every command when None); return the
    application they registered on."""
    from xxgk.cli.application import app as application

    wanted = COMMANDS if names is None else names
    for name in wanted:
        import_module(f"xxgk.cli.{COMMANDS[name]}")
    return application


def command_asked(args: Sequence[str]) -> list[str] | None:
    """Return the command named first in ``args`` as a one-item list when it is known, else
    None (help, a typo, no command: every command must be loaded to answer)."""
    for arg in args:
        if arg.startswith("-"):
            return None  # an option before any command: help or an error message
        return [arg] if arg in COMMANDS else None
    return None


def __getattr__(name: str) -> typer.Typer:
    if name != "app":
        raise AttributeError(f"module 'xxgk.cli' has no attribute {name!r}")
    application = load_commands()
    globals()["app"] = application
    return application


def main() -> None:
    """Run the command line; an ``XxgkError`` becomes one line on stderr and exit status 2."""
    from xxgk.cli.output import print_error
    from xxgk.errors import XxgkError

    # The process ends after the command: the collector's pass over every object at exit
    # was a sixth of ``xxgk check FILE`` (issue #19). Frozen objects are not walked.
    atexit.register(gc.freeze)
    try:
        _run(sys.argv[1:])
    except XxgkError as exc:
        print_error(exc)
        sys.exit(2)


def _run(args: list[str]) -> None:
    """Run the command ``args`` name: a plain ``check PATH…`` without typer, else through
    the typer application with that command's module loaded (every one when unknown)."""
    from xxgk.collector import gc_paused

    if args[:1] == ["check"]:
        with gc_paused():
            from xxgk.cli.checking import plain_check, plain_check_paths
        paths = plain_check_paths(args)
        if paths is not None:
            plain_check(paths)
    with gc_paused():
        application = load_commands(command_asked(args))
    application()
