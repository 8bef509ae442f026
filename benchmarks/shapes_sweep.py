"""Sweep of realistic published shapes: ``python benchmarks/shapes_sweep.py [-n 12] [--pairs 300]``.

Not a timing: it looks for *silent misreadings*. Random consistent reports (``xxgk.synth``)
are laid out as the official tables (``render.layout``), changed the way government sites
and offices change them (one perturbation at a time, then random pairs), written as pasted
text (three layouts), crawler text (``flat``: every cell boundary lost; ``flatall``: the whole
report on one line), HTML, DOCX and XLSX (and with ``--pdf N`` as PDF through LibreOffice),
parsed back, and every canonical cell is classified against the report it came from:

- ``exact``: read as written;
- ``flagged``: not exact, but a finding names the cell (or names its table as unreadable);
- ``rule``: wrong, and only a rule of ``xxgk.rules`` (a 勾稽 relation) names the cell;
- ``wrong``: a value that differs, with no finding at all: the worst bug;
- ``missing``: None without a finding.

The seeds beside the checkout (``../shared/seeds``, real reports with their truth) get the
character-level perturbations on their own text. ``--show K`` prints K examples of every
silently wrong class. The exit status is 0 whatever the counts (a survey, not a test).
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from xxgk.errors import XxgkError
from xxgk.model.cells import (
    CELL_BY_KEY,
    CELL_KEYS,
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSON_GROUP,
    REQUEST_COLUMNS,
    SECTIONS,
)
from xxgk.model.report import Report
from xxgk.parse import parse_bytes
from xxgk.render.layout import format_value, tables_for
from xxgk.render.text import cells_table, pipes_table, tabs_table
from xxgk.rules import validate
from xxgk.synth import random_report

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"

# --- a report as printed: paragraphs and spanning tables ----------------------------------


@dataclass
class Cell:
    """A printed cell: text, span, and the canonical key of a value cell."""

    text: str
    rowspan: int = 1
    colspan: int = 1
    key: str | None = None
    role: str = "value"


Table = list[list[Cell]]


@dataclass
class Doc:
    """A report as blocks: ``("h", text)``, ``("p", text)`` or ``("t", section_key, Table)``."""

    blocks: list[tuple[Any, ...]]
    html: set[str] = field(default_factory=set)
    """HTML-only changes asked for by the perturbations (wrappers, th, empty rows…)."""


def build_doc(report: Report) -> Doc:
    """Return ``report`` laid out like the template (title, sections, tables, 落款)."""
    blocks: list[tuple[Any, ...]] = [("h", report.title or "")]
    tables = tables_for(report)
    for section in SECTIONS:
        blocks.append(("h", section.heading))
        for line in report.section_text(section.key).splitlines():
            if line.strip():
                blocks.append(("p", line))
        layout = tables.get(section.key)
        if layout is not None:
            table = [
                [
                    Cell(
                        format_value(report.values[c.key]) if c.key else c.text,
                        c.rowspan,
                        c.colspan,
                        c.key,
                        c.role,
                    )
                    for c in row
                ]
                for row in layout.rows
            ]
            blocks.append(("t", section.key, table))
    blocks.append(("p", report.signature or report.organization or ""))
    if report.published:
        d = report.published
        blocks.append(("p", f"{d.year}年{d.month}月{d.day}日"))
    return Doc(blocks)


def positions(table: Table) -> list[tuple[int, int, Cell]]:
    """Return ``(row, column, cell)`` of every cell, resolving spans like a browser."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(table):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
    return out


def grid_of(table: Table) -> list[list[str]]:
    """Return the table as a full grid: a spanning cell's text at its start, blanks under it."""
    places = positions(table)
    height = max(r + c.rowspan for r, _, c in places)
    width = max(col + c.colspan for _, col, c in places)
    grid = [[""] * width for _ in range(height)]
    for r, col, cell in places:
        grid[r][col] = cell.text
    return grid


# --- writers ----------------------------------------------------------------------------------


def write_text(doc: Doc, layout: str) -> bytes:
    writer = {"tabs": tabs_table, "pipes": pipes_table, "cells": cells_table}[layout]
    lines: list[str] = []
    for block in doc.blocks:
        if block[0] == "t":
            grid = grid_of(block[2])
            lines += writer(grid)
            lines.append("")
        else:
            lines += [block[1], ""] if block[0] == "h" else [block[1]]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _html_cell(cell: Cell, tag: str, opts: set[str], index: int) -> str:
    body = "<br>".join(_esc(t) for t in cell.text.split("\n"))
    if "wrap" in opts:
        wrappers = (
            "<div><span>{}</span></div>",
            '<p class="MsoNormal" align="center"><span style="font-size:12pt">{}</span></p>',
            '<font face="宋体">{}</font>',
            "<span>{}</span>",
        )
        body = wrappers[index % len(wrappers)].format(body)
    spans = ""
    if cell.rowspan > 1:
        spans += f' rowspan="{cell.rowspan}"'
    if cell.colspan > 1:
        spans += f' colspan="{cell.colspan}"'
    return f"<{tag}{spans}>{body}</{tag}>"


