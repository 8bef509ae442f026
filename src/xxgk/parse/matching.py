"""Matching a text token against a table's labels: exact, joined, tail, prefix, fuzzy.

Exact lookup of the normalised text is the rule; the rest handles what copying does to
labels: a label broken over two cells or lines (``商业`` / ``企业``), the tail of a long label
printed after the row's numbers (seed 000's ``息公开申请``), a label cut short, and typos.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from xxgk.parse.labels import Entry
from xxgk.parse.tokens import Token
from xxgk.recall import MISSING, Recall

MAX_FRAGMENTS = 3
FUZZY_CUTOFF = 82.0
MIN_PREFIX = 4


@dataclass(frozen=True)
class Match:
    """A label found: its entries, how many text tokens it used and how it was found."""

    entries: tuple[Entry, ...]
    consumed: int
    how: str  # exact | joined | prefix | fuzzy

    def of_role(self, *roles: str) -> list[Entry]:
        return list(self.with_roles(roles))

    def with_roles(self, roles: tuple[str, ...]) -> tuple[Entry, ...]:
        """``of_role`` as a shared tuple (do not build a list per token)."""
        cache = self._by_roles
        found = cache.get(roles)
        if found is None:
            found = cache[roles] = tuple(e for e in self.entries if e.role in roles)
        return found

    @cached_property
    def _by_roles(self) -> dict[tuple[str, ...], tuple[Entry, ...]]:
        """``of_role`` answers; exact matches are shared, so they are asked again and again."""
        return {}


# The exact match of a label is the same object every time its entry list is found (the
# per-table dicts are built once at import): keyed by the list's id, with the list kept so
# the id cannot be reused.
_EXACT: Recall[int, tuple[list[Entry], Match]] = Recall(10_000)


def _exact(entries: list[Entry]) -> Match:
    hit = _EXACT.lookup(id(entries))
    if hit is not MISSING and hit[0] is entries and len(hit[1].entries) == len(entries):
        return hit[1]
    match = Match(tuple(entries), 1, "exact")
    _EXACT.keep(id(entries), (entries, match))
    return match


def exact_or_joined(tokens: Sequence[Token], i: int, table: dict[str, list[Entry]]) -> Match | None:
    """Return the label at ``tokens[i]``, re-joining up to three fragments when needed."""
    entries = table.get(tokens[i].norm)
    if entries:
        return _exact(entries)
    joined = tokens[i].norm
    for j in range(i + 1, min(len(tokens), i + MAX_FRAGMENTS)):
        if tokens[j].kind != "text":
            break
        joined += tokens[j].norm
        entries = table.get(joined)
        if entries:
            return Match(tuple(entries), j - i + 1, "joined")
    return None


def completes(label_norm: str, text_norm: str, target: str) -> bool:
    """Return True when ``text`` continues ``label`` towards (or up to) ``target``."""
    combined = label_norm + text_norm
    return bool(text_norm) and label_norm != target and target.startswith(combined)


def prefix_of(norm: str, targets: Sequence[tuple[Entry, str]]) -> Entry | None:
    """Return the first target whose label starts with ``norm`` (a label cut short)."""
    if len(norm) < MIN_PREFIX:
        return None
    for entry, label in targets:
        if label.startswith(norm) and label != norm:
            return entry
    return None


def fuzzy(norm: str, targets: Sequence[tuple[Entry, str]]) -> tuple[Entry, str] | None:
    """Return the best target above the cutoff for a label with a typo, or None."""
    if len(norm) < MIN_PREFIX:
        return None
    from rapidfuzz import fuzz  # only a label with a typo needs it (start-up, issue #19)

    best: tuple[Entry, str] | None = None
    best_score = FUZZY_CUTOFF
    for entry, label in targets:
        if abs(len(label) - len(norm)) > max(3, len(label) // 3):
            continue
        score = fuzz.ratio(norm, label)
        if score > best_score:
            best, best_score = (entry, label), score
    return best


def is_narrative(text: str) -> bool:
    """Return True for running text (a sentence), which is section text, not a label."""
    stripped = text.strip()
    return "。" in stripped or len(stripped) > 48 or stripped.startswith(("注", "单位", "说明"))
