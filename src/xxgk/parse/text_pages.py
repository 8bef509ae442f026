"""Page breaks in converted text: the table header a PDF repeats atop each page.

Text converted from a PDF (``pdftotext``, a portal's "download as text") keeps the page
breaks as form feeds. When the PDF repeated a table's header on each page (Word's "repeat
as header row"), the converted text prints the header again in the middle of the table's
rows; read as rows, it ends the table early. It is dropped here, before the interpreter.
"""

from __future__ import annotations

import re

from xxgk.parse.document import SourceLine

HEADER_LINES = 24
"""At most this many lines (without numbers) above a table's rows can be its header: Table 三's
header takes 15 lines in ``pdftotext -raw`` text, one per printed line of its cells
(``商业企`` / ``业`` / ``科研机`` / ``构`` …)."""

MIN_REPEAT = 2
"""A repeat is at least this many lines: one line (``信息内容 本年处理决定数量``) recurs
legitimately as the header of each block of Table 二."""

_NUMBER = re.compile(r"(?:^|\s)[-+]?\d[\d,，]*(?:\.\d+)?$")
"""A cell that is a number or ends with one after a space: ``pdftotext -raw`` keeps a row's
label and numbers in one cell (``2.重复申请 0 0 0 0 0 0 0``)."""
_SPACE = re.compile(r"\s+")


def page_starts(text: str) -> set[int]:
    """Return the 1-based numbers of the lines that start a page (after a form feed)."""
    starts = set()
    for number, raw in enumerate(text.split("\n"), start=1):
        if "\f" in raw:  # a feed after the line's text starts the page on the next line
            starts.add(number + 1 if raw.strip("\f \t\u3000").endswith("\f") else number)
    return starts


def _has_number(line: SourceLine) -> bool:
    return any(_NUMBER.search(cell.text) for cell in line.cells)


def header_key(line: SourceLine) -> str:
    """Return a line's text for comparing headers: cells joined, spacing dropped (a
    converter or OCR may split or space one cell differently on each page)."""
    return _SPACE.sub("", "".join(cell.text for cell in line.cells))


def _line_number(line: SourceLine) -> int | None:
    return line.cells[0].location.line if line.cells else None


def drop_repeated_headers(lines: list[SourceLine], starts: set[int]) -> list[SourceLine]:
    """Drop the lines that open a page when they repeat, spacing aside (a converter lays
    each page out anew), the last lines of a header printed above a table's rows: the lines
    without numbers right before a row with numbers. The lines are shared: only the list
    changes."""
    out: list[SourceLine] = []
    heads: set[tuple[str, ...]] = set()  # the last 2…HEADER_LINES lines above table rows
    run: list[str] = []  # the lines without numbers since the last row with numbers
    n = 0
    previous = 0  # the line number of the line before, to see a page start between
    while n < len(lines):
        line = lines[n]
        number = _line_number(line) or previous
        opens_page = any(previous < start <= number for start in starts)
        previous = number
        if heads and opens_page:
            repeat = _repeated_head(lines, n, heads)
            if repeat:
                n += repeat
                previous = _line_number(lines[n - 1]) or previous
                continue
        if _has_number(line):
            heads.update(
                tuple(run[-k:]) for k in range(MIN_REPEAT, min(len(run), HEADER_LINES) + 1)
            )
            run = []
        else:
            run.append(header_key(line))
        out.append(line)
        n += 1
    return out


def _repeated_head(lines: list[SourceLine], start: int, heads: set[tuple[str, ...]]) -> int:
    """Return how many lines from ``start`` (the longest run, at least ``MIN_REPEAT``)
    repeat a header seen above a table's rows, or 0."""
    keys: list[str] = []
    for line in lines[start : start + HEADER_LINES]:
        if _has_number(line):
            break
        keys.append(header_key(line))
    for size in range(len(keys), MIN_REPEAT - 1, -1):
        if tuple(keys[:size]) in heads:
            return size
    return 0
