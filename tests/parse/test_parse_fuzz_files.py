"""Damaged files never escape as a library error: mutated bytes of real DOCX, XLSX, HTML and
PDF files (written in the test), and of the XML inside the packages, either read as a report
or are refused with one ``InputError`` ("文件已损坏或格式不受支持" and the reason)."""

from __future__ import annotations

import io
import random
import zipfile
from functools import cache

import pytest
from hostile_support import pdf_of, text_page, zip_of
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.errors import InputError
from xxgk.limits import Limits, use_limits
from xxgk.model.report import Report
from xxgk.parse import parse_bytes
from xxgk.render import render
from xxgk.synth import random_report

FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
LIMITS = Limits(parse_seconds=30)


@cache
def originals() -> dict[str, bytes]:
    report = random_report(random.Random(11))
    lines = ["Government information disclosure 2024", "requests 12 granted 5", "fees 0"]
    return {
        "docx": render(report, "docx"),
        "xlsx": render(report, "xlsx"),
        "html": render(report, "html"),
        "pdf": pdf_of([text_page(lines), text_page(lines[:1])]),
    }


def mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    """Overwrite bytes at the given (relative position, value) pairs, then maybe truncate."""
    out = bytearray(data)
    for where, value in edits:
        out[where % len(out)] = value
    if cut is not None:
        del out[cut % len(out) :]
    return bytes(out)


def parses_or_refuses(data: bytes, name: str) -> None:
    """A report, or an ``InputError`` naming the file (anything else fails the test)."""
    refusal = None
    with use_limits(LIMITS):
        try:
            report: Report | None = parse_bytes(data, source=name, name=name)
        except InputError as exc:
            report, refusal = None, exc.describe()
    if refusal is not None:
        assert refusal.startswith(f"{name}: ")
    else:
        assert isinstance(report, Report)


edits = st.lists(st.tuples(st.integers(0, 10**7), st.integers(0, 255)), max_size=12)
cuts = st.one_of(st.none(), st.integers(1, 10**7))


@pytest.mark.parametrize("fmt", ["docx", "xlsx", "html", "pdf"])
@FUZZ
@given(edits=edits, cut=cuts)
def test_fuzz_mutated_file_bytes_parse_or_are_refused(fmt, edits, cut):
    parses_or_refuses(mutate(originals()[fmt], edits, cut), f"fuzz.{fmt}")


@pytest.mark.parametrize(("fmt", "member"), [("docx", "word/document.xml"), ("xlsx", None)])
@FUZZ
@given(edits=edits, cut=cuts)
def test_fuzz_mutated_package_xml_parse_or_is_refused(fmt, member, edits, cut):
    """The zip stays valid and the XML inside is damaged: XML and openpyxl errors."""
    with zipfile.ZipFile(io.BytesIO(originals()[fmt])) as package:
        members = {n: package.read(n) for n in package.namelist()}
    target = member or next(n for n in members if n.startswith("xl/worksheets/"))
    members[target] = mutate(members[target], edits, cut)
    parses_or_refuses(zip_of(members), f"fuzz.{fmt}")


def test_fuzz_library_error_becomes_the_damaged_file_message():
    with pytest.raises(InputError) as caught:
        parse_bytes(b"%PDF-1.4\n" + b"\x00garbage" * 50, source="bad.pdf", name="bad.pdf")
    assert caught.value.path == "bad.pdf"
    assert "PDF" in caught.value.message_zh or "已损坏" in caught.value.message_zh
