"""Pages printed to PDF by a browser (issue 14): every cell side is its own small rectangle,
the browser prints the date, title, address and page number on every page, and a page
stylesheet that lets rows break cuts a row, a wrapped label or a merged cell at the page end."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from xxgk.findings import Location
from xxgk.parse import parse_path
from xxgk.parse.document import SourceCell, SourceLine
from xxgk.parse.pdf import read_pdf
from xxgk.parse.pdf_layout import PdfLine, merge_collinear
from xxgk.parse.pdf_pages import _join_cut_rows
from xxgk.render.html import render_html
from xxgk.render.layout import TABLE_BY_SECTION
from xxgk.synth import random_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_collinear_pieces_of_one_ruling_are_joined() -> None:
    pieces = [(100.0, 10.0, 50.0), (100.3, 50.0, 90.0), (100.0, 120.0, 150.0), (200.0, 10.0, 90.0)]
    assert merge_collinear(pieces) == [
        (100.0, 10.0, 90.0),
        (100.0, 120.0, 150.0),
        (200.0, 10.0, 90.0),
    ]


def _print(folder: Path, seed: int, css: str, tag: str) -> tuple[object, Path]:
    """Print the rendered report of ``seed`` to PDF with headless Chromium, ``css`` added."""
    truth = random_report(random.Random(seed))
    page = folder / f"report-{tag}.html"
    markup = render_html(truth).decode("utf-8")
    markup = markup.replace("</head>", f"<style>{css}</style></head>", 1)
    page.write_text(markup, encoding="utf-8")
    pdf = folder / f"report-{tag}.pdf"
    subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return truth, pdf


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, Path]]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed")
    folder = tmp_path_factory.mktemp("browser-pdf")
    # A4, and A5: narrow cells wrap the group labels, tables break across more pages
    return [
        _print(folder, seed, f"@page {{ size: {size} }}", f"{seed}-{size}")
        for seed, size in ((3, "A4"), (7, "A4"), (3, "A5"))
    ]


CUTS = (
    (2, 0),  # a row's wrapped label: 1.申请人无正当理由逾期不补正、行 | 政机关不再处理…
    (1, 0),  # the merged 三、本年度办理结果 cut, its outer side touching no ruling on page 2
    (1, 40),  # a header row: 社会公益 | 组织, 法律服务 | 机构
    (1, 60),  # the note cell's text overflowing below the table's last ruling
    (2, 70),  # （三）不予 | 公开 overflowing, the table going on at the next page's top
)
"""Seeds and top paddings (mm) that move Table 三's page break into a row on A5 pages."""


@pytest.fixture(scope="module")
def cut(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, Path]]:
    """Reports printed the way many portals let a browser print them: rows may break."""
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed")
    folder = tmp_path_factory.mktemp("browser-pdf-cut")
    rows_break = "tr { page-break-inside: auto !important; break-inside: auto !important }"
    return [
        _print(
            folder,
            seed,
            f"@media print {{ @page {{ size: A5 }} body {{ padding-top: {pad}mm }} {rows_break} }}",
            f"{seed}-cut{pad}",
        )
        for seed, pad in CUTS
    ]


def _table_three_labels() -> set[str]:
    """Every printed label of Table 三 (headers, groups, rows), as the renderer prints it."""
    layout = TABLE_BY_SECTION["requests"]
    return {cell.text for _, _, cell in layout.positions() if cell.key is None and cell.text}


def test_rows_cut_at_a_page_break_are_read_whole(cut) -> None:
    labels = _table_three_labels()
    for truth, pdf in cut:
        report = parse_path(pdf)
        assert report.values == truth.values, pdf.name
        codes = {f.code for f in report.findings}
        assert not codes & {"parse-label-unmatched", "parse-label-fuzzy", "parse-cell-missing"}
        cells = {c.text for line in read_pdf(pdf.read_bytes()).lines for c in line.cells}
        assert labels <= cells, (pdf.name, sorted(labels - cells))


def test_the_fixtures_do_cut_a_row(cut) -> None:
    """Guard for the test above: each fixture has a table part starting with an open cell
    (the layout moved, or Chromium stopped cutting rows, if this fails)."""
    import pypdfium2 as pdfium  # noqa: PLC0415

    from xxgk.parse.pdf import _page_lines  # noqa: PLC0415 (a look inside, for this guard only)

    for _, pdf in cut:
        document = pdfium.PdfDocument(pdf.read_bytes())
        try:
            pages = [_page_lines(n + 1, document[n])[0] for n in range(len(document))]
        finally:
            document.close()
        continued = [
            line
            for lines in pages
            for line in lines
            if any(line.line.cells[i].text for i in line.open_top)
        ]
        assert continued, pdf.name


def _part(page: int, rows: list[list[str]], top: bool, bottom: bool) -> list[PdfLine]:
    """A ruled table part of two columns (x 0-100 and 100-200) whose first row is open at
    the top (``top``) and whose last row is open at the bottom (``bottom``)."""
    out = []
    for n, texts in enumerate(rows):
        cells = [
            SourceCell(
                t,
                Location(
                    page=page, bbox=(i * 100.0, n * 20.0, i * 100.0 + 100, n * 20.0 + 20), text=t
                ),
            )
            for i, t in enumerate(texts)
        ]
        line = PdfLine(
            page, n * 20.0, SourceLine(cells, in_table=True), grid_start=n == 0, ruled=True
        )
        if n == 0 and top:
            line.open_top = frozenset(range(len(cells)))
        if n == len(rows) - 1 and bottom:
            line.open_bottom = frozenset(range(len(cells)))
        out.append(line)
    return out


def _texts(lines: list[PdfLine]) -> list[list[str]]:
    return [[c.text for c in line.line.cells] for line in lines]


def test_a_cut_label_goes_on_in_the_cell_above() -> None:
    lines = _part(1, [["1.甲乙", "3"], ["2.申请人逾期未", "4"]], False, True)
    lines += _part(2, [["按收费通知缴纳", ""], ["3.其他", "5"]], True, False)
    assert _texts(_join_cut_rows(lines)) == [
        ["1.甲乙", "3"],
        ["2.申请人逾期未按收费通知缴纳", "4"],
        ["3.其他", "5"],
    ]


def test_values_printed_below_the_cut_fill_the_row_above() -> None:
    lines = _part(1, [["2.重复申请", ""]], False, True) + _part(2, [["", "7"]], True, False)
    assert _texts(_join_cut_rows(lines)) == [["2.重复申请", "7"]]


def test_a_new_row_or_a_second_number_joins_nothing() -> None:
    """A row label (``3.``) starts a row, and a number never goes on after a number: the
    table's bottom was only left open (a table drawn without an outer border)."""
    lines = _part(1, [["2.重复申请", "4"]], False, True) + _part(2, [["3.其他", "5"]], True, False)
    assert _texts(_join_cut_rows(lines)) == [["2.重复申请", "4"], ["3.其他", "5"]]


def test_open_edges_on_pages_not_next_to_each_other_join_nothing() -> None:
    lines = _part(1, [["甲", ""]], False, True) + _part(3, [["乙", "5"]], True, False)
    assert _texts(_join_cut_rows(lines)) == [["甲", ""], ["乙", "5"]]


def test_browser_printed_pdf_reads_every_cell(printed) -> None:
    for truth, pdf in printed:
        report = parse_path(pdf)
        assert report.values == truth.values
        assert report.organization == truth.organization
        assert report.published == truth.published


def test_browser_header_and_footer_are_not_table_text(printed) -> None:
    for _, pdf in printed:
        report = parse_path(pdf)
        assert "parse-label-unmatched" not in {f.code for f in report.findings}
