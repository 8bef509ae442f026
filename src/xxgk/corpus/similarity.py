"""Copied text across bodies in the same year (雷同): near-duplicate sections and paragraphs.

Each narrative section (一、五、六) is cut into 6-character shingles, without the boilerplate every
report must contain (the 109号 fee sentence, the statutory formulae of the 30号 format: the
statistics period, "编制本报告" …) and table lines. A MinHash of the shingles goes into an LSH
index, so a report is only compared with the few reports whose signatures collide, never with
all others: tens of thousands of reports take seconds, not hours.

Copying is found at two levels. Whole sections (the MinHash estimate of the Jaccard similarity),
and paragraphs: one copied paragraph in an otherwise own section scores low as a section (0.26
for a shared 0.80 paragraph), so every paragraph is indexed too, candidates are scored exactly,
and the shared passages are returned side by side with the shared stretches marked. A paragraph
that many bodies share (``COMMON_BODIES``) is a formula of practice, not copying, and is dropped.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import islice

from datasketch import LeanMinHash, MinHash, MinHashLSH
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.identity import Key, body_key
from xxgk.corpus.models import StoredReport
from xxgk.db.models import Unit
from xxgk.model.cells import SECTION_BY_KEY
from xxgk.rules import text as tx

SECTIONS = ("overview", "problems", "other")
THRESHOLD = 0.8
NUM_PERM = 64
SHINGLE = 6
MIN_SHINGLES = 40
MIN_PARAGRAPH_SHINGLES = 40
"""A paragraph shorter than this (about 45 characters: one stock phrase such as "工作人员业务
能力有待提升") is too short to call copied."""
PARAGRAPH_PERM = 128
CANDIDATE_MARGIN = 0.15
"""Paragraph candidates are drawn below the threshold and then scored exactly."""
COMMON_BODIES = 10
"""A paragraph shared with this many other bodies is a common formula, not copying."""
MAX_PER_SECTION = 50
"""At most this many partners are reported for one section (boilerplate shared by hundreds)."""
MAX_CANDIDATES = 500
"""At most this many LSH candidates are scored per section, so shared boilerplate stays linear."""
MIN_SHARED = 6
"""Shared stretches shorter than a shingle are not marked."""

_BOILERPLATE = re.compile(
    r"处理费|109\s*号|统计期限|编制本报告|本报告(?:由|中所列|电子版)|如对本报告|年度报告格式"
)
_TABLE_LINE = re.compile(r"^[\s\d.,，/|—-]*$")


@dataclass(frozen=True)
class Side:
    """One report of a pair: its body, year and source file."""

    report_id: int
    name: str
    source: str


@dataclass(frozen=True)
class Passage:
    """A paragraph of each report that the other shares, with the shared stretches."""

    first: str
    second: str
    score: float
    first_section: str
    second_section: str

    def parts(self) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
        """Return each side cut into (text, shared) runs, for marking the shared stretches."""
        return shared_parts(self.first, self.second)

    def to_dict(self) -> dict[str, object]:
        first, second = self.parts()
        return {
            "score": round(self.score, 3),
            "first_section": SECTION_BY_KEY[self.first_section].heading,
            "second_section": SECTION_BY_KEY[self.second_section].heading,
            "first": self.first,
            "second": self.second,
            "first_parts": [[t, s] for t, s in first],
            "second_parts": [[t, s] for t, s in second],
        }


@dataclass(frozen=True)
class SimilarPair:
    """Two bodies whose section, or some paragraphs, are near-identical in the same year."""

    year: int
    section: str
    first: Side
    second: Side
    score: float
    passages: tuple[Passage, ...] = field(default=())
    whole_section: bool = True

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "section": SECTION_BY_KEY[self.section].heading,
            "level": "整个部分" if self.whole_section else "段落",
            "first": self.first.name,
            "first_source": self.first.source,
            "second": self.second.name,
            "second_source": self.second.source,
            "score": round(self.score, 3),
            "passages": [p.to_dict() for p in self.passages],
        }


def clean_sentences(text: str) -> list[str]:
    """The sentences of ``text`` less boilerplate every report must contain and table lines."""
    return [
        s
        for s in tx.sentences(tx.normalize(text))
        if not _BOILERPLATE.search(s) and not _TABLE_LINE.match(s)
    ]


def clean_section(text: str) -> str:
    """The section without boilerplate and table lines (text every report may share)."""
    return "".join(clean_sentences(text))


