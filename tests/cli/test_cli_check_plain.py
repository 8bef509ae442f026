"""``xxgk check PATH…`` without typer (``xxgk.cli.checking``) ends exactly as through typer.

The plain path runs when the arguments are nothing but paths; ``--`` before the paths sends
the same call through typer (click reads the rest as paths). Both run as real processes, so
the whole ending is compared: stdout, stderr and the exit status.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import ERRORS_EXAMPLE, example, good_examples, write_bad_inputs

from xxgk.cli.checking import plain_check_paths


def xxgk(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPLETE")}
    return subprocess.run(
        [sys.executable, "-m", "xxgk", *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd,
        check=False,
    )


def both_ways(*paths: str, cwd: Path | None = None) -> None:
    plain = xxgk("check", *paths, cwd=cwd)
    through_typer = xxgk("check", "--", *paths, cwd=cwd)
    assert (plain.returncode, plain.stdout, plain.stderr) == (
        through_typer.returncode,
        through_typer.stdout,
        through_typer.stderr,
    )
    assert plain.stdout or plain.stderr


def test_a_clean_report_and_one_with_errors():
    both_ways(str(example("county-government-2024.txt")), str(example(ERRORS_EXAMPLE)))


def test_every_example_and_a_folder(tmp_path):
    for path in good_examples()[:3]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    both_ways(str(tmp_path), *(str(p) for p in good_examples()[3:]))


def test_unusable_missing_and_empty_inputs(tmp_path):
    bad = write_bad_inputs(tmp_path / "bad")
    (tmp_path / "empty").mkdir()
    both_ways(*(str(p) for p in bad.values()), str(tmp_path / "missing.txt"))
    both_ways(str(tmp_path / "empty"))


def test_a_batch_big_enough_for_worker_processes(tmp_path):
    source = example(ERRORS_EXAMPLE).read_bytes()
    for index in range(24):
        (tmp_path / f"r{index:02d}.txt").write_bytes(source)
    both_ways(".", cwd=tmp_path)


@pytest.mark.parametrize(
    "args",
    [
        (),
        ("check",),
        ("parse", "a.txt"),
        ("check", "--format", "json", "a.txt"),
        ("check", "a.txt", "-f", "json"),
        ("check", "--", "a.txt"),
        ("check", "-", "a.txt"),
        ("check", "", "a.txt"),
        ("--help", "check", "a.txt"),
    ],
)
def test_anything_but_paths_goes_through_typer(args):
    assert plain_check_paths(list(args)) is None


def test_paths_alone_are_run_plainly(monkeypatch):
    for name in [k for k in os.environ if k.endswith("_COMPLETE")]:
        monkeypatch.delenv(name)
    assert plain_check_paths(["check", "a.txt", "报告目录/"]) == ["a.txt", "报告目录/"]
    monkeypatch.setenv("_XXGK_COMPLETE", "bash_complete")  # typer answers completion
    assert plain_check_paths(["check", "a.txt"]) is None


def test_on_windows_typer_expands_the_wildcards(monkeypatch):
    for name in [k for k in os.environ if k.endswith("_COMPLETE")]:
        monkeypatch.delenv(name)
    monkeypatch.setattr(os, "name", "nt")
    assert plain_check_paths(["check", "*.txt"]) is None
