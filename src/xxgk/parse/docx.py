"""Reading reports written in Word: DOCX → ``SourceDocument``.

``word/document.xml`` is walked once with lxml, in body order: paragraphs become lines, table
rows become rows of cells. A cell merged across columns (``gridSpan``) is one ``w:tc`` and so
appears once; a cell merged down (``vMerge`` continuation) is dropped, as a browser drops the
cells under a ``rowspan``. Text boxes, deleted text and field codes are not report text and are
skipped; content controls and tracked insertions are read through.
"""

from __future__ import annotations

import re
import zipfile

from lxml import etree

from xxgk.errors import InputError
from xxgk.findings import Location
from xxgk.limits import LimitError, current_limits
from xxgk.ooxml import open_package, read_member
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine
from xxgk.parse.reader_common import clean_text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_P, _TBL, _TR, _TC, _T = f"{W}p", f"{W}tbl", f"{W}tr", f"{W}tc", f"{W}t"
_TEXT_TAGS = (_T, f"{W}br", f"{W}cr", f"{W}tab", _P)
_NOT_TEXT = (
    f"{W}txbxContent",
    f"{W}del",
    f"{W}instrText",
    f"{W}delText",
    f"{MC}Fallback",
    f"{W}pict",
    f"{W}drawing",
    f"{W}object",
    f"{W}footnoteReference",
    f"{W}commentReference",
)
"""Elements whose text is not report text: text boxes, deletions, field codes, pictures."""
_SKIP = frozenset(
    {
        f"{W}pPr",
        f"{W}rPr",
        f"{W}tcPr",
        f"{W}trPr",
        f"{W}tblPr",
        f"{W}tblGrid",
        f"{W}sectPr",
        *_NOT_TEXT,
    }
)
_VMERGE_TAG, _VAL = f"{W}vMerge", f"{W}val"
_PROPERTIES = re.compile(rb"<w:(rPr|pPr)>.{0,4096}?</w:\1>", re.S)
"""Run and paragraph properties; bounded, so that unclosed ones cost a bounded scan each."""
SLIM_MAX_BYTES = 8 * 1024 * 1024
"""Larger XML is parsed as it is: cutting properties out is a speed-up for ordinary files."""
_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True
)
"""Without ``huge_tree`` libxml2 keeps its protections: nesting depth at most 256 and no
text node over 10 MB (the depth budget cannot go past libxml2's 256 for XML)."""


def _prune(root: etree._Element) -> None:
    """Remove everything that is not report text, so text can be collected in one C loop."""
    doomed = list(root.iter(*_NOT_TEXT))
    for element in doomed:
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)


def _text(element: etree._Element, *, breaks: bool) -> str:
    """Return the text under ``element``; with ``breaks``, line breaks and paragraphs as
    ``"\n"`` (a paragraph's own lines), without them joined (a table cell's label)."""
    parts = []
    for node in element.iter(*_TEXT_TAGS):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == f"{W}tab":
            parts.append(" ")
        elif breaks and node is not element:
            parts.append("\n")
    return "".join(parts)


class _Reader:
    """Walks the body: paragraphs and tables in order, with their indexes."""

    def __init__(self) -> None:
        self.lines: list[SourceLine] = []
        self.tables = 0

    def body(self, element: etree._Element) -> None:
        for child in element:
            tag = child.tag
            if tag == _P:
                self.paragraph(child)
            elif tag == _TBL:
                self.table(child)
            elif tag not in _SKIP and isinstance(tag, str):
                self.body(child)  # w:sdt/w:sdtContent, w:customXml, w:ins …

    def paragraph(self, element: etree._Element) -> None:
        for piece in _text(element, breaks=True).split("\n"):
            text = clean_text(piece)
            if text:
                location = Location(line=len(self.lines) + 1, text=text)
                self.lines.append(SourceLine([SourceCell(text, location)]))

    def table(self, element: etree._Element) -> None:
        """Emit a data table's rows. A table holding tables, or whose cells hold whole
        paragraphs (a frame around the document), is layout: its cells are read as body."""
        continued = _merge_continuations(element)
        grid = [[tc for tc in _cells(tr) if tc not in continued] for tr in _rows(element)]
        texts = [
            [clean_text("".join(tc.itertext(_T, with_tail=False))) for tc in row] for row in grid
        ]
        nested = any(next(tc.iter(_TBL), None) is not None for row in grid for tc in row)
        if nested or any(len(t) > LAYOUT_CELL for row in texts for t in row):
            for row in grid:
                for tc in row:
                    self.body(tc)
            return
        index = self.tables
        self.tables += 1
        for r, row in enumerate(texts):
            if any(row):
                cells = [
                    SourceCell(t, Location(table=index, row=r, cell=c, text=t))
                    for c, t in enumerate(row)
                ]
                self.lines.append(SourceLine(cells, in_table=True))