def _html_table(table: Table, opts: set[str], header_rows: int) -> str:
    rows = []
    for r, row in enumerate(table):
        tag = "th" if "th" in opts and r < header_rows else "td"
        cells = "".join(_html_cell(c, tag, opts, i + r) for i, c in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
        if "empty_tr" in opts and r % 4 == 1:
            rows.append("<tr></tr>")
    if "nested" in opts and header_rows:
        width = max(col + c.colspan for _, col, c in positions(table))
        head = "".join(rows[: header_rows + (header_rows // 4 if "empty_tr" in opts else 0)])
        inner = f'<tr><td colspan="{width}"><table border="1">{head}</table></td></tr>'
        rows = [inner, *rows[header_rows:]]
    return '<table border="1" cellspacing="0">' + "".join(rows) + "</table>"


HEADER_ROWS = {"active": 0, "requests": 3, "review_litigation": 3}


def write_html(doc: Doc) -> bytes:
    parts = ['<html><head><meta charset="utf-8"><title>年度报告</title></head><body>']
    for block in doc.blocks:
        if block[0] == "h":
            parts.append(f"<h2>{_esc(block[1])}</h2>")
        elif block[0] == "p":
            parts.append(f"<p>{_esc(block[1])}</p>")
        else:
            parts.append(_html_table(block[2], doc.html, HEADER_ROWS.get(block[1], 0)))
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")


def write_docx(doc: Doc) -> bytes:
    import docx

    document = docx.Document()
    for block in doc.blocks:
        if block[0] in ("h", "p"):
            document.add_paragraph(block[1])
            continue
        table = block[2]
        places = positions(table)
        height = max(r + c.rowspan for r, _, c in places)
        width = max(col + c.colspan for _, col, c in places)
        out = document.add_table(rows=height, cols=width)
        out.style = "Table Grid"
        for r, col, cell in places:
            target = out.cell(r, col)
            if cell.rowspan > 1 or cell.colspan > 1:
                target = target.merge(out.cell(r + cell.rowspan - 1, col + cell.colspan - 1))
            lines = cell.text.split("\n")
            target.paragraphs[0].text = lines[0]
            for extra in lines[1:]:
                target.add_paragraph(extra)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_xlsx(doc: Doc) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    row = 1
    for block in doc.blocks:
        if block[0] in ("h", "p"):
            sheet.cell(row, 1, block[1])
            row += 1
            continue
        places = positions(block[2])
        for r, col, cell in places:
            target = sheet.cell(row + r, col + 1)
            number = re.fullmatch(r"\d+", cell.text)
            target.value = int(cell.text) if number and cell.key else (cell.text or None)
            if cell.rowspan > 1 or cell.colspan > 1:
                sheet.merge_cells(
                    start_row=row + r,
                    start_column=col + 1,
                    end_row=row + r + cell.rowspan - 1,
                    end_column=col + cell.colspan,
                )
        row += max(r + c.rowspan for r, _, c in places) + 1
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def write_flat(doc: Doc, whole: bool) -> bytes:
    """Crawler text: the tab layout with every cell boundary lost, each table run together
    on one line (``whole``: the whole report on one line)."""
    lines = write_text(doc, "tabs").decode("utf-8").split("\n")
    if whole:
        return ("".join(c for line in lines for c in line.split("\t") if c.strip()) + "\n").encode()
    out: list[str] = []
    run: list[str] = []
    for line in lines:
        if "\t" in line:
            run.extend(c for c in line.split("\t") if c.strip())
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(line)
    out.append("".join(run))
    return "\n".join(out).encode("utf-8")


WRITERS: dict[str, tuple[Callable[[Doc], bytes], str]] = {
    "flat": (lambda d: write_flat(d, False), "r.txt"),
    "flatall": (lambda d: write_flat(d, True), "r.txt"),
    "tabs": (lambda d: write_text(d, "tabs"), "r.txt"),
    "pipes": (lambda d: write_text(d, "pipes"), "r.txt"),
    "cells": (lambda d: write_text(d, "cells"), "r.txt"),
    "html": (write_html, "r.html"),
    "docx": (write_docx, "r.docx"),
    "xlsx": (write_xlsx, "r.xlsx"),
}

# --- perturbations ----------------------------------------------------------------------------

Perturb = Callable[[Doc, random.Random], None]
PERTURBATIONS: dict[str, Perturb] = {}
ONLY: dict[str, tuple[str, ...]] = {}
"""Perturbations that make sense in some formats only."""


def perturbation(name: str, only: tuple[str, ...] = ()) -> Callable[[Perturb], Perturb]:
    def register(fn: Perturb) -> Perturb:
        PERTURBATIONS[name] = fn
        if only:
            ONLY[name] = only
        return fn

    return register


def tables(doc: Doc) -> Iterable[tuple[str, Table]]:
    for block in doc.blocks:
        if block[0] == "t":
            yield block[1], block[2]


def value_cells(doc: Doc) -> list[Cell]:
    return [c for _, t in tables(doc) for row in t for c in row if c.key]


def label_cells(doc: Doc) -> list[Cell]:
    return [c for _, t in tables(doc) for row in t for c in row if c.role in ("label", "group")]


def _plain(text: str) -> bool:
    """Return True for a count printed in ASCII digits only (``①`` is a digit to isdigit)."""
    return text.isascii() and text.isdigit()


def _some(cells: list[Cell], rng: random.Random, share: float = 0.3) -> list[Cell]:
    return [c for c in cells if rng.random() < share] or cells[:1]


@perturbation("unit-suffix")
def _unit_suffix(doc: Doc, rng: random.Random) -> None:
    for c in _some(value_cells(doc), rng):
        if c.text and c.key != "active.fees":
            c.text += rng.choice(["件", " 件", "个", " 个", "项"])


@perturbation("zero-dash")
def _zero_dash(doc: Doc, rng: random.Random) -> None:
    for c in value_cells(doc):
        if c.text == "0" and rng.random() < 0.5:
            c.text = rng.choice(["—", "-", "/", "无", "", "——", "0"])


@perturbation("fullwidth-digits")
def _fullwidth(doc: Doc, rng: random.Random) -> None:
    table = str.maketrans("0123456789", "０１２３４５６７８９")
    for c in value_cells(doc):
        c.text = c.text.translate(table)


@perturbation("thousands")
def _thousands(doc: Doc, rng: random.Random) -> None:
    cells = value_cells(doc)
    for c in cells:
        if _plain(c.text) and int(c.text) >= 1000:
            c.text = f"{int(c.text):,}".replace(",", rng.choice([",", "，"]))


@perturbation("value-two-lines")
def _value_two_lines(doc: Doc, rng: random.Random) -> None:
    for c in value_cells(doc):
        if len(c.text) >= 3 and rng.random() < 0.7:
            cut = rng.randint(1, len(c.text) - 1)
            c.text = c.text[:cut] + "\n" + c.text[cut:]


@perturbation("fee-decimals")
def _fee_decimals(doc: Doc, rng: random.Random) -> None:
    for c in value_cells(doc):
        if c.key == "active.fees" and re.fullmatch(r"\d+", c.text):
            c.text = rng.choice([f"{c.text}.00", f"{c.text}万元", f"{c.text}.0"])


@perturbation("label-wrap")
def _label_wrap(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc), rng, 0.4):
        if len(c.text) >= 4:
            cut = rng.randint(2, len(c.text) - 2)
            c.text = c.text[:cut] + "\n" + c.text[cut:]


@perturbation("label-spaces")
def _label_spaces(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc), rng, 0.4):
        if len(c.text) >= 4:
            if rng.random() < 0.5:
                c.text = " ".join(c.text)
            else:
                cut = rng.randint(1, len(c.text) - 1)
                c.text = c.text[:cut] + " " + c.text[cut:]


_MARKER = re.compile(r"^(（[一二三四五六七]）|[一二三四]、|\d\.)")


@perturbation("marker-style")
def _marker_style(doc: Doc, rng: random.Random) -> None:
    def restyle(m: re.Match[str]) -> str:
        s = m.group(0)
        if s.startswith("（"):
            return rng.choice([f"({s[1]})", f"{s[1]}、", s])
        if s.endswith("、"):
            return rng.choice([f"{s[0]}．", f"{s[0]}.", f"（{s[0]}）"])
        return rng.choice([f"{s[0]}、", f"{s[0]}．", f"({s[0]})", f"（{s[0]}）"])

    for c in label_cells(doc):
        c.text = _MARKER.sub(restyle, c.text)


@perturbation("marker-dropped")
def _marker_dropped(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc), rng, 0.5):
        c.text = _MARKER.sub("", c.text)


@perturbation("wording")
def _wording(doc: Doc, rng: random.Random) -> None:
    changes = [
        ("（区分处理的，只计这一情形，不计其他情形）", ""),
        ("政府信息公开申请数量", "申请数量"),
        ("其他法律行政法规禁止公开", "其他法律、行政法规禁止公开"),
        ("不再处理", "不再受理"),
        ("结转下年度继续办理", "结转下年度继续办理的申请"),
        ("危及“三安全一稳定”", '危及"三安全一稳定"'),
        ("本机关不掌握相关政府信息", "本机关不掌握相关信息"),
        ("行政事业性收费", "行政事业性收费金额"),
        ("行政规范性文件", "规范性文件"),
    ]
    for c in label_cells(doc):
        for old, new in changes:
            if old in c.text and rng.random() < 0.6:
                c.text = c.text.replace(old, new)


def _insert_chars(text: str, ch: str, rng: random.Random) -> str:
    if len(text) < 2:
        return text
    cut = rng.randint(1, len(text) - 1)
    return text[:cut] + ch + text[cut:]


@perturbation("zwsp")
def _zwsp(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc) + value_cells(doc), rng, 0.3):
        c.text = _insert_chars(c.text, "\u200b", rng) if len(c.text) > 1 else c.text + "\u200b"


