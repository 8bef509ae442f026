"""Peak memory and time of each hostile file, as ``xxgk check`` reads it, beside the targets.

Issue #11: no file under the upload limit may cost more than 1 GB or 30 s anywhere. Each file
is built here at the size the attack needs (all under the 20 MB upload limit) and checked in
a fresh child process with the default budgets; the child's peak resident memory and the
wall time are printed with what became of the file (refused by which budget, or read).

    python benchmarks/hostile_files.py            # every file
    python benchmarks/hostile_files.py pdf-bomb   # only the named ones
    python benchmarks/hostile_files.py scans      # the scans only (OCR)

Scans (image-only PDFs at 200 dpi made from a rendered fictional report: a title page whose
foot begins Table 一, two pages of tables, a prose page; the long one has 6 prose pages more)
are read by OCR in a watched child process: 1, 4 and 10 pages (the title and table pages
first, the prose while the budget lasts, the rest named in ``parse-ocr-skipped``), and a scan
whose title and table pages alone would take longer than ``ocr_seconds`` (refused before any
page is recognised). Peak memory is that of the largest process (the recognising child
included) and CPU the seconds of both. A scan's peak has its own target, 700 MB
(``SCAN_TARGET_MB``).
"""

from __future__ import annotations

import functools
import io
import resource
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests" / "parse"), str(ROOT / "tests" / "ocr")]

from hostile_support import (  # noqa: E402
    CONTENT_TYPES,
    W_NS,
    deep_html,
    far_cell_xlsx,
    huge_text,
    many_page_pdf,
    merged_xlsx,
    text_page,
)

MB = 1024 * 1024
TARGET_SECONDS = 30.0
TARGET_MB = 1024.0
SCAN_TARGET_MB = 700.0
"""A scan's peak, kept well under the 1 GB ceiling that stops the recognising child: a larger
page or another onnxruntime must not turn a reading into a refusal (the 10-page scan peaked
at 963 MB once)."""
CHUNK = 8 * MB


def streamed_zip(member: str, head: bytes, filler: bytes, size: int, tail: bytes) -> bytes:
    """A package with ``member`` of ``size`` bytes (``filler`` repeated), compressed as it is
    written, so a GB-sized member never sits in memory here."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        with package.open(member, "w", force_zip64=True) as out:
            out.write(head)
            block = filler * (CHUNK // len(filler))
            for _ in range(size // len(block)):
                out.write(block)
            out.write(tail)
    return buffer.getvalue()


def docx_bomb() -> bytes:
    head = f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>'.encode()
    return streamed_zip(
        "word/document.xml", head, b" ", 4096 * MB, b"</w:t></w:r></w:p></w:body></w:document>"
    )


def xlsx_bomb() -> bytes:
    book = io.BytesIO(far_cell_xlsx(rows=1, far="B1"))
    with zipfile.ZipFile(book) as package:
        members = {n: package.read(n) for n in package.namelist()}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as out:
        for name, data in members.items():
            if name != "xl/worksheets/sheet1.xml":
                out.writestr(name, data)
                continue
            before, after = data.split(b"<sheetData>", 1)
            with out.open(name, "w", force_zip64=True) as stream:
                stream.write(before + b"<sheetData>")
                block = b" " * CHUNK
                for _ in range(2048 * MB // CHUNK):
                    stream.write(block)
                stream.write(after)
    return buffer.getvalue()


def deep_docx() -> bytes:
    depth = 200_000
    body = b"<w:sdt><w:sdtContent>" * depth + b"<w:p/>" + b"</w:sdtContent></w:sdt>" * depth
    xml = f'<w:document xmlns:w="{W_NS}"><w:body>'.encode() + body + b"</w:body></w:document>"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("word/document.xml", xml)
    return buffer.getvalue()


def pdf_flate_bomb() -> bytes:
    """One page whose content stream inflates to 2 GB (a 2 MB file)."""
    packer = zlib.compressobj(9)
    parts = [packer.compress(text_page(["bomb"]) + b"\n%")]
    block = b" " * CHUNK
    for _ in range(2048 * MB // CHUNK):
        parts.append(packer.compress(block))
    parts.append(packer.flush())
    stream = b"".join(parts)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [4 0 R] /Count 1 >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 3 0 R >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 5\n0000000000 65535 f \n")
    out.write(b"".join(b"%010d 00000 n \n" % o for o in offsets))
    out.write(b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


@functools.cache
def _report_pages() -> tuple[object, ...]:
    """The pages of the fictional report of tests/ocr at 200 dpi (rendered once)."""
    import ocr_scans as scans

    return tuple(scans.page_images(scans.render_source(scans.source_report()), 200))


def scan(pages: int) -> bytes:
    """An image-only PDF of ``pages`` pages at 200 dpi: the report's pages repeated."""
    import ocr_scans as scans

    source = _report_pages()
    return scans.image_pdf([source[n % len(source)] for n in range(pages)], 200)  # type: ignore[misc]


