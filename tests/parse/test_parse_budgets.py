"""Hostile files against the budgets of ``xxgk.limits``: each is built small, with small
budgets, and must be refused with the budget named (or, for the far cell, read cheaply)."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest
from hostile_support import (
    deep_docx,
    deep_html,
    docx_bomb,
    far_cell_xlsx,
    huge_text,
    legacy_doc,
    many_page_pdf,
    merged_xlsx,
    pdf_flate_bomb,
    pdf_of,
    text_page,
    xlsx_bomb,
)

from xxgk.errors import InputError
from xxgk.limits import MB, LimitError, Limits, current_limits, reset_limits, use_limits
from xxgk.parse import parse_bytes
from xxgk.parse.html import markup_depth
from xxgk.parse.xlsx import read_xlsx
from xxgk.sandbox import budgeted

SMALL = Limits(
    member_bytes=1 * MB,
    unpacked_bytes=2 * MB,
    pages=10,
    cells=5_000,
    rows=1_000,
    text_chars=50_000,
    depth=64,
)


def refused(data: bytes, name: str, limits: Limits = SMALL) -> LimitError:
    with use_limits(limits), pytest.raises(LimitError) as caught:
        parse_bytes(data, source=name, name=name)
    return caught.value


def test_budgets_docx_zip_bomb_is_refused_by_the_member_budget():
    error = refused(docx_bomb(3 * MB), "bomb.docx")
    assert error.budget == "member_bytes"
    assert "解压后的大小" in error.message_zh
    assert error.path == "bomb.docx"


def test_budgets_docx_within_the_member_budget_is_read_as_usual():
    with use_limits(SMALL), pytest.raises(InputError) as caught:
        parse_bytes(docx_bomb(200_000), source="small.docx", name="small.docx")
    assert not isinstance(caught.value, LimitError)  # read, then found to be no report


def test_budgets_xlsx_zip_bomb_is_refused_by_the_member_budget():
    assert refused(xlsx_bomb(3 * MB), "bomb.xlsx").budget == "member_bytes"


def test_budgets_total_unpacked_bytes_is_a_budget_of_its_own():
    limits = replace(SMALL, member_bytes=2 * MB, unpacked_bytes=1 * MB)
    assert refused(docx_bomb(int(1.5 * MB)), "bomb.docx", limits).budget == "unpacked_bytes"


def test_budgets_far_cell_xlsx_is_read_from_the_cells_present():
    """The declared range is 17 billion cells; two rows are present, so two rows are read."""
    with use_limits(SMALL):
        document = read_xlsx(far_cell_xlsx(), "far.xlsx")
    assert [line.text for line in document.lines] == ["第1行", "远处的单元格"]


def test_budgets_far_cell_in_a_table_is_refused_by_the_cells_budget():
    error = refused(far_cell_xlsx(rows=50, far="XFD50", columns=2), "far.xlsx")
    assert error.budget == "cells"
    assert "单元格数" in error.message_zh


def test_budgets_merged_range_over_the_sheet_is_refused_before_openpyxl_builds_it():
    assert refused(merged_xlsx(), "merged.xlsx").budget == "cells"


def test_budgets_pdf_flate_bomb_is_refused_before_pdfium_inflates_it():
    error = refused(pdf_flate_bomb(3 * MB), "bomb.pdf")
    assert error.budget == "member_bytes"


def test_budgets_many_page_pdf_is_refused_by_the_page_count():
    error = refused(many_page_pdf(25), "pages.pdf")
    assert (error.budget, error.found, error.limit) == ("pages", 25, 10)
    assert "页数" in error.message_zh
    assert "25页" in error.message_zh


def test_budgets_pdf_within_the_budgets_is_read():
    with use_limits(SMALL), pytest.raises(InputError) as caught:
        parse_bytes(pdf_of([text_page(["hello"])]), source="ok.pdf", name="ok.pdf")
    assert not isinstance(caught.value, LimitError)


def test_budgets_huge_text_is_refused_by_the_character_budget():
    error = refused(huge_text(200_000), "huge.txt")
    assert error.budget == "text_chars"


def test_budgets_deep_html_is_refused_before_it_is_parsed():
    error = refused(deep_html(5_000), "deep.html")
    assert error.budget == "depth"


def test_budgets_deep_docx_is_refused_by_the_depth_budget():
    assert refused(deep_docx(300), "deep.docx").budget == "depth"


def test_budgets_markup_depth_ignores_void_and_optional_end_tags():
    page = "<html><body>" + "<p>段落<br>" * 500 + "<table><tr><td>1<td>2</table></body></html>"
    assert markup_depth(page) == 3
    assert markup_depth("<div>" * 300 + "</div>" * 300) == 300


def test_budgets_upload_bytes_is_checked_first():
    limits = replace(SMALL, upload_bytes=1000)
    assert refused(b"x" * 1001, "big.txt", limits).budget == "upload_bytes"


def test_budgets_parse_path_checks_the_size_before_reading(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"a" * 5000)
    from xxgk.parse import parse_path

    with (
        use_limits(replace(SMALL, upload_bytes=4000)),
        pytest.raises(LimitError) as caught,
    ):
        parse_path(path)
    assert caught.value.budget == "upload_bytes"
    assert caught.value.path == str(path)


def _spin() -> None:
    while True:
        pass


def test_budgets_time_budget_stops_a_parse_that_runs_too_long():
    with pytest.raises(LimitError) as caught, budgeted(Limits(parse_seconds=0.05)):
        _spin()
    assert caught.value.budget == "parse_seconds"
    assert "解析时间" in caught.value.message_zh


def test_budgets_memory_budget_stops_a_parse_that_allocates_too_much():
    with pytest.raises(LimitError) as caught, budgeted(Limits(memory_bytes=64 * MB)):
        bytearray(512 * MB)
    assert caught.value.budget == "memory_bytes"


def test_budgets_legacy_office_content_is_refused_where_it_is_not_converted():
    with pytest.raises(InputError) as caught:
        parse_bytes(legacy_doc(), source="报告.txt", name="报告.txt", convert_legacy=False)
    message = caught.value.message_zh
    assert "旧版 Office" in message
    assert "“.txt”不符" in message


def test_budgets_are_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("XXGK_LIMIT_PAGES", "7")
    reset_limits()
    try:
        assert current_limits().pages == 7
    finally:
        monkeypatch.delenv("XXGK_LIMIT_PAGES")
        reset_limits()
    assert current_limits().pages == Limits().pages


def test_budgets_lift_ceilings_switches_to_the_ocr_time_budget_and_keeps_memory():
    """OCR runs past the parse budget but not past its own: after ``lift_ceilings`` the
    guard's timer fires at ``ocr_seconds`` from the start of the parse, naming that budget;
    the address space of this process stays limited (the recogniser runs in a watched child
    that lifts the limit only for itself, ``xxgk.bounded``)."""
    import resource

    from xxgk.limits import lift_ceilings

    before = resource.getrlimit(resource.RLIMIT_AS)
    limits = Limits(parse_seconds=0.05, ocr_seconds=0.4, memory_bytes=512 * MB)
    seen = []

    def ocr_like() -> None:
        seen.append(resource.getrlimit(resource.RLIMIT_AS))
        lift_ceilings()
        seen.append(resource.getrlimit(resource.RLIMIT_AS))
        deadline = time.monotonic() + 0.2
        while time.monotonic() < deadline:  # past the 0.05 s parse budget, still running
            pass
        seen.append("past the parse budget")
        _spin()  # until the OCR budget

    began = time.monotonic()
    with pytest.raises(LimitError) as caught, budgeted(limits):
        ocr_like()
    assert seen[0] != before
    assert seen[1:] == [seen[0], "past the parse budget"]
    assert caught.value.budget == "ocr_seconds"
    assert "XXGK_LIMIT_OCR_SECONDS" in caught.value.message_en
    assert time.monotonic() - began >= 0.4
    assert resource.getrlimit(resource.RLIMIT_AS) == before


def test_budget_refusal_survives_the_trip_back_from_a_worker() -> None:
    """A worker of the parse pool pickles its error: every field arrives, so the page still
    names the budget and the file."""
    import pickle

    sent = LimitError("rows", 5, 7, path="年度数据.xlsx")
    back = pickle.loads(pickle.dumps(sent))
    assert type(back) is LimitError
    assert (back.budget, back.limit, back.found, back.path) == ("rows", 5, 7, "年度数据.xlsx")
    assert back.message_zh == sent.message_zh
    assert str(back) == str(sent)
