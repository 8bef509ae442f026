"""``xxgk render``: every format from a canonical JSON or any parsable report."""

from __future__ import annotations

import json
import random
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.parse import parse_bytes
from xxgk.synth import random_report

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "formats"


def run(*args: object):
    return CliRunner().invoke(app, [str(a) for a in args], prog_name="xxgk")


@pytest.fixture
def report_json(tmp_path: Path):
    report = random_report(random.Random(77), organization="示例县石桥乡人民政府", year=2024)
    path = tmp_path / "report.json"
    path.write_text(json.dumps(report.to_dict(), ensure_ascii=False), encoding="utf-8")
    return report, path


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx", "md", "txt"])
def test_render_writes_each_format_that_parses_back(report_json, tmp_path, fmt):
    report, path = report_json
    out = tmp_path / f"out.{fmt}"
    result = run("render", path, "--to", fmt, "-o", out)
    assert result.exit_code == 0, result.output
    assert parse_bytes(out.read_bytes(), name=out.name).canonical() == report.canonical()


def test_render_reads_any_report_file_not_only_json(tmp_path):
    out = tmp_path / "page.docx"
    result = run("render", FIXTURES / "html_word_export.html", "--to", "docx", "-o", out)
    assert result.exit_code == 0
    assert zipfile.is_zipfile(out)
    truth = json.loads((FIXTURES / "html_word_export.truth.json").read_text("utf-8"))
    assert parse_bytes(out.read_bytes(), name="page.docx").canonical() == truth


def test_html_goes_to_stdout_and_check_marks_the_cells(report_json):
    report, path = report_json
    data = report.to_dict()
    data["requests"]["granted"][6] += 1  # break a row total
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    plain = run("render", path, "--to", "html")
    assert plain.exit_code == 0
    assert plain.stdout.startswith("<!DOCTYPE html>")
    checked = run("render", path, "--to", "html", "--check")
    assert 'data-cell="requests.granted.total" class="error"' in checked.stdout


def test_unreadable_report_is_one_line_and_exit_2(tmp_path):
    missing = tmp_path / "nope.json"
    result = run("render", missing, "--to", "docx", "-o", tmp_path / "x.docx")
    assert result.exit_code == 2
    assert "nope.json" in result.stderr
    assert "Traceback" not in result.output


def test_an_unknown_format_is_refused(report_json):
    _, path = report_json
    result = run("render", path, "--to", "odt")
    assert result.exit_code == 2


def test_parse_reads_a_directory_mixing_every_format(tmp_path):
    import shutil

    for fixture in FIXTURES.iterdir():
        if fixture.suffix in (".html", ".docx", ".xlsx", ".pdf"):
            shutil.copy(fixture, tmp_path / fixture.name)
    result = run("parse", tmp_path, "--format", "jsonl", "--ocr", "never")
    reports = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert result.exit_code == 2  # the scan has no text layer
    assert "OCR" in result.stderr
    by_name = {Path(r["source"]).name: r for r in reports}
    assert len(by_name) == len([p for p in tmp_path.iterdir() if p.name != "pdf_scan.pdf"])
    for name, report in by_name.items():
        truth = json.loads((FIXTURES / f"{Path(name).stem}.truth.json").read_text("utf-8"))
        assert {k: report[k] for k in truth} == truth, name
