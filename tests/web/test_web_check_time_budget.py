"""A scan gets the OCR time budget in the parse pool, everything else the parse budget: a
scanned report is recognised page by page (seconds a page), so the pool's 25 s bound of a parse
would kill every real multi-page scan, while a hostile DOCX or text file keeps the short bound."""

from __future__ import annotations

import asyncio

import pytest

from xxgk import sandbox
from xxgk.limits import LimitError, Limits
from xxgk.parse.ocr import ocr_available
from xxgk.sandbox import ParsePool
from xxgk.web.routes.check import time_budget

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 32
TEXT = "一、总体情况".encode()


@pytest.mark.skipif(not ocr_available(), reason="the ocr extra is not installed")
@pytest.mark.parametrize("data", [PNG, PDF])
def test_an_image_or_pdf_gets_the_ocr_budget(data: bytes) -> None:
    assert time_budget(data) == "ocr_seconds"


@pytest.mark.parametrize("data", [DOCX, TEXT])
def test_other_files_keep_the_parse_budget(data: bytes) -> None:
    assert time_budget(data) == "parse_seconds"


SCAN_LIKE = "from xxgk.limits import lift_ceilings; lift_ceilings(); import time; time.sleep(1.5)"
"""A job that, like OCR, lifts the parse's own timer and then works for 1.5 s."""


def test_the_pool_kills_a_job_after_its_own_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sandbox, "GRACE_SECONDS", 0.0)
    pool = ParsePool(1, Limits(parse_seconds=0.5, ocr_seconds=30.0))
    try:
        assert asyncio.run(pool.run(exec, SCAN_LIKE, budget="ocr_seconds")) is None
        with pytest.raises(LimitError) as killed:
            asyncio.run(pool.run(exec, SCAN_LIKE, budget="parse_seconds"))
        assert killed.value.budget == "parse_seconds"
    finally:
        pool.close()
