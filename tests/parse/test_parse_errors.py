"""Unusable input raises InputError with a bilingual message naming the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xxgk.errors import InputError
from xxgk.parse import parse_bytes, parse_path, parse_text


def _error(tmp_path: Path, name: str, data: bytes) -> InputError:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        parse_path(path)
    return info.value


def _bilingual(err: InputError, path_part: str) -> None:
    text = str(err)
    assert path_part in text
    assert any("\u4e00" <= ch <= "\u9fff" for ch in err.message_zh)
    assert err.message_en
    assert err.message_en.isascii()
    assert "Traceback" not in text


def test_parse_errors_empty_file(tmp_path: Path) -> None:
    err = _error(tmp_path, "empty.txt", b"")
    _bilingual(err, "empty.txt")
    assert "为空" in err.message_zh


def test_parse_errors_whitespace_only(tmp_path: Path) -> None:
    err = _error(tmp_path, "blank.txt", b" \n\t\n \r\n")
    assert "empty" in err.message_en


def test_parse_errors_binary_junk(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 8 + os.urandom(512)
    err = _error(tmp_path, "junk.bin", junk)
    _bilingual(err, "junk.bin")


def test_parse_errors_not_a_report(tmp_path: Path) -> None:
    text = "示例县清河镇第三季度防汛工作总结\n一是加强巡查。二是完善预案。\n"
    err = _error(tmp_path, "memo.txt", text.encode("utf-8"))
    _bilingual(err, "memo.txt")
    assert "not an annual" in err.message_en


def test_parse_errors_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        parse_path(tmp_path / "nowhere.txt")
    _bilingual(info.value, "nowhere.txt")


def test_parse_errors_invalid_json(tmp_path: Path) -> None:
    err = _error(tmp_path, "bad.json", b'{"organization": ')
    _bilingual(err, "bad.json")


def test_parse_errors_json_of_another_shape(tmp_path: Path) -> None:
    err = _error(tmp_path, "other.json", b'{"name": "x"}')
    assert "canonical" in err.message_en


def test_parse_errors_unregistered_format() -> None:
    with pytest.raises(InputError) as info:
        parse_bytes(b"%PDF-1.4 not really", source="x.pdf")
    assert "x.pdf" in str(info.value)


def test_parse_errors_parse_text_empty() -> None:
    with pytest.raises(InputError):
        parse_text("   \n", source="pasted")


def test_parse_errors_damaged_report_is_not_an_exception() -> None:
    text = "示例市交通运输局2024年政府信息公开工作年度报告\n一、总体情况\n本年度工作平稳。\n"
    report = parse_text(text)
    codes = {f.code for f in report.findings}
    assert {"parse-table-missing", "parse-section-missing"} <= codes
    assert all(v is None for v in report.values.values())
    assert report.organization == "示例市交通运输局"
    assert report.year == 2024