LAYOUT_CELL = 200
"""A cell longer than this holds running text: its table frames the page, it is not data."""


def _rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == _TR:
            rows.append(child)
        elif child.tag not in _SKIP and isinstance(child.tag, str):
            rows.extend(_rows(child))  # rows inside content controls
    return rows


def _cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr:
        if child.tag == _TC:
            cells.append(child)
        elif child.tag not in _SKIP and isinstance(child.tag, str):
            cells.extend(_cells(child))
    return cells


def _merge_continuations(table: etree._Element) -> set[etree._Element]:
    """Return the cells of ``table`` that continue a vertical merge (drawn by the cell above)."""
    out = set()
    for merge in table.iter(_VMERGE_TAG):
        if merge.get(_VAL, "continue") == "continue":
            cell = merge.getparent().getparent()  # w:vMerge < w:tcPr < w:tc
            if cell.tag == _TC:
                out.add(cell)
    return out


def _parse(xml: bytes) -> etree._Element:
    """Parse ``document.xml``; run and paragraph properties (most of its bytes, never text)
    are cut out first, which halves the parse time, unless that leaves invalid XML."""
    slim = _PROPERTIES.sub(b"", xml) if len(xml) <= SLIM_MAX_BYTES else xml
    if len(slim) < len(xml):
        try:
            return etree.fromstring(slim, _PARSER)
        except etree.XMLSyntaxError:
            pass
    return etree.fromstring(xml, _PARSER)


XML_MAX_DEPTH = 256
"""libxml2's own nesting limit without ``huge_tree``."""


def _check_depth(root: etree._Element, name: str | None) -> None:
    """Refuse XML nested deeper than the depth budget (when it is set below libxml2's)."""
    budget = current_limits().depth
    if budget >= XML_MAX_DEPTH:
        return
    for element in root.iter():
        depth = sum(1 for _ in element.iterancestors())
        if depth > budget:
            raise LimitError("depth", budget, path=name)


def read_docx(data: bytes, name: str | None = None) -> SourceDocument:
    """Read a DOCX into lines; table cells keep their table, row and cell index."""
    try:
        with open_package(data, name, "Word（DOCX）") as package:
            xml = read_member(package, "word/document.xml", name)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise InputError(
            "不是可读的 Word（DOCX）文件", "not a readable DOCX package", path=name
        ) from exc
    try:
        root = _parse(xml)
    except etree.XMLSyntaxError as exc:
        if "depth" in str(exc).lower():
            depth = min(current_limits().depth, XML_MAX_DEPTH)
            raise LimitError("depth", depth, path=name) from exc
        raise InputError(
            "Word 文件的正文 XML 已损坏", f"broken word/document.xml: {exc}", path=name
        ) from exc
    _check_depth(root, name)
    _prune(root)
    body = root.find(f"{W}body")
    reader = _Reader()
    if body is not None:
        reader.body(body)
    if not reader.lines:
        raise InputError("Word 文件中没有文字", "the DOCX contains no text", path=name)
    return SourceDocument(reader.lines, source=name, format_name="docx")