def paragraphs(text: str) -> list[str]:
    """Return the paragraphs (lines) of ``text`` without boilerplate, long enough to judge."""
    out = []
    for line in tx.normalize(text).splitlines():
        kept = "".join(clean_sentences(line)).strip()
        if len(tx.shingles(kept, SHINGLE)) >= MIN_PARAGRAPH_SHINGLES:
            out.append(kept)
    return out


def signature(text: str, *, num_perm: int = NUM_PERM) -> LeanMinHash | None:
    """Return the MinHash of ``text``'s shingles, or None when the text is too short to judge."""
    shingles = tx.shingles(clean_section(text), SHINGLE)
    if len(shingles) < MIN_SHINGLES:
        return None
    return _minhash(shingles, num_perm)


@lru_cache(maxsize=20_000)
def _shingles(text: str) -> frozenset[str]:
    """The shingles of a paragraph, kept for the paragraphs compared most (templates)."""
    return frozenset(tx.shingles(text, SHINGLE))


@lru_cache(maxsize=4)
def _template(num_perm: int) -> MinHash:
    """A MinHash whose random permutations are drawn once (drawing them is most of the cost
    of a new MinHash); every signature reuses them, so all are comparable."""
    return MinHash(num_perm=num_perm, seed=1)


KEPT_TEXTS = 4096
"""Sections and paragraphs whose signatures are kept: the overview finds the same year's
copies on every view, and a MinHash is a pure function of its text (the shingles' SHA-1s are
most of a view's cost); about 1 KB each."""


@lru_cache(maxsize=KEPT_TEXTS)
def _kept_signature(text: str, num_perm: int) -> LeanMinHash | None:
    """:func:`signature` of a section, kept for the next view."""
    return signature(text, num_perm=num_perm)


@lru_cache(maxsize=KEPT_TEXTS)
def _kept_paragraphs(text: str) -> tuple[str, ...]:
    """:func:`paragraphs` of a section, kept for the next view."""
    return tuple(paragraphs(text))


@lru_cache(maxsize=KEPT_TEXTS)
def _paragraph_minhash(text: str) -> LeanMinHash:
    """The MinHash of a paragraph's shingles, kept for the next view."""
    return _minhash(_shingles(text), PARAGRAPH_PERM)


def _minhash(shingles: set[str] | frozenset[str], num_perm: int) -> LeanMinHash:
    template = _template(num_perm)
    minhash = MinHash(
        num_perm=num_perm,
        seed=1,
        permutations=template.permutations,
        scheme=template.scheme,
    )
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return LeanMinHash(minhash)


def shared_parts(first: str, second: str) -> tuple[list[tuple[str, bool]], list[tuple[str, bool]]]:
    """Cut both texts into runs marked shared (a common stretch of at least MIN_SHARED
    characters) or own, so the copied words can be shown side by side."""
    matcher = SequenceMatcher(None, first, second, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= MIN_SHARED]
    return (
        _runs(first, [(b.a, b.a + b.size) for b in blocks]),
        _runs(second, [(b.b, b.b + b.size) for b in blocks]),
    )


def _runs(text: str, spans: list[tuple[int, int]]) -> list[tuple[str, bool]]:
    runs, at = [], 0
    for start, end in sorted(spans):
        if start > at:
            runs.append((text[at:start], False))
        runs.append((text[start:end], True))
        at = end
    if at < len(text):
        runs.append((text[at:], False))
    return runs


