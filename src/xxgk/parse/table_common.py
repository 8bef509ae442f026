"""What the three table parsers share: the result record and the label classifier.

Each table's classifier walks the token stream with a little state (the next expected
row, whether the header is over, the last row for tails) and names every text token.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import Any

from xxgk import parse_findings as fk
from xxgk.model import cells
from xxgk.model.cells import SECTION_BY_KEY
from xxgk.parse.assign import Sink
from xxgk.parse.labels import GROUP_PREFIXES, Entry, leading_marker, normalise, squeeze
from xxgk.parse.matching import (
    Match,
    completes,
    exact_or_joined,
    fuzzy,
    is_narrative,
    prefix_of,
)
from xxgk.parse.tokens import Region, Token

_ITEM_NUMBERS = "0123456789一二三四五六七八九十"


def table_name(key: str) -> str:
    """Return ``表三（收到和处理政府信息公开申请情况）`` for a table's section key, for messages."""
    section = SECTION_BY_KEY[key]
    return f"表{section.number}（{section.title}）"


@dataclass(frozen=True)
class Meaning:
    """What a label region is: ``role`` row/column/group/header/block/narrative/unmatched."""

    role: str
    key: str = ""
    how: str = "exact"
    order: int = 0


_COLUMN_ROLES = ("column", "legacy-column")
_MEANINGS: dict[tuple[str, str, str, int], Meaning] = {}


def _meaning(role: str, key: str, how: str, order: int) -> Meaning:
    """Return the (frozen, shared) ``Meaning``; the same few hundred recur in every table."""
    found = _MEANINGS.get((role, key, how, order))
    if found is None:
        found = _MEANINGS[(role, key, how, order)] = Meaning(role, key, how, order)
    return found


@dataclass
class TableResult:
    """What a table parser found: whether the table is there, and which lines it used."""

    found: bool
    lines: set[int] = field(default_factory=set)
    regions: list[Region] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    rebuild: Callable[[], list[Region]] | None = field(default=None, repr=False, compare=False)
    """For a table read by following an earlier table's plan (``parse.table_plans``), which
    skips the regions: works them out when ``debug`` asks for them."""

    def debug(self) -> list[dict[str, Any]]:
        """Return the label matches and values, for ``xxgk parse --debug``."""
        out = []
        regions = self.regions if self.rebuild is None else self.rebuild()
        for region in regions:
            meaning = region.meaning if isinstance(region.meaning, Meaning) else None
            out.append(
                {
                    "label": region.text,
                    "role": meaning.role if meaning else "",
                    "key": meaning.key if meaning else "",
                    "how": meaning.how if meaning else "",
                    "values": [t.text for t in region.values],
                    "place": region.location.describe() if region.label or region.values else "",
                }
            )
        return out


