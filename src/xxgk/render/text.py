"""A report as the text people paste: Word tables, web copies, Markdown, or a terminal view.

Reports travel as text copied out of Word (one table row per line, cells separated by tabs),
out of a web page (every cell on its own line ending in `` |``) or out of a PDF viewer (one
cell per line). ``render_text`` writes a ``Report`` in each of those layouts so the parser can
be tested on any report and so a person can paste a clean copy. The three tables are laid out
as the 国办公开办函〔2021〕30号 template prints them: merged cells appear once, the cells they
cover are empty. Every label comes from ``xxgk.model.cells``.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Callable, Iterator
from decimal import Decimal

from xxgk.errors import RenderError
from xxgk.model.cells import (
    APPLICANT_HEADER,
    ITEM_CONTENT_HEADER,
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSON_GROUP,
    LITIGATION_HEADER,
    REQUEST_COLUMNS,
    REQUEST_GROUPS,
    REQUESTS_NOTE,
    RESULTS_GROUP,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTIONS,
    active_blocks_for,
    request_key,
    request_rows_for,
    review_key,
)
from xxgk.model.report import Report, Value
from xxgk.render.layout import active_keys, cell_value

Grid = list[list[str]]
LAYOUTS: tuple[str, ...] = ("tabs", "pipes", "cells", "markdown", "plain")
TABLE_SECTIONS: tuple[str, ...] = ("active", "requests", "review_litigation")
_ACTIVE_WIDTH = 4
_REQUEST_LABEL_WIDTH = 3


def render_text(report: Report, layout: str = "tabs") -> str:
    """Return ``report`` as text in ``layout`` (one of ``LAYOUTS``), ending with a newline."""
    writer = _WRITERS.get(layout)
    if writer is None:
        raise RenderError(
            f"未知的文本版式“{layout}”，可选：{'、'.join(LAYOUTS)}",
            f"unknown text layout {layout!r}; expected one of {', '.join(LAYOUTS)}",
        )
    lines = list(_document_lines(report, writer, markdown=layout == "markdown"))
    return "\n".join(lines).rstrip("\n") + "\n"


def render_markdown(report: Report) -> str:
    """Return ``report`` as Markdown with GitHub pipe tables."""
    return render_text(report, "markdown")


def format_value(value: Value) -> str:
    """Return a cell value as printed: ``""`` for a missing value (never ``0``)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value != 0 else "0"
    return str(value)


def format_date(date: dt.date) -> str:
    """Return a 落款 date the way reports print it: ``2025年1月20日``."""
    return f"{date.year}年{date.month}月{date.day}日"


# --- the three tables as grids --------------------------------------------------------------


def table_grids(report: Report, *, compact: bool = False) -> dict[str, Grid]:
    """Return the three tables as rows of printed cells, keyed by section key.

    ``compact`` gives Table 三 one label column (groups on their own rows), for terminals.
    """
    return {
        "active": active_grid(report),
        "requests": compact_requests_grid(report) if compact else requests_grid(report),
        "review_litigation": review_grid(report),
    }


def active_grid(report: Report) -> Grid:
    """Return Table 二: per block a header row, a column-label row and the value rows."""
    grid: Grid = []
    for block in active_blocks_for(report.format):
        grid.append(_pad([block.header], _ACTIVE_WIDTH))
        grid.append(_pad([ITEM_CONTENT_HEADER, *(c.label for c in block.columns)], _ACTIVE_WIDTH))
        for row in block.rows:
            keys = active_keys(report.format, block, row)
            values = [format_value(cell_value(report, k)) for k in keys]
            grid.append(_pad([row.label, *values], _ACTIVE_WIDTH))
    return grid


def requests_grid(report: Report) -> Grid:
    """Return Table 三 with its three header rows and the nested row labels."""
    width = _REQUEST_LABEL_WIDTH + len(REQUEST_COLUMNS)
    legal = [c.label for c in LEGAL_PERSON_COLUMNS]
    grid: Grid = [
        _pad([REQUESTS_NOTE, "", "", APPLICANT_HEADER], width),
        [
            "",
            "",
            "",
            REQUEST_COLUMNS[0].label,
            LEGAL_PERSON_GROUP,
            "",
            "",
            "",
            "",
            REQUEST_COLUMNS[-1].label,
        ],
        ["", "", "", "", *legal, ""],
    ]
    seen: set[str] = set()
    for row in request_rows_for(report.format):
        values = [format_value(report[request_key(row.key, c.key)]) for c in REQUEST_COLUMNS]
        grid.append(_request_labels(row.printed, row.group, seen) + values)
    return grid


def _request_labels(printed: str, group: str, seen: set[str]) -> list[str]:
    """Return the three label cells of a Table 三 row; a merged group label shows once."""
    if not group:
        return [printed, "", ""]
    first = "" if RESULTS_GROUP in seen else RESULTS_GROUP
    seen.add(RESULTS_GROUP)
    if group not in REQUEST_GROUPS:
        return [first, printed, ""]
    middle = "" if group in seen else group
    seen.add(group)
    return [first, middle, printed]