@perturbation("soft-hyphen")
def _soft_hyphen(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc), rng, 0.3):
        c.text = _insert_chars(c.text, "\u00ad", rng)


@perturbation("nbsp")
def _nbsp(doc: Doc, rng: random.Random) -> None:
    for c in _some(label_cells(doc) + value_cells(doc), rng, 0.3):
        c.text = rng.choice(["\u00a0", "\u3000", " "]) + c.text + "\u00a0"


@perturbation("tab-in-cell", only=("pipes", "cells", "html", "docx", "xlsx"))
def _tab_in_cell(doc: Doc, rng: random.Random) -> None:
    for c in _some(value_cells(doc), rng, 0.3):
        c.text = "\t" + c.text


def _requests(doc: Doc) -> Table:
    return next(t for k, t in tables(doc) if k == "requests")


def _review(doc: Doc) -> Table:
    return next(t for k, t in tables(doc) if k == "review_litigation")


def _reorder_requests(doc: Doc, order: list[int], header: list[Cell], sub: list[Cell]) -> None:
    """Put the seven value columns of Table 三 in ``order`` under a new header."""
    table = _requests(doc)
    table[1] = header
    table[2] = sub
    for row in table[3:]:
        values = row[-7:]
        row[-7:] = [values[i] for i in order]


