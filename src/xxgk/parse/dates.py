"""Dates as printed in 落款 lines: 2025年1月23日, 2025-01-23, 2025.1.23, 二〇二五年一月二十三日."""

from __future__ import annotations

import datetime as dt
import re

from xxgk.parse.labels import squeeze

_CN_DIGIT = {
    "〇": 0,
    "零": 0,
    "○": 0,
    "O": 0,
    "o": 0,
    "Ｏ": 0,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN = "〇零○OoＯ一二三四五六七八九"
_ARABIC = re.compile(r"(\d{4})(?:年(\d{1,2})月(\d{1,2})日?|[-./](\d{1,2})[-./](\d{1,2}))")
_CHINESE = re.compile(rf"([{_CN}]{{4}})年([{_CN}十]{{1,3}})月([{_CN}十]{{1,3}})日")
_PREFIX = re.compile(r"^(?:(?:发布|落款|印发|成文)?日期[:：]?)")


def cn_number(text: str) -> int | None:
    """Return the value of a Chinese numeral up to 99 (二十三 → 23), or None."""
    if not text or any(ch not in _CN_DIGIT and ch != "十" for ch in text):
        return None
    if "十" not in text:
        value = 0
        for ch in text:
            value = value * 10 + _CN_DIGIT[ch]
        return value
    tens, _, ones = text.partition("十")
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def find_date(text: str) -> tuple[dt.date, int, int] | None:
    """Return the first valid date in ``text`` (squeezed) with its span, or None."""
    s = squeeze(text)
    for match in _ARABIC.finditer(s):
        year = int(match.group(1))
        month = int(match.group(2) or match.group(4))
        day = int(match.group(3) or match.group(5))
        date = _date(year, month, day)
        if date:
            return date, match.start(), match.end()
    for match in _CHINESE.finditer(s):
        parts = [cn_number(match.group(i)) for i in (1, 2, 3)]
        if None not in parts:
            date = _date(*parts)  # type: ignore[arg-type]
            if date:
                return date, match.start(), match.end()
    return None


def parse_date(text: str) -> dt.date | None:
    """Return the date when ``text`` is a date and nothing else (a 落款 date line)."""
    s = _PREFIX.sub("", squeeze(text))
    found = find_date(s)
    if found and found[1] == 0 and found[2] == len(s):
        return found[0]
    return None


def _date(year: int, month: int, day: int) -> dt.date | None:
    if not 1990 <= year <= 2100:
        return None
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
