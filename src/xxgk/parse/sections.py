"""Lines to sections: find the six headings (一、总体情况 … 六、其他需要报告的事项).

Headings are found in order. A line is a heading when it is a single cell whose text,
without its marker, is the section's title or a known variant and whose marker (if any)
carries the section's number (``三、`` ``3、`` ``3.``). A line with the right number that is
not any table label is accepted as a reworded heading, with an info finding.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress

from xxgk import parse_findings as fk
from xxgk.findings import Finding, Location
from xxgk.model.cells import SECTIONS, Section
from xxgk.parse.document import SourceLine
from xxgk.parse.labels import ANY_TABLE_LABEL, normalise, squeeze
from xxgk.recall import MISSING, Recall

_CN = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KEYWORDS = {
    "overview": ("总体", "概述", "基本情况"),
    "active": ("主动公开",),
    "requests": ("申请",),
    "review_litigation": ("复议", "诉讼"),
    "problems": ("问题", "改进", "整改"),
    "other": ("其他", "事项"),
}
_SECTION_MARKER = re.compile(r"^[#*\s]*(?:第)?([一二三四五六七八九1-9])(?:部分)?\s*[、.,．:：]")


@dataclass
class Segment:
    """A section of the document: its key, heading line and the lines under it."""

    key: str
    heading: str
    start: int  # index of the first line after the heading
    end: int  # index after the last line
    location: Location | None = None
    heading_line: int | None = None

    @property
    def indexes(self) -> range:
        return range(self.start, self.end)


@lru_cache(maxsize=8_000)
def section_number(text: str) -> int | None:
    """Return the section number a heading marker carries (``三、`` → 3), or None
    (remembered: the same headings and table labels are asked in every report)."""
    match = _SECTION_MARKER.match(squeeze(text))
    if not match:
        return None
    char = match.group(1)
    return _CN.get(char) or int(char)


def _titles(section: Section) -> frozenset[str]:
    return frozenset(normalise(t) for t in (section.title, *section.aliases))


TITLES: dict[str, frozenset[str]] = {s.key: _titles(s) for s in SECTIONS}
ALL_TITLES: frozenset[str] = frozenset().union(*TITLES.values())


def _heading_of(line: SourceLine) -> str | None:
    cells = line.cells
    if len(cells) == 1:  # the usual paragraph line
        if not cells[0].text:
            return None
        return _heading_text(cells[0].text)
    filled = [c.text for c in cells if c.text]
    if len(filled) != 1:
        return None
    return _heading_text(filled[0])


def _heading_text(text: str) -> str | None:
    text = text.strip().strip("#* ")
    return text if 0 < len(text) <= 60 else None


def match_heading(text: str, index: int, *, loose: bool) -> bool:
    """Return True when ``text`` is the heading of ``SECTIONS[index]``."""
    section = SECTIONS[index]
    number = section_number(text)
    body = normalise(text).rstrip("：:")
    titles = TITLES[section.key]
    if number is not None and number != index + 1:
        # renumbered after a local section (五、信息处理费收取情况 before 六、存在的主要问题…)
        return not loose and number == index + 2 and body in titles
    if body in titles or (number and any(body.startswith(t) for t in titles) and len(body) < 40):
        return number is not None or body == normalise(section.title)
    return (
        loose
        and number == index + 1
        and body not in ANY_TABLE_LABEL
        and any(word in body for word in _KEYWORDS[section.key])
        and len(body) <= 30
        and "。" not in text
    )


@lru_cache(maxsize=8_000)
def _heading_matches(text: str) -> tuple[tuple[bool, bool], ...]:
    """``match_heading`` of ``text`` for every section, strict and loose, remembered: the
    same candidate lines (headings, table labels) recur in every report, and one look-up a
    candidate is cheaper than one per section tried."""
    return tuple(
        (match_heading(text, j, loose=False), match_heading(text, j, loose=True))
        for j in range(len(SECTIONS))
    )


@lru_cache(maxsize=8_000)
def _local_number(text: str) -> int | None:
    """The number of a candidate line that may head a local section (one short sentence
    numbered like a section, not a table label), else None; remembered per text."""
    if "。" in text or len(text) > 30:
        return None
    number = section_number(text)
    if number is None or normalise(text) in ANY_TABLE_LABEL:
        return None
    return number


_SECTION_INDEX = {s.key: n for n, s in enumerate(SECTIONS)}


_FIRST = frozenset("一二三四五六七八九123456789１２３４５６７８９#*第 \u3000") | frozenset(
    t[0] for t in ALL_TITLES
)


def _candidate(text: str) -> bool:
    """Cheap test that lets only possible headings through to ``match_heading``."""
    if text[0] not in _FIRST:
        return False
    known = _CANDIDATES.get(text)
    if known is None:
        known = _CANDIDATES.recall(text)
        if known is MISSING:
            known = _CANDIDATES.keep(
                text,
                section_number(text) is not None or normalise(text).rstrip("：:") in ALL_TITLES,
            )
    return bool(known)


_CANDIDATES: Recall[str, bool] = Recall(8_000)  # template lines repeat across reports


def candidate_heading(line: SourceLine) -> str | None:
    """Return the heading text of ``line`` when it may be a section heading, else None."""
    text = _heading_of(line)
    if text is None or not _candidate(text):
        return None
    return text


LOCAL = "local"
"""Key of a section a unit adds in its own order (五、信息处理费收取情况): it ends the section
before it, so its text and tables are not read as part of that section."""


def _local_headings(
    candidates: Sequence[str | None], found: list[tuple[int, int, str, bool]]
) -> list[tuple[int, str, str, bool]]:
    """Return the headings of local sections: numbered like a section, not a table label,
    and followed by a standard heading renumbered one place on (the local one took its
    number)."""
    taken = {i for i, *_ in found}
    out = []
    for i in compress(range(len(candidates)), candidates):  # lines that may be headings
        text = candidates[i]
        if text is None or i in taken:
            continue
        number = _local_number(text)
        if number is None:
            continue
        after = next((f for f in found if f[0] > i), None)
        if after is None:
            continue
        printed = section_number(after[2])
        if printed == number + 1 and after[1] + 1 == number:
            out.append((i, LOCAL, text, False))
    return out


def lines_to_sections(
    lines: Sequence[SourceLine],
    candidates: Sequence[str | None],
    findings: list[Finding] | None = None,
) -> list[Segment]:
    """Return the segments: ``preamble`` then each section found, in document order.

    ``candidates`` are the lines' ``candidate_heading`` answers (``all_line_facts``)."""
    found: list[tuple[int, int, str, bool]] = []  # (line, section index, text, loose)
    nxt = 0
    for i in compress(range(len(candidates)), candidates):  # lines that may be headings
        if nxt >= len(SECTIONS):
            break  # all six found: no later line can be a heading
        text: str = candidates[i]  # type: ignore[assignment]  # compress kept the texts
        matches = _heading_matches(text)
        for j in range(nxt, len(SECTIONS)):
            strict, loose = matches[j]
            if strict or (j == nxt and loose):
                found.append((i, j, text, not strict))
                nxt = j + 1
                break
    local = _local_headings(candidates, found)
    marks = sorted([(i, SECTIONS[j].key, text, loose) for i, j, text, loose in found] + local)
    segments = [Segment("preamble", "", 0, marks[0][0] if marks else len(lines))]
    for n, (i, key, text, loose) in enumerate(marks):
        end = marks[n + 1][0] if n + 1 < len(marks) else len(lines)
        loc = next((c.location for c in lines[i].cells if c.text), None)
        segments.append(Segment(key, text, i + 1, end, loc, i))
        if key == LOCAL:
            continue
        j = _SECTION_INDEX[key]
        if (loose or section_number(text) not in (None, j + 1)) and findings is not None:
            findings.append(
                Finding(
                    fk.HEADING_VARIANT,
                    location=loc,
                    params={"text": text, "number": SECTIONS[j].number, "title": SECTIONS[j].title},
                )
            )
    return segments