def _header_cells(parts: list[str]) -> tuple[list[Cell], list[Cell]]:
    """Header rows of Table 三 for a column order given as 'n' (自然人), 'L' (the legal group)
    and 't' (总计)."""
    top: list[Cell] = []
    for p in parts:
        if p == "n":
            top.append(Cell(REQUEST_COLUMNS[0].label, 2, 1, role="header"))
        elif p == "t":
            top.append(Cell(REQUEST_COLUMNS[-1].label, 2, 1, role="header"))
        else:
            top.append(Cell(LEGAL_PERSON_GROUP, 1, 5, role="header"))
    return top, []


@perturbation("t3-total-first")
def _t3_total_first(doc: Doc, rng: random.Random) -> None:
    top, _ = _header_cells(["t", "n", "L"])
    sub = [Cell(c.label, role="header") for c in LEGAL_PERSON_COLUMNS]
    _reorder_requests(doc, [6, 0, 1, 2, 3, 4, 5], top, sub)


@perturbation("t3-legal-first")
def _t3_legal_first(doc: Doc, rng: random.Random) -> None:
    top, _ = _header_cells(["L", "n", "t"])
    sub = [Cell(c.label, role="header") for c in LEGAL_PERSON_COLUMNS]
    _reorder_requests(doc, [1, 2, 3, 4, 5, 0, 6], top, sub)


@perturbation("t3-sub-shuffled")
def _t3_sub_shuffled(doc: Doc, rng: random.Random) -> None:
    perm = list(range(5))
    while perm == list(range(5)):
        rng.shuffle(perm)
    top, _ = _header_cells(["n", "L", "t"])
    sub = [Cell(LEGAL_PERSON_COLUMNS[i].label, role="header") for i in perm]
    _reorder_requests(doc, [0, *(1 + i for i in perm), 6], top, sub)


@perturbation("t3-legal-merged")
def _t3_legal_merged(doc: Doc, rng: random.Random) -> None:
    """The five sub-columns printed as one 法人或其他组织 column holding their sum."""
    table = _requests(doc)
    table[0][-1].colspan = 3
    table[1] = [
        Cell(REQUEST_COLUMNS[0].label, 2, 1, role="header"),
        Cell(LEGAL_PERSON_GROUP, 2, 1, role="header"),
        Cell(REQUEST_COLUMNS[-1].label, 2, 1, role="header"),
    ]
    table[2] = []
    for row in table[3:]:
        values = row[-7:]
        legal = sum(int(c.text) for c in values[1:6] if _plain(c.text))
        row[-7:] = [values[0], Cell(str(legal), key=None), values[6]]


@perturbation("t3-sub-missing")
def _t3_sub_missing(doc: Doc, rng: random.Random) -> None:
    """One sub-column left out (an old or home-made template)."""
    drop = rng.randrange(5)
    table = _requests(doc)
    table[0][-1].colspan = 6
    table[1][1].colspan = 4
    del table[2][drop]
    for row in table[3:]:
        del row[len(row) - 7 + 1 + drop]


def _delete_row(table: Table, index: int) -> None:
    """Delete row ``index``, keeping the spans of cells that cover it consistent."""
    places = positions(table)
    moved: list[tuple[int, Cell]] = []
    for r, col, cell in places:
        if r < index < r + cell.rowspan:
            cell.rowspan -= 1
        elif r == index and cell.rowspan > 1:
            moved.append((col, replace(cell, rowspan=cell.rowspan - 1)))
    del table[index]
    if moved and index < len(table):
        row = table[index]
        row_places = [(col, c) for r, col, c in positions(table) if r == index]
        for col, cell in sorted(moved, reverse=True):
            at = sum(1 for c0, _ in row_places if c0 < col)
            row.insert(at, cell)


@perturbation("row-missing")
def _row_missing(doc: Doc, rng: random.Random) -> None:
    table = _requests(doc)
    _delete_row(table, rng.randrange(3, len(table)))


