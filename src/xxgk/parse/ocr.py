"""Reading scanned reports: page images → recognised words and table rules → the same lines
as a PDF with a text layer.

Inputs are PDFs without a text layer, the image-only pages of a text PDF (only those pages
are recognised) and page images (PNG, JPEG, TIFF, also photos of printed pages). Each page
is straightened, cleaned and recognised by ``ocr_grid``; ``pdf_pages.lay_out_page`` then builds the
ruled tables and lines exactly as for a PDF, so the interpreter, provenance (page and box,
in points on the straightened page) and findings are the same. Every OCR'd cell carries the
recogniser's confidence in its ``Location``; ``ocr_doubt`` flags what cannot be trusted.

OCR needs the ``ocr`` extra (``pip install 'xxgk[ocr]'``). Without it, and with the mode
``never``, scans are refused with a clear reason. The mode (``auto``: only where there is
no text layer; ``always``: every page; ``never``) is set by ``ocr_mode`` around a read, so
the reader signature stays ``(data, name)``.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from xxgk.bounded import ChildStopped, map_large_blocks, resident_bytes, stream_watched
from xxgk.errors import InputError
from xxgk.findings import Finding, Location
from xxgk.limits import LimitError, current_limits, lift_ceilings
from xxgk.parse.document import SourceCell, SourceDocument
from xxgk.parse.ocr_modes import OCR_MODES as OCR_MODES
from xxgk.parse.ocr_modes import OcrMode as OcrMode
from xxgk.parse.ocr_modes import current_mode, ocr_available
from xxgk.parse.ocr_modes import ocr_mode as ocr_mode
from xxgk.parse.pdf_layout import PdfLine, cluster_lines
from xxgk.parse.pdf_pages import drop_running, lay_out_page
from xxgk.parse_findings import OCR_PAGES, OCR_SKIPPED, OCR_UNREAD

Place = tuple[int | None, tuple[float, float, float, float] | None]  # page, bbox of a cell

MIN_DPI = 150.0
"""Pages are recognised at no less than this. Measured on the fixtures (benchmarks/ocr.py):
150 and 200 dpi both read every cell exactly in about the same time (the detector resizes the
page itself, the recogniser each word to 48 px), so 150 is the floor for scans and photos."""
MAX_DPI = 200.0
"""A scan finer than this is resampled down: more pixels only cost time and memory (the
recogniser shrinks a page to 2000 px, about 170 dpi for A4, before it reads it)."""
A4_WIDTH_INCH = 8.27
"""An image without a resolution is taken to be an A4-wide page (the report's paper)."""
PAGE_BUDGET_SECONDS = 60.0
"""OCR gives up on a document after this many CPU seconds per page (this process's CPU time,
so a busy machine does not trip it): a page normally takes a few seconds; far more means an
image that is no printed page."""
MAX_PAGES = 60
"""More pages than this are not recognised: annual reports are a few pages long."""
PAGE_ESTIMATE_SECONDS = 6.0
"""Wall seconds one page is expected to take on one idle core: 6.2 CPU s a page measured on
the fixtures before narrow words were read with less padding (``benchmarks/ocr.py``, half of
the pages statistics tables, 2026-12-06), 13–34 % less since (the same table pages, old and
new code alternated), so about 5 s, and a margin. A scan whose first pages
(``ScanPages.first``: the title page and the pages with tables) would take longer than
``ocr_seconds`` of ``xxgk.limits`` is refused before the first page, rather than stopped at
the budget."""
THUMB_DPI = 50.0
"""Resolution of the small copy of each page that tells whether it holds a table (a 6-inch
rule is still 300 px long; rendering and checking it takes about 10 ms)."""
RESERVE_SHARE = 0.1
"""Share of the OCR time budget (at most ``RESERVE_SECONDS``) kept after the recognition to
lay out, interpret and check the pages read: no page is started that would end later."""
RESERVE_SECONDS = 3.0
clock = time.monotonic
"""The clock that paces the pages against the deadline (a test makes pages "take" long)."""


def will_read(name: str | None = None) -> bool:
    """Return True when scanned pages are to be recognised now (mode and installation)."""
    return current_mode() != "never" and ocr_available()


def why_not_zh() -> str:
    """Return why OCR was not done, to append to a refusal (empty when it was allowed)."""
    if current_mode() == "never":
        return "（已设定不做文字识别）"
    if not ocr_available():
        return "（本机未安装文字识别组件，可安装 xxgk[ocr]）"
    return ""


# --- page images ---------------------------------------------------------------------------


@dataclass
class PageImage:
    """One page to recognise: grey pixels and their resolution (dots per inch)."""

    gray: Any  # numpy uint8 array, height × width
    dpi: float


@dataclass
class PageResult:
    """One recognised page: its lines, height in points and the findings about it."""

    lines: list[PdfLine]
    height: float
    findings: list[Finding] = field(default_factory=list)
    candidates: dict[Place, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class ScanPages:
    """The pages of a scan to recognise, and in which order.

    ``numbers`` are the pages (1-based, in page order); ``first`` those read before the
    others: the title page (organization, year) and the pages that hold tables, whose values
    the report is about, found cheaply from the ruling lines of a small copy
    (``ocr_grid.holds_table``). ``image`` makes a page's image when it is recognised (in the
    recognising child, one page in memory at a time)."""

    numbers: list[int]
    first: list[int]
    image: Callable[[int], PageImage]

    def order(self) -> list[int]:
        """Return the pages in reading order: ``first`` ones, then the others."""
        chosen = set(self.first)
        return [n for n in self.numbers if n in chosen] + [
            n for n in self.numbers if n not in chosen
        ]


@dataclass
class Recognition:
    """The pages recognised within the budget (by page number) and those left unread."""

    results: dict[int, PageResult]
    unread: list[int]


def first_pages(numbers: Sequence[int], thumbnail: Callable[[int], PageImage]) -> list[int]:
    """Return the pages to recognise first: page 1 (the title) and the pages with tables."""
    from xxgk.parse.ocr_grid import holds_table

    first = []
    for n in numbers:
        if n == 1:
            first.append(n)
            continue
        small = thumbnail(n)
        if holds_table(small.gray, small.dpi):
            first.append(n)
    return first


def thumbnail(image: PageImage) -> PageImage:
    """Return ``image`` at ``THUMB_DPI`` (the copy that tells tables from prose)."""
    from xxgk.parse.ocr_grid import shrink  # OpenCV only through ocr_grid (its threads)

    return PageImage(shrink(image.gray, THUMB_DPI / image.dpi), THUMB_DPI)


def pdf_thumbnail(page: pdfium.PdfPage) -> PageImage:
    import numpy as np

    image = page.render(scale=THUMB_DPI / 72.0, grayscale=True).to_pil().convert("L")
    return PageImage(np.asarray(image), THUMB_DPI)


def pdf_page_dpi(page: pdfium.PdfPage) -> float:
    """Return the resolution to render a scanned page at: that of its largest image (no
    detail lost, none invented), kept within ``MIN_DPI``…``MAX_DPI``."""
    best = 0.0
    for obj in page.get_objects(filter=[pdfium_raw.FPDF_PAGEOBJ_IMAGE]):
        left, bottom, right, top = obj.get_bounds()
        try:
            width_px, _ = obj.get_px_size()
        except Exception:  # an image pdfium cannot measure: use the default resolution
            continue
        if right - left > 36:
            best = max(best, width_px / ((right - left) / 72.0))
    return min(max(best, MIN_DPI), MAX_DPI)


def render_pdf_page(page: pdfium.PdfPage) -> PageImage:
    import numpy as np

    dpi = pdf_page_dpi(page)
    image = page.render(scale=dpi / 72.0, grayscale=True).to_pil().convert("L")
    return PageImage(np.asarray(image), dpi)


def image_pages(data: bytes, name: str | None = None) -> ScanPages:
    """Return the pages of an image file (every frame of a TIFF), upright as shown, each
    decoded when it is recognised (one page in memory at once)."""
    from PIL import Image, UnidentifiedImageError

    try:
        image = Image.open(io.BytesIO(data))
        count = getattr(image, "n_frames", 1)
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise _unopened(exc, name) from exc
    check_page_count(count, name)  # before any frame is decoded
    numbers = list(range(1, count + 1))

    def frame(n: int) -> PageImage:
        return _frame(image, n - 1, name)

    first = first_pages(numbers, lambda n: thumbnail(frame(n)))
    return ScanPages(numbers, first, frame)


def _unopened(exc: Exception, name: str | None) -> InputError:
    return InputError(
        "无法打开图片文件（已损坏或格式不支持）", f"cannot open the image: {exc}", path=name
    )


def _frame(image: Any, index: int, name: str | None) -> PageImage:
    import numpy as np
    from PIL import ImageOps, UnidentifiedImageError

    try:
        image.seek(index)
        frame = ImageOps.exif_transpose(image.copy())
    except (UnidentifiedImageError, OSError, ValueError, EOFError) as exc:
        raise _unopened(exc, name) from exc
    gray = frame.convert("L")
    del frame
    dpi = _image_dpi(image, gray.width)
    if dpi < MIN_DPI:  # a small photo: enlarge so glyphs reach the recogniser's size
        factor = MIN_DPI / dpi
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)))
        dpi = MIN_DPI
    elif dpi > MAX_DPI:
        factor = MAX_DPI / dpi
        gray = gray.resize((round(gray.width * factor), round(gray.height * factor)))
        dpi = MAX_DPI
    return PageImage(np.asarray(gray), dpi)