def compact_requests_grid(report: Report) -> Grid:
    """Return Table 三 with one indented label column, each group label on its own row."""
    grid: Grid = [["", *(c.label for c in REQUEST_COLUMNS)]]
    seen: set[str] = set()
    for row in request_rows_for(report.format):
        for depth, label in enumerate(_request_labels(row.printed, row.group, seen)[:2]):
            if label and label != row.printed:
                grid.append(_pad(["  " * depth + label], len(grid[0])))
        depth = 0 if not row.group else 1 if row.group not in REQUEST_GROUPS else 2
        values = [format_value(report[request_key(row.key, c.key)]) for c in REQUEST_COLUMNS]
        grid.append(["  " * depth + row.printed, *values])
    return grid


def review_grid(report: Report) -> Grid:
    """Return Table 四: the 行政复议 block beside the two 行政诉讼 blocks, then the values."""
    size = len(REVIEW_COLUMNS)
    head = _pad([REVIEW_GROUPS[0].label], size) + _pad([LITIGATION_HEADER], size * 2)
    groups = [""] * size
    for group in REVIEW_GROUPS[1:]:
        groups += _pad([group.label], size)
    labels = [c.label for _ in REVIEW_GROUPS for c in REVIEW_COLUMNS]
    values = [
        format_value(report[review_key(g.key, c.key)])
        for g in REVIEW_GROUPS
        for c in REVIEW_COLUMNS
    ]
    return [head, groups, labels, values]


def _pad(cells: list[str], width: int) -> list[str]:
    return cells + [""] * (width - len(cells))


# --- the document around the tables ---------------------------------------------------------


def _document_lines(
    report: Report, table_writer: Callable[[Grid], list[str]], *, markdown: bool
) -> Iterator[str]:
    """Yield title, the six sections with their tables, then the 落款 name and date."""
    grids = table_grids(report, compact=table_writer is plain_table)
    heading = _markdown_heading if markdown else _plain_heading
    if report.title:
        yield heading(report.title, 1)
        yield ""
    preamble = _preamble_without_title(report)
    if preamble:
        yield from _paragraphs(preamble, markdown)
    for section in SECTIONS:
        yield heading(section.heading, 2)
        text = report.section_text(section.key)
        if text:
            yield from _paragraphs(text, markdown)
        if section.key in grids:
            yield from table_writer(grids[section.key])
            yield ""
    yield from _signature_lines(report)


def _paragraphs(text: str, markdown: bool) -> Iterator[str]:
    for line in text.splitlines():
        yield line
        if markdown:
            yield ""
    if not markdown:
        yield ""


def _preamble_without_title(report: Report) -> str:
    """Return the text before section 一 without the title lines (printed once, as the title)."""
    preamble = report.sections.get("preamble")
    lines = preamble.text.splitlines() if preamble is not None else []
    title = _compact(report.title or "")
    while lines and title and _compact(lines[0]) and _compact(lines[0]) in title:
        lines.pop(0)
    return "\n".join(lines)


def _compact(text: str) -> str:
    return "".join(text.split())


def _signature_lines(report: Report) -> Iterator[str]:
    """Yield the 落款: the signature as read, else the organization when a date is known."""
    date = format_date(report.published) if report.published else ""
    if report.signature:
        yield from report.signature.splitlines()
        if date and date not in report.signature:
            yield date
    elif date:
        if report.organization:
            yield report.organization
        yield date


def _plain_heading(text: str, level: int) -> str:
    return text


def _markdown_heading(text: str, level: int) -> str:
    return f"{'#' * level} {text}"


# --- the layouts ----------------------------------------------------------------------------


def tabs_table(grid: Grid) -> list[str]:
    """One row per line, cells separated by tabs (Word → clipboard)."""
    return ["\t".join(row) for row in grid]


def pipes_table(grid: Grid) -> list[str]:
    """A web copy: each row opened by a ``|`` line, each cell on its own line ending ``|``."""
    lines: list[str] = []
    for row in grid:
        lines.append("|")
        empties = 0
        for cell in row:
            if not cell:
                empties += 1
                continue
            if empties:
                lines.append("|" * empties)
                empties = 0
            lines.append(f"{cell} |")
        if empties:
            lines.append("|" * empties)
    return lines


def cells_table(grid: Grid) -> list[str]:
    """One cell per line indented by a tab, a blank line after every row (PDF viewer copy)."""
    lines: list[str] = []
    for row in grid:
        lines += [f"\t{cell}" for cell in row]
        lines.append("")
    return lines


def markdown_table(grid: Grid) -> list[str]:
    """A GitHub pipe table; the first grid row is the header row."""
    lines = [_markdown_row(grid[0]), "|" + "---|" * len(grid[0])]
    return [""] + lines + [_markdown_row(row) for row in grid[1:]]


def _markdown_row(row: list[str]) -> str:
    return "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |"


def plain_table(grid: Grid) -> list[str]:
    """Columns padded to a common display width, for reading in a terminal."""
    widths = [0] * len(grid[0])
    for row in grid:
        for i, cell in enumerate(row):
            spans = i + 1 < len(row) and not row[i + 1]
            if not spans:
                widths[i] = max(widths[i], _width(cell))
    lines = []
    for row in grid:
        cells = [_ljust(cell, widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return lines


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _ljust(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


_WRITERS: dict[str, Callable[[Grid], list[str]]] = {
    "tabs": tabs_table,
    "pipes": pipes_table,
    "cells": cells_table,
    "markdown": markdown_table,
    "plain": plain_table,
}
