"""Matching a report's 报告主体 to a unit of the tree by its name.

Reports name their body in many ways: with or without 人民政府, 办事处 or the county in front
(示例县清河镇人民政府 / 清河镇人民政府 / 清河镇). ``name_key`` reduces a name to a comparable
key; ``UnitMatcher`` finds the unit whose key equals it, else the single unit whose key ends
with it (the report left out the county) or that it ends with (the report added a prefix).
Anything ambiguous stays unmatched, with its candidates, so a person decides.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

_SPACE = re.compile(r"[\s\u3000]+")
_BRACKETS = re.compile(r"[（(][^）)]*[)）]$")
_SUFFIXES = ("人民政府办公室", "人民政府", "政府", "办事处")
_PREFIXES = ("中共",)


def name_key(name: str | None) -> str:
    """Return the comparable key of a body's name: NFKC, no spaces, no 人民政府/办事处 suffix."""
    if not name:
        return ""
    text = _SPACE.sub("", unicodedata.normalize("NFKC", name))
    text = _BRACKETS.sub("", text)
    for prefix in _PREFIXES:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix) :]
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and len(text) > len(suffix):
            return text[: -len(suffix)]
    return text


@dataclass(frozen=True)
class Match:
    """The unit id found for a name (or None) and, when unmatched, the candidates seen."""

    unit_id: int | None
    candidates: tuple[str, ...] = ()
    how: str = "exact"


@dataclass
class UnitMatcher:
    """Finds units by name key; built once from ``(id, name)`` pairs and reused per report."""

    units: dict[int, str]
    _by_key: dict[str, list[int]] = field(default_factory=dict, init=False)
    _min_len: int = 2

    def __post_init__(self) -> None:
        for unit_id, name in self.units.items():
            self._by_key.setdefault(name_key(name), []).append(unit_id)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[int, str]]) -> UnitMatcher:
        return cls(dict(pairs))

    def match(self, name: str | None) -> Match:
        """Return the unit for ``name``: exact key, else a unique key ending with it, or none."""
        key = name_key(name)
        if not key:
            return Match(None)
        exact = self._by_key.get(key, [])
        if len(exact) == 1:
            return Match(exact[0])
        if len(exact) > 1:
            return Match(None, tuple(self.units[i] for i in exact), "ambiguous")
        if len(key) < self._min_len:
            return Match(None)
        found = [
            ids
            for other, ids in self._by_key.items()
            if other.endswith(key) or (key.endswith(other) and len(other) > self._min_len)
        ]
        ids = [i for group in found for i in group]
        if len(ids) == 1:
            return Match(ids[0], how="prefix")
        candidates = tuple(sorted(self.units[i] for i in ids))[:10]
        return Match(None, candidates, "ambiguous" if ids else "")