class RowClassifier:
    """Names text tokens of a table whose rows come in a fixed order.

    ``rows`` are the row entries in printed order with their normalised labels (for tails,
    prefixes and typos); ``table`` is the exact lookup of every label of the table.
    """

    def __init__(
        self,
        table: dict[str, list[Entry]],
        targets: Sequence[tuple[Entry, str]],
        row_roles: tuple[str, ...] = ("row",),
    ):
        self.table = table
        self.targets = targets
        self.row_roles = row_roles
        self.expected = 0
        self.in_body = False
        self.last: Meaning | None = None
        self.last_norm = ""
        self.target_of: dict[str, list[str]] = {}
        for entry, label in targets:
            self.target_of.setdefault(entry.key, []).append(label)

    def __call__(self, tokens: list[Token], i: int) -> tuple[Meaning | str, int]:
        norm = tokens[i].norm
        entries = self.table.get(norm)
        if entries and len(entries) == 1:  # the usual label: exactly one meaning
            found = self._single(entries[0], norm)
            if found is not None:
                return found, 1
        match = exact_or_joined(tokens, i, self.table)
        if match:
            return self._known(match, tokens, i)
        return self._unknown(tokens[i])

    def _single(self, entry: Entry, norm: str) -> Meaning | None:
        """What ``_known`` decides for an exact label with the one entry ``entry``, without
        building its ``Match``; None for an entry that is both a row and a column."""
        role = entry.role
        is_row = role in self.row_roles
        if role in _COLUMN_ROLES:
            if is_row:
                return None
            self.last = None
            return _meaning("column", entry.key, "exact", entry.order)
        if is_row:
            self.in_body = True
            if entry.order >= self.expected:
                self.expected = entry.order + 1
            self.last = meaning = _meaning("row", entry.key, "exact", entry.order)
            self.last_norm = norm
            return meaning
        self.last = None
        if role in ("group", "block"):
            self.in_body = self.in_body or entry.key != "legal_person"
        return _meaning(role, entry.key, "exact", entry.order)

    def _known(self, match: Match, tokens: list[Token], i: int) -> tuple[Meaning, int]:
        rows = match.with_roles(self.row_roles)
        columns = match.with_roles(_COLUMN_ROLES)
        if rows and columns and self._in_header_run(tokens, i):
            rows = ()  # 其他 / 总计 of a header repeated inside the table (a page break)
        if rows and (self.in_body or not columns):
            return self._row(self._pick(rows), match.how, tokens, i, match.consumed), match.consumed
        self.last = None
        if columns:
            return _meaning("column", columns[0].key, match.how, columns[0].order), match.consumed
        other = match.entries[0]
        if other.role in ("group", "block"):
            self.in_body = self.in_body or other.key != "legal_person"
        return _meaning(other.role, other.key, match.how, other.order), match.consumed

    def _in_header_run(self, tokens: list[Token], i: int) -> bool:
        """Return True when ``tokens[i]`` has no item marker and follows a header label."""
        if leading_marker(tokens[i].text):
            return False
        j = i - 1
        while j >= 0 and tokens[j].kind == "empty":
            j -= 1
        if j < 0 or tokens[j].kind != "text":
            return False
        return any(
            e.role in ("column", "header") or e.key == "legal_person"
            for e in self.table.get(tokens[j].norm, ())
        )

    def _pick(self, rows: Sequence[Entry]) -> Entry:
        if len(rows) == 1:  # the usual label: one row
            return rows[0]
        ahead = [e for e in rows if e.order >= self.expected]
        return min(ahead, key=lambda e: e.order) if ahead else rows[0]

    def _row(self, entry: Entry, how: str, tokens: list[Token], i: int, n: int) -> Meaning:
        self.in_body = True
        self.expected = max(self.expected, entry.order + 1)
        self.last = _meaning("row", entry.key, how, entry.order)
        self.last_norm = tokens[i].norm if n == 1 else "".join(t.norm for t in tokens[i : i + n])
        return self.last

    def _unknown(self, token: Token) -> tuple[Meaning | str, int]:
        norm = token.norm
        if self.last and any(
            completes(self.last_norm, norm, target)
            for target in self.target_of.get(self.last.key, ())
        ):
            self.last_norm += norm
            return "tail", 1
        if self.last and self._beside_rows(token.text):
            return "aside", 1
        unclosed = _UNCLOSED_MARKER.match(squeeze(token.text))
        if unclosed:  # （三不予公开: a narrow merged cell wrapped its marker's ）away
            entries = self.table.get(normalise(unclosed.group(1) + "）" + unclosed.group(2)), ())
            if entries:
                found = self._single(entries[0], norm)
                if found is not None:
                    return found, 1
        for prefix in GROUP_PREFIXES:
            rest = norm[len(prefix) :].lstrip(_ITEM_NUMBERS) if norm.startswith(prefix) else ""
            rows = [e for e in self.table.get(rest, []) if e.role in self.row_roles]
            if rows:
                return self._row(self._pick(rows), "exact", [token], 0, 1), 1
        leaked = self._without_vertical_label(token.text)
        if leaked is not None:
            return self._row(leaked, "exact", [token], 0, 1), 1
        ahead = [(e, lab) for e, lab in self.targets if e.order >= self.expected][:6]
        entry = prefix_of(norm, ahead)
        if entry:
            return self._row(entry, "prefix", [token], 0, 1), 1
        close = fuzzy(norm, ahead) or fuzzy(norm, self.targets)
        if close:
            return self._row(close[0], "fuzzy", [token], 0, 1), 1
        self.last = None
        if is_narrative(token.text):
            return Meaning("narrative"), 1
        return Meaning("unmatched"), 1

    def _beside_rows(self, text: str) -> bool:
        """Return True for a piece of a vertical group label in a cell of its own between a
        row's label and its numbers (``度办`` in ``度办  1  1  0 …``: text converted from a PDF
        prints the characters of 三、本年度办理结果, 不予处理 … on the lines of the rows beside
        them). The numbers after it are the current row's."""
        squeezed = squeeze(text)
        if not squeezed or len(squeezed) > MAX_LEAKED or squeezed in _NOT_BESIDE:
            return False
        return all(char in VERTICAL_CHARS for char in squeezed) and any(
            char not in "()）" for char in squeezed
        )

    def _without_vertical_label(self, text: str) -> Entry | None:
        """Return the row a label names once the characters of a vertical group label that
        leaked in front of it are dropped (``度办1.属于国家秘密``: 三、本年度办理结果 is printed
        one character per line beside the rows)."""
        squeezed = squeeze(text)
        for cut in range(1, min(MAX_LEAKED, len(squeezed) - 1) + 1):
            if squeezed[cut - 1] not in VERTICAL_CHARS:
                return None
            rows = [
                e for e in self.table.get(normalise(squeezed[cut:]), ()) if e.role in self.row_roles
            ]
            if rows:
                return self._pick(rows)
        return None


