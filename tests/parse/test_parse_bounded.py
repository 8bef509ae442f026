"""The watched child of OCR (``xxgk.bounded``): its resident memory and its time are held to
the budgets, what it returns or raises comes back, and ``parse.ocr`` turns a stopped child into
the usual refusal naming the budget. Simulated with small ceilings and plain allocations, not
with OCR."""

from __future__ import annotations

import os
import threading
import time

import pytest

from xxgk.bounded import ChildStopped, can_watch, resident_bytes, run_watched, stream_watched
from xxgk.errors import InputError
from xxgk.limits import MB, LimitError, Limits, use_limits
from xxgk.parse import ocr

pytestmark = pytest.mark.skipif(not can_watch(), reason="needs fork and /proc (Linux)")


def _touch(size: int) -> int:
    """Allocate ``size`` bytes and touch every page (resident, not only reserved)."""
    block = bytearray(size)
    for at in range(0, size, 4096):
        block[at] = 1
    return len(block)


def _raise_input_error() -> None:
    raise InputError("图片无法识别", "cannot recognise", path="扫描件.png")


def test_bounded_child_returns_its_result():
    assert run_watched(_touch, 4 * MB, memory_bytes=resident_bytes() + 256 * MB, seconds=30) == (
        4 * MB
    )


def test_bounded_child_over_the_memory_ceiling_is_stopped():
    ceiling = resident_bytes() + 64 * MB
    with pytest.raises(ChildStopped) as stopped:
        run_watched(_touch, 512 * MB, memory_bytes=ceiling, seconds=60)
    assert stopped.value.reason == "memory"
    assert stopped.value.found > ceiling


def test_bounded_child_over_the_ceiling_between_two_polls_is_refused_all_the_same():
    """A child that passes the ceiling and frees it again before the parent looks is caught
    by its peak (``wait4``) when it ends."""
    ceiling = resident_bytes() + 64 * MB
    with pytest.raises(ChildStopped) as stopped:
        run_watched(_touch, 256 * MB, memory_bytes=ceiling, seconds=60)
    assert stopped.value.reason == "memory"


def test_bounded_child_past_its_time_is_stopped():
    began = time.monotonic()
    with pytest.raises(ChildStopped) as stopped:
        run_watched(time.sleep, 30, memory_bytes=1024 * MB, seconds=0.3)
    assert stopped.value.reason == "time"
    assert time.monotonic() - began < 20


def test_bounded_child_error_comes_back_as_raised():
    with pytest.raises(InputError) as raised:
        run_watched(_raise_input_error, memory_bytes=1024 * MB, seconds=30)
    assert raised.value.path == "扫描件.png"
    assert raised.value.message_zh == "图片无法识别"


def test_bounded_child_that_dies_is_reported():
    with pytest.raises(ChildStopped) as stopped:
        run_watched(os._exit, 3, memory_bytes=1024 * MB, seconds=30)
    assert stopped.value.reason == "died"


def _two_then_stuck():
    yield 1
    yield 2
    time.sleep(30)
    yield 3


def test_bounded_stream_keeps_what_was_sent_before_the_deadline():
    """OCR keeps the pages recognised before its child was stopped at the deadline."""
    items, stopped = stream_watched(_two_then_stuck, memory_bytes=1024 * MB, seconds=1.5)
    assert items == [1, 2]
    assert stopped is not None
    assert stopped.reason == "time"


def _two_then_error():
    yield 1
    yield 2
    raise InputError("图片无法识别", "cannot recognise")


def test_bounded_stream_error_after_items_is_raised():
    with pytest.raises(InputError):
        stream_watched(_two_then_error, memory_bytes=1024 * MB, seconds=30)


def _children() -> set[int]:
    pids: set[int] = set()
    for task in os.listdir("/proc/self/task"):
        with open(f"/proc/self/task/{task}/children", encoding="ascii") as listed:
            pids |= {int(pid) for pid in listed.read().split()}
    return pids


def test_bounded_child_keeps_no_zombie():
    before = _children()
    run_watched(_touch, MB, memory_bytes=1024 * MB, seconds=30)
    with pytest.raises(ChildStopped):
        run_watched(time.sleep, 30, memory_bytes=1024 * MB, seconds=0.1)
    assert _children() <= before  # every child was collected


def _pages(size: int) -> ocr.ScanPages:
    """Three page "images" that cost ``size`` bytes each to recognise."""
    return ocr.ScanPages([1, 2, 3], [1], lambda page_no: size)


def test_ocr_over_the_memory_budget_is_refused_naming_it(monkeypatch):
    monkeypatch.setattr(ocr, "recognise_page", lambda page_no, size: _touch(size))
    monkeypatch.setattr(ocr, "PAGE_ESTIMATE_SECONDS", 0.01)
    with use_limits(Limits(memory_bytes=64 * MB)), pytest.raises(LimitError) as refused:
        ocr.recognise_pages(_pages(512 * MB), "扫描件.tiff")
    assert refused.value.budget == "memory_bytes"
    assert refused.value.path == "扫描件.tiff"
    assert "解析内存" in refused.value.message_zh
    assert "XXGK_LIMIT_MEMORY_BYTES" in refused.value.message_en


def test_ocr_within_the_memory_budget_returns_every_page(monkeypatch):
    monkeypatch.setattr(ocr, "recognise_page", lambda page_no, size: (page_no, _touch(size)))
    monkeypatch.setattr(ocr, "PAGE_ESTIMATE_SECONDS", 0.01)
    with use_limits(Limits(memory_bytes=256 * MB)):
        recognition = ocr.recognise_pages(_pages(MB), "扫描件.tiff")
    assert recognition.results == {n: (n, MB) for n in (1, 2, 3)}
    assert recognition.unread == []


def test_ocr_memory_budget_holds_in_a_thread(monkeypatch):
    """A fetch job or a web server without worker processes recognises in a thread: the
    child is watched from there just the same."""
    monkeypatch.setattr(ocr, "recognise_page", lambda page_no, size: _touch(size))
    monkeypatch.setattr(ocr, "PAGE_ESTIMATE_SECONDS", 0.01)
    outcome: list[object] = []

    def work() -> None:
        with use_limits(Limits(memory_bytes=64 * MB)):
            try:
                outcome.append(ocr.recognise_pages(_pages(512 * MB), "s.tiff"))
            except LimitError as exc:
                outcome.append(exc)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(60)
    assert isinstance(outcome[0], LimitError)
    assert outcome[0].budget == "memory_bytes"
