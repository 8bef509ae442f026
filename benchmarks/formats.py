"""Benchmark the formats on one core: ``python benchmarks/formats.py [-n 200]``.

``--formats html --pdf 0 --repeat 3`` times the HTML reader alone, best of three passes.

Renders ``n`` random consistent reports (``xxgk.synth``) to HTML, DOCX and XLSX (and a few to
PDF through LibreOffice), then times, per format, rendering and parsing (reader + the shared
interpreter, i.e. ``xxgk.parse.parse_bytes``), checking every parse against its source.
It also times pdfplumber's table extraction on the same PDFs, the measurement behind reading
PDF with pypdfium2, and (``--browser N``, when Chromium is installed) the reader on reports
printed to PDF by headless Chromium, as a visitor saves a web page: every cell side its own
rectangle, the date and page number on every page, rows cut at page breaks. Beside each PDF
figure it prints pdfium's own share: opening every page and its text page, which no reader on
pypdfium2 can go below. "of which reader" is the reader alone (bytes to ``SourceDocument``); the
rest of a parse is the shared interpreter. Targets per core: HTML ≥ 1,000/s, DOCX ≥ 100/s,
PDF ≥ 150/s parsed (issue #19); DOCX ≥ 100/s rendered.
"""

from __future__ import annotations

import argparse
import io
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from xxgk.model.report import Report
from xxgk.parse import parse_bytes
from xxgk.parse.readers import READERS
from xxgk.render import render
from xxgk.render.pdf import render_pdfs, soffice_path
from xxgk.synth import random_report

TARGETS = {
    "parse html": 1000.0,
    "parse docx": 100.0,
    "parse pdf": 150.0,
    "parse pdf (browser)": 150.0,
    "render docx": 100.0,
}


def rate(label: str, items: Sequence, run: Callable[[object], object]) -> float:
    """Run ``run`` on every item, print and return items per CPU second of this process
    (per core: other processes on a shared machine do not count against it)."""
    start = time.process_time()
    for item in items:
        run(item)
    seconds = time.process_time() - start
    per_second = len(items) / seconds
    target = TARGETS.get(label)
    verdict = "" if target is None else (" ok" if per_second >= target else f" BELOW {target:.0f}")
    print(f"{label:<24} {len(items):>5} reports {seconds:8.2f} cpu-s {per_second:9.1f} /s{verdict}")
    return per_second


def check_round_trip(reports: Sequence[Report], documents: Sequence[bytes], fmt: str) -> None:
    for report, data in zip(reports, documents, strict=True):
        if parse_bytes(data, name=f"r.{fmt}").canonical() != report.canonical():
            raise SystemExit(f"{fmt}: a parsed report differs from its source")


def pdfplumber_rate(pdfs: Sequence[bytes]) -> float:
    """Time pdfplumber's word and table extraction on the same PDFs (for the comparison)."""
    import pdfplumber

    def extract(data: bytes) -> None:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                page.extract_tables()
                page.extract_words()

    return rate("pdfplumber tables", pdfs, extract)


def pdfium_floor(pdfs: Sequence[bytes]) -> float:
    """Time what pdfium does for any reader: open the PDF, load each page and its text page."""
    import pypdfium2 as pdfium

    def load(data: bytes) -> None:
        pdf = pdfium.PdfDocument(data)
        for index in range(len(pdf)):
            pdf[index].get_textpage().count_chars()
        pdf.close()

    return rate("  pdfium pages alone", pdfs, load)


def browser_pdfs(reports: Sequence[Report]) -> list[bytes]:
    """Print each report's HTML to PDF with headless Chromium (A4, and every third on A5)."""
    from xxgk.render.html import render_html

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        raise SystemExit("Chromium is not installed")
    out = []
    with tempfile.TemporaryDirectory() as folder:
        for n, report in enumerate(reports):
            size = "A5" if n % 3 == 0 else "A4"
            page = Path(folder) / f"report-{n}.html"
            markup = render_html(report).decode("utf-8")
            style = f"<style>@page {{ size: {size} }}</style></head>"
            page.write_text(markup.replace("</head>", style, 1), encoding="utf-8")
            pdf = Path(folder) / f"report-{n}.pdf"
            subprocess.run(
                [browser, "--headless", "--no-sandbox", "--disable-gpu"]
                + [f"--print-to-pdf={pdf}", page.as_uri()],
                check=True,
                capture_output=True,
                timeout=120,
            )
            out.append(pdf.read_bytes())
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="reports per format (default 200)")
    parser.add_argument("--pdf", type=int, default=10, help="reports for PDF (default 10)")
    parser.add_argument(
        "--browser", type=int, default=0, help="reports printed to PDF by Chromium (default 0)"
    )
    parser.add_argument(
        "--formats",
        default="html,docx,xlsx",
        help="formats rendered and parsed besides PDF (default html,docx,xlsx)",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="time each parse this many times and print the best (default 1)",
    )
    args = parser.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    rng = random.Random(2026)
    reports = [random_report(rng) for _ in range(max(args.n, args.pdf, args.browser or 0))]
    figures: dict[str, float] = {}
    measured = reports[: args.n]  # the PDF and browser samples may ask for more reports
    for fmt in formats:
        figures[f"render {fmt}"] = rate(f"render {fmt}", measured, lambda r, f=fmt: render(r, f))
    for fmt in formats:
        documents = [render(r, fmt) for r in measured]
        check_round_trip(measured[:20], documents[:20], fmt)
        figures[f"parse {fmt}"] = max(
            rate(f"parse {fmt}", documents, lambda d, f=fmt: parse_bytes(d, name=f"r.{f}"))
            for _ in range(args.repeat)
        )
        figures[f"read {fmt}"] = max(
            rate("  of which reader", documents, lambda d, f=fmt: READERS[f](d, None))
            for _ in range(args.repeat)
        )
    if args.pdf <= 0:
        pass
    elif soffice_path() is None:
        print("parse pdf: skipped, LibreOffice is not installed (scripts/setup-system.sh)")
    else:
        sample = reports[: args.pdf]
        start = time.perf_counter()
        pdfs = render_pdfs(sample)
        print(
            f"{'render pdf (LibreOffice)':<24} {len(pdfs):>5} reports "
            f"{time.perf_counter() - start:8.2f} s (one LibreOffice start)"
        )
        check_round_trip(sample, pdfs, "pdf")
        figures["parse pdf"] = rate("parse pdf", pdfs, lambda d: parse_bytes(d, name="r.pdf"))
        figures["read pdf"] = rate("  of which reader", pdfs, lambda d: READERS["pdf"](d, None))
        figures["pdfium pages"] = pdfium_floor(pdfs)
        figures["pdfplumber"] = pdfplumber_rate(pdfs)
    if args.browser and not (shutil.which("chromium") or shutil.which("chromium-browser")):
        print("parse pdf (browser): skipped, Chromium is not installed")
    elif args.browser:
        sample = reports[: args.browser]
        printed = browser_pdfs(sample)
        check_round_trip(sample, printed, "pdf")
        label = "parse pdf (browser)"
        figures[label] = rate(label, printed, lambda d: parse_bytes(d, name="r.pdf"))
        figures["read pdf (browser)"] = rate(
            "  of which reader", printed, lambda d: READERS["pdf"](d, None)
        )
        figures["pdfium pages (browser)"] = pdfium_floor(printed)
    below = [k for k, target in TARGETS.items() if k in figures and figures[k] < target]
    return 1 if below else 0


if __name__ == "__main__":
    sys.exit(main())
