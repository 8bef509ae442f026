"""The PDF reader's shortcuts change nothing but speed: remembered grids, the one-line case
of line clustering, and characters as tuples."""

from __future__ import annotations

import pickle
import random

from parse_support import FIXTURES

from xxgk.parse import clear_caches, pdf_pages
from xxgk.parse.pdf import read_pdf
from xxgk.parse.pdf_layout import Char, cluster_lines, make_char


def _lines(data: bytes) -> list[tuple[bool, list[tuple[str, object, object]]]]:
    document = read_pdf(data, "r.pdf")
    return [
        (line.in_table, [(c.text, c.location.page, c.location.bbox) for c in line.cells])
        for line in document.lines
    ]


def test_remembered_grids_read_a_pdf_the_same() -> None:
    data = (FIXTURES / "formats" / "pdf_paged_header.pdf").read_bytes()
    clear_caches()
    cold = _lines(data)
    remembered = dict(pdf_pages.GRIDS)
    assert any(remembered.values())  # its pages have ruled tables, and their grids were kept
    warm = _lines(data)
    assert warm == cold
    assert dict(pdf_pages.GRIDS) == remembered  # the second read built no grid anew
    clear_caches()
    assert not pdf_pages.GRIDS


def _clustered_slowly(chars: list[Char]) -> list[list[Char]]:
    """The clustering as first written: sort by centre, join within half a median glyph
    height of the line's running centre, sort each line by x0."""
    if len(chars) < 2:
        return [list(chars)] if chars else []
    heights = sorted(c.bottom - c.top for c in chars)
    tolerance = max(heights[len(heights) // 2] * 0.5, 1.0)
    lines: list[list[Char]] = []
    members: list[Char] = []
    centre = 0.0
    for ch in sorted(chars, key=lambda c: c.cy):
        if lines and abs(ch.cy - centre) <= tolerance:
            members.append(ch)
            centre = centre + (ch.cy - centre) / len(members)
        else:
            members = [ch]
            centre = ch.cy
            lines.append(members)
    return [sorted(line, key=lambda c: c.x0) for line in lines]


def test_line_clustering_matches_the_plain_algorithm() -> None:
    rng = random.Random(19)
    for _ in range(2000):
        chars = []
        for n in range(rng.randint(0, 12)):
            x = rng.choice((10.0, 20.0, 30.0, float(rng.randint(0, 60))))  # ties in x0 too
            top = rng.choice((100.0, 100.4, 101.5, 112.0)) + rng.choice((0.0, 0.3, -0.6))
            height = rng.choice((10.5, 10.5, 6.0, 12.0))
            chars.append(Char(str(n), x, top, x + 10.0, top + height))
        assert cluster_lines(chars) == _clustered_slowly(chars)


def test_a_char_is_built_alike_and_pickles() -> None:
    char = make_char("数", 1.0, 2.0, 3.0, 6.0)
    assert char == Char("数", 1.0, 2.0, 3.0, 6.0)
    assert (char.cx, char.cy) == (2.0, 4.0)
    assert pickle.loads(pickle.dumps(char)) == char
    assert [c.text for c in cluster_lines([char])[0]] == ["数"]