def _image_dpi(frame: Any, width_px: int) -> float:
    """The resolution an image declares when it is plausible for a page, else the one that
    makes it an A4-wide page."""
    declared = frame.info.get("dpi")
    fitted = width_px / A4_WIDTH_INCH
    if declared:
        dpi = float(declared[0])
        # a declared resolution that makes the page neither A4 nor A3 wide is a default (72)
        if 7.0 <= width_px / dpi <= 12.5:
            return dpi
    return fitted


# --- recognition -----------------------------------------------------------------------------


def recognise_page(page_no: int, image: PageImage) -> PageResult:
    """Recognise one page image into lines (a plain function a worker pool can call)."""
    from xxgk.parse.ocr_grid import has_ink, read_page_image

    reading = read_page_image(image.gray, image.dpi)
    lines = lay_out_page(page_no, list(reading.chars), reading.horizontal, reading.vertical)
    findings: list[Finding] = []
    candidates: dict[Place, tuple[str, ...]] = {}
    for item in lines:
        item.line.cells = [
            _with_confidence(cell, reading.chars, candidates) for cell in item.line.cells
        ]
        if item.line.in_table and item.line.cells and any(c.text for c in item.line.cells):
            for cell in item.line.cells[1:]:
                box = cell.location.bbox
                if not cell.text and box and has_ink(reading.prepared.gray, image.dpi, box):
                    findings.append(Finding(OCR_UNREAD, location=cell.location))
    return PageResult(lines, reading.height, findings, candidates)


