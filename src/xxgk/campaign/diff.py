"""Two reports side by side: the cells that differ and the section text that changed.

Used for two versions of one unit's report for a year (what the corrected report changed) and
for this year against last year (the year-on-year view). Section text is compared character by
character (Chinese has no spaces to split words on), and the result is a list of runs — kept,
removed, added — that the page shows with strike-through and underline.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS, SECTIONS, cell_title
from xxgk.model.report import Report, Value
from xxgk.render.layout import format_value

MAX_TEXT = 20_000
"""Characters of a section compared at most (a longer one is shown as removed and added)."""
_SENTENCE = re.compile(r"[^。；！？\n]*[。；！？\n]?")


@dataclass(frozen=True)
class CellChange:
    """A cell whose value differs between the two reports."""

    key: str
    table: str
    title: str
    before: str
    after: str
    delta: str
    """After minus before, when both are numbers (e.g. ``+3``), else empty."""


@dataclass(frozen=True)
class Run:
    """A piece of section text: ``same``, ``removed`` (only before) or ``added`` (only after)."""

    kind: str
    text: str


@dataclass(frozen=True)
class SectionChange:
    """A section whose text differs, as runs of kept, removed and added text."""

    key: str
    heading: str
    runs: tuple[Run, ...]


@dataclass(frozen=True)
class ReportDiff:
    """What differs between ``before`` and ``after``."""

    before_label: str
    after_label: str
    cells: list[CellChange]
    sections: list[SectionChange]

    @property
    def same(self) -> bool:
        return not self.cells and not self.sections


def _delta(before: Value, after: Value) -> str:
    if before is None or after is None:
        return ""
    change = after - before
    if change == 0:
        return ""
    return f"+{format_value(change)}" if change > 0 else format_value(change)


def cell_changes(before: Report, after: Report) -> list[CellChange]:
    """Return the cells whose values differ, in the printed order of the tables."""
    out = []
    for key in CELL_KEYS:
        old, new = before.values.get(key), after.values.get(key)
        if old == new:
            continue
        out.append(
            CellChange(
                key,
                CELL_BY_KEY[key].table,
                cell_title(key),
                format_value(old),
                format_value(new),
                _delta(old, new),
            )
        )
    return out


def sentences(text: str) -> list[str]:
    """Return ``text`` cut after every 。；！？ and line break (the pieces join back to it)."""
    return [piece for piece in _SENTENCE.findall(text) if piece]


def _char_runs(before: str, after: str) -> list[Run]:
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    runs: list[Run] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run("same", before[i1:i2]))
            continue
        if i2 > i1:
            runs.append(Run("removed", before[i1:i2]))
        if j2 > j1:
            runs.append(Run("added", after[j1:j2]))
    return runs


def text_runs(before: str, after: str) -> tuple[Run, ...]:
    """Return the runs that turn ``before`` into ``after``: sentences are matched first, and
    a changed sentence is compared character by character (so a long section stays fast)."""
    if len(before) > MAX_TEXT or len(after) > MAX_TEXT:
        return (Run("removed", before), Run("added", after))
    old, new = sentences(before), sentences(after)
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    runs: list[Run] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(Run("same", "".join(old[i1:i2])))
        elif op == "replace" and i2 - i1 == j2 - j1:
            for a, b in zip(old[i1:i2], new[j1:j2], strict=True):
                runs += _char_runs(a, b)
        else:
            if i2 > i1:
                runs.append(Run("removed", "".join(old[i1:i2])))
            if j2 > j1:
                runs.append(Run("added", "".join(new[j1:j2])))
    return tuple(runs)


def section_changes(before: Report, after: Report) -> list[SectionChange]:
    """Return the sections whose text differs, with the runs of the change."""
    out = []
    for section in SECTIONS:
        old, new = before.section_text(section.key), after.section_text(section.key)
        if old.strip() == new.strip():
            continue
        out.append(SectionChange(section.key, section.heading, text_runs(old, new)))
    return out


def diff_reports(before: Report, after: Report, before_label: str, after_label: str) -> ReportDiff:
    """Return the differences of cells and of section text between two reports."""
    return ReportDiff(
        before_label, after_label, cell_changes(before, after), section_changes(before, after)
    )
