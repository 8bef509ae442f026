"""Pages printed to PDF by a browser (issue 14): every cell side is its own small rectangle,
and the browser prints the date, title, address and page number on every page."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from xxgk.parse import parse_path
from xxgk.parse.pdf_layout import merge_collinear
from xxgk.render.html import render_html
from xxgk.synth import random_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_collinear_pieces_of_one_ruling_are_joined() -> None:
    pieces = [(100.0, 10.0, 50.0), (100.3, 50.0, 90.0), (100.0, 120.0, 150.0), (200.0, 10.0, 90.0)]
    assert merge_collinear(pieces) == [
        (100.0, 10.0, 90.0),
        (100.0, 120.0, 150.0),
        (200.0, 10.0, 90.0),
    ]


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[object, Path]]:
    if CHROMIUM is None:
        pytest.skip("headless Chromium is not installed")
    folder = tmp_path_factory.mktemp("browser-pdf")
    out = []
    # A4, and A5: narrow cells wrap the group labels, tables break across more pages
    for seed, size in ((3, "A4"), (7, "A4"), (3, "A5")):
        truth = random_report(random.Random(seed))
        page = folder / f"report{seed}-{size}.html"
        markup = render_html(truth).decode("utf-8")
        markup = markup.replace("</head>", f"<style>@page {{ size: {size} }}</style></head>", 1)
        page.write_text(markup, encoding="utf-8")
        pdf = folder / f"report{seed}-{size}.pdf"
        subprocess.run(
            [
                CHROMIUM,
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
        out.append((truth, pdf))
    return out


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