def _with_confidence(
    cell: SourceCell, chars: Sequence[Any], candidates: dict[Place, tuple[str, ...]]
) -> SourceCell:
    """Return ``cell`` with the lowest confidence of the characters read inside its box;
    the other readings the recogniser saw for them go to ``candidates``."""
    box = cell.location.bbox
    if box is None or not cell.text:
        return cell
    x0, top, x1, bottom = box
    inside = [
        ch for ch in chars if x0 - 0.5 <= ch.cx <= x1 + 0.5 and top - 0.5 <= ch.cy <= bottom + 0.5
    ]
    if not inside:
        return cell
    loc = cell.location
    ordered = [ch for line in cluster_lines(inside) for ch in line]
    if "".join(ch.text for ch in ordered) == cell.text:
        others = _other_readings(ordered)
        if others:
            candidates[(loc.page, loc.bbox)] = others
    confidence = round(min(ch.score for ch in inside), 3)
    return SourceCell(
        cell.text, Location(page=loc.page, bbox=loc.bbox, text=loc.text, confidence=confidence)
    )


def _other_readings(chars: Sequence[Any], limit: int = 4) -> tuple[str, ...]:
    """Return the texts with one character replaced by a runner-up the recogniser saw."""
    text = [ch.text for ch in chars]
    out: list[str] = []
    for index, ch in sorted(enumerate(chars), key=lambda pair: pair[1].score):
        for alternative in ch.alternatives:
            out.append("".join(text[:index]) + alternative + "".join(text[index + 1 :]))
    return tuple(out[:limit])


def check_page_count(count: int, name: str | None) -> None:
    """Refuse a scan of more than ``MAX_PAGES`` pages before any page is looked at."""
    if count > MAX_PAGES:
        raise InputError(
            f"扫描页超过{MAX_PAGES}页，不进行文字识别",
            f"more than {MAX_PAGES} scanned pages; not recognised",
            path=name,
        )


