"""Flattened page text back into lines of cells.

Crawlers that save a page as text, copy-paste from some portals and some PDF extractions
lose every cell boundary: a table, sometimes the whole report, runs together on one line
(``…申请人情况自然人法人或其他组织总计…一、本年新收政府信息公开申请数量120100114二、…``),
and section headings sit inline (``…办结。二、主动公开政府信息情况第二十条…``).

``unflatten`` finds the headings and the known table labels (all from ``xxgk.model.cells``
through ``parse.labels``) inside such a line and gives every heading, label and number its
own cell, each label starting a line, so the interpreter reads them like any other table.
A run of digits between two labels stays one cell: the line is reported as *glued*, and
``parse.decode`` splits its digits by the 勾稽 relations. The ordinal of the next label
(``…00000002.其他法律…``: the ``2`` belongs to ``2.其他法律行政法规禁止公开``) is given back
to the label when the model says that row is numbered so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from xxgk.findings import Location
from xxgk.model import cells
from xxgk.parse.dates import find_date
from xxgk.parse.document import SourceCell, SourceLine
from xxgk.parse.labels import TABLE_LABELS, nfkc, normalise
from xxgk.parse.values import hide_marked_digits
from xxgk.recall import MISSING, Recall

_FLEX = r"[\s、，,。.：:；;“”\"'‘’()\[\]【】《》<>·•*#|_\-—–/]*"
_CN_NUMBERS = "一二三四五六七八九"
_MARKER_BEFORE = re.compile(
    r"(?:\([一二三四五六七八九十\d]{1,3}\)|[一二三四五六七八九十]{1,3}[、.]|(?P<digit>\d)[、.])\s*$"
)
_VALUE_PIECE = re.compile(r"\d+(?:\.\d+)?|[/×]|[—\-–]{1,2}|无")
_MIN_LABELS = 4
"""Label hits a line needs before it is read as a flattened table."""
_ANCHORS = (
    "本年新收",
    "予以公开",
    "信息内容",
    "结果维持",
    "尚未审结",
    "本年制发",
    "行政许可",
    "申请人情况",
)


@dataclass(frozen=True)
class Piece:
    """A stretch of the flattened line: a heading, a label with its values, or text."""

    kind: str  # heading | row | text
    cells: tuple[tuple[str, int], ...]  # (text, offset in the line)
    glued: bool = False


def _flex(text: str) -> str:
    return _FLEX.join(re.escape(ch) for ch in text)


@lru_cache(maxsize=1)
def _label_pattern() -> re.Pattern[str]:
    """One alternation of every table label (normalised keys, punctuation optional),
    longest first so that 法人或其他组织 wins over 其他 at the same place."""
    keys = {k for table in TABLE_LABELS.values() for k in table if len(k) >= 2}
    ordered = sorted(keys, key=len, reverse=True)
    body = "|".join(f"(?:{_flex(k)})" for k in ordered)
    return re.compile(rf"(?:{body})[)\]”\"'’】》:：]*")


@lru_cache(maxsize=1)
def _digit_markers() -> dict[str, frozenset[str]]:
    """The digit ordinals the model prints before each row label (``2.`` → ``2``)."""
    out: dict[str, set[str]] = {}
    for row in cells.REQUEST_ROWS:
        digits = row.number.rstrip(".、")
        if digits.isdigit():
            for label in (row.label, *row.aliases):
                out.setdefault(normalise(label), set()).add(digits)
    return {k: frozenset(v) for k, v in out.items()}


@lru_cache(maxsize=1)
def _heading_patterns() -> tuple[re.Pattern[str], ...]:
    """A pattern per section: its number (一、 or 1、) then its title or a known variant."""
    patterns = []
    for n, section in enumerate(cells.SECTIONS, start=1):
        titles = sorted({normalise(t) for t in (section.title, *section.aliases)}, key=len)
        body = "|".join(_flex(t) for t in reversed(titles))
        marker = rf"(?:第?[{_CN_NUMBERS[n - 1]}{n}](?:部分)?\s*[、.,:：])"
        patterns.append(re.compile(rf"{marker}\s*(?:{body})"))
    return tuple(patterns)


_GLUED_HEADING = re.compile(
    "|".join(
        re.escape(f"{number}{sep}{s.title}")
        for n, s in enumerate(cells.SECTIONS, start=1)
        for number in (s.number, str(n))
        for sep in ("、", ".", "．")
    )
)
_ANCHOR = re.compile("|".join(_ANCHORS))


def _maybe_flat(text: str) -> bool:
    """Cheap test: a long line with glued headings or table labels (remembered per text:
    the same lines recur from report to report)."""
    known = _SEEN.get(text)
    if known is None:
        known = _SEEN.recall(text)
        if known is MISSING:
            known = _SEEN.keep(
                text,
                len(set(_ANCHOR.findall(text))) >= 2
                or ("。" in text and _GLUED_HEADING.search(text) is not None),
            )
    return bool(known)


_SEEN: Recall[str, bool] = Recall(8_000)


def may_be_flat(line: SourceLine) -> bool:
    """Return True when ``line`` may be flattened text: one long cell with glued headings or
    table labels (kept on a shared line with its other answers, ``all_line_facts``)."""
    cells_ = line.cells
    return len(cells_) == 1 and len(cells_[0].text) >= 24 and _maybe_flat(cells_[0].text)


def unflatten(
    lines: Sequence[SourceLine], maybe: Sequence[bool]
) -> tuple[list[SourceLine], frozenset[int]]:
    """Return the lines with flattened ones split into cells, and the indexes of the new
    lines whose numbers ran together (their digit runs need ``parse.decode``). ``maybe``
    are the lines' ``may_be_flat`` answers (``all_line_facts``)."""
    if True not in maybe:
        return list(lines), frozenset()  # the usual text: no line to split
    out: list[SourceLine] = []
    glued: set[int] = set()
    changed = False
    for line, flat in zip(lines, maybe, strict=True):
        if not flat:
            out.append(line)  # a flattened line is one long cell
            continue
        filled = line.cells
        pieces = split_flat(filled[0].text)
        if pieces is None:
            out.append(line)
            continue
        changed = True
        for piece in pieces:
            if piece.glued:
                glued.add(len(out))
            out.append(_line(piece, filled[0].location))
    if not changed:
        return list(lines), frozenset()
    return out, frozenset(glued)


