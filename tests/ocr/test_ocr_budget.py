"""OCR within its time budget everywhere (CLI, web, API): a scan whose pages would take longer
than ``ocr_seconds`` is refused before the first page is recognised, with a reason naming the
budget and how to raise it; a recognition that runs past the budget anyway (slower pages than
estimated) is stopped, also in a thread where no timer reaches."""

from __future__ import annotations

import io
import threading
import time

import pytest
from PIL import Image
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.limits import LimitError, Limits, reset_limits, use_limits
from xxgk.parse import ocr, parse_bytes

needs_ocr = pytest.mark.skipif(not ocr.ocr_available(), reason="the ocr extra is not installed")


def _tiff(pages: int) -> bytes:
    """A multi-page TIFF scan of ``pages`` blank A4 pages at 150 dpi (small: blank, packed)."""
    frames = [Image.new("1", (1240, 1754), 1) for _ in range(pages)]
    out = io.BytesIO()
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:], dpi=(150, 150))
    return out.getvalue()


def test_pages_over_the_estimate_are_refused_naming_the_budget():
    with use_limits(Limits(ocr_seconds=20)):
        ocr.check_ocr_pages(2, "扫描件.pdf")  # 2 × 8 s = 16 s: within
        with pytest.raises(LimitError) as refused:
            ocr.check_ocr_pages(3, "扫描件.pdf")
    error = refused.value
    assert error.budget == "ocr_seconds"
    assert error.path == "扫描件.pdf"
    assert "需识别3页" in error.message_zh
    assert "上限20秒" in error.message_zh
    assert "XXGK_LIMIT_OCR_SECONDS" in error.message_zh


def test_the_default_budget_keeps_a_scan_within_30_seconds():
    """Issue #11: no file costs more than 30 s. The default OCR budget is the whole job's,
    and with the page estimate it accepts 4 scanned pages and refuses the fifth up front."""
    assert Limits().ocr_seconds <= 30
    with use_limits(Limits()):
        ocr.check_ocr_pages(4, "扫描件.pdf")
        with pytest.raises(LimitError) as refused:
            ocr.check_ocr_pages(5, "扫描件.pdf")
    assert "需识别5页，按每页约7秒估计需35秒" in refused.value.message_zh
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


def test_recognition_slower_than_estimated_stops_at_the_budget_in_a_thread(monkeypatch):
    """No timer reaches a thread (a fetch job, a web server without worker processes): the
    budget is checked after each page."""

    def slow_page(page_no, image):
        time.sleep(0.2)
        return page_no

    monkeypatch.setattr(ocr, "recognise_page", slow_page)
    monkeypatch.setattr(ocr, "PAGE_ESTIMATE_SECONDS", 0.01)
    outcome: list[object] = []

    def work() -> None:
        with use_limits(Limits(ocr_seconds=0.3)):
            try:
                outcome.append(ocr.recognise_pages(((n, None) for n in range(1, 6)), "s.tiff", 5))
            except LimitError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(30)
    assert isinstance(outcome[0], LimitError)
    assert outcome[0].budget == "ocr_seconds"


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