_UNCLOSED_MARKER = re.compile(r"^([(（][一二三四五六七八九十\d]{1,2})(?![)）])(.+)$")
MAX_LEAKED = 4
"""Characters of a vertical label that can sit in front of one row's label."""
VERTICAL_CHARS = frozenset(
    "".join(
        (
            cells.RESULTS_GROUP,
            *cells.REQUEST_GROUPS,
            cells.LEGAL_PERSON_GROUP,
            cells.APPLICANT_HEADER,
            *(g.label for g in cells.REVIEW_GROUPS),
            cells.LITIGATION_HEADER,
        )
    )
    + "）)"
) - frozenset("0123456789")
"""The characters of the group labels that are printed vertically beside the rows."""
_NOT_BESIDE = frozenset(("其他", "总计", "合计", "小计"))
"""Short words made of those characters that are labels of their own, never pieces."""


def report_unmatched(sink: Sink, regions: list[Region], table: str) -> None:
    """Add a warning for every text in the table that is neither label nor sentence."""
    for region in regions:
        meaning = region.meaning
        if isinstance(meaning, Meaning) and meaning.role == "unmatched":
            sink.add(fk.LABEL_UNMATCHED, region.location, text=region.text, table=table)


def report_fuzzy(sink: Sink, region: Region, label: str) -> None:
    """Add an info finding when a row label was matched by prefix or typo tolerance."""
    meaning = region.meaning
    if not isinstance(meaning, Meaning) or meaning.how not in ("prefix", "fuzzy"):
        return
    if meaning.how == "prefix" and len(region.label) > 1:
        return  # the tail came later: the label is complete after all
    sink.add(fk.LABEL_FUZZY, region.location, text=region.text, label=label)


def used_lines(regions: list[Region]) -> set[int]:
    """Return the indexes of the source lines that belong to the table (not narrative)."""
    kept = [
        r for r in regions if not (isinstance(r.meaning, Meaning) and r.meaning.role == _NARRATIVE)
    ]
    lines = set(map(_LINE, chain.from_iterable(map(_LABEL, kept))))
    lines.update(map(_LINE, chain.from_iterable(map(_VALUES, kept))))
    return lines


_NARRATIVE = "narrative"
_LINE, _LABEL, _VALUES = attrgetter("line"), attrgetter("label"), attrgetter("values")
