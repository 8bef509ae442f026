"""The text reader: pasted, copied or converted text to a ``SourceDocument``.

Everything that only plain text has lives here, so the interpreter sees the same lines of
cells as from an HTML or Word table:

- tab-separated rows (``规章\\t0\\t0\\t0``), with their empty merged cells kept in place;
- ``|`` cell terminators (``0 |`` one cell per line) and Markdown pipe tables;
- one cell per line with tab indents (``\\t0``): a line with a single non-empty cell is one
  cell, whatever indentation or terminator it was printed with;
- Markdown separator rows (``|---|---|``) are dropped;
- PDF-converted lines: runs of two or more spaces separate cells.

Labels broken over two lines (``总`` / ``计``) stay two lines here; the interpreter re-joins
fragments when the concatenation is a known label, for every reader alike.
"""

from __future__ import annotations

import re

from xxgk.findings import Finding, Location
from xxgk.parse import finding_kinds as fk
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine
from xxgk.parse.encoding import bytes_to_text

_WIDE_GAP = re.compile(r"[ \u3000]{2,}")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")


def read_text_bytes(data: bytes, source: str | None = None) -> SourceDocument:
    """Decode ``data`` and read it as text (the ``text`` entry of the reader registry)."""
    decoded = bytes_to_text(data, source)
    doc = text_to_document(decoded.text, source)
    if decoded.guessed:
        doc.findings.append(Finding(fk.ENCODING_GUESSED, params={"encoding": decoded.encoding}))
    return doc


def text_to_document(text: str, source: str | None = None) -> SourceDocument:
    """Split decoded text into lines of cells, keeping each cell's line and column."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = []
    for number, raw in enumerate(text.split("\n"), start=1):
        line = line_to_cells(raw.rstrip("\r"), number)
        if line is not None:
            lines.append(line)
    return SourceDocument(lines=lines, source=source, format_name="text")


def line_to_cells(raw: str, number: int) -> SourceLine | None:
    """Return one physical line as a ``SourceLine``, or None for blank and separator lines."""
    if not raw.strip(" \u3000\r\f\v"):
        return None
    if raw.lstrip(" |:")[:2] == "--" and _MD_SEPARATOR.match(raw):
        return None
    text = raw.strip()
    if text and "\t" not in text and "|" not in text and not _WIDE_GAP.search(text):
        column = raw.index(text[0]) + 1
        cell = SourceCell(text, Location(line=number, column=column, text=text))
        return SourceLine([cell], in_table="\t" in raw or "|" in raw)
    spans = _split(raw)
    pieces = [(raw[a:b], a) for a, b in spans]
    filled = sum(1 for piece, _ in pieces if piece.strip())
    if not filled:
        return SourceLine([SourceCell("", Location(line=number, column=1, text=""))], True)
    if filled == 1:
        piece, start = next((p, a) for p, a in pieces if p.strip())
        return SourceLine([_cell(piece, start, number)], in_table=True)
    return SourceLine([_cell(piece, start, number) for piece, start in pieces], in_table=True)


def _split(raw: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of the cells of ``raw``."""
    if "\t" in raw:
        return _spans(raw, "\t")
    if "|" not in raw:
        return _gap_spans(raw)
    if "|" in raw:
        spans = _spans(raw, "|")
        stripped = raw.strip()
        if stripped.startswith("|") and len(spans) > 1:
            spans = spans[1:]
        if stripped.endswith("|") and len(spans) > 1:
            spans = spans[:-1]
        return spans
    return [(0, len(raw))]


def _gap_spans(raw: str) -> list[tuple[int, int]]:
    """Cells of PDF-converted text: runs of two or more spaces separate them."""
    spans, start = [], 0
    for gap in _WIDE_GAP.finditer(raw):
        spans.append((start, gap.start()))
        start = gap.end()
    spans.append((start, len(raw)))
    return spans


def _spans(raw: str, sep: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(raw):
        if ch == sep:
            spans.append((start, i))
            start = i + 1
    spans.append((start, len(raw)))
    return spans


def _cell(piece: str, start: int, number: int) -> SourceCell:
    text = piece.strip()
    column = start + (len(piece) - len(piece.lstrip())) + 1
    return SourceCell(text, Location(line=number, column=column, text=text))
