"""xxgk.batch, the library under the CLI: path expansion, outcomes, status, CSV, main()."""

from __future__ import annotations

import random

import pytest
from cli_support import write_bad_inputs

import xxgk.cli as cli
from xxgk.batch import (
    PROCESS_THRESHOLD,
    CheckOptions,
    Outcome,
    batch_status,
    check_one,
    csv_row,
    effective_jobs,
    iter_report_paths,
    outcome_to_dict,
    parse_one,
)
from xxgk.errors import InputError
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.render.text import render_text
from xxgk.synth import random_report


def test_iter_report_paths_recurses_sorted_and_skips_hidden_and_foreign_files(tmp_path):
    for name in (
        "b.txt",
        "a.md",
        "c.json",
        "notes.py",
        ".hidden.txt",
        "sub/d.html",
        ".git/e.txt",
        "sub/.f.txt",
    ):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x", encoding="utf-8")
    found = [p.relative_to(tmp_path).as_posix() for p in iter_report_paths([tmp_path])]
    assert found == ["a.md", "b.txt", "c.json", "sub/d.html"]


def test_iter_report_paths_keeps_named_files_even_missing(tmp_path):
    named = [tmp_path / "z.pdf", tmp_path / "missing.txt", tmp_path / "odd.dat"]
    assert list(iter_report_paths(named)) == named


@pytest.mark.parametrize(
    ("count", "jobs", "expected"),
    [(1, None, 1), (PROCESS_THRESHOLD, None, 1), (5, 3, 3), (500, 1, 1), (5, 0, 1)],
)
def test_effective_jobs(count, jobs, expected):
    assert effective_jobs(count, jobs) == expected


def test_effective_jobs_uses_every_core_for_big_batches(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 6)
    assert effective_jobs(PROCESS_THRESHOLD + 1, None) == 6


def test_parse_one_turns_bad_input_into_a_reason(tmp_path):
    bad = write_bad_inputs(tmp_path)
    for path in [*bad.values(), tmp_path / "missing.txt", tmp_path]:
        outcome = parse_one(path)
        assert not outcome.usable
        assert str(path) in outcome.error
        assert outcome.findings == []


def test_check_one_validates_with_the_options(tmp_path):
    report = random_report(random.Random(2), organization="示例县东山乡人民政府", year=2024)
    path = tmp_path / "r.txt"
    path.write_text(render_text(report, "cells"), encoding="utf-8")
    outcome = check_one(path, CheckOptions(select=("requests-*",)))
    assert outcome.usable
    assert outcome.valid
    assert outcome.report.organization == "示例县东山乡人民政府"
    assert outcome.counts() == {"error": 0, "warning": 0, "info": 0}


def test_batch_status_and_outcome_dict():
    bad = Outcome("x.txt", error="x.txt: 文件为空 (the file is empty)")
    assert batch_status([]) == 0
    assert batch_status([bad]) == 2
    assert outcome_to_dict(bad) == {"source": "x.txt", "valid": False, "error": bad.error}
    clean = Outcome("y.txt", report=Report(organization="示例市民政局", year=2024))
    assert batch_status([clean]) == 0
    assert outcome_to_dict(clean)["valid"] is True


def test_csv_row_prints_missing_values_empty_never_zero():
    row = csv_row(Report(organization="示例市民政局", year=2023))
    assert row[:5] == ["示例市民政局", "2023", "", "2021", ""]
    assert row[5:] == [""] * len(CELL_KEYS)


def test_main_turns_an_xxgk_error_into_one_line_and_exit_2(monkeypatch, capsys):
    def broken() -> None:
        raise InputError("文件为空", "the file is empty", path="坏.txt")

    monkeypatch.setattr(cli, "load_commands", lambda names=None: broken)
    with pytest.raises(SystemExit) as exit_info:
        cli.main()
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert err == "xxgk: 错误：坏.txt: 文件为空 (the file is empty)\n"


def test_check_can_send_back_only_the_header_with_the_findings():
    from pathlib import Path

    import xxgk.examples
    from xxgk.batch import CheckOptions, check_many, iter_report_paths

    paths = list(iter_report_paths([Path(xxgk.examples.__file__).parent]))
    whole = check_many(paths, jobs=2)
    lean = check_many(paths, jobs=2, options=CheckOptions(keep_report=False))
    for full, light in zip(whole, lean, strict=True):
        assert light.report.organization == full.report.organization
        assert light.report.year == full.report.year
        assert light.report.published == full.report.published
        assert [f.to_dict() for f in light.findings] == [f.to_dict() for f in full.findings]
        assert light.report.values == {}
        assert light.report.provenance == {}
    assert any(o.findings for o in lean)


def test_iter_parse_yields_each_outcome_before_reading_the_next(tmp_path) -> None:
    import random as _random

    from xxgk.batch import iter_parse
    from xxgk.render.text import render_text as _render_text
    from xxgk.synth import random_report as _random_report

    paths = []
    for n in range(3):
        path = tmp_path / f"r{n}.txt"
        path.write_text(_render_text(_random_report(_random.Random(n))), encoding="utf-8")
        paths.append(path)
    paths.append(tmp_path / "missing.txt")
    stream = iter_parse(paths, jobs=1)
    first = next(stream)
    assert first.usable
    assert str(first.path) == str(paths[0])
    rest = list(stream)
    assert [o.usable for o in rest] == [True, True, False]


def test_main_loads_only_the_command_it_runs():
    assert cli.command_asked(["check", "a.txt"]) == ["check"]
    assert cli.command_asked(["register", "units", "list"]) == ["register"]
    assert cli.command_asked(["--help"]) is None  # help lists every command
    assert cli.command_asked(["chek"]) is None  # a typo: typer suggests from every command
    assert cli.command_asked([]) is None


def test_the_cli_runs_a_command_with_only_its_own_module_loaded(tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    source = str(Path(cli.__file__).resolve().parents[2])  # this checkout's src
    probe = (
        "import sys; sys.argv = ['xxgk', 'rules'];"
        "from xxgk.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith('xxgk.cli.') and m.endswith('_cmd')),"
        " 'pypdfium2' in sys.modules, file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": source},
    )
    assert "parse-" in done.stdout  # the rules command ran: its table lists the parse codes
    assert done.stderr.strip().splitlines()[-1] == "['xxgk.cli.rules_cmd'] False"


def test_chunks_cover_the_batch_in_order_and_shrink_towards_its_end():
    from xxgk.batch import CHUNK, chunked

    for count in (0, 1, 7, 64, 1000, 2001):
        chunks = list(chunked(count, 2))
        assert [i for c in chunks for i in c] == list(range(count))
        assert all(1 <= len(c) <= CHUNK for c in chunks)
        if count >= 1000:
            assert len(chunks[0]) == CHUNK
            assert [len(c) for c in chunks[-3:]] == [1, 1, 1]  # the workers end together


def test_iter_batch_in_two_processes_yields_every_result_in_input_order():
    from xxgk.batch import CHUNK, IN_FLIGHT, iter_batch

    paths = [f"/no/such/{n:05d}.txt" for n in range(CHUNK * IN_FLIGHT * 2 * 3 + 5)]
    assert list(iter_batch(str.upper, paths, jobs=2)) == [p.upper() for p in paths]