@perturbation("row-duplicated")
def _row_duplicated(doc: Doc, rng: random.Random) -> None:
    table = _requests(doc)
    index = rng.randrange(3, len(table))
    places = positions(table)
    copy = []
    for r, _, cell in places:
        if r < index < r + cell.rowspan or (r == index and cell.rowspan > 1):
            cell.rowspan += 1
        elif r == index:
            copy.append(replace(cell))
    table.insert(index + 1, copy)


def _split_table(doc: Doc, key: str, at: int, header_rows: int, repeat: bool) -> None:
    """Split table ``key`` before row ``at`` into two tables (a page break in Word)."""
    i = next(n for n, b in enumerate(doc.blocks) if b[0] == "t" and b[1] == key)
    table = doc.blocks[i][2]
    first = [list(r) for r in table[:at]]
    second = [[replace(c) for c in r] for r in table[at:]]
    carry: list[tuple[int, Cell]] = []
    for r, col, cell in positions(table):
        if r < at < r + cell.rowspan:
            rest = r + cell.rowspan - at
            cell_first = replace(cell, rowspan=at - r)
            first[r] = [cell_first if c is cell else c for c in first[r]]
            carry.append((col, replace(cell, rowspan=rest)))
    if carry:
        row0_cols = [col for r, col, _ in positions(second) if r == 0]
        row0 = second[0]
        for col, cell in sorted(carry, key=lambda x: x[0], reverse=True):
            at_index = sum(1 for c0 in row0_cols if c0 < col)
            row0.insert(at_index, cell)
    if repeat:
        second = [[replace(c) for c in r] for r in table[:header_rows]] + second
    doc.blocks[i : i + 1] = [("t", key, first), ("t", key, second)]


@perturbation("t3-split-repeated-header")
def _t3_split(doc: Doc, rng: random.Random) -> None:
    table = _requests(doc)
    if len(table) > 8:
        _split_table(doc, "requests", rng.randrange(5, len(table) - 2), 3, True)


@perturbation("t3-split-no-header")
def _t3_split_bare(doc: Doc, rng: random.Random) -> None:
    table = _requests(doc)
    if len(table) > 8:
        _split_table(doc, "requests", rng.randrange(5, len(table) - 2), 3, False)


@perturbation("footnote-row")
def _footnote_row(doc: Doc, rng: random.Random) -> None:
    notes = [
        "注：本表数据统计时间为2024年1月1日至2024年12月31日",
        "备注：单位为件，2个申请人同时申请的按1件统计",
        "注：1.表中数据截至12月31日；2.无数据的填0",
        "数据来源：本机关政府信息公开申请登记台账（共3本）",
    ]
    for _, table in list(tables(doc)):
        width = max(col + c.colspan for _, col, c in positions(table))
        table.append([Cell(rng.choice(notes), 1, width, role="note")])


@perturbation("note-below")
def _note_below(doc: Doc, rng: random.Random) -> None:
    notes = ["单位：件", "注：本表中数据截至2024年12月31日。", "（单位：万元）", "注：3项"]
    out: list[tuple[Any, ...]] = []
    for block in doc.blocks:
        out.append(block)
        if block[0] == "t":
            out.append(("p", rng.choice(notes)))
    doc.blocks = out


@perturbation("unit-line-above")
def _unit_line_above(doc: Doc, rng: random.Random) -> None:
    out: list[tuple[Any, ...]] = []
    for block in doc.blocks:
        if block[0] == "t":
            out.append(("p", rng.choice(["单位：件", "（单位：件）", "计量单位：件、万元"])))
        out.append(block)
    doc.blocks = out


@perturbation("t4-groups-reordered")
def _t4_sub_reordered(doc: Doc, rng: random.Random) -> None:
    """Table 四's five sub-columns with 总计 printed first in each group."""
    table = _review(doc)
    order = [4, 0, 1, 2, 3]
    table[2] = [table[2][g * 5 + i] for g in range(3) for i in order]
    table[3] = [table[3][g * 5 + i] for g in range(3) for i in order]


@perturbation("label-lost")
def _label_lost(doc: Doc, rng: random.Random) -> None:
    """One row label of Table 三 left blank (a cell lost in a copy)."""
    labels = [c for r in _requests(doc)[3:] for c in r if c.role == "label"]
    if labels:
        rng.choice(labels).text = ""


@perturbation("rows-swapped")
def _rows_swapped(doc: Doc, rng: random.Random) -> None:
    """Two neighbouring item rows of a group printed in the other order (labels move too)."""
    table = _requests(doc)
    plain = [i for i in range(3, len(table) - 1) if len(table[i]) == 8 and len(table[i + 1]) == 8]
    if plain:
        i = rng.choice(plain)
        table[i], table[i + 1] = table[i + 1], table[i]


