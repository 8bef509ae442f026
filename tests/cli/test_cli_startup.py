"""Start-up stays light: ``xxgk --help`` and ``xxgk check`` do not import the database, the
register, openpyxl or the web application (the commands that need them import them when run).

What is imported is checked, not how long it takes: the time is measured with
``python -X importtime -m xxgk --help`` (README, Speed).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_support import example

HEAVY = ("sqlalchemy", "openpyxl", "alembic", "fastapi", "xxgk.db", "xxgk.register", "xxgk.web")
HEAVY += ("pydantic",)  # typer converts option values with it (xxgk.cli.coercion does not)
PROBE = """
import runpy, sys
sys.argv = ["xxgk", *sys.argv[1:]]
try:
    runpy.run_module("xxgk", run_name="__main__")
except SystemExit:
    pass
heavy = sorted({m.split(".")[0] if not m.startswith("xxgk") else ".".join(m.split(".")[:2])
                for m in sys.modules if m.startswith(HEAVY)})
print("HEAVY=" + ",".join(heavy), file=sys.stderr)
"""


def loaded_heavy_modules(*args: str, heavy: tuple[str, ...] = HEAVY) -> list[str]:
    code = f"HEAVY = {heavy!r}\n{PROBE}"
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120
    )
    line = next(x for x in done.stderr.splitlines() if x.startswith("HEAVY="))
    return [m for m in line.removeprefix("HEAVY=").split(",") if m]


@pytest.mark.parametrize(
    "args", [("--help",), ("register", "--help"), ("disclosure", "--help"), ("corpus", "--help")]
)
def test_help_imports_nothing_heavy(args):
    assert loaded_heavy_modules(*args) == []


def test_check_imports_nothing_heavy():
    assert loaded_heavy_modules("check", str(example("county-government-2024.txt"))) == []


def test_check_file_into_a_pipe_imports_no_rich():
    """Printed to a pipe, findings are plain text (xxgk.cli.show): rich is not imported."""
    path = str(example("education-bureau-2024-errors.txt"))
    assert loaded_heavy_modules("check", path, heavy=("rich",)) == []
    assert loaded_heavy_modules("check", path, "-f", "json", heavy=("rich",)) == []
    assert loaded_heavy_modules("--help", heavy=("rich",)) == ["rich"]  # the probe sees it


def test_the_probe_sees_heavy_imports():
    """The probe itself can fail: a command that opens the database does import SQLAlchemy."""
    assert "sqlalchemy" in loaded_heavy_modules("register", "deadline", "--received", "2025-01-20")


def test_plain_check_imports_no_typer():
    """``xxgk check FILE`` with nothing but paths runs without the command-line framework
    (``xxgk.cli.checking``); an option brings typer in."""
    path = str(example("education-bureau-2024-errors.txt"))
    assert loaded_heavy_modules("check", path, heavy=("typer",)) == []
    assert loaded_heavy_modules("check", path, "-f", "json", heavy=("typer",)) == ["typer"]
