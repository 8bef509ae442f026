"""Helpers of the CLI tests: run the app, find the bundled examples, write bad inputs."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.examples import example_paths

ERRORS_EXAMPLE = "education-bureau-2024-errors.txt"
ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside this checkout"
)


def seed_paths() -> list[Path]:
    """The seed reports (as tests/conftest.py finds them; importing conftest is ambiguous)."""
    return sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


def run(*args: str):
    """Invoke ``xxgk args`` in process; stdout and stderr are kept apart."""
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="xxgk")


def example(name: str) -> Path:
    return next(p for p in example_paths() if p.name == name)


def good_examples() -> list[Path]:
    return [p for p in example_paths() if p.name != ERRORS_EXAMPLE]


def write_bad_inputs(folder: Path) -> dict[str, Path]:
    """Write an empty file, binary junk and a text that is no report; return them by kind."""
    folder.mkdir(parents=True, exist_ok=True)
    empty = folder / "empty.txt"
    empty.write_bytes(b"")
    junk = folder / "junk.txt"
    junk.write_bytes(bytes(range(256)) * 8)
    prose = folder / "prose.txt"
    prose.write_text("今天天气很好，我们去公园散步。\n晚上吃饺子。\n", encoding="utf-8")
    return {"empty": empty, "junk": junk, "prose": prose}


def assert_one_clean_error_line(stderr: str, path: Path) -> None:
    """The reason is one line naming the file, bilingual, without a traceback."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if str(path) in line]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("xxgk: 错误：")
    assert "(" in lines[0]  # the English half
