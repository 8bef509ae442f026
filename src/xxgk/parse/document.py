"""The reader-independent form of a source: lines of cells, each with its place.

Every reader (text, HTML, DOCX, XLSX, PDF) turns its input into a list of ``SourceLine``:
a paragraph is a line with one cell, a table row is a line with one cell per printed cell
(merged cells appear once, empty cells as ``""``). The interpreter (``parse.interpret``)
reads sections, tables and metadata from this form alone, so every format is read by the
same label matching and the same checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from xxgk.findings import Finding, Location


@dataclass(frozen=True)
class SourceCell:
    """One printed cell (or paragraph) and where it was read."""

    text: str
    location: Location


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

    @property
    def text(self) -> str:
        return "\t".join(c.text for c in self.cells)


@dataclass
class SourceDocument:
    """What a reader produced: the lines, plus findings about the reading itself
    (encoding guessed, text layer missing, …) and the detected format name."""

    lines: list[SourceLine]
    source: str | None = None
    format_name: str = "text"
    findings: list[Finding] = field(default_factory=list)
