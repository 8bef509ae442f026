"""Text helpers of the narrative rules: years, dates, shingles. Regexes are compiled once."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from functools import cache

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0"}
YEAR = re.compile(r"((?:19|20|１９|２０)\d{2}|[〇○零一二三四五六七八九]{4})\s*年")
PERIOD = re.compile(
    r"统计[^。]{0,40}?(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*起?\s*"
    r"(?:至|到|—+|－|-|~|～)\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日"
)
_SENTENCE_END = re.compile(r"(?<=[。！？；])")


def compiled_later(pattern: str) -> Callable[[], re.Pattern[str]]:
    """Return a function giving ``re.compile(pattern)``, compiled when it is first called.

    For the patterns of rules few reports reach (a 文号 in the wrong brackets, a fee charged
    without any application): a pattern with Chinese character classes takes 0.2–0.8 ms to
    compile, which every ``xxgk check FILE`` paid at import (start-up, issue #19).
    """
    return cache(lambda: re.compile(pattern))


def normalize(text: str) -> str:
    """Return ``text`` in NFKC form (full-width digits and brackets made half-width)."""
    return unicodedata.normalize("NFKC", text)


def compact(text: str) -> str:
    r"""Return ``text`` without any whitespace: what ``re.sub(r"\s+", "", text)`` returns
    (``str.split`` and ``\s`` know the same whitespace characters), three times faster."""
    return "".join(text.split())


def year_value(token: str) -> int:
    """Return the year written as digits or Chinese numerals (二〇二四)."""
    return int("".join(_CN_DIGITS.get(c, c) for c in token))


def first_year(text: str) -> int | None:
    """Return the first year (``2024年``, ``二〇二四年``) in ``text``, or None."""
    match = YEAR.search(text)
    return year_value(match.group(1)) if match else None


def dominant_year(text: str) -> int | None:
    """Return the year the text mentions most, if it is mentioned at least twice and more
    often than any other; otherwise None."""
    counts = Counter(year_value(m.group(1)) for m in YEAR.finditer(text)).most_common(2)
    if not counts or counts[0][1] < 2:
        return None
    if len(counts) > 1 and counts[1][1] == counts[0][1]:
        return None
    return counts[0][0]


def years_in(text: str) -> set[int]:
    return {year_value(m.group(1)) for m in YEAR.finditer(text)}


def mentions_year(text: str, year: int) -> bool:
    """Return ``year in years_in(text)``, at once when ``text`` has the year as usually
    written (``2024年``): those five characters are always a match of ``YEAR`` (its matches
    are four characters, spaces and 年, so no other match can take them). Else every year
    of the text is read."""
    if 1900 <= year <= 2099 and f"{year}年" in text:
        return True
    return year in years_in(text)


def sentences(text: str) -> list[str]:
    """Split ``text`` after 。！？； and line breaks."""
    out: list[str] = []
    for line in text.splitlines():
        out += [s for s in _SENTENCE_END.split(line) if s.strip()]
    return out


def shingles(text: str, size: int) -> set[str]:
    """Return the set of ``size``-character substrings of ``text`` without whitespace."""
    text = compact(text)
    return {text[i : i + size] for i in range(len(text) - size + 1)}


def jaccard(a: AbstractSet[str], b: AbstractSet[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)
