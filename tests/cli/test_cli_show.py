"""xxgk.cli.show: findings printed without rich on a plain screen (no terminal, no colour)
are exactly what rich prints of the markup, whatever the text; and what goes to stdout
reaches stdout while the progress bar is drawn on a terminal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cli_support import example, good_examples
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.batch import CheckOptions, check_one
from xxgk.cli import show
from xxgk.findings import Severity

PIECES = [*"ab 县政府：，。[]/\\:#@-_\t\r\n\x1b\x85😀", "[bold]", ":smile:", "[/]"]
TEXT = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)
WIDTHS = [show.PLAIN, (False, None, 20)]


def rich_text(lines_of, screen):
    return show.rendered(lines_of(False), screen)


@settings(max_examples=300, deadline=None)
@given(name=TEXT, path=TEXT, message=TEXT, place=TEXT, code=st.sampled_from(["a-b", "x"]))
def test_plain_text_is_what_rich_prints(name, path, message, place, code):
    location = SimpleNamespace(describe=lambda: place) if place else None
    finding = SimpleNamespace(
        severity=Severity.WARNING, code=code, message=message, location=location
    )
    builders = [
        lambda plain: [show.finding_line(finding, plain)],  # type: ignore[arg-type]
        lambda plain: [show.totals_line(3, {"error": 1, "warning": 0, "info": 2}, 1, plain)],
        lambda plain: [show.summary_line({"error": 0, "warning": 0, "info": 0}, plain), ""],
        lambda plain: [
            f"{show._styled('bold', show._text(name, plain), plain)} {show._text(path, plain)}"
        ],
    ]
    for lines_of in builders:
        for screen in WIDTHS:
            assert show.shown(lines_of, show.PLAIN) == rich_text(lines_of, screen)


@pytest.mark.parametrize("path", [*good_examples(), example("education-bureau-2024-errors.txt")])
def test_a_checked_example_prints_alike_with_and_without_rich(path):
    outcome = check_one(path, CheckOptions(keep_report=False))
    lines_of = lambda plain: show.outcome_lines(outcome, plain)  # noqa: E731
    assert show.shown(lines_of, show.PLAIN) == rich_text(lines_of, show.PLAIN)
    assert "[" not in show.shown(lines_of, show.PLAIN)  # the bare text, no markup left


def test_an_unusable_file_prints_alike_with_and_without_rich(tmp_path):
    outcome = check_one(tmp_path / "无此文件[1].txt")
    lines_of = lambda plain: show.outcome_lines(outcome, plain)  # noqa: E731
    assert show.shown(lines_of, show.PLAIN) == rich_text(lines_of, show.PLAIN)


def test_the_screen_is_plain_only_when_rich_would_find_no_terminal(monkeypatch):
    from rich.console import Console

    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("TTY_COMPATIBLE", raising=False)
    assert show.stdout_screen() == show.PLAIN  # pytest captures stdout: no terminal
    assert not Console().is_terminal
    for name, value in (("FORCE_COLOR", "1"), ("TTY_COMPATIBLE", "1")):
        with monkeypatch.context() as env:
            env.setenv(name, value)
            assert show.stdout_screen() != show.PLAIN
            assert show.stdout_screen() == show.screen_of(Console(highlight=False))


def _write_reports(folder: Path, count: int) -> None:
    text = example("county-government-2024.txt").read_bytes()
    for n in range(count):
        (folder / f"r{n:02d}.txt").write_bytes(text)


@pytest.mark.parametrize("command", [("parse", "-f", "jsonl"), ("check", "-f", "json")])
def test_output_redirected_to_a_file_reaches_it_while_a_bar_is_drawn(tmp_path, command):
    """With stderr on a terminal (FORCE_COLOR makes rich believe so) the progress bar is
    drawn; the batch's output still goes to stdout, not through the bar to stderr."""
    _write_reports(tmp_path, 22)  # over the threshold of the progress bar
    source = str(Path(show.__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-m", "xxgk", command[0], str(tmp_path), *command[1:], "--jobs", "1"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": source, "FORCE_COLOR": "1"},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.count('"source"') == 22
    assert '"source"' not in done.stderr