@perturbation("caption-row")
def _caption_row(doc: Doc, rng: random.Random) -> None:
    """A caption row inside each table: the table's name, a year, the unit, 单位：件."""
    captions = [
        "表{n}：{year}年度统计表（单位：件）",
        "填报单位：本机关　　统计期间：{year}年1月1日至12月31日",
        "{year}年　　　　单位：件、万元",
    ]
    year = rng.choice([2023, 2024, 2025])
    for n, (_, table) in enumerate(list(tables(doc)), start=2):
        width = max(col + c.colspan for _, col, c in positions(table))
        text = rng.choice(captions).format(n=n, year=year)
        table.insert(0, [Cell(text, 1, width, role="note")])


@perturbation("t3-subtotal-column")
def _t3_subtotal(doc: Doc, rng: random.Random) -> None:
    """A 小计 column after the five legal-person sub-columns (home-made templates)."""
    table = _requests(doc)
    table[0][-1].colspan = 8
    table[1][1].colspan = 6
    table[2].append(Cell("小计", role="header"))
    for row in table[3:]:
        values = row[-7:]
        legal = sum(int(c.text) for c in values[1:6] if _plain(c.text))
        row.insert(len(row) - 1, Cell(str(legal), role="value"))


@perturbation("header-corner-dropped")
def _corner_dropped(doc: Doc, rng: random.Random) -> None:
    """Table 三 without the 勾稽 note and 申请人情况 (a trimmed copy)."""
    table = _requests(doc)
    table[0] = [Cell("", 3, 3, role="header"), Cell("", 1, 7, role="header")]


@perturbation("t2-columns-reordered")
def _t2_columns(doc: Doc, rng: random.Random) -> None:
    """Table 二 (一)'s three columns printed 现行有效件数 first."""
    table = next(t for k, t in tables(doc) if k == "active")
    for row in table[1:4]:
        row[1:] = [row[3], row[1], row[2]]


@perturbation("t4-sub-swapped")
def _t4_sub_swapped(doc: Doc, rng: random.Random) -> None:
    """Two of Table 四's sub-columns swapped in every group (header and values)."""
    table = _review(doc)
    a, b = rng.sample(range(4), 2)
    for r in (2, 3):
        row = table[r]
        for g in range(3):
            row[g * 5 + a], row[g * 5 + b] = row[g * 5 + b], row[g * 5 + a]


@perturbation("t4-groups-swapped")
def _t4_groups_swapped(doc: Doc, rng: random.Random) -> None:
    """行政诉讼's two groups printed in the other order (未经复议 after 复议后起诉)."""
    table = _review(doc)
    table[1] = [table[1][1], table[1][0]]
    for r in (2, 3):
        row = table[r]
        row[5:15] = row[10:15] + row[5:10]


@perturbation("value-note")
def _value_note(doc: Doc, rng: random.Random) -> None:
    """A value with a remark in the cell: ``5（含2件）``, ``3*``, ``2（注）``."""
    for c in _some(value_cells(doc), rng, 0.1):
        if _plain(c.text) and c.text != "0":
            c.text = rng.choice(
                [f"{c.text}（含1件）", f"{c.text}*", f"{c.text}（注）", f"{c.text}①"]
            )


@perturbation("header-abbrev")
def _header_abbrev(doc: Doc, rng: random.Random) -> None:
    """Table 三's sub-column labels shortened (narrow columns)."""
    short = {
        "商业企业": "企业",
        "科研机构": "科研",
        "社会公益组织": "公益组织",
        "法律服务机构": "法律服务",
    }
    for c in _requests(doc)[2]:
        if rng.random() < 0.6:
            c.text = short.get(c.text, c.text)


@perturbation("fee-units")
def _fee_units(doc: Doc, rng: random.Random) -> None:
    """The fee printed in 元 (the header says 万元) or with another unit word."""
    for c in value_cells(doc):
        if c.key == "active.fees":
            c.text = rng.choice([f"{c.text}元", f"{c.text}万", f"{c.text} 元", "0.00元"])


@perturbation("html-wrappers", only=("html",))
def _html_wrap(doc: Doc, rng: random.Random) -> None:
    doc.html.add("wrap")


@perturbation("html-th", only=("html",))
def _html_th(doc: Doc, rng: random.Random) -> None:
    doc.html.add("th")


@perturbation("html-empty-tr", only=("html",))
def _html_empty_tr(doc: Doc, rng: random.Random) -> None:
    doc.html.add("empty_tr")


@perturbation("html-nested-header", only=("html",))
def _html_nested(doc: Doc, rng: random.Random) -> None:
    doc.html.add("nested")


@perturbation("clean")
def _clean(doc: Doc, rng: random.Random) -> None:
    pass


COLUMN_CHANGES = {
    "t3-total-first",
    "t3-legal-first",
    "t3-sub-shuffled",
    "t3-legal-merged",
    "t3-sub-missing",
    "t3-subtotal-column",
    "header-corner-dropped",
    "header-abbrev",
}
LAST = {"t3-split-repeated-header", "t3-split-no-header", "footnote-row", "caption-row"}

# --- classification ---------------------------------------------------------------------------

TABLE_WIDE = {"parse-table-missing", "parse-table-unreadable", "parse-header-missing"}


