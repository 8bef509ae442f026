"""Every XLSX and CSV writer of xxgk keeps a formula-like text (``=HYPERLINK(…)``) as text."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from openpyxl import load_workbook

from xxgk.batch import reports_to_csv
from xxgk.cli.disclosure.public import _csv_bytes, _xlsx_bytes
from xxgk.corpus.export import _write_csv, _write_xlsx
from xxgk.corpus.stats import Figures
from xxgk.corpus.text import stats_csv
from xxgk.register.applications import register_application
from xxgk.register.xlsx import export_xlsx
from xxgk.render import render
from xxgk.spreadsheet import csv_value, looks_like_formula
from xxgk.synth import random_report

EVIL = '=HYPERLINK("http://x","y")'


def _xlsx_cells(data: bytes) -> list:
    book = load_workbook(io.BytesIO(data))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def _assert_xlsx_safe(data: bytes, expected: str = EVIL) -> None:
    cells = [c for c in _xlsx_cells(data) if isinstance(c.value, str) and expected in c.value]
    assert cells, "the hostile text was not written at all"
    assert all(c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for c in _xlsx_cells(data))


def _assert_csv_safe(text: str) -> None:
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + EVIL in cells
    assert not any(looks_like_formula(cell) for cell in cells)


def test_the_helper_quotes_every_trigger_and_leaves_numbers():
    for text in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_value(text) == "'" + text
    assert csv_value(-3) == -3
    assert csv_value("清河镇") == "清河镇"


def test_register_export(world, tmp_path):
    register_application(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        channel_name="当面",
        applicant_type="自然人",
        arrived_on=dt.date(2025, 3, 3),
        applicant_name=EVIL,
        request_text="-2+3",
    )
    path = tmp_path / "register.xlsx"
    export_xlsx(world.session, world.town, path, viewer=world.clerk)
    _assert_xlsx_safe(path.read_bytes())
    _assert_xlsx_safe(path.read_bytes(), "-2+3")


def test_report_xlsx_renderer():
    report = random_report(random.Random(5), organization=EVIL, year=2024)
    _assert_xlsx_safe(render(report, "xlsx"))


def test_parse_csv_of_many_reports():
    report = random_report(random.Random(6), organization=EVIL, year=2024)
    _assert_csv_safe(reports_to_csv([report]))


def test_corpus_exports(tmp_path, monkeypatch):
    from xxgk.corpus import export as corpus_export

    row = {"report_id": 1, "unit": EVIL, "year": 2024, "key": "k", "value": 1}
    row |= {"source": "a.txt", "place": ""}
    _write_csv(tmp_path / "cells.csv", tuple(row), iter([dict(row)]))
    _assert_csv_safe((tmp_path / "cells.csv").read_text("utf-8-sig"))
    monkeypatch.setitem(corpus_export.TABLES, "cells", tuple(row))
    path = _write_xlsx(
        tmp_path / "corpus.xlsx", lambda table: iter([dict(row)] if table == "cells" else [])
    )
    _assert_xlsx_safe(path.read_bytes())


def test_corpus_stats_csv():
    _assert_csv_safe(stats_csv([Figures(label=EVIL, year=2024)]))


def test_disclosure_exports():
    row = {
        "id": 1,
        "unit": "清河镇",
        "title": EVIL,
        "category": "",
        "doc_kind": "",
        "doc_number": "",
        "document_date": "",
        "published_on": "",
        "channels": ["网站"],
        "attribute": "",
        "state": "",
        "withdrawn_on": "",
        "repealed_on": "",
        "attachments": [],
    }
    from xxgk.cli.disclosure.public import EXPORT_COLUMNS

    row = {key: row.get(key, "") for key, _ in EXPORT_COLUMNS}
    _assert_csv_safe(_csv_bytes([row]).decode("utf-8"))
    _assert_xlsx_safe(_xlsx_bytes([row]))
