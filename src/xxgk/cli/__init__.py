"""The ``xxgk`` command line: one module per command, imported explicitly below.

Each module imported from ``xxgk.cli`` registers one command on ``app``; adding a command is
adding one line to that list. ``main`` is the console script and ``python -m xxgk``.
"""

from __future__ import annotations

import sys

from xxgk.cli import (
    aggregate_cmd,  # noqa: F401
    audit_cmd,  # noqa: F401
    campaign_cmd,  # noqa: F401
    check_cmd,  # noqa: F401
    corpus_cmd,  # noqa: F401
    demo_cmd,  # noqa: F401
    disclosure,  # noqa: F401
    fetch_cmd,  # noqa: F401
    parse_cmd,  # noqa: F401
    register,  # noqa: F401
    render_cmd,  # noqa: F401
    rules_cmd,  # noqa: F401
    serve_cmd,  # noqa: F401
)
from xxgk.cli.app import app
from xxgk.cli.common import print_error
from xxgk.errors import XxgkError

__all__ = ["app", "main"]


def main() -> None:
    """Run the command line; an ``XxgkError`` becomes one line on stderr and exit status 2."""
    try:
        app()
    except XxgkError as exc:
        print_error(exc)
        sys.exit(2)