def _line(piece: Piece, where: Location) -> SourceLine:
    made = []
    for text, offset in piece.cells:
        column = None if where.column is None else where.column + offset
        place = Location(
            line=where.line,
            column=column,
            page=where.page,
            bbox=where.bbox,
            table=where.table,
            row=where.row,
            cell=where.cell,
            sheet=where.sheet,
            text=text,
        )
        made.append(SourceCell(text, place))
    return SourceLine(made, in_table=piece.kind == "row")


def split_flat(text: str) -> list[Piece] | None:
    """Return the pieces of a flattened line, or None when it is an ordinary line."""
    s = nfkc(hide_marked_digits(text))  # ``246①`` stays unreadable, not 2461
    headings = _find_headings(s)
    matches = list(_label_pattern().finditer(s))
    tables = len(matches)
    if not headings and (tables < _MIN_LABELS or _narrative(s, matches)):
        return None
    if len(headings) == 1 and headings[0][1] == 0 and headings[0][2] >= len(s.rstrip()):
        return None  # an ordinary heading line
    pieces: list[Piece] = []
    bounds = [(0, "preamble", 0)] + [(e, key, st) for key, st, e in headings]
    for n, (start, key, heading_start) in enumerate(bounds):
        if n:
            pieces.append(Piece("heading", ((s[heading_start:start].strip(), heading_start),)))
        end = bounds[n + 1][2] if n + 1 < len(bounds) else len(s)
        body = s[start:end]
        if key in ("active", "requests", "review_litigation") or (
            not headings and tables >= _MIN_LABELS
        ):
            pieces.extend(_table_pieces(body, start))
        else:
            pieces.extend(_text_pieces(body, start, last=n + 1 == len(bounds)))
    return [p for p in pieces if any(t for t, _ in p.cells)]


