"""Copied text across bodies in the same year (雷同): near-duplicate sections, as scored pairs.

Each narrative section (一、五、六) is cut into 6-character shingles, without the standard fee
sentence and table lines that every report may share. A MinHash of the shingles goes into an
LSH index per section, so a report is only compared with the few reports whose signatures
collide, never with all others: tens of thousands of reports take seconds, not hours. Scores
are MinHash estimates of the Jaccard similarity of the shingle sets.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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
MAX_PER_SECTION = 50
"""At most this many partners are reported for one section (boilerplate shared by hundreds)."""
MAX_CANDIDATES = 500
"""At most this many LSH candidates are scored per section, so shared boilerplate stays linear."""

_FEE = re.compile(r"处理费")
_TABLE_LINE = re.compile(r"^[\s\d.,，/|—-]*$")


@dataclass(frozen=True)
class Side:
    """One report of a pair: its body, year and source file."""

    report_id: int
    name: str
    source: str


@dataclass(frozen=True)
class SimilarPair:
    """Two bodies whose section is near-identical in the same year."""

    year: int
    section: str
    first: Side
    second: Side
    score: float

    def to_dict(self) -> dict[str, object]:
        return {
            "year": self.year,
            "section": SECTION_BY_KEY[self.section].heading,
            "first": self.first.name,
            "first_source": self.first.source,
            "second": self.second.name,
            "second_source": self.second.source,
            "score": round(self.score, 3),
        }


def clean_section(text: str) -> str:
    """The section without the fee sentence and table lines (text every report may share)."""
    kept = [
        s
        for s in tx.sentences(tx.normalize(text))
        if not _FEE.search(s) and not _TABLE_LINE.match(s)
    ]
    return "".join(kept)


def signature(text: str, *, num_perm: int = NUM_PERM) -> LeanMinHash | None:
    """Return the MinHash of ``text``'s shingles, or None when the text is too short to judge."""
    shingles = tx.shingles(clean_section(text), SHINGLE)
    if len(shingles) < MIN_SHINGLES:
        return None
    minhash = MinHash(num_perm=num_perm, seed=1)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    return LeanMinHash(minhash)


def similar_sections(
    session: Session,
    year: int,
    *,
    threshold: float = THRESHOLD,
    num_perm: int = NUM_PERM,
) -> list[SimilarPair]:
    """Return the pairs of different bodies with a near-identical section in ``year``."""
    names = dict(session.execute(select(Unit.id, Unit.name)).all())
    indexes = {key: MinHashLSH(threshold=threshold, num_perm=num_perm) for key in SECTIONS}
    kept: dict[str, dict[int, tuple[LeanMinHash, Key | None, Side]]] = {key: {} for key in SECTIONS}
    pairs: list[SimilarPair] = []
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
        for key in SECTIONS:
            text = ((row.sections or {}).get(key) or {}).get("text", "")
            minhash = signature(text, num_perm=num_perm)
            if minhash is None:
                continue
            found = []
            for other_id in islice(indexes[key].query(minhash), MAX_CANDIDATES):
                other_hash, other_body, other_side = kept[key][other_id]
                if other_body == body:
                    continue
                score = minhash.jaccard(other_hash)
                if score >= threshold:
                    found.append(SimilarPair(year, key, other_side, side, score))
            found.sort(key=lambda p: -p.score)
            pairs += found[:MAX_PER_SECTION]
            indexes[key].insert(row.id, minhash)
            kept[key][row.id] = (minhash, body, side)
    pairs.sort(key=lambda p: (-p.score, p.section, p.first.report_id, p.second.report_id))
    return pairs
