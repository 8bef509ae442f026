"""Bounded caches that keep what recurs: the parser's memory of template text, and the register's
memory of working-day horizons and case checks (the lowest layer, so that both may use it).

Template lines, cells and labels recur in every report of a batch; lines with a report's own
numbers rarely do. A cache emptied when full (the old way) forgot the templates along with the
one-off lines every few hundred reports and paid to work them all out again (~11 % of the
parse time at 8,000 entries). ``Recall`` keeps two generations instead: when the current one
is full it becomes the previous one (the one before is dropped) and answers asked for again
move back into the current one. What recurs survives every turn; what was asked once is gone
after two. Memory stays bounded (at most twice ``size`` entries), whatever the batch size.

The hot path stays a plain ``dict.get`` on the current generation (``Recall`` is a ``dict``);
only a miss calls ``recall`` (a look into the previous generation) and ``keep``.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")

MISSING: Any = object()
"""What ``recall`` returns for a key neither generation holds (``None`` may be an answer)."""


class Recall(dict[K, V], Generic[K, V]):
    """A dict of answers bounded to ``size`` entries per generation (see the module)."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size
        self.previous: dict[K, V] = {}

    def recall(self, key: K) -> Any:
        """Return the answer of the previous generation (moved back), or ``MISSING``."""
        value = self.previous.pop(key, MISSING)
        if value is not MISSING:
            self.keep(key, value)
        return value

    def keep(self, key: K, value: V) -> V:
        """Store an answer, turning the generations when the current one is full."""
        if len(self) >= self.size:
            self.previous = dict(self)
            dict.clear(self)
        self[key] = value
        return value

    def clear(self) -> None:
        """Forget both generations."""
        dict.clear(self)
        self.previous = {}

    def lookup(self, key: K) -> Any:
        """Return the answer in either generation, or ``MISSING`` (the slow path in one call)."""
        value = self.get(key, MISSING)
        if value is MISSING:
            value = self.recall(key)
        return value
