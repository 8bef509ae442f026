"""The command line within the budgets: a file over a budget is one line naming it with exit
status 2 (the rest of the batch is checked); a report whose cells mostly cannot be read
makes ``check`` exit 1 with a finding that says so."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from cli_support import run

from xxgk.limits import reset_limits
from xxgk.model.cells import CELL_KEYS
from xxgk.render import render
from xxgk.synth import random_report

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import deep_html, far_cell_xlsx, many_page_pdf, zip_of  # noqa: E402


@pytest.fixture
def small_budgets(monkeypatch):
    monkeypatch.setenv("XXGK_LIMIT_PAGES", "10")
    monkeypatch.setenv("XXGK_LIMIT_DEPTH", "64")
    reset_limits()
    yield
    monkeypatch.delenv("XXGK_LIMIT_PAGES")
    monkeypatch.delenv("XXGK_LIMIT_DEPTH")
    reset_limits()


def test_cli_budgets_check_refuses_a_file_over_a_budget_with_exit_2(tmp_path, small_budgets):
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(many_page_pdf(25))
    deep = tmp_path / "deep.html"
    deep.write_bytes(deep_html(500))
    good = tmp_path / "good.txt"
    good.write_bytes(render(random_report(random.Random(3)), "txt"))
    result = run("check", pages, deep, good)
    assert result.exit_code == 2
    out = result.output
    assert f"{pages}: 文件超出“页数”的上限10页（本文件25页）" in out
    assert f"{deep}: 文件超出“标记嵌套层数”的上限64层" in out
    assert "Traceback" not in out
    assert "good.txt" in out  # the rest of the batch is still checked


def test_cli_budgets_parse_refuses_a_file_over_a_budget_with_exit_2(tmp_path, small_budgets):
    pages = tmp_path / "pages.pdf"
    pages.write_bytes(many_page_pdf(25))
    result = run("parse", pages)
    assert result.exit_code == 2
    assert "页数" in result.output


def test_cli_budgets_check_exits_1_when_most_cells_are_unreadable(tmp_path):
    report = random_report(random.Random(5))
    for key in CELL_KEYS[: len(CELL_KEYS) * 3 // 4]:
        report.values[key] = None
    path = tmp_path / "blank.txt"
    path.write_bytes(render(report, "txt"))
    result = run("check", path)
    assert result.exit_code == 1
    assert "values-unreadable" in result.output
    assert "未能读出数值" in result.output


def test_cli_budgets_unreadable_share_is_a_setting():
    from xxgk.rules import RuleSettings

    assert RuleSettings().unreadable_share == 0.1
    with pytest.raises(ValueError, match="unreadable_share"):
        RuleSettings(unreadable_share=1.5)


def _broken_sheet_xlsx() -> bytes:
    """A workbook whose sheet XML is cut off: openpyxl raises an XML ParseError."""
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(far_cell_xlsx(far="B1"))) as package:
        members = {n: package.read(n) for n in package.namelist()}
    members["xl/worksheets/sheet1.xml"] = members["xl/worksheets/sheet1.xml"][:120]
    return zip_of(members)


@pytest.mark.parametrize("debug", [False, True])
def test_cli_budgets_damaged_file_is_one_line_with_exit_2(tmp_path, debug):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_broken_sheet_xlsx())
    result = run("parse", *(["--debug"] if debug else []), bad)
    assert result.exit_code == 2
    assert f"{bad}: 文件已损坏或格式不受支持（ParseError" in result.output
    assert "Traceback" not in result.output
