"""The small steps of the parser: labels, values, dates, encodings, formats, sections."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xxgk.model import cells
from xxgk.model.report import Report
from xxgk.parse import debug_parse, detect_format, parse_bytes, parse_text, register_reader
from xxgk.parse.dates import cn_number, parse_date
from xxgk.parse.encoding import bytes_to_text
from xxgk.parse.labels import REQUEST_LABELS, normalise
from xxgk.parse.readers import READERS, SNIFFERS
from xxgk.parse.sections import match_heading, section_number
from xxgk.parse.text import line_to_cells
from xxgk.parse.values import read_cell, split_label_numbers

FULL_WIDTH = str.maketrans("0123456789,.", "０１２３４５６７８９，．")


@pytest.mark.parametrize(
    ("printed", "key"),
    [
        ("（三）不予公开 1.属于国家秘密", None),
        ("1. 属于国家秘密", "denied_state_secret"),
        ("2.其他法律和行政法规禁止公开", "denied_prohibited_by_law"),
        ("(二) 部分公开（区分处理的，只计这一情形，不计其他情形）", "partially_granted"),
        ("四、结转下年度继续办理", "carried_forward"),
        ("（七） 总 计", "total_handled"),
    ],
)
def test_parse_units_label_normalisation(printed: str, key: str | None) -> None:
    rows = [e.key for e in REQUEST_LABELS.get(normalise(printed), []) if e.role == "row"]
    assert rows == ([key] if key else [])


@given(st.integers(min_value=0, max_value=10**9), st.booleans(), st.booleans())
def test_parse_units_numbers_in_any_width(value: int, full_width: bool, grouped: bool) -> None:
    text = f"{value:,}" if grouped else str(value)
    if full_width:
        text = text.translate(FULL_WIDTH)
    cell = read_cell(text)
    assert (cell.kind, cell.value) == ("number", Decimal(value))


@pytest.mark.parametrize("text", ["/", "／", "—", "——", "-", "无", " / "])
def test_parse_units_placeholders(text: str) -> None:
    assert read_cell(text).kind == "placeholder"


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("", "empty"),
        ("1,23", "invalid"),
        ("12.5", "number"),
        ("3件", "number"),
        ("行政许可", "text"),
    ],
)
def test_parse_units_cell_kinds(text: str, kind: str) -> None:
    assert read_cell(text).kind == kind


def test_parse_units_space_separated_numbers() -> None:
    assert split_label_numbers("（一）予以公开 3 0 /") == ("（一）予以公开", ["3", "0", "/"])
    assert split_label_numbers("0 0 0") == ("", ["0", "0", "0"])
    assert split_label_numbers("结果 维持") is None


@given(
    st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2099, 12, 31)),
    st.sampled_from(
        [
            "{y}年{m}月{d}日",
            "{y}-{m:02d}-{d:02d}",
            "{y}.{m}.{d}",
            "{y}/{m}/{d}",
            "{y} 年 {m} 月 {d} 日",
        ]
    ),
)
def test_parse_units_date_forms(date: dt.date, form: str) -> None:
    assert parse_date(form.format(y=date.year, m=date.month, d=date.day)) == date


def test_parse_units_chinese_numeral_dates() -> None:
    assert parse_date("二〇二五年一月二十三日") == dt.date(2025, 1, 23)
    assert parse_date("二〇二四年十二月三十日") == dt.date(2024, 12, 30)
    assert parse_date("2025年2月30日") is None
    assert cn_number("十") == 10
    assert cn_number("三十一") == 31


ENCODINGS = ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_parse_units_encodings_detected(encoding: str) -> None:
    text = "示例县清河镇人民政府2024年政府信息公开工作年度报告\n一、总体情况\t0\n"
    decoded = bytes_to_text(text.encode(encoding))
    assert decoded.text == text
    assert decoded.guessed == (encoding in ("gb18030", "gbk", "utf-16-le", "utf-16-be"))


def test_parse_units_utf8_cut_mid_character_is_still_utf8() -> None:
    text = "示例县清河镇人民政府2024年政府信息公开工作年度报告\n一、总体情况\n平稳。\n" * 3
    decoded = bytes_to_text(text.encode("utf-8")[:-2])  # splits the last 。
    assert decoded.text.startswith("示例县清河镇人民政府")
    assert decoded.guessed
    assert decoded.encoding.startswith("utf-8")


def test_parse_units_text_reader_layouts() -> None:
    assert [c.text for c in line_to_cells("规章\t0\t\t0", 1).cells] == ["规章", "0", "", "0"]
    assert [c.text for c in line_to_cells("\t0", 1).cells] == ["0"]
    assert [c.text for c in line_to_cells("0 |", 1).cells] == ["0"]
    assert [c.text for c in line_to_cells("| 规章 | 1 |", 1).cells] == ["规章", "1"]
    assert line_to_cells("|---|:---:|", 1) is None
    gap = line_to_cells("行政复议  行政诉讼", 1)
    assert [c.text for c in gap.cells] == ["行政复议", "行政诉讼"]
    cell = line_to_cells("\t\t规章\t12", 7).cells[3]
    assert (cell.location.line, cell.location.column, cell.text) == (7, 6, "12")


def test_parse_units_section_headings() -> None:
    assert section_number("1、 总体情况") == 1
    assert section_number("（一）主动公开情况") is None
    assert match_heading("1、 总体情况", 0, loose=False)
    assert not match_heading("（一）主动公开情况", 1, loose=False)
    assert not match_heading("四、结转下年度继续办理", 3, loose=True)
    assert match_heading("四、行政复议和行政诉讼情况", 3, loose=True)


def test_parse_units_heading_variant_is_reported() -> None:
    text = (
        "示例市交通运输局2024年政府信息公开工作年度报告\n一、总体情况\n平稳。\n"
        "二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
        "四、行政复议和行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
    )
    report = parse_text(text)
    assert "review_litigation" in report.sections
    assert "parse-heading-variant" in {f.code for f in report.findings}


def test_parse_units_detect_format() -> None:
    assert detect_format(b"%PDF-1.7") == "pdf"
    assert detect_format(b"<!DOCTYPE html><html>") == "html"
    assert detect_format(b'\xef\xbb\xbf {"year": 2024}') == "json"
    assert detect_format("一、总体情况".encode()) == "text"
    assert detect_format("<table><tr><td>规章</td></tr></table>".encode("utf-16")) == "html"


def test_parse_units_json_round_trip() -> None:
    report = Report(organization="示例市交通运输局", year=2024)
    report.values["active.fees"] = Decimal("1.5")
    report.values["requests.new.total"] = 3
    back = parse_bytes(json.dumps(report.to_dict()).encode(), source="r.json")
    assert back.canonical() == report.canonical()
    assert back.source == "r.json"


def test_parse_units_register_reader_is_used() -> None:
    def sniff(data: bytes, name: str | None) -> bool:
        return data.startswith(b"XXGKTEST")

    def reader(data: bytes, source: str | None):
        return READERS["text"](data[len(b"XXGKTEST") :], source)

    register_reader("xxgktest", reader, sniff=sniff)
    try:
        assert detect_format(b"XXGKTEST") == "xxgktest"
        title = "示例市交通运输局2024年政府信息公开工作年度报告"
        report = parse_bytes(b"XXGKTEST" + title.encode())
        assert report.year == 2024
    finally:
        READERS.pop("xxgktest")
        SNIFFERS.pop("xxgktest")


def test_parse_units_debug_parse_shows_the_steps() -> None:
    text = (
        "示例市交通运输局2024年政府信息公开工作年度报告\n二、主动公开政府信息情况\n规章\t1\t0\t3\n"
    )
    out = debug_parse(text.encode())
    assert out["format"] == "text"
    assert [s["key"] for s in out["sections"]] == ["preamble", "active"]
    rules = next(m for m in out["tables"]["active"] if m["key"] == "rules")
    assert rules["values"] == ["1", "0", "3"]
    assert out["report"]["active"]["rules"] == {"issued": 1, "repealed": 0, "in_force": 3}
    json.dumps(out, ensure_ascii=False)


def test_parse_units_provenance_of_a_value_in_spaced_text() -> None:
    text = (
        "示例市交通运输局2024年政府信息公开工作年度报告\n"
        "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 1 0 0 0 0 0 1\n"
    )
    report = parse_text(text)
    where = report.provenance[cells.request_key("new", "total")]
    assert (where.line, where.column, where.text) == (3, 30, "1")
