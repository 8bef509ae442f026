"""Session fixtures for the OCR tests: one fictional report, rendered once, scanned a few ways.

OCR takes seconds a page on one core, so every scan is made and read once per session and
the tests assert on the cached results.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import ocr_scans as scans
import pytest

from xxgk.limits import current_limits, use_limits
from xxgk.model.report import Report
from xxgk.office import soffice_path
from xxgk.parse import parse_bytes
from xxgk.parse.ocr import ocr_available


@pytest.fixture(scope="session")
def source() -> Report:
    return scans.source_report()


@pytest.fixture(scope="session")
def source_pdf(source: Report) -> bytes:
    if soffice_path() is None:
        pytest.skip("LibreOffice is not installed")
    return scans.render_source(source)


@pytest.fixture(scope="session")
def text_pdf_report(source_pdf: bytes) -> Report:
    """The rendered PDF read from its text layer: where each cell is, and its findings."""
    return parse_bytes(source_pdf, name="source.pdf", ocr="never")


READING_SECONDS = 900.0
"""The OCR time budget of the reading tests: they check what is read, and a test machine
shared by parallel workers may take far longer than the 30 s of wall time the default
``ocr_seconds`` allows (the budget itself is tested in test_ocr_budget.py)."""


@pytest.fixture(scope="session")
def read_once() -> Callable[[str, Callable[[], bytes]], Report]:
    """Read a scan once per session by name (OCR is slow; several tests look at one read)."""
    cache: dict[str, Any] = {}

    def read(name: str, make: Callable[[], bytes]) -> Report:
        if not ocr_available():
            pytest.skip("the ocr extra is not installed")
        if name not in cache:
            limits = current_limits()
            roomy = replace(limits, ocr_seconds=max(limits.ocr_seconds, READING_SECONDS))
            with use_limits(roomy):
                cache[name] = parse_bytes(make(), name=name)
        return cache[name]

    return read