def classify(truth: dict[str, Any], parsed: Report) -> dict[str, str]:
    """Return ``{key: exact|flagged|rule|wrong|missing}`` for every canonical cell."""
    named: set[str] = set()
    rule_named: set[str] = set()
    tables_flagged: set[str] = set()
    for f in parsed.findings:
        named.update(f.cells)
        if f.code in TABLE_WIDE or f.code == "parse-legal-persons-merged":
            tables_flagged.update(CELL_BY_KEY[k].table for k in f.cells if k in CELL_BY_KEY)
    try:
        for f in validate(parsed).findings:
            if not f.code.startswith("parse-"):
                rule_named.update(f.cells)
    except XxgkError:
        pass
    out = {}
    for key, expected in truth.items():
        actual = parsed.values.get(key)
        if actual is None or expected is None:
            same = actual is None and expected is None
        else:
            same = Decimal(actual) == Decimal(expected)
        if same:
            out[key] = "exact"
        elif key in named or CELL_BY_KEY[key].table in tables_flagged:
            out[key] = "flagged"
        elif key in rule_named:
            out[key] = "rule"
        else:
            out[key] = "wrong" if actual is not None else "missing"
    return out


def parse_doc(data: bytes, name: str) -> Report | str:
    try:
        return parse_bytes(data, name=name)
    except XxgkError as exc:
        return f"refused: {str(exc)[:60]}"


CLASSES = ("exact", "flagged", "rule", "wrong", "missing")


@dataclass
class Tally:
    counts: Counter = field(default_factory=Counter)
    refused: int = 0
    examples: list[str] = field(default_factory=list)


def run_case(
    report: Report, names: tuple[str, ...], fmt: str, rng: random.Random, tally: Tally, keep: int
) -> None:
    doc = build_doc(report)
    for name in names:
        PERTURBATIONS[name](doc, rng)
    writer, file_name = WRITERS[fmt]
    parsed = parse_doc(writer(doc), file_name)
    if isinstance(parsed, str):
        tally.refused += 1
        if len(tally.examples) < keep:
            tally.examples.append(parsed)
        return
    truth = {k: report.values[k] for k in CELL_KEYS}
    result = classify(truth, parsed)
    tally.counts.update(result.values())
    bad = [k for k, v in result.items() if v in ("wrong", "missing")]
    if bad and len(tally.examples) < keep:
        shown = ", ".join(f"{k}={parsed.values.get(k)!r}≠{truth[k]!r}" for k in bad[:4])
        tally.examples.append(f"{report.organization}: {len(bad)} cells: {shown}")


def run_pdf(
    names: list[str], count: int, tally_by: dict[tuple[str, str], Tally], keep: int
) -> None:
    """Write each perturbation's DOCX for ``count`` reports, convert them all to PDF with one
    LibreOffice call (``xxgk.office.convert``), and classify the PDFs' cells."""
    from xxgk.office import convert

    cases: list[tuple[str, Report, bytes]] = []
    for name in names:
        if name in ONLY and "docx" not in ONLY[name]:
            continue
        for i in range(count):
            report = random_report(random.Random(4242 + i))
            doc = build_doc(report)
            PERTURBATIONS[name](doc, random.Random(f"{name}pdf{i}"))
            cases.append((name, report, write_docx(doc)))
    pdfs = convert([data for _, _, data in cases], suffix=".docx", to="pdf")
    for (name, report, _), pdf in zip(cases, pdfs, strict=True):
        tally = tally_by[(name, "pdf")]
        parsed = parse_doc(pdf, "r.pdf")
        if isinstance(parsed, str):
            tally.refused += 1
            continue
        result = classify({k: report.values[k] for k in CELL_KEYS}, parsed)
        tally.counts.update(result.values())
        bad = [k for k, v in result.items() if v in ("wrong", "missing")]
        if bad and len(tally.examples) < keep:
            shown = ", ".join(f"{k}={parsed.values.get(k)!r}≠{report.values[k]!r}" for k in bad[:4])
            tally.examples.append(f"{report.organization}: {len(bad)} cells: {shown}")


def seed_cases() -> list[tuple[str, dict[str, Any]]]:
    out = []
    for text_path in sorted(SEEDS.glob("*.txt")) if SEEDS.is_dir() else []:
        truth_path = text_path.with_name(text_path.stem + ".truth.json")
        if truth_path.exists():
            out.append((text_path.read_text(encoding="utf-8"), json.loads(truth_path.read_text())))
    return out


_NUMBER_CELL = re.compile(r"(?<=[\t|])(\d+)(?=[\t|\n ])")


def seed_text_perturb(text: str, name: str, rng: random.Random) -> str:
    if name == "zwsp":
        return _NUMBER_CELL.sub(lambda m: m.group(1) + "\u200b", text)
    if name == "nbsp":
        return text.replace(" ", "\u00a0")
    if name == "fullwidth-digits":
        return text.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if name == "soft-hyphen":
        return re.sub(r"(公开)", "公\u00ad开", text)
    if name == "unit-suffix":
        return _NUMBER_CELL.sub(lambda m: m.group(1) + "件", text)
    return text


