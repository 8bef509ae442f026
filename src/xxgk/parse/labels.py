"""Label normalisation and the lookup tables built once from ``model/cells.py``.

Printed labels differ from the template in width (full/half), spaces, punctuation, item
markers (``一、`` ``（一）`` ``1.`` ``1、``) and small wording variants. Normalising both sides
the same way turns most matches into one dict lookup; fuzzy matching is the fallback.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from xxgk.model import cells

_CN_DIGITS = "一二三四五六七八九十"
_MARKER = re.compile(
    r"^(?:[(\[【]\s*[一二三四五六七八九十\d]{1,3}\s*[)\]】]"
    r"|[一二三四五六七八九十]{1,3}\s*[、.,．]"
    r"|\d{1,2}\s*[、.,．)](?!\d))\s*"
)
_DROP = re.compile(r"[\s\u3000、，,。.：:；;“”\"'‘’()（）\[\]【】《》<>〈〉＜＞·•*#|_\-—–/／]+")


@lru_cache(maxsize=4096)
def squeeze(text: str) -> str:
    """Return ``text`` in NFKC form without any whitespace (width and spacing unified)."""
    # str.split() splits on exactly the characters ``\s`` matches (str.isspace), faster
    return "".join(nfkc(text).split())


def nfkc(text: str) -> str:
    """Return ``unicodedata.normalize("NFKC", text)``, quickly for the usual Chinese text.

    CPython's NFKC decomposes and recomposes every character once the string holds one
    compatibility character: ~27 µs for a 100-character sentence with fullwidth punctuation,
    the largest cost of reading a report's new lines. A text made only of the characters of
    ``_PLAIN`` needs none of that: each of them is a starter that no normalisation combines
    with its neighbours, and each is its own NFKC but the fullwidth ASCII forms (U+FF01 to
    U+FF5E, which become ASCII) and the ideographic space, so only runs of those change
    (``tests/parse/test_parse_nfkc.py`` checks every character of the class against
    ``unicodedata``).
    """
    if _PLAIN.fullmatch(text) is None:
        return unicodedata.normalize("NFKC", text)
    parts = _FULLWIDTH.split(text)
    if len(parts) > 1:
        parts[1::2] = [run.translate(_TO_ASCII) for run in parts[1::2]]
        return "".join(parts)
    return text


_PLAIN = re.compile(
    "[\x00-\x7f\u00b7\u00d7\u00f7\u2010\u2012-\u2016\u2018-\u2023\u2027\u2030-\u2032"
    "\u203b\u3000-\u3007\u300a-\u3029\u4e00-\u9fff\uff01-\uff5e]*"
)
"""ASCII, CJK ideographs, CJK and general punctuation (、。《》「」【】“”‘’—·※), fullwidth ASCII."""
_FULLWIDTH = re.compile("([\\u3000\\uff01-\\uff5e]+)")
_TO_ASCII = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}


def strip_markers(text: str) -> str:
    """Drop leading item markers (``三、`` ``（一）`` ``1.``), repeatedly."""
    while True:
        stripped = _MARKER.sub("", text, count=1)
        if stripped == text:
            return text
        text = stripped


@lru_cache(maxsize=8192)
def normalise(text: str) -> str:
    """Return the comparison form of a label: NFKC, no spaces, markers or punctuation."""
    return _DROP.sub("", strip_markers(squeeze(text)))


def leading_marker(text: str) -> str:
    """Return the item marker that starts ``text`` (NFKC, no spaces), or ``""``."""
    squeezed = squeeze(text)
    match = _MARKER.match(squeezed)
    return match.group(0) if match else ""


@dataclass(frozen=True)
class Entry:
    """What a normalised label means: a row, a column, a group or a header word."""

    role: str  # "row" | "column" | "group" | "header" | "block"
    key: str
    order: int = 0


def spellings(item: cells.Row | cells.Column) -> tuple[str, ...]:
    """Return the printed label of a row or column followed by its known variants."""
    return (item.label, *item.aliases)


def _add(table: dict[str, list[Entry]], label: str, entry: Entry) -> None:
    bucket = table.setdefault(normalise(label), [])
    if entry not in bucket:
        bucket.append(entry)


def _add_spellings(
    table: dict[str, list[Entry]], item: cells.Row | cells.Column, entry: Entry
) -> None:
    for label in spellings(item):
        _add(table, label, entry)


def _request_labels() -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = {}
    for i, row in enumerate(cells.REQUEST_ROWS):
        _add_spellings(table, row, Entry("row", row.key, i))
    for i, col in enumerate(cells.REQUEST_COLUMNS):
        _add_spellings(table, col, Entry("column", col.key, i))
    _add(table, cells.LEGAL_PERSON_GROUP, Entry("group", "legal_person"))
    _add(table, cells.RESULTS_GROUP, Entry("group", "results"))
    for i, group in enumerate(cells.REQUEST_GROUPS):
        _add(table, group, Entry("group", group, i))
    _add(table, cells.APPLICANT_HEADER, Entry("header", "applicants"))
    _add(table, cells.REQUESTS_NOTE, Entry("header", "note"))
    return table


def _review_labels() -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = {}
    for i, group in enumerate(cells.REVIEW_GROUPS):
        _add(table, group.label, Entry("group", group.key, i))
    _add(table, cells.LITIGATION_HEADER, Entry("header", "litigation"))
    for i, col in enumerate(cells.REVIEW_COLUMNS):
        _add_spellings(table, col, Entry("column", col.key, i))
    return table


def _active_labels() -> dict[str, list[Entry]]:
    table: dict[str, list[Entry]] = {}
    for block in cells.ACTIVE_BLOCKS:
        _add(table, block.header, Entry("block", block.key))
        for col in block.columns:
            _add_spellings(table, col, Entry("column", col.key))
        for row in block.rows:
            _add_spellings(table, row, Entry("row", row.key))
    _add(table, cells.ITEM_CONTENT_HEADER, Entry("header", "item"))
    procurement = next(b for b in cells.LEGACY_ACTIVE_BLOCKS if b.key == "procurement")
    _add(table, procurement.header, Entry("block", procurement.key))
    for col in (
        *cells.LEGACY_ACTIVE_COLUMNS,
        *cells.LEGACY_ITEM_COLUMNS,
        *cells.LEGACY_PROCUREMENT_COLUMNS,
    ):
        _add_spellings(table, col, Entry("legacy-column", col.key))
    for row in cells.LEGACY_ACTIVE_ROWS:
        _add_spellings(table, row, Entry("legacy-row", row.key))
    return table


REQUEST_LABELS: dict[str, list[Entry]] = _request_labels()
REVIEW_LABELS: dict[str, list[Entry]] = _review_labels()
ACTIVE_LABELS: dict[str, list[Entry]] = _active_labels()
TABLE_LABELS: dict[str, dict[str, list[Entry]]] = {
    "active": ACTIVE_LABELS,
    "requests": REQUEST_LABELS,
    "review_litigation": REVIEW_LABELS,
}
GROUP_PREFIXES: tuple[str, ...] = tuple(
    normalise(g) for g in (cells.RESULTS_GROUP, *cells.REQUEST_GROUPS)
)
ANY_TABLE_LABEL: frozenset[str] = frozenset(
    k for table in TABLE_LABELS.values() for k in table if len(k) >= 2
)