@lru_cache(maxsize=16)
def _lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """The bands and rows datasketch would choose for ``threshold``: it integrates the
    false-positive and false-negative curves for every split (thousands of scipy calls, 30 ms),
    the same answer every time, so it is worked out once per threshold."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def _lsh_index(threshold: float, num_perm: int) -> MinHashLSH:
    """A new empty LSH index for ``threshold`` (its parameters from :func:`_lsh_params`)."""
    return MinHashLSH(num_perm=num_perm, params=_lsh_params(threshold, num_perm))


@dataclass
class _Paragraph:
    report: int
    body: Key | None
    side: Side
    section: str
    text: str


class _Finder:
    """The indexes of one year: sections and paragraphs seen so far, and the matches found."""

    def __init__(self, year: int, threshold: float, num_perm: int) -> None:
        self.year, self.threshold, self.num_perm = year, threshold, num_perm
        self.sections = {key: _lsh_index(threshold, num_perm) for key in SECTIONS}
        self.kept: dict[str, dict[int, tuple[LeanMinHash, Key | None, Side]]] = {
            key: {} for key in SECTIONS
        }
        self.lsh = _lsh_index(max(0.1, threshold - CANDIDATE_MARGIN), PARAGRAPH_PERM)
        self.paragraphs: list[_Paragraph] = []
        self.hashes: list[LeanMinHash] = []
        self.section_pairs: list[SimilarPair] = []
        self.matches: list[tuple[int, int, float]] = []

    def add(self, report: int, body: Key | None, side: Side, texts: dict[str, str]) -> None:
        for key in SECTIONS:
            self._section(report, body, side, key, texts.get(key, ""))
        for key in SECTIONS:
            for text in _kept_paragraphs(texts.get(key, "")):
                self._paragraph(_Paragraph(report, body, side, key, text))

    def _section(self, report: int, body: Key | None, side: Side, key: str, text: str) -> None:
        minhash = _kept_signature(text, self.num_perm)
        if minhash is None:
            return
        found = []
        for other_id in islice(self.sections[key].query(minhash), MAX_CANDIDATES):
            other_hash, other_body, other_side = self.kept[key][other_id]
            if other_body == body:
                continue
            score = minhash.jaccard(other_hash)
            if score >= self.threshold:
                found.append(SimilarPair(self.year, key, other_side, side, score))
        found.sort(key=lambda p: -p.score)
        self.section_pairs += found[:MAX_PER_SECTION]
        self.sections[key].insert(report, minhash)
        self.kept[key][report] = (minhash, body, side)

    def _paragraph(self, para: _Paragraph) -> None:
        """Score the LSH candidates of a paragraph: the MinHash estimate first (cheap), the exact
        Jaccard only near the threshold; stop once it is common to COMMON_BODIES bodies."""
        shingles = _shingles(para.text)
        minhash = _paragraph_minhash(para.text)
        index = len(self.paragraphs)
        bodies: set[Key | None] = set()
        for other in islice(self.lsh.query(minhash), MAX_CANDIDATES):
            earlier = self.paragraphs[other]
            if earlier.body == para.body or earlier.body in bodies:
                continue
            if minhash.jaccard(self.hashes[other]) < self.threshold - CANDIDATE_MARGIN:
                continue
            score = tx.jaccard(shingles, _shingles(earlier.text))
            if score >= self.threshold:
                self.matches.append((other, index, score))
                bodies.add(earlier.body)
                if len(bodies) >= COMMON_BODIES:
                    break
        self.lsh.insert(index, minhash)
        self.paragraphs.append(para)
        self.hashes.append(minhash)

    def pairs(self) -> list[SimilarPair]:
        """Merge section and paragraph matches into one pair per two reports and section."""
        partners: dict[int, set[Key | None]] = defaultdict(set)
        for a, b, _ in self.matches:
            partners[a].add(self.paragraphs[b].body)
            partners[b].add(self.paragraphs[a].body)
        merged: dict[tuple[int, int, str], SimilarPair] = {}
        for pair in self.section_pairs:
            key = (pair.first.report_id, pair.second.report_id, pair.section)
            merged[key] = pair
        for a, b, score in self.matches:
            if len(partners[a]) >= COMMON_BODIES or len(partners[b]) >= COMMON_BODIES:
                continue
            first, second = self.paragraphs[a], self.paragraphs[b]
            passage = Passage(first.text, second.text, score, first.section, second.section)
            key = (first.report, second.report, second.section)
            pair = merged.get(key) or SimilarPair(
                self.year, second.section, first.side, second.side, 0.0, whole_section=False
            )
            merged[key] = SimilarPair(
                pair.year,
                pair.section,
                pair.first,
                pair.second,
                max(pair.score, score),
                (*pair.passages, passage),
                pair.whole_section,
            )
        out = list(merged.values())
        out.sort(key=lambda p: (-p.score, p.section, p.first.report_id, p.second.report_id))
        return out


def similar_sections(
    session: Session,
    year: int,
    *,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
) -> list[SimilarPair]:
    """Return the pairs of different bodies with a near-identical section, or near-identical
    paragraphs (with the passages), in ``year``."""
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    finder = _Finder(year, threshold, num_perm)
    query = (
        select(
            StoredReport.id,
            StoredReport.unit_id,
            StoredReport.organization,
            StoredReport.name_key,
            StoredReport.source,
            StoredReport.sections,
        )
        .where(StoredReport.current & (StoredReport.year == year))
        .order_by(StoredReport.id)
        .execution_options(yield_per=500)
    )
    for row in session.execute(query):
        body = body_key(row.unit_id, row.name_key, year)
        side = Side(row.id, names.get(row.unit_id) or row.organization, row.source)
        texts = {key: ((row.sections or {}).get(key) or {}).get("text", "") for key in SECTIONS}
        finder.add(row.id, body, side, texts)
    return finder.pairs()
