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
_BLANK = " \u3000\r\f\v"
_new = object.__new__
_LOCATION_DEFAULTS = dict(vars(Location()))


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
    append = lines.append
    for number, raw in enumerate(text.split("\n"), start=1):
        line = line_to_cells(raw, number)
        if line is not None:
            append(line)
    return SourceDocument(lines=lines, source=source, format_name="text")


def line_to_cells(raw: str, number: int) -> SourceLine | None:
    """Return one physical line as a ``SourceLine``, or None for blank and separator lines."""
    if not raw.strip(_BLANK):
        return None
    if raw.lstrip(" |:")[:2] == "--" and _MD_SEPARATOR.match(raw):
        return None
    text = raw.strip()
    if text and "\t" not in text and "|" not in text and not _has_wide_gap(text):
        column = raw.index(text[0]) + 1
        cell = _source_cell(text, _location(number, column, text))
        return SourceLine([cell], in_table="\t" in raw or "|" in raw)
    pieces = _split(raw)
    filled = [p for p in pieces if p[0].strip()]
    if not filled:
        return SourceLine([_source_cell("", _location(number, 1, ""))], True)
    if len(filled) == 1:
        piece, start = filled[0]
        return SourceLine([_cell(piece, start, number)], in_table=True)
    return SourceLine([_cell(piece, start, number) for piece, start in pieces], in_table=True)


def _has_wide_gap(text: str) -> bool:
    """``_WIDE_GAP.search`` without the regex for the usual line (no double space, no 　)."""
    if "  " not in text and "\u3000" not in text:
        return False
    return _WIDE_GAP.search(text) is not None


def _split(raw: str) -> list[tuple[str, int]]:
    """Return the cells of ``raw`` as (text, start offset)."""
    if "\t" in raw:
        return _pieces(raw, "\t")
    if "|" not in raw:
        return _gap_pieces(raw)
    pieces = _pieces(raw, "|")
    stripped = raw.strip()
    if stripped.startswith("|") and len(pieces) > 1:
        pieces = pieces[1:]
    if stripped.endswith("|") and len(pieces) > 1:
        pieces = pieces[:-1]
    return pieces


def _gap_pieces(raw: str) -> list[tuple[str, int]]:
    """Cells of PDF-converted text: runs of two or more spaces separate them."""
    pieces, start = [], 0
    for gap in _WIDE_GAP.finditer(raw):
        pieces.append((raw[start : gap.start()], start))
        start = gap.end()
    pieces.append((raw[start:], start))
    return pieces


def _pieces(raw: str, sep: str) -> list[tuple[str, int]]:
    pieces, start = [], 0
    for part in raw.split(sep):
        pieces.append((part, start))
        start += len(part) + 1
    return pieces


def _cell(piece: str, start: int, number: int) -> SourceCell:
    text = piece.strip()
    column = start + (len(piece) - len(piece.lstrip())) + 1
    return _source_cell(text, _location(number, column, text))


# A text report has hundreds of cells: building the frozen dataclasses through their
# generated ``__init__`` (one ``object.__setattr__`` per field) was a fifth of the reader's
# time. These build the very same objects (equal, same hash) by filling ``__dict__``.


def _location(line: int, column: int, text: str) -> Location:
    loc = _new(Location)
    fields = loc.__dict__
    fields.update(_LOCATION_DEFAULTS)
    fields["line"] = line
    fields["column"] = column
    fields["text"] = text
    return loc


def _source_cell(text: str, location: Location) -> SourceCell:
    cell = _new(SourceCell)
    fields = cell.__dict__
    fields["text"] = text
    fields["location"] = location
    return cell
