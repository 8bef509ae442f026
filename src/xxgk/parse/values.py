"""Reading one printed cell as a value: numbers, placeholders, blanks and junk.

A cell is classified before any table logic runs, so every reader's cells are read the
same way: full-width digits, thousands separators (``1,234`` ``1，234``), decimals, unit
suffixes, and the placeholders people print for "nothing" (``/`` ``—`` ``-`` ``无``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from xxgk.parse.labels import squeeze

PLACEHOLDERS = frozenset(
    {"/", "\\", "-", "--", "—", "——", "–", "―", "─", "无", "空", "×", "x", "X"}
)
_NUMBER = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
_NUMERIC_ISH = re.compile(r"^[+-]?[\d.,]+$")
_SPACED_NUMBERS = re.compile(r"\d[\s\u3000]+[\d/—-]")
_UNIT = re.compile(r"(?:件|个|条|项|次|万元)$")
_REMARKED = re.compile(r"^\d[\d.,]*(?:[*※#△▲]+|\([^()]{0,12}\))$")
"""A number with a remark in its cell (``25（注）``, ``3*``, ``1（含1件）``): a value that
cannot be trusted as printed, not a label; as text it ended the row early and the numbers
before it were read by position into the wrong columns."""
_MARKED_DIGITS = re.compile(
    "[\u00b2\u00b3\u00b9\u2070-\u2079\u2080-\u2089\u2460-\u249b\u24ea-\u24ff"
    "\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]"
)
"""Superscript, subscript, circled and parenthesised digits: footnote marks (``12①``,
``3¹``) that NFKC turns into plain digits, so ``12①`` would read as 121."""


def hide_marked_digits(text: str) -> str:
    """Return ``text`` with every footnote-mark digit (``_MARKED_DIGITS``) made ``*``: for
    text normalised as a whole before it is cut into cells (flattened text), where NFKC would
    glue ``246①`` into 2461 before ``read_cell`` sees the mark."""
    return _MARKED_DIGITS.sub("*", text) if _MARKED_DIGITS.search(text) else text


@dataclass(frozen=True)
class CellValue:
    """What a cell holds: ``kind`` is number, placeholder, empty, invalid or text."""

    kind: str
    value: Decimal | None = None


EMPTY = CellValue("empty")
TEXT = CellValue("text")
PLACEHOLDER = CellValue("placeholder")
INVALID = CellValue("invalid")


@lru_cache(maxsize=8192)
def read_cell(text: str) -> CellValue:
    """Classify the text of one cell; numbers are returned as exact Decimals."""
    s = squeeze(text)
    if not s:
        return EMPTY
    if _SPACED_NUMBERS.search(text):
        return TEXT  # ``0 0 3``: several numbers, split by ``split_label_numbers``
    if s in PLACEHOLDERS:
        return PLACEHOLDER
    if s[-1] in "件个条项次元" and len(s) > 1:
        s = _UNIT.sub("", s) or s
    if _NUMBER.match(s):
        if not text.isascii() and _MARKED_DIGITS.search(text):
            return INVALID  # ``11①``: NFKC made the footnote mark a digit (111)
        try:
            return CellValue("number", Decimal(s.replace(",", "")))
        except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
            return INVALID
    if _NUMERIC_ISH.match(s) or (s[0].isdigit() and _REMARKED.match(s)):
        return INVALID
    return TEXT


def as_count(value: Decimal) -> int | None:
    """Return ``value`` as an int count, or None when it has a fraction."""
    if value != value.to_integral_value():
        return None
    return int(value)


def as_amount(value: Decimal) -> Decimal | int:
    """Return an amount as an int when whole, else the Decimal (as ``Report`` keeps fees)."""
    return int(value) if value == value.to_integral_value() else value


_TRAILING_NUMBERS = re.compile(
    r"^(?P<label>.*?[^\d\s.,+\-])\s+(?P<nums>(?:[+-]?[\d.,]+|/|—|-)(?:\s+(?:[+-]?[\d.,]+|/|—|-))*)$"
)
_ONLY_NUMBERS = re.compile(r"^(?:[+-]?[\d.,]+|/|—)(?:\s+(?:[+-]?[\d.,]+|/|—))+$")


def split_label_numbers(text: str) -> tuple[str, list[str]] | None:
    """Split ``予以公开 3 0 0`` (PDF-style text) into the label and its number strings.

    Returns None when the text is not of that shape. A text made only of numbers separated
    by spaces gives an empty label.
    """
    stripped = text.strip()
    if _ONLY_NUMBERS.match(stripped):
        return "", stripped.split()
    match = _TRAILING_NUMBERS.match(stripped)
    if not match:
        return None
    return match.group("label"), match.group("nums").split()