def check_ocr_pages(count: int, name: str | None, total: int | None = None) -> None:
    """Refuse, before any page is recognised, a scan of more than ``MAX_PAGES`` pages or one
    whose ``count`` first pages (of ``total``; the title page and the table pages) would take
    longer than the ``ocr_seconds`` budget (``PAGE_ESTIMATE_SECONDS`` a page); the reason
    names the budget and how to raise it. The other pages are read while the budget lasts."""
    total = count if total is None else total
    check_page_count(total, name)
    budget = current_limits().ocr_seconds
    estimate = count * PAGE_ESTIMATE_SECONDS
    if estimate <= budget:
        return
    which = (
        f"扫描件需识别{count}页"
        if count == total
        else f"扫描件共{total}页，其中首页和表格所在的{count}页需识别"
    )
    raise LimitError(
        "ocr_seconds",
        budget,
        estimate,
        path=name,
        message_zh=(
            f"{which}，按每页约{PAGE_ESTIMATE_SECONDS:g}秒估计需{estimate:g}秒，"
            f"超出“扫描件文字识别时间”的上限{budget:g}秒，未进行文字识别"
            "（请上传带文字层的PDF或Word文件；管理员可设置环境变量"
            "XXGK_LIMIT_OCR_SECONDS提高上限）"
        ),
    )


def recognise_pages(scan: ScanPages, name: str | None) -> Recognition:
    """Recognise the pages of ``scan`` within the budgets, its first pages first.

    The scan is refused up front when its first pages alone would take longer than
    ``ocr_seconds`` (``check_ocr_pages``). Then the pages are rendered and recognised one at
    a time in a child process (``xxgk.bounded``) whose resident memory may not pass
    ``memory_bytes``; each page comes back as soon as it is read. The child starts no page
    that would end (at the pace of its slowest page so far) past the deadline: what the
    guard leaves of ``ocr_seconds`` less a reserve for laying out and checking the pages
    read; the watcher kills it at that deadline all the same (also in a thread, where the
    guard's timer cannot reach, and mid-page), and the pages read before are kept. The pages
    not read are returned as ``unread``; none read at all is a refusal. No page may take
    more than ``PAGE_BUDGET_SECONDS`` of CPU on average."""
    if not scan.numbers:
        return Recognition({}, [])
    check_ocr_pages(len(scan.first), name, len(scan.numbers))
    limits = current_limits()
    left = lift_ceilings()  # the guard's timer now holds the OCR time budget
    left = limits.ocr_seconds if left is None else left
    seconds = max(left - min(RESERVE_SECONDS, RESERVE_SHARE * limits.ocr_seconds), 0.001)
    deadline = clock() + seconds
    # the budget is what the parse may add: the child starts with this process's pages
    ceiling = resident_bytes() + limits.memory_bytes
    try:
        pages, stopped = stream_watched(
            _recognise_in_order, scan, name, deadline, memory_bytes=ceiling, seconds=seconds
        )
    except ChildStopped as failed:
        if failed.reason == "memory":
            raise LimitError("memory_bytes", limits.memory_bytes, failed.found, path=name) from None
        raise InputError(
            "文字识别进程异常终止（可能超出内存上限），未能读取扫描件",
            f"the OCR process died (wait status {failed.found:g})",
            path=name,
        ) from None
    if not pages:  # stopped, or out of time, before the first page was read
        raise LimitError("ocr_seconds", limits.ocr_seconds, path=name)
    results = dict(pages)
    return Recognition(results, [n for n in scan.numbers if n not in results])


def _recognise_in_order(
    scan: ScanPages, name: str | None, deadline: float
) -> Iterator[tuple[int, PageResult]]:
    """Recognise the pages in reading order, yielding each (in the child of
    ``recognise_pages``) and stopping before a page that would end past ``deadline``."""
    _return_freed_memory()
    start = time.process_time()
    slowest = 0.0
    for done, page_no in enumerate(scan.order()):
        began = clock()
        if done and began + slowest > deadline:
            return  # the remaining pages are reported unread
        image = scan.image(page_no)
        result = recognise_page(page_no, image)
        del image  # one page image in memory at a time
        slowest = max(slowest, clock() - began)
        yield page_no, result
        if time.process_time() - start > PAGE_BUDGET_SECONDS * (done + 1):
            raise InputError(
                f"文字识别超时（第{page_no}页），图片可能不是打印的报告页面",
                f"OCR ran out of time on page {page_no}",
                path=name,
            )