def run_seeds(tally_by: dict[tuple[str, str], Tally], keep: int) -> None:
    from xxgk.model.report import Report as R

    for text, truth in seed_cases():
        expected = R.from_dict(truth)
        for name in ("clean", "zwsp", "nbsp", "fullwidth-digits", "soft-hyphen", "unit-suffix"):
            rng = random.Random(name)
            data = seed_text_perturb(text, name, rng).encode("utf-8")
            tally = tally_by[(name, "seed")]
            parsed = parse_doc(data, "seed.txt")
            if isinstance(parsed, str):
                tally.refused += 1
                continue
            result = classify({k: expected.values[k] for k in CELL_KEYS}, parsed)
            tally.counts.update(result.values())
            bad = [k for k, v in result.items() if v in ("wrong", "missing")]
            if bad and len(tally.examples) < keep:
                shown = ", ".join(
                    f"{k}={parsed.values.get(k)!r}≠{expected.values[k]!r}" for k in bad[:4]
                )
                tally.examples.append(f"seed {expected.organization}: {len(bad)}: {shown}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=12, help="reports per perturbation and format")
    ap.add_argument("--pairs", type=int, default=200, help="random pairs of perturbations")
    ap.add_argument("--formats", default="tabs,pipes,cells,html,docx,xlsx")
    ap.add_argument("--only", default="", help="comma-separated perturbations to run")
    ap.add_argument("--show", type=int, default=3, help="examples per silently wrong class")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--pdf", type=int, default=0, help="reports per perturbation as PDF")
    ap.add_argument("--json", help="write the table as JSON to this file")
    args = ap.parse_args(argv)
    formats = args.formats.split(",")
    names = args.only.split(",") if args.only else list(PERTURBATIONS)
    tally_by: dict[tuple[str, str], Tally] = defaultdict(Tally)
    rng = random.Random(args.seed)
    reports = [random_report(random.Random(args.seed * 1000 + i)) for i in range(args.n)]
    for name in names:
        for fmt in formats:
            if name in ONLY and fmt not in ONLY[name]:
                continue
            for i, report in enumerate(reports):
                run_case(
                    report,
                    (name,),
                    fmt,
                    random.Random(f"{name}{fmt}{i}"),
                    tally_by[(name, fmt)],
                    args.show,
                )
    pool = [n for n in names if n != "clean"]
    for i in range(args.pairs if len(pool) > 1 else 0):
        a, b = rng.sample(pool, 2)
        if a in COLUMN_CHANGES and b in COLUMN_CHANGES:
            continue  # two changes of Table 三's columns do not compose
        if a in LAST:
            a, b = b, a  # a page break splits the table as finally printed
        fmt = rng.choice(formats)
        if (a in ONLY and fmt not in ONLY[a]) or (b in ONLY and fmt not in ONLY[b]):
            continue
        report = random_report(random.Random(args.seed * 7919 + i))
        run_case(report, (a, b), fmt, random.Random(i), tally_by[(f"{a}+{b}", fmt)], args.show)
    if args.pdf:
        run_pdf(names, args.pdf, tally_by, args.show)
    if not args.only:
        run_seeds(tally_by, args.show)
    print_table(tally_by, args.show)
    if args.json:
        rows = {f"{k[0]}|{k[1]}": dict(v.counts, refused=v.refused) for k, v in tally_by.items()}
        Path(args.json).write_text(json.dumps(rows, ensure_ascii=False, indent=1))
    return 0


def print_table(tally_by: dict[tuple[str, str], Tally], show: int) -> None:
    singles = {k: v for k, v in tally_by.items() if "+" not in k[0]}
    pairs = {k: v for k, v in tally_by.items() if "+" in k[0]}
    header = f"{'perturbation':28} {'format':6} " + " ".join(f"{c:>7}" for c in CLASSES)
    print(header + "  refused")
    total: Counter = Counter()
    for (name, fmt), t in sorted(singles.items()):
        total.update(t.counts)
        print(
            f"{name:28} {fmt:6} "
            + " ".join(f"{t.counts[c]:7}" for c in CLASSES)
            + f"  {t.refused:7}"
        )
    pair_total: Counter = Counter()
    pair_refused = 0
    for t in pairs.values():
        pair_total.update(t.counts)
        pair_refused += t.refused
    print(f"{'ALL singles':35} " + " ".join(f"{total[c]:7}" for c in CLASSES))
    print(
        f"{f'ALL pairs ({len(pairs)})':35} "
        + " ".join(f"{pair_total[c]:7}" for c in CLASSES)
        + f"  {pair_refused:7}"
    )
    print("\nPairs with silently wrong or missing cells:")
    for (name, fmt), t in sorted(pairs.items()):
        if t.counts["wrong"] or t.counts["missing"]:
            print(
                f"  {name:45} {fmt:6} wrong {t.counts['wrong']:4} missing {t.counts['missing']:4}"
            )
    if show:
        print("\nExamples:")
        for (name, fmt), t in sorted(tally_by.items()):
            if t.examples and (t.counts["wrong"] or t.counts["missing"] or t.refused):
                print(f"[{name} / {fmt}]")
                for e in t.examples:
                    print("   ", e)


if __name__ == "__main__":
    sys.exit(main())
