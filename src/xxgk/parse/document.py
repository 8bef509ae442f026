"""The reader-independent form of a source: lines of cells, each with its place.

Every reader (text, HTML, DOCX, XLSX, PDF) turns its input into a list of ``SourceLine``:
a paragraph is a line with one cell, a table row is a line with one cell per printed cell
(merged cells appear once, empty cells as ``""``). The interpreter (``parse.interpret``)
reads sections, tables and metadata from this form alone, so every format is read by the
same label matching and the same checks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, count, repeat
from operator import attrgetter, is_
from typing import Any, ClassVar

from xxgk.findings import Finding, Location


class _Unknown:
    """The answer a line has not been asked for yet (equal only to itself, compared in C)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "UNKNOWN"


UNKNOWN: Any = _Unknown()


@dataclass(frozen=True)
class SourceCell:
    """One printed cell (or paragraph) and where it was read."""

    text: str
    location: Location


def quick_cell(text: str, location: Location) -> SourceCell:
    """Return ``SourceCell(text, location)`` built by filling its ``__dict__`` (the same
    object; see ``findings.quick_location``, which the readers use with it)."""
    cell = object.__new__(SourceCell)
    fields = cell.__dict__
    fields["text"] = text
    fields["location"] = location
    return cell


@dataclass
class SourceLine:
    """One line of text or one table row. ``in_table`` is True when the reader knows the
    line is a table row (HTML/DOCX/PDF tables, tab- or pipe-separated text).

    ``memo`` is None, or a dict on a line that its reader shares between documents (the text
    reader shares the lines that recur from report to report; see ``parse.text``). Such a
    line is never changed, so later steps may keep their per-line work in its memo.
    """

    cells: list[SourceCell]
    in_table: bool = False
    memo: ClassVar[dict[Any, Any] | None] = None
    facts: ClassVar[Any] = UNKNOWN  # the interpreter's answers, on shared lines only
    """See ``all_line_facts``."""

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)


def all_line_facts(
    lines: Sequence[SourceLine], computes: tuple[Callable[[SourceLine], Any], ...]
) -> list[tuple[Any, ...]]:
    """Return, per ``computes``, the list of its answers for every line, in order.

    A shared line (one with a ``memo``) keeps its answers together in its ``facts``
    attribute, so for the lines that recur from report to report they are collected at C
    speed (``map`` of an ``attrgetter``), and a document's lines are walked once for all of
    them (each walk of a 400-line text costs ~30 µs). The interpreter passes the same
    ``computes`` every time; a shared line holds the answers of that one tuple.
    """
    found = list(map(_FACTS_OF, lines))
    for index in compress(count(), map(is_, found, repeat(UNKNOWN))):
        line = lines[index]
        found[index] = fact = tuple([compute(line) for compute in computes])
        if line.memo is not None:
            line.facts = fact  # type: ignore[misc]
    if not found:
        return [() for _ in computes]
    return list(zip(*found, strict=True))


_FACTS_OF = attrgetter("facts")


@dataclass
class SourceDocument:
    """What a reader produced: the lines, plus findings about the reading itself
    (encoding guessed, text layer missing, …) and the detected format name. ``ocr`` is True
    when some of it was read by OCR from page images (its cells carry a confidence)."""

    lines: list[SourceLine]
    source: str | None = None
    format_name: str = "text"
    findings: list[Finding] = field(default_factory=list)
    page_fields: dict[str, str] = field(default_factory=dict)
    """What the page itself says outside the report (HTML ``<meta name="PubDate">`` …):
    ``published`` (the CMS publication time), ``source`` (来源), ``site`` (the site name)."""
    ocr: bool = False
    ocr_candidates: dict[Any, tuple[str, ...]] = field(default_factory=dict)
    """Other readings the recogniser saw for a cell, by ``(page, bbox)`` of its place."""