MMAP_THRESHOLD = 32 << 20
"""Bytes from which glibc's ``malloc`` maps a block of its own, given back when freed: the
detector's largest buffers (a 1 MB threshold saves 130 MB more but costs a third more time,
every buffer then fresh zeroed pages)."""


def _return_freed_memory() -> None:
    """Make glibc give the recogniser's large buffers back to the system when they are freed
    (``bounded.map_large_blocks``; the detector's tens of MB otherwise stay resident): a
    process recognising one 200-dpi table page peaked at 720–770 MB instead of 890–1030 MB,
    for the same CPU time (2026-12-06). Only in the child, which exits after."""
    map_large_blocks(MMAP_THRESHOLD)


def _pages_label(numbers: Sequence[int], total: int) -> str:
    if len(numbers) == total:
        return "全部页面" if total > 1 else "该页"
    return "第" + "、".join(_runs(numbers)) + "页"


def _runs(numbers: Sequence[int]) -> list[str]:
    """Return ``[1, 2, 3, 5]`` as ``["1–3", "5"]`` (runs of 3 and more as a range)."""
    runs: list[list[int]] = []
    for n in sorted(numbers):
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    out = []
    for run in runs:
        if len(run) >= 3:
            out.append(f"{run[0]}–{run[-1]}")
        else:
            out += [str(n) for n in run]
    return out


def _document(
    pages: list[tuple[list[PdfLine], float]],
    recognition: Recognition,
    findings: list[Finding],
    total: int,
    name: str | None,
    format_name: str,
) -> SourceDocument:
    lines = drop_running(pages)
    if not lines:
        raise InputError(
            "文字识别（OCR）没有读出任何文字（图片可能太模糊、太小或不是报告页面）",
            "OCR read no text (the image may be too blurred, too small or not a report page)",
            path=name,
        )
    results = recognition.results
    recognised = sorted(results)
    notes = [Finding(OCR_PAGES, params={"pages": _pages_label(recognised, total)})]
    if recognition.unread:
        notes.append(
            Finding(
                OCR_SKIPPED,
                params={
                    "pages": _pages_label(recognition.unread, total),
                    "budget": f"{current_limits().ocr_seconds:g}",
                },
            )
        )
    return SourceDocument(
        lines,
        source=name,
        format_name=format_name,
        findings=[*notes, *findings],
        ocr=True,
        ocr_candidates={k: v for n in recognised for k, v in results[n].candidates.items()},
    )


def read_pdf_by_ocr(
    pdf: pdfium.PdfDocument,
    indexes: Iterable[int],
    pages: list[tuple[list[PdfLine], float]],
    name: str | None,
) -> SourceDocument:
    """Read a PDF whose pages ``indexes`` (0-based) are recognised; the others keep their
    text-layer lines from ``pages`` (empty: every page is recognised)."""
    numbers = [n + 1 for n in indexes]
    if not ocr_available():
        raise InputError(
            "PDF 需要先进行文字识别（OCR）才能读取" + why_not_zh(),
            "the PDF needs OCR, which is not installed (pip install 'xxgk[ocr]')",
            path=name,
        )
    check_page_count(len(numbers), name)
    first = first_pages(numbers, lambda n: pdf_thumbnail(pdf[n - 1]))
    scan = ScanPages(numbers, first, lambda n: render_pdf_page(pdf[n - 1]))
    recognition = recognise_pages(scan, name)
    out = list(pages) if pages else [([], 0.0) for _ in range(len(pdf))]
    findings: list[Finding] = []
    for n in sorted(recognition.results):
        result = recognition.results[n]
        out[n - 1] = (result.lines, result.height)
        findings += result.findings
    return _document(out, recognition, findings, len(pdf), name, "pdf")


def read_image(data: bytes, name: str | None = None) -> SourceDocument:
    """Read a report from page images (PNG, JPEG, TIFF; a scan or a photo)."""
    if not will_read(name):
        raise InputError(
            "图片中的报告需要先进行文字识别（OCR）才能读取" + why_not_zh(),
            "an image needs OCR before it can be read",
            path=name,
        )
    scan = image_pages(data, name)
    recognition = recognise_pages(scan, name)
    results = recognition.results
    findings = [f for n in sorted(results) for f in results[n].findings]
    pages = [
        (results[n].lines, results[n].height) if n in results else ([], 0.0) for n in scan.numbers
    ]
    return _document(pages, recognition, findings, len(pages), name, "image")