def _narrative(s: str, matches: list[re.Match[str]]) -> bool:
    """Return True for a sentence that names table labels (``其中予以公开12件，部分公开3件``):
    the text between its labels has sentence punctuation, a flattened table's has none."""
    for before, after in zip(matches, matches[1:], strict=False):
        if any(mark in s[before.end() : after.start()] for mark in "。，；,;件"):
            return True
    return False


def _find_headings(s: str) -> list[tuple[str, int, int]]:
    """Return (section key, start, end) of the section headings found in order."""
    found = []
    position = 0
    for section, pattern in zip(cells.SECTIONS, _heading_patterns(), strict=True):
        match = pattern.search(s, position)
        if match is None:
            continue
        found.append((section.key, match.start(), match.end()))
        position = match.end()
    return found


def _text_pieces(body: str, base: int, *, last: bool) -> list[Piece]:
    """A text stretch; the last one gives its trailing 落款 (name, date) lines their own."""
    stripped = body.strip()
    if not stripped:
        return []
    offset = base + body.index(stripped[0])
    if last:
        tail = _signature_split(stripped)
        if tail is not None:
            text, name, date = tail
            out = [Piece("text", ((text, offset),))] if text else []
            if name:
                out.append(Piece("text", ((name, offset + len(text)),)))
            out.append(Piece("text", ((date, offset + len(stripped) - len(date)),)))
            return out
    return [Piece("text", ((stripped, offset),))]


def _signature_split(text: str) -> tuple[str, str, str] | None:
    """Split ``…事项。示例县教育局2024年1月12日`` into the text, the name and the date."""
    cut = max(text.rfind("。"), text.rfind("；"), text.rfind("！"))
    head, rest = text[: cut + 1], text[cut + 1 :].strip()
    found = find_date(rest)
    if not rest or found is None or found[2] != len(rest.replace(" ", "")):
        return None
    name = rest.replace(" ", "")[: found[1]]
    return head, name, rest.replace(" ", "")[found[1] :]


def _table_pieces(body: str, base: int) -> list[Piece]:
    """Labels and the values after them; text that is neither stays one text piece."""
    matches = list(_label_pattern().finditer(body))
    if len(matches) < 2:
        return _text_pieces(body, base, last=False)
    markers = _digit_markers()
    pieces: list[Piece] = []
    starts = [m.start() for m in matches]
    # give each label its ordinal marker, taken from the end of the gap before it
    for n, match in enumerate(matches):
        gap_start = matches[n - 1].end() if n else 0
        found = _MARKER_BEFORE.search(body, gap_start, match.start())
        if found is None:
            continue
        digit = found.group("digit")
        if digit is not None and digit not in markers.get(normalise(match.group()), ()):
            continue
        starts[n] = found.start()
    lead = body[: starts[0]].strip()
    if lead:
        pieces.append(Piece("text", ((lead, base + body.index(lead)),)))
    for n, match in enumerate(matches):
        label = body[starts[n] : match.end()].strip()
        gap_end = starts[n + 1] if n + 1 < len(matches) else len(body)
        gap = body[match.end() : gap_end]
        values, rest, glued = _values(gap)
        row_cells = [(label, base + starts[n])]
        row_cells += [(v, base + match.end() + o) for v, o in values]
        pieces.append(Piece("row", tuple(row_cells), glued))
        if rest.strip():
            pieces.append(Piece("text", ((rest.strip(), base + gap_end - len(rest)),)))
    return pieces


def _values(gap: str) -> tuple[list[tuple[str, int]], str, bool]:
    """Return the value pieces at the start of ``gap`` (with offsets), the text after
    them, and whether a run of digits in it may hold several numbers (no separators)."""
    values: list[tuple[str, int]] = []
    position = 0
    spaced = False
    while position < len(gap):
        if gap[position].isspace():
            position += 1
            spaced = spaced or bool(values)
            continue
        match = _VALUE_PIECE.match(gap, position)
        if match is None:
            break
        values.append((match.group(), position))
        position = match.end()
    glued = not spaced and any(len(v) > 1 and v.isdigit() for v, _ in values)
    return values, gap[position:], glued
