"""The shared interpreter: lines of cells (from any reader) to a ``Report``.

Steps, each a small function whose result is kept in a ``Trace`` for ``debug_parse``:
``lines_to_sections`` → per table ``table_tokens`` → ``parse_active`` /
``parse_requests`` / ``parse_review`` → ``read_metadata`` → ``fill_sections``.
Nothing here depends on text-only quirks: an HTML or Word grid gives the same lines.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from operator import is_not
from typing import Any

from xxgk import parse_findings as fk
from xxgk.collector import gc_paused
from xxgk.errors import InputError
from xxgk.findings import Finding
from xxgk.model import cells
from xxgk.model.report import Report, SectionText
from xxgk.parse.assign import Sink
from xxgk.parse.decode import decode_rows
from xxgk.parse.document import (
    SourceCell,
    SourceDocument,
    SourceLine,
    all_line_facts,
)
from xxgk.parse.flat import may_be_flat, unflatten
from xxgk.parse.labels import ANY_TABLE_LABEL, normalise, squeeze
from xxgk.parse.metadata import (
    Line,
    Metadata,
    organization_from_body,
    organization_from_title,
    page_date,
    page_source,
    parse_page_date,
    period_year,
    read_signature,
    read_title,
    year_from,
)
from xxgk.parse.ocr_doubt import review_ocr
from xxgk.parse.sections import LOCAL, Segment, candidate_heading, lines_to_sections
from xxgk.parse.table_active import parse_active
from xxgk.parse.table_common import TableResult, table_name
from xxgk.parse.table_plans import TableParser, read_table
from xxgk.parse.table_requests import parse_requests
from xxgk.parse.table_review import parse_review
from xxgk.parse.tokens import table_tokens
from xxgk.recall import Recall

_MARKERS_2019 = tuple(squeeze(m) for m in cells.FORMAT_2019_MARKERS)
_MARKERS_2021 = tuple(squeeze(m) for m in cells.FORMAT_2021_MARKERS)


@dataclass
class Trace:
    """The intermediates of one interpretation, for debugging and tests."""

    segments: list[Segment] = field(default_factory=list)
    tables: dict[str, TableResult] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)


def interpret(doc: SourceDocument) -> Report:
    """Return the report read from ``doc``; raise ``InputError`` if it is not a report."""
    return interpret_with_trace(doc)[0]


def interpret_with_trace(doc: SourceDocument) -> tuple[Report, Trace]:
    """Return the report and the intermediates it was read through."""
    with gc_paused():
        return _interpret(doc)


def _interpret(doc: SourceDocument) -> tuple[Report, Trace]:
    flat, heading, squeezed, tabbed = all_line_facts(doc.lines, _LINE_FACTS)
    lines, glued = unflatten(doc.lines, flat)
    if True in flat and _changed(lines, doc.lines):  # flattened lines split: ask the new ones
        _, heading, squeezed, tabbed = all_line_facts(lines, _LINE_FACTS)
    findings: list[Finding] = list(doc.findings)
    trace = Trace(segments=lines_to_sections(lines, heading, findings))
    require_report(lines, trace.segments, doc.source)
    report = Report(source=doc.source)
    sink = Sink(report, findings, glued_lines=glued)
    old = old_format_markers(lines, squeezed)
    read_tables(lines, trace, sink, old)
    decode_rows(sink, sink.pending)
    if old or trace.tables["requests"].extra.get("old_format"):
        report.format = cells.FORMAT_2019
        sink.add(fk.FORMAT_2019)
    trace.metadata = read_metadata(lines, trace.segments, sink, doc.page_fields)
    fill_sections(lines, trace, sink, tabbed)
    if doc.ocr:  # readings the recogniser was unsure of, or that the 勾稽 relations contradict
        review_ocr(report, findings, doc.ocr_candidates)
    if doc.findings:
        _name_cells_at_places(report, findings, len(doc.findings))
    report.findings = findings
    return report, trace


_NAMED_BY_PLACE = frozenset({fk.DIGIT_ACROSS_RULING})
"""Reader findings made before the tables are read, at the place of a cell: the cells read
from that place are named once they are known."""


def _name_cells_at_places(report: Report, findings: list[Finding], count: int) -> None:
    """Name the cells read from the place of each of the reader's first ``count`` findings
    of a kind in ``_NAMED_BY_PLACE`` (a PDF's digit drawn over a ruling): shown with its
    cells, the finding says which values to check, and no such value counts as sure."""
    places = {
        (f.location.page, f.location.bbox): i
        for i, f in enumerate(findings[:count])
        if f.code in _NAMED_BY_PLACE and f.location is not None and not f.cells
    }
    if not places:
        return
    named: dict[int, list[str]] = {}
    for key, where in report.provenance.items():
        at = places.get((where.page, where.bbox))
        if at is not None:
            named.setdefault(at, []).append(key)
    for at, keys in named.items():
        findings[at] = replace(findings[at], cells=tuple(keys))


def _changed(lines: Sequence[SourceLine], before: Sequence[SourceLine]) -> bool:
    return len(lines) != len(before) or any(map(is_not, lines, before))


def require_report(
    lines: Sequence[SourceLine], segments: list[Segment], source: str | None
) -> None:
    """Raise ``InputError`` unless the document has a title, a heading or a table label."""
    if len(segments) > 1:
        return
    for line in lines:
        for cell in line.cells:
            if "年度报告" in squeeze(cell.text) or normalise(cell.text) in ANY_TABLE_LABEL:
                return
    raise InputError(
        "不是政府信息公开工作年度报告：没有年度报告标题，也没有六个部分的标题或统计表",
        "not an annual government information disclosure report: no report title, "
        "no section heading and no table label found",
        path=source,
    )


def old_format_markers(lines: Sequence[SourceLine], squeezed: Sequence[str | None]) -> bool:
    """Return True when the 2019 trial format's markers outnumber the 2021 format's.
    ``squeezed`` are the lines' ``_squeeze_line`` answers (``all_line_facts``)."""
    text = _squeeze_whole(lines, squeezed)
    old = sum(1 for m in _MARKERS_2019 if m in text)
    new = sum(1 for m in _MARKERS_2021 if m in text)
    return old > new


def _squeeze_whole(lines: Sequence[SourceLine], parts: Sequence[str | None]) -> str:
    """Return ``squeeze`` of all cell texts joined, without NFKC-ing the whole text again.

    NFKC of a concatenation is the concatenation of the NFKC of its parts when each part
    starts with a character nothing before it can combine or reorder with; cells starting
    otherwise stay glued to the previous part. So a line whose cells all start such a
    boundary squeezes on its own, and a shared line (see ``SourceLine.memo``) keeps it.
    """
    if None in parts:  # a cell glued to what precedes it
        return _squeeze_cells([c.text for line in lines for c in line.cells if c.text])
    return "".join(parts)  # type: ignore[arg-type]


def _squeeze_line(line: SourceLine) -> str | None:
    """Return the squeeze of the line's cells joined, or None when a cell does not start a
    normalisation boundary."""
    out = []
    for cell in line.cells:
        text = cell.text
        if not text:
            continue
        if not _starts_boundary(text):
            return None
        out.append(squeeze(text) if len(text) < 200 else squeeze.__wrapped__(text))
    return "".join(out)


def _squeeze_cells(texts: list[str]) -> str:
    """``_squeeze_whole`` of the cell texts, the general way."""
    whole = "".join(texts)
    if unicodedata.is_normalized("NFKC", whole):
        return "".join(whole.split())
    known = _SQUEEZED_STARTERS
    squeezed = list(map(known.get, texts))  # cells that start a boundary, seen before
    if None not in squeezed:
        return "".join(squeezed)  # type: ignore[arg-type]
    for n, part in enumerate(squeezed):
        if part is None:
            text = texts[n]
            if not _starts_boundary(text):  # glued to what precedes it: the general way
                return _squeeze_glued(texts)
            squeezed[n] = part = squeeze.__wrapped__(text)
            if len(text) < 200:
                known.keep(text, part)
    return "".join(squeezed)  # type: ignore[arg-type]


_SQUEEZED_STARTERS: Recall[str, str] = Recall(8_000)  # squeeze of cell texts that start a boundary


def _squeeze_glued(texts: list[str]) -> str:
    parts: list[str] = []
    for text in texts:
        if parts and not _starts_boundary(text):
            parts[-1] += text
        else:
            parts.append(text)
    return "".join([squeeze(p) if len(p) < 200 else squeeze.__wrapped__(p) for p in parts])


def _starts_boundary(text: str) -> bool:
    """ASCII, fullwidth ASCII, CJK ideographs and CJK punctuation before U+302A are
    starters that never combine with (or reorder around) what precedes them."""
    code = ord(text[0])
    return (
        code < 0x80
        or 0x4E00 <= code <= 0x9FFF
        or 0xFF01 <= code <= 0xFF5E
        or 0x3000 <= code <= 0x3029
    )


def read_tables(lines: Sequence[SourceLine], trace: Trace, sink: Sink, old: bool) -> None:
    """Parse the three tables, each from its section (or where its section should be)."""
    after = 0
    for key in ("active", "requests", "review_litigation"):
        indexes = table_lines(key, trace.segments, after, len(lines))
        tokens, line_shapes = table_tokens(lines, indexes)
        first = len(sink.findings)
        name, parse = _TABLE_PARSERS[key, old]
        result = read_table(name, tokens, sink, parse, line_shapes)
        trace.tables[key] = result
        if result.found:
            after = max(result.lines, default=after - 1) + 1
            one_finding_if_unreadable(sink, key, first)
        else:
            table_missing(sink, key)


_TABLE_PARSERS: dict[tuple[str, bool], tuple[Any, TableParser]] = {
    ("active", False): (("active", False), partial(parse_active, old_format=False)),
    ("active", True): (("active", True), partial(parse_active, old_format=True)),
    ("requests", False): (("requests", False), partial(parse_requests, old_format=False)),
    ("requests", True): (("requests", True), partial(parse_requests, old_format=True)),
    ("review_litigation", False): ("review_litigation", parse_review),
    ("review_litigation", True): ("review_litigation", parse_review),
}
"""Each table's parser with the report's format settled, and the name its plans are kept
under (``parse.table_plans``)."""

UNREADABLE_SHARE = 0.5
"""Share of a table's rows without values from which the table counts as unreadable."""


def one_finding_if_unreadable(sink: Sink, key: str, first: int) -> None:
    """Replace the per-row ``parse-cell-missing`` findings of a table most of whose rows
    have no values by one finding for the table: a person reads one message, not 25."""
    added = sink.findings[first:]
    missing = [f for f in added if f.code == fk.CELL_MISSING]
    rows = _TABLE_ROWS[key]
    if len(missing) < 3 or len(missing) < UNREADABLE_SHARE * rows:
        return
    keys = tuple(dict.fromkeys(k for f in missing for k in f.cells))
    sink.findings[first:] = [f for f in added if f.code != fk.CELL_MISSING]
    sink.add(fk.TABLE_UNREADABLE, None, keys, table=table_name(key), rows=len(missing))


_TABLE_ROWS = {
    "active": sum(len(b.rows) for b in cells.ACTIVE_BLOCKS),
    "requests": len(cells.REQUEST_ROWS),
    "review_litigation": len(cells.REVIEW_GROUPS),
}


def table_lines(key: str, segments: list[Segment], after: int, total: int) -> range:
    """Return the line indexes to read table ``key`` from.

    Its own section when the heading was found; otherwise the stretch from the end of the
    previous table to the next heading found, so a table without a heading is still read.
    """
    order = [s.key for s in cells.SECTIONS]
    for seg in segments:
        if seg.key == key:
            return seg.indexes
    rank = order.index(key)
    before = [s for s in segments if s.key in order and order.index(s.key) < rank]
    later = [s for s in segments if s.key in order and order.index(s.key) > rank]
    start = max([after] + [s.start for s in before[-1:]])
    end = later[0].heading_line if later and later[0].heading_line is not None else total
    return range(start, max(start, end))


def table_missing(sink: Sink, key: str) -> None:
    keys = tuple(c.key for c in cells.CELLS if c.table == key)
    sink.add(fk.TABLE_MISSING, None, keys, table=table_name(key))


def _single_lines(lines: Sequence[SourceLine], indexes: Iterable[int]) -> list[Line]:
    out: list[Line] = []
    for i in indexes:
        line = lines[i]
        memo = line.memo
        if memo is None:
            cell = _single_cell(line)
        else:  # a shared line (see SourceLine.memo)
            cell = memo.get("single", _MISSING)
            if cell is _MISSING:
                cell = memo["single"] = _single_cell(line)
        if cell is not None:
            out.append((i, cell.text, cell.location))
    return out


def _single_cell(line: SourceLine) -> SourceCell | None:
    """Return the only non-empty cell of ``line``, or None when it has none or several."""
    filled = [c for c in line.cells if c.text]
    return filled[0] if len(filled) == 1 else None


def _tabbed(line: SourceLine) -> str:
    """Return the non-empty cells of ``line`` joined by tabs (``""`` for a blank line)."""
    return "\t".join([c.text for c in line.cells if c.text])


_LINE_FACTS = (may_be_flat, candidate_heading, _squeeze_line, _tabbed)
"""What the interpreter asks of every line, in one walk (``document.all_line_facts``)."""


_MISSING = object()


def read_metadata(
    lines: Sequence[SourceLine],
    segments: list[Segment],
    sink: Sink,
    page_fields: dict[str, str] | None = None,
) -> Metadata:
    """Read title, organization, year and published date into ``sink.report``.

    The organization comes from the 落款 or the title line, never from page chrome; the
    published date is the 落款 date, else the page's own 发布时间 (``page_fields`` from the
    reader, or a 发布时间/发布日期 line around the report). Both are kept when they differ.
    """
    meta = Metadata()
    preamble = _single_lines(lines, segments[0].indexes)
    title = read_title(preamble)
    if title:
        meta.title, meta.title_lines = title
    tail = _single_lines(lines, segments[-1].indexes) if len(segments) > 1 else []
    org, published, meta.signature = read_signature(tail)
    body = "\n".join(text for _, text, _ in preamble)
    overview = next((s for s in segments if s.key == "overview"), None)
    overview_text = (
        "\n".join(t for _, t, _ in _single_lines(lines, overview.indexes)) if (overview) else ""
    )
    meta.organization = (
        org
        or (organization_from_title(meta.title) if meta.title else None)
        or organization_from_body(body + "\n" + overview_text)
    )
    meta.year = (
        (year_from(meta.title) if meta.title else None)
        or period_year(body + overview_text)
        or year_from(overview_text or body)
    )
    meta.published = published
    _places(meta, preamble, tail, org)
    report = sink.report
    around = _joined_lines(lines, segments[0].indexes)
    if len(segments) > 1:
        around += _joined_lines(lines, segments[-1].indexes)
    _page_metadata(meta, report, sink, around, page_fields or {})
    report.metadata_provenance.update(meta.places)
    report.title, report.organization = meta.title, meta.organization
    report.year, report.published = meta.year, meta.published
    labels = {"organization": "报告主体", "year": "报告年度", "published": "落款日期"}
    for field_name, label in labels.items():
        if getattr(meta, field_name) is None:
            sink.add(fk.METADATA_MISSING, None, field=label)
    return meta


def _joined_lines(lines: Sequence[SourceLine], indexes: range) -> list[Line]:
    """Return the lines with their cells joined by a space (page fields share a line)."""
    out: list[Line] = []
    for i in indexes:
        filled = [c for c in lines[i].cells if c.text]
        if filled:
            out.append((i, " ".join(c.text for c in filled), filled[0].location))
    return out


def _page_metadata(
    meta: Metadata, report: Report, sink: Sink, around: list[Line], fields: dict[str, str]
) -> None:
    """Read the page's own date and 来源: kept beside the 落款; the date stands in for it
    when the report has no dated 落款, so the lateness rule also works on web pages."""
    texts = [text for _, text, _ in around]
    found = parse_page_date(fields["published"]) if fields.get("published") else None
    place = None
    if found is None:
        dated = page_date(texts)
        if dated is not None:
            found, index = dated
            place = around[index][2]
    report.page_published = found
    report.page_source = fields.get("source") or page_source(texts)
    if found is None:
        return
    if meta.published is None:
        meta.published = found
        if place is not None:
            meta.places["published"] = place
    elif meta.published != found:
        sink.add(
            fk.PAGE_DATE_DIFFERS,
            None,
            page_date=f"{found.year}年{found.month}月{found.day}日",
            signed=f"{meta.published.year}年{meta.published.month}月{meta.published.day}日",
        )


def _places(meta: Metadata, preamble: list[Line], tail: list[Line], org: str | None) -> None:
    """Record where the title, the 落款 name and the 落款 date were read."""
    where = {index: loc for index, _, loc in preamble + tail}
    if meta.title_lines:
        meta.places["title"] = where[meta.title_lines[0]]
    if meta.signature:
        if meta.published is not None:
            meta.places["published"] = where[meta.signature[-1]]
        if org is not None:
            meta.places["organization"] = where[meta.signature[0]]
    if "organization" not in meta.places and meta.organization and meta.title_lines:
        meta.places["organization"] = where[meta.title_lines[0]]
    if meta.year is not None and meta.title and year_from(meta.title) == meta.year:
        meta.places["year"] = where[meta.title_lines[0]]


def fill_sections(
    lines: Sequence[SourceLine],
    trace: Trace,
    sink: Sink,
    tabbed: Sequence[str],
) -> None:
    """Put each section's text (without table cells and 落款) into ``report.sections``.
    ``tabbed`` are the lines' ``_tabbed`` answers (``all_line_facts``)."""
    report = sink.report
    table_lines_used = set().union(*(t.lines for t in trace.tables.values()))
    visible = list(tabbed)  # the section texts leave out table cells and the 落款:
    for i in table_lines_used.union(trace.metadata.signature):
        visible[i] = ""  # blanked, so each section's text is joined from a slice at C speed
    found = {s.key for s in trace.segments}
    local: list[str] = []
    for seg in trace.segments:
        text = "\n".join(filter(None, visible[seg.start : seg.end]))
        if seg.key == LOCAL:  # a section of the unit's own: kept with 其他需要报告的事项
            local.append(seg.heading + ("\n" + text if text else ""))
            continue
        report.sections[seg.key] = SectionText(seg.heading, text, seg.location)
    if local:
        key = "other" if "other" in report.sections else trace.segments[-1].key
        if key in report.sections:
            section = report.sections[key]
            joined = "\n".join([section.text, *local]).strip("\n")
            report.sections[key] = SectionText(section.heading, joined, section.location)
    if trace.metadata.signature:
        report.signature = "\n".join(
            next(c.text for c in lines[i].cells if c.text) for i in trace.metadata.signature
        )
    if not found & {s.key for s in cells.SECTIONS}:
        sink.add(fk.SECTIONS_UNREAD)  # one finding, not one per section
        return
    if fk.pages_left_unread(sink.findings):
        return  # pages left unread: what they hold is unknown (that finding says so)
    for wanted in cells.SECTIONS:
        if wanted.key not in found:
            sink.add(fk.SECTION_MISSING, number=wanted.number, title=wanted.title)
