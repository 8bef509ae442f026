"""``labels.nfkc`` is ``unicodedata.normalize("NFKC", ...)``, with a fast path for the
characters of ordinary Chinese text; these tests hold it to the standard library's answer."""

from __future__ import annotations

import random
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from xxgk.parse.labels import _PLAIN, nfkc, squeeze

PLAIN = [chr(c) for c in range(0x10000) if _PLAIN.fullmatch(chr(c))]


def _second_halves() -> set[str]:
    """Characters that canonical composition may join to the character before them."""
    found = set()
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            found.add(chr(int(parts[1], 16)))
    return found


def test_every_plain_character_is_a_starter_that_nothing_composes_with() -> None:
    seconds = _second_halves()
    for char in PLAIN:
        assert unicodedata.combining(char) == 0, hex(ord(char))
        assert char not in seconds, hex(ord(char))
        assert nfkc(char) == unicodedata.normalize("NFKC", char), hex(ord(char))
        assert len(unicodedata.normalize("NFKC", char)) == 1, hex(ord(char))


def test_random_plain_texts_normalise_as_the_standard_library_does() -> None:
    rng = random.Random(20261206)
    for _ in range(5000):
        text = "".join(rng.choice(PLAIN) for _ in range(rng.randint(0, 40)))
        assert nfkc(text) == unicodedata.normalize("NFKC", text)


@given(st.text(max_size=40))
def test_any_text_normalises_as_the_standard_library_does(text: str) -> None:
    assert nfkc(text) == unicodedata.normalize("NFKC", text)


def test_report_text_with_fullwidth_forms_and_compatibility_characters() -> None:
    cases = [
        "（三）政府信息管理。全年主动公开政府信息５１４条，　共计１２件",
        "第二十条第（九）项",
        "⽣态环境局…",  # a Kangxi radical and an ellipsis: the standard library's way
        "ｔａｂ\tａｎｄ　ｓｐａｃｅ",
        "",
    ]
    for text in cases:
        assert nfkc(text) == unicodedata.normalize("NFKC", text)
    assert squeeze("本年 制发\u3000件数（件）") == "本年制发件数(件)"
