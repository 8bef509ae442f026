"""OCR within its time budget everywhere (CLI, web, API): a scan whose title and table pages
would take longer than ``ocr_seconds`` is refused before the first page is recognised, with a
reason naming the budget and how to raise it; the other pages are read while the budget lasts
and the rest is reported unread; a recognition that runs past the budget anyway (slower pages
than estimated) is stopped, also in a thread where no timer reaches, keeping the pages read."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image, ImageDraw
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.limits import LimitError, Limits, reset_limits, use_limits
from xxgk.parse import ocr, parse_bytes

needs_ocr = pytest.mark.skipif(not ocr.ocr_available(), reason="the ocr extra is not installed")


def _tiff(pages: int) -> bytes:
    """A multi-page TIFF scan of ``pages`` A4 pages at 150 dpi that draw an empty table (read
    first, as table pages are; small: bilevel, packed)."""
    frames = [Image.new("1", (1240, 1754), 1) for _ in range(pages)]
    for frame in frames:
        draw = ImageDraw.Draw(frame)
        for y in range(300, 800, 60):
            draw.line([(120, y), (1120, y)], fill=0, width=2)
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150))
    return out.getvalue()


def test_only_the_first_pages_count_for_the_refusal_up_front():
    """A 10-page scan whose title and table pages (up to 5: tables on pages 2–5) fit in the
    default 30 s is accepted (the old rule refused all past 4 pages); when they do not fit,
    the reason says which."""
    with use_limits(Limits()):
        ocr.check_ocr_pages(5, "扫描件.pdf", 10)
        with pytest.raises(LimitError) as refused:
            ocr.check_ocr_pages(6, "扫描件.pdf", 10)
    assert "扫描件共10页，其中首页和表格所在的6页需识别" in refused.value.message_zh
    assert "上限30秒" in refused.value.message_zh


def test_pages_over_the_estimate_are_refused_naming_the_budget():
    with use_limits(Limits(ocr_seconds=16)):
        ocr.check_ocr_pages(2, "扫描件.pdf")  # 2 × 6 s = 12 s: within
        with pytest.raises(LimitError) as refused:
            ocr.check_ocr_pages(3, "扫描件.pdf")
    error = refused.value
    assert error.budget == "ocr_seconds"
    assert error.path == "扫描件.pdf"
    assert "需识别3页" in error.message_zh
    assert "上限16秒" in error.message_zh
    assert "XXGK_LIMIT_OCR_SECONDS" in error.message_zh


def test_the_default_budget_keeps_a_scan_within_30_seconds():
    """Issue #11: no file costs more than 30 s. The default OCR budget is the whole job's,
    and with the page estimate it accepts 5 scanned pages and refuses the sixth up front."""
    assert Limits().ocr_seconds <= 30
    with use_limits(Limits()):
        ocr.check_ocr_pages(5, "扫描件.pdf")
        with pytest.raises(LimitError) as refused:
            ocr.check_ocr_pages(6, "扫描件.pdf")
    assert "需识别6页，按每页约6秒估计需36秒" in refused.value.message_zh
    assert "上限30秒" in refused.value.message_zh


@needs_ocr
def test_a_long_scan_is_refused_before_any_page_is_recognised(monkeypatch):
    recognised = []
    monkeypatch.setattr(ocr, "recognise_page", lambda *a: recognised.append(a))
    pages = int(Limits().ocr_seconds // ocr.PAGE_ESTIMATE_SECONDS) + 1
    with pytest.raises(LimitError) as refused:
        parse_bytes(_tiff(pages), name="扫描件.tiff")
    assert refused.value.budget == "ocr_seconds"
    assert f"需识别{pages}页" in refused.value.message_zh
    assert recognised == []


def _check_under(monkeypatch, variable: str, value: str, scan):
    """Run ``xxgk check scan`` with one budget set by its environment variable."""
    monkeypatch.setenv(variable, value)
    reset_limits()
    try:
        return CliRunner().invoke(app, ["check", str(scan)])
    finally:
        monkeypatch.delenv(variable)
        reset_limits()


@needs_ocr
def test_the_cli_refuses_a_long_scan_with_exit_2(tmp_path, monkeypatch):
    scan = tmp_path / "扫描件.tiff"
    scan.write_bytes(_tiff(3))
    result = _check_under(monkeypatch, "XXGK_LIMIT_OCR_SECONDS", "16", scan)
    assert result.exit_code == 2
    assert f"{scan}: 扫描件需识别3页" in result.output
    assert "XXGK_LIMIT_OCR_SECONDS" in result.output
    assert "Traceback" not in result.output


def _sequence_page(page_no, image):
    """A stand-in for recognising a page: the order in which it was read."""
    return next(_READ)


_READ = iter(range(1, 1000))


def test_title_and_table_pages_are_read_first_and_the_rest_while_the_budget_lasts(monkeypatch):
    """Each page "takes" 75 s of a 600 s budget (a stepping clock, not the real one): three
    pages fit before the deadline (600 s less a 3 s reserve); the title and table pages come
    first, the others are left unread."""
    ticks = iter(range(0, 10_000, 75))
    monkeypatch.setattr(ocr, "clock", lambda: float(next(ticks)))
    monkeypatch.setattr(ocr, "recognise_page", _sequence_page)
    scan = ocr.ScanPages([1, 2, 3, 4, 5, 6], [1, 4, 5], lambda n: None)
    with use_limits(Limits(ocr_seconds=600)):
        recognition = ocr.recognise_pages(scan, "扫描件.pdf")
    order = sorted(recognition.results, key=recognition.results.__getitem__)
    assert order == [1, 4, 5]
    assert recognition.unread == [2, 3, 6]


def test_recognition_slower_than_estimated_is_stopped_at_the_deadline_in_a_thread(monkeypatch):
    """No timer reaches a thread (a fetch job, a web server without worker processes): the
    child is killed at the deadline mid-page; the pages read before are kept, the rest is
    unread; a child stopped before its first page is a refusal naming the budget."""

    def slow_page(page_no, image):
        time.sleep(0.05 if page_no == 1 else 30)
        return page_no

    monkeypatch.setattr(ocr, "recognise_page", slow_page)
    monkeypatch.setattr(ocr, "PAGE_ESTIMATE_SECONDS", 0.01)
    outcome: list[object] = []

    def work(seconds: float) -> None:
        with use_limits(Limits(ocr_seconds=seconds)):
            try:
                scan = ocr.ScanPages([1, 2, 3], [1], lambda n: None)
                outcome.append(ocr.recognise_pages(scan, "s.tiff"))
            except LimitError as exc:
                outcome.append(exc)

    began = time.monotonic()
    for seconds in (3.0, 0.002):
        thread = threading.Thread(target=work, args=(seconds,))
        thread.start()
        thread.join(30)
    assert time.monotonic() - began < 25
    read, refused = outcome
    assert isinstance(read, ocr.Recognition)
    assert read.results == {1: 1}
    assert read.unread == [2, 3]
    assert isinstance(refused, LimitError)
    assert refused.budget == "ocr_seconds"


@needs_ocr
def test_the_web_api_refuses_a_long_scan_with_413(tmp_path):
    """The same refusal in the API (and 年报检查, which shares the job): a clear 413, the
    worker slot free again at once."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "web"))
    from web_support import new_client

    pages = int(Limits().ocr_seconds // ocr.PAGE_ESTIMATE_SECONDS) + 1
    with new_client(tmp_path) as c:
        r = c.post("/api/v1/check", files={"file": ("扫描件.tiff", _tiff(pages))})
    assert r.status_code == 413
    error = r.json()["error"]
    assert error["code"] == "over_budget"
    assert f"需识别{pages}页" in error["message"]
    assert "XXGK_LIMIT_OCR_SECONDS" in error["message"]


@needs_ocr
def test_the_cli_refuses_a_scan_over_the_memory_budget_with_exit_2(tmp_path, monkeypatch):
    """The recogniser's memory is held to ``memory_bytes`` in a watched child process: the
    CLI prints the usual one-line refusal and exits 2, it does not die (simulated with a
    page that allocates 512 MB, not with OCR)."""
    from xxgk.bounded import can_watch

    if not can_watch():
        pytest.skip("needs fork and /proc (Linux)")

    def greedy_page(page_no, image):
        block = bytearray(512 * 1024 * 1024)
        for at in range(0, len(block), 4096):
            block[at] = 1
        return page_no

    monkeypatch.setattr(ocr, "recognise_page", greedy_page)
    scan = tmp_path / "扫描件.tiff"
    scan.write_bytes(_tiff(1))
    result = _check_under(monkeypatch, "XXGK_LIMIT_MEMORY_BYTES", str(96 * 1024 * 1024), scan)
    assert result.exit_code == 2
    assert f"{scan}: 文件超出“解析内存”的上限" in result.output
    assert "XXGK_LIMIT_MEMORY_BYTES" in result.output
    assert "Traceback" not in result.output