def long_scan() -> bytes:
    """The 4-page report and 6 prose pages after it (10 pages), at 200 dpi."""
    import ocr_scans as scans

    return scans.long_scan(scans.render_source(scans.source_report()), 200, 10)


def tables_over() -> bytes:
    """A scan whose title and table pages alone are over the default budget: the title page
    and the two table pages repeated (6 pages with tables, a prose page)."""
    import ocr_scans as scans

    source = _report_pages()
    return scans.image_pdf([source[n] for n in (0, 1, 2, 1, 2, 1, 3)], 200)  # type: ignore[misc]


SCANS: dict[str, tuple[str, Callable[[], bytes]]] = {
    "scan-1-page": ("scan1.pdf", lambda: scan(1)),
    "scan-4-pages": ("scan4.pdf", lambda: scan(4)),
    "scan-10-pages": ("scan10.pdf", long_scan),
    "scan-tables-over": ("scan-over.pdf", tables_over),
}

FILES: dict[str, tuple[str, Callable[[], bytes]]] = {
    "far-cell": ("far.xlsx", far_cell_xlsx),
    "merged-sheet": ("merged.xlsx", merged_xlsx),
    "docx-bomb": ("bomb.docx", docx_bomb),
    "xlsx-bomb": ("bomb.xlsx", xlsx_bomb),
    "deep-docx": ("deep.docx", deep_docx),
    "pdf-bomb": ("bomb.pdf", pdf_flate_bomb),
    "pdf-5000-pages": ("pages.pdf", lambda: many_page_pdf(5000)),
    "text-19mb": ("huge.txt", lambda: huge_text(19 * MB // 3)),
    "html-deep": ("deep.html", lambda: deep_html(1_000_000)),
    **SCANS,
}


def child(path: str) -> None:
    """In the child process: check the file as ``xxgk check`` does, print the result and
    this process's own peak resident memory."""
    from xxgk.batch import check_one

    outcome = check_one(path)
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # the recognising child of OCR
    peak_mb = max(own.ru_maxrss, children.ru_maxrss) / 1024
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    result = outcome.error or "read as a report"
    for finding in outcome.findings if outcome.error is None else ():
        if finding.code in ("parse-ocr-pages", "parse-ocr-skipped"):
            result += f"; {finding.code} {finding.params['pages']}"
    print(f"{peak_mb:.0f}\t{cpu:.1f}\t{result}", flush=True)


def measure(path: Path) -> tuple[float, float, float, str]:
    """Return wall seconds, peak MB of the child, its CPU seconds and its one-line result."""
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, __file__, "--child", str(path)],
            capture_output=True,
            text=True,
            timeout=180,
        )
    except subprocess.TimeoutExpired:
        return time.perf_counter() - start, float("nan"), float("nan"), "no answer within 180 s"
    seconds = time.perf_counter() - start
    died = "nan\tnan\tthe child died: " + done.stderr[-200:]
    peak, cpu, result = (done.stdout.strip().splitlines() or [died])[-1].split("\t", 2)
    return seconds, float(peak), float(cpu), result


def main(names: list[str]) -> None:
    import tempfile

    chosen = [key for name in names for key in (SCANS if name == "scans" else [name])]
    chosen = chosen or list(FILES)
    print(
        f"{'file':16} {'size':>9} {'time s':>8} {'CPU s':>6} {'peak MB':>8} {'≤ MB':>5}  "
        f"targets ≤{TARGET_SECONDS:g} s, ≤{TARGET_MB:g} MB (scans ≤{SCAN_TARGET_MB:g} MB)  result"
    )
    with tempfile.TemporaryDirectory() as folder:
        for key in chosen:
            name, build = FILES[key]
            path = Path(folder) / name
            path.write_bytes(build())
            size = path.stat().st_size
            seconds, peak, cpu, result = measure(path)
            target_mb = SCAN_TARGET_MB if key in SCANS else TARGET_MB
            ok = "ok " if seconds <= TARGET_SECONDS and peak <= target_mb else "OVER"
            reason = result.split(": ", 1)[-1][:110]
            print(
                f"{key:16} {size / MB:8.2f}M {seconds:8.2f} {cpu:6.1f} {peak:8.0f} "
                f"{target_mb:5.0f}  {ok}  {reason}"
            )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2])
    else:
        main(sys.argv[1:])
