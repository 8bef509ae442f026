"""Every CSV xxgk writes opens in Excel or WPS as Chinese text: a UTF-8 BOM, Chinese headers in
the first row and the canonical keys in the second, and formula-like text kept as text."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from xxgk.batch import CSV_COLUMNS, reports_to_csv
from xxgk.cli.disclosure.public import EXPORT_COLUMNS, _csv_bytes
from xxgk.corpus.stats import Figures
from xxgk.corpus.text import stats_csv
from xxgk.model.report import Report
from xxgk.spreadsheet import BOM, csv_document

SRC = Path(__file__).resolve().parents[1] / "src" / "xxgk"


def _rows(text: str) -> list[list[str]]:
    assert text.startswith(BOM)
    return list(csv.reader(io.StringIO(text.removeprefix(BOM))))


def _chinese(cell: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", cell) is not None


def test_csv_document_has_bom_chinese_headers_keys_and_safe_cells():
    rows = _rows(csv_document([("单位", "unit"), ("数量", "count")], [["=1+1", -3]]))
    assert rows == [["单位", "数量"], ["unit", "count"], ["'=1+1", "-3"]]


def test_parse_csv_has_chinese_headers_then_cell_keys():
    report = Report(organization="@示例县民政局", year=2024)
    rows = _rows(reports_to_csv([report]))
    assert all(_chinese(h) for h in rows[0])
    assert tuple(rows[1]) == CSV_COLUMNS
    assert rows[2][0] == "'@示例县民政局"


def test_stats_csv_has_chinese_headers_then_keys():
    figures = Figures(label="示例县", year=2024)
    rows = _rows(stats_csv([figures]))
    assert rows[0][:3] == ["单位或地区", "年度", "报告数"]
    assert rows[1][:3] == ["label", "year", "reports"]
    assert all(_chinese(h) for h in rows[0])
    assert rows[2][0] == "示例县"


def test_disclosure_export_csv_has_chinese_headers_then_keys():
    row = {key: "" for key, _ in EXPORT_COLUMNS} | {"title": "+关于养护的通知"}
    rows = _rows(_csv_bytes([row]).decode("utf-8"))
    assert rows[0] == [label for _, label in EXPORT_COLUMNS]
    assert rows[1] == [key for key, _ in EXPORT_COLUMNS]
    assert rows[2][[k for k, _ in EXPORT_COLUMNS].index("title")] == "'+关于养护的通知"


def test_no_csv_writer_bypasses_the_shared_helpers():
    """A new CSV writer must add the BOM and the header rows: the known ones are listed."""
    known = {
        "spreadsheet.py",  # csv_document itself
        "batch.py",  # the parse CSV rows after csv_header_lines
        "parse_cmd.py",  # streams the parse CSV rows after csv_header_lines
        "export.py",  # open data: utf-8-sig, tested in tests/corpus
        "overview.py",  # the status list: BOM and two header rows, tested in tests/web
        "audit_search.py",  # the audit log: BOM and Chinese headers, tested in tests/web
    }
    writers = {p.name for p in SRC.rglob("*.py") if "csv.writer(" in p.read_text("utf-8")}
    writers |= {p.name for p in SRC.rglob("*.py") if "csv.DictWriter(" in p.read_text("utf-8")}
    assert writers <= known, writers - known
