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
from itertools import compress, count, repeat
from operator import is_

from xxgk import parse_findings as fk
from xxgk.collector import gc_paused
from xxgk.findings import Finding, Location, quick_location
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine, quick_cell
from xxgk.parse.encoding import bytes_to_text
from xxgk.parse.reader_common import drop_invisible
from xxgk.parse.text_pages import drop_repeated_headers, page_starts
from xxgk.recall import MISSING as _MISSING
from xxgk.recall import Recall

_WIDE_GAP = re.compile(r"[ \u3000]{2,}")
_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BLANK = " \u3000\r\f\v"
_new = object.__new__


def read_text_bytes(data: bytes, source: str | None = None) -> SourceDocument:
    """Decode ``data`` and read it as text (the ``text`` entry of the reader registry)."""
    decoded = bytes_to_text(data, source)
    with gc_paused():
        doc = text_to_document(decoded.text, source)
    if decoded.guessed:
        doc.findings.append(Finding(fk.ENCODING_GUESSED, params={"encoding": decoded.encoding}))
    return doc


def text_to_document(text: str, source: str | None = None) -> SourceDocument:
    """Split decoded text into lines of cells, keeping each cell's line and column."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    text = drop_invisible(text)  # zero-width spaces, soft hyphens: ``reader_common.INVISIBLE``
    raws = text.split("\n")
    keys = list(zip(raws, count(1)))  # (raw line, line number): the key of a shared line
    found = list(map(_PLACED.get, keys, repeat(_MISSING)))  # line_to_cells, at C speed
    for index in compress(count(), map(is_, found, repeat(_MISSING))):  # lines new here
        key = keys[index]
        line = _PLACED.recall(key)
        found[index] = _remember_placed(*key) if line is _MISSING else line
    lines: list[SourceLine] = list(filter(None, found))  # blank and separator lines: None
    if "\f" in text:  # converted from a PDF: drop a table header repeated on a new page
        lines = drop_repeated_headers(lines, page_starts(text))
    return SourceDocument(lines=lines, source=source, format_name="text")


def line_to_cells(raw: str, number: int) -> SourceLine | None:
    """Return one physical line as a ``SourceLine``, or None for blank and separator lines.

    The line is shared with every other text that prints the same line at the same line
    number (see ``_PLACED``): read it, never change it.
    """
    line = _PLACED.lookup((raw, number))
    if line is _MISSING:
        line = _remember_placed(raw, number)
    return line


def _remember_placed(raw: str, number: int) -> SourceLine | None:
    placed = _placed_cells(raw, number)
    line = None if placed is None else _source_line(list(placed[0]), placed[1])
    if line is not None:
        line.memo = {}  # type: ignore[misc]  # shared: later steps may remember their work on it
    return _PLACED.keep((raw, number), line)


def _placed_cells(raw: str, number: int) -> tuple[tuple[SourceCell, ...], bool] | None:
    """Return the cells of ``raw`` read at line ``number``, and whether it is a table row."""
    layout = _LAYOUTS.lookup(raw)
    if layout is _MISSING:
        layout = _LAYOUTS.keep(raw, line_layout(raw))
    if layout is None:
        return None
    cells, in_table = layout
    known = _CELLS
    placed = []
    for text, column in cells:  # a cell recurs at its place even when its line does not
        key = (text, number, column)
        cell = known.get(key)
        if cell is None:
            cell = known.recall(key)
            if cell is _MISSING:
                cell = known.keep(key, _source_cell(text, _location(number, column, text)))
        placed.append(cell)
    return tuple(placed), in_table


# Labels, zeros and template sentences repeat from report to report, so the cells of a raw
# line are worked out once and kept (bounded); only the line number differs between uses.
# Reports of the same template also print the same line at the same line number, so the
# finished ``SourceLine`` is kept per (line, number) too and shared by every document that
# prints it: nothing downstream changes the lines of a text document (the interpreter only
# reads them; only the PDF reader edits lines, its own), and building a fresh line and cell
# list per report was most of the reader's time.
# The bounds keep a batch flat in memory (``Recall``: two generations of at most 8,000
# entries; what recurs is kept, the lines with a report's own numbers, which rarely recur,
# are dropped instead of piling up ~20 MB a thousand reports).
_LAYOUTS: Recall[str, tuple[tuple[tuple[str, int], ...], bool] | None] = Recall(8_000)
_PLACED: Recall[tuple[str, int], SourceLine | None] = Recall(8_000)
_CELLS: Recall[tuple[str, int, int], SourceCell] = Recall(8_000)  # (text, line, column): frozen


def line_layout(raw: str) -> tuple[tuple[tuple[str, int], ...], bool] | None:
    """Return the cells of ``raw`` as (text, 1-based column) and whether it is a table row;
    None for blank and separator lines."""
    if not raw.strip(_BLANK):
        return None
    if raw.lstrip(" |:")[:2] == "--" and _MD_SEPARATOR.match(raw):
        return None
    text = raw.strip()
    if text and "\t" not in text and "|" not in text and not _has_wide_gap(text):
        return ((text, raw.index(text[0]) + 1),), "\t" in raw or "|" in raw
    pieces = _split(raw)
    filled = [p for p in pieces if p[0].strip()]
    if not filled:
        return (("", 1),), True
    if len(filled) == 1:
        pieces = filled
    return tuple(_cell(piece, start) for piece, start in pieces), True


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


def _cell(piece: str, start: int) -> tuple[str, int]:
    text = piece.strip()
    return text, start + (len(piece) - len(piece.lstrip())) + 1


def _location(line: int, column: int, text: str) -> Location:
    return quick_location(line=line, column=column, text=text)


_source_cell = quick_cell


def _source_line(cells: list[SourceCell], in_table: bool) -> SourceLine:
    line = _new(SourceLine)
    line.__dict__.update(cells=cells, in_table=in_table)
    return line


def _fast_constructors_match() -> bool:
    """Return True when the fast constructors build what the dataclasses' own would."""
    try:
        loc = Location(line=1, column=2, text="x")
        return (
            vars(_location(1, 2, "x")) == vars(loc)
            and vars(_source_cell("x", loc)) == vars(SourceCell("x", loc))
            and vars(_source_line([], True)) == vars(SourceLine([], True))
        )
    except (AttributeError, TypeError):  # slotted classes have no instance dict
        return False


if not _fast_constructors_match():  # a field was added to the model: use the plain classes

    def _location(line: int, column: int, text: str) -> Location:  # noqa: F811
        return Location(line=line, column=column, text=text)

    _source_cell = SourceCell  # noqa: F811
    _source_line = SourceLine  # noqa: F811
