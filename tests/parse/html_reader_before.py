"""The HTML reader as it was before its walk was reworked (commit b0b2531), frozen here so
that ``test_parse_html_reader_equal.py`` holds the new reader to it, line for line.

Only its walk matters: the lines it builds (its own ``_SHARED``, so the two readers share
no line), the page fields and the findings. Do not edit it to follow changes of the reader:
a change of what the reader reads is a change of that test's expectations, made there.

Reading reports published as web pages: HTML → ``SourceDocument``.

Pages come as a browser or crawler saved them: the report inside site chrome (navigation,
breadcrumbs, footers), layout tables around the report tables, Word-exported markup (``<o:p>``,
``mso-`` styles, a hidden row of column widths), ``&nbsp;`` cells, ``<br>`` inside labels,
GB2312/GBK charsets, and sometimes the whole report as an escaped string inside a script.
The page is parsed with lexbor (selectolax); only the walk over the tree is ours.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from itertools import accumulate, chain, compress
from operator import attrgetter
from typing import Any, NamedTuple

from selectolax.lexbor import LexborHTMLParser, LexborNode

from xxgk.collector import gc_paused
from xxgk.errors import InputError
from xxgk.findings import Finding, quick_location
from xxgk.limits import check
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine, quick_cell
from xxgk.parse.reader_common import clean_text
from xxgk.recall import MISSING, Recall

_SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "nav",
        "footer",
        "header",
        "iframe",
        "select",
        "option",
        "button",
        "input",
        "textarea",
        "head",
        "title",
        "svg",
        "canvas",
        "object",
        "-comment",
        "aside",
    }
)
_BLOCK = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "ul",
        "ol",
        "section",
        "article",
        "blockquote",
        "pre",
        "center",
        "dd",
        "dt",
        "dl",
        "address",
        "main",
        "hr",
        "caption",
        "figure",
        "form",
        "fieldset",
    }
)
_CHROME = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|breadcrumbs?|crumbs?|footer|copyright|sidebar|share|"
    r"tool-?bar|top-?bar|position|location|dqwz)(?:[-_\s\d]|$)",
    re.I,
)
_NOT_PLAIN = ", ".join([*sorted(_SKIP - {"-comment"}), '[style*="none"]', '[style*="hidden"]'])
"""Selector of what a table must not contain for its cells to be read by the fast path
(``_table_facts`` answers it for all the tables of a page at once)."""
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_JS_ESCAPE = re.compile(r"\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)
_JS_SIMPLE = {"n": "\n", "t": "\t", "r": "", "b": "", "f": "", "v": "", "0": ""}


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_ALIASES = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "gb_2312-80": "gb18030",
    "utf8": "utf-8",
    "unicode": "utf-16",
}


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    if not match:
        return None
    name = match.group(1).decode("ascii", "ignore").lower()
    return _ALIASES.get(name, name)


def decode_markup(data: bytes) -> tuple[str, str, bool]:
    """Return ``(text, encoding, guessed)``: BOM, then ``<meta charset>``, then UTF-8 and
    GB18030 tried strictly, then charset-normalizer; ``guessed`` when nothing declared it."""
    text, encoding, guessed, _ = _decoded(data)
    return text, encoding, guessed


def _decoded(data: bytes) -> tuple[str, str, bool, bytes | None]:
    """Return ``decode_markup(data)`` and the page's UTF-8 bytes when they are ``data``
    itself (a page read strictly as UTF-8), so that neither the depth scan nor lexbor
    encodes the text again; None otherwise."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if data.startswith(bom):
            return data[len(bom) :].decode(encoding, "replace"), encoding, False, None
    declared = _declared_charset(data)
    if declared:
        try:
            text = data.decode(declared)
            return text, declared, False, data if declared == "utf-8" else None
        except (LookupError, UnicodeDecodeError):
            pass
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        guessed = declared is not None or encoding != "utf-8"
        return text, encoding, guessed, data if encoding == "utf-8" else None
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        return data.decode("utf-8", "replace"), "utf-8", True, None
    return str(best), best.encoding, True, None


def encoding_finding(encoding: str) -> Finding:
    """Return the info finding that says the page's encoding was guessed."""
    from xxgk.parse_findings import ENCODING_GUESSED

    return Finding(ENCODING_GUESSED, params={"encoding": encoding})


class _Walker:
    """Turns the element tree into lines: paragraphs, and table rows of cells."""

    def __init__(self, tree: LexborHTMLParser) -> None:
        self.lines: list[SourceLine] = []
        self.buffer: list[str] = []
        self.tables = 0
        self.scope = tree.body or tree.root
        self.facts: _TableFacts | None = None
        self.hidden: set[int] | None = None
        self.hiding: set[int] = set()

    def hidden_ids(self) -> set[int]:
        """Return the ``mem_id`` of every element under the scope that ``_is_hidden``."""
        if self.hidden is None:
            scope = self.scope
            styled = scope.css("[style]") if scope is not None else []
            hidden = [node for node in styled if _is_hidden(node)]
            self.hidden = {node.mem_id for node in hidden}
            for node in hidden:
                _mark_tables(node, self.hiding)
        return self.hidden

    def hiding_tables(self) -> set[int]:
        """Return the ``mem_id`` of the tables that hold (or are) a hidden element."""
        self.hidden_ids()
        return self.hiding

    def flush(self) -> None:
        buffer = self.buffer
        if buffer:
            joined = "".join(buffer)
            buffer.clear()
            if joined.isspace():  # the line breaks between blocks: clean_text makes them ""
                return
            text = clean_text(joined)
            if text:
                self.lines.append(_paragraph(len(self.lines) + 1, text))

    def walk(self, node: LexborNode) -> None:
        buffer = self.buffer
        for child in node.iter(include_text=True):
            kind = _KINDS.get(child.tag_id)
            if kind is _TEXT:
                buffer.append(child.text_content or "")
            elif kind is _BREAK:
                self.flush()
            elif kind is _SKIPPED or _set_aside(child):
                continue
            elif kind is _TABLE:
                self.flush()
                self.table(child)
            elif kind is _BLOCKING:
                self.flush()
                self.walk(child)
                self.flush()
            else:
                self.walk(child)

    def table(self, table: LexborNode) -> None:
        """Emit a data table's rows. A table holding tables, or whose cells hold whole
        paragraphs, is page layout and is walked as blocks instead."""
        if self.facts is None:
            self.facts = _table_facts(self.scope)
        facts = self.facts
        key = table.mem_id
        if key in facts.nesting:
            self.walk(table)
            return
        if key not in facts.skipping and (
            key not in facts.flagged or key not in self.hiding_tables()
        ):  # nothing to leave out: every text of every cell (a Word table's "border:none")
            grid = [_clean_row(list(map(_TEXT_OF, _cells(tr)))) for tr in _rows(table)]
        else:  # hidden rows, cells and parts of cells left out, and skipped elements
            hidden = self.hidden_ids()
            grid = [
                [
                    clean_text(_shown_text(td, hidden))
                    for td in _cells(tr)
                    if td.mem_id not in hidden
                ]
                for tr in _rows(table)
                if tr.mem_id not in hidden
            ]
        if max(map(len, chain.from_iterable(grid)), default=0) > LAYOUT_CELL:
            self.walk(table)
            return
        index = self.tables
        self.tables += 1
        for r, row in enumerate(grid):
            if any(row):
                self.lines.append(_table_row(index, r, row))


def _paragraph(number: int, text: str) -> SourceLine:
    """Return the paragraph line ``text`` read as line ``number`` (shared, see ``_SHARED``)."""
    key = ("p", number, text)
    line = _SHARED.get(key)
    if line is None:
        line = _SHARED.recall(key)
        if line is MISSING:
            line = _shared(key, [_cell(text, number, None, None, None)], False)
    return line


def _table_row(table: int, row: int, texts: list[str]) -> SourceLine:
    """Return the table row of ``texts`` at ``row`` of table ``table`` (shared)."""
    key = ("row", table, row, *texts)
    line = _SHARED.get(key)
    if line is None:
        line = _SHARED.recall(key)
        if line is MISSING:
            cells = [_cell(t, None, table, row, c) for c, t in enumerate(texts)]
            line = _shared(key, cells, True)
    return line


def _cell(
    text: str, line: int | None, table: int | None, row: int | None, cell: int | None
) -> SourceCell:
    """Return ``SourceCell(text, Location(line=…, table=…, row=…, cell=…, text=text))``."""
    location = quick_location(line=line, table=table, row=row, cell=cell, text=text)
    return quick_cell(text, location)


def _shared(key: tuple[Any, ...], cells: list[SourceCell], in_table: bool) -> SourceLine:
    line = SourceLine(cells, in_table=in_table)
    line.memo = {}  # type: ignore[misc]  # shared: later steps may remember their work on it
    return _SHARED.keep(key, line)


# Pages of one template print the same rows and paragraphs at the same places, so a line is
# built once per (place, texts) and shared by every document that prints it, as the text
# reader does (``parse.text``): the interpreter then keeps its per-line work on the line
# (``SourceLine.memo``). Nothing changes a line once read. Bounded, keeping what recurs
# (``Recall``: two generations of 8,000 lines; emptied when full, it forgot the template
# lines every hundred pages or so, as each page brings some fifty lines of its own numbers).
_SHARED: Recall[tuple[Any, ...], SourceLine] = Recall(8_000)


LAYOUT_CELL = 200
"""A cell longer than this holds running text: its table is page layout, not data."""


def _rows(table: LexborNode) -> list[LexborNode]:
    rows = []
    for child in table.iter():
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child.iter() if c.tag == "tr")
    return rows


def _cells(tr: LexborNode) -> list[LexborNode]:
    children = list(tr.iter())
    tag_ids = list(map(_TAG_ID, children))
    if _CELL_IDS.issuperset(tag_ids):  # the usual row: cells only
        return children
    return list(compress(children, map(_CELL_IDS.__contains__, tag_ids)))


_TAG_ID = attrgetter("tag_id")
_IN_TABLE = attrgetter("in_table")
_TEXT_OF = LexborNode.text
"""``node.text()``: its whole text, descendants joined without a separator (the defaults)."""
_IDS_OF = LexborHTMLParser("")
_CELL_IDS = frozenset(_IDS_OF.create_node(tag).tag_id for tag in ("td", "th"))
_SKIP_IDS = frozenset(_IDS_OF.create_node(tag).tag_id for tag in _SKIP - {"-comment"})
_TABLE_ID = _IDS_OF.create_node("table").tag_id
"""lexbor's numbers of the cell tags and of the skipped tags (one number per tag name, in
any namespace, as the CSS type selectors match them)."""
_TEXT, _BREAK, _SKIPPED, _TABLE, _BLOCKING = "text", "break", "skipped", "table", "block"
_KINDS = {
    **{_IDS_OF.create_node(tag).tag_id: _BLOCKING for tag in (*_BLOCK, "tr", "td", "th")},
    **{_IDS_OF.create_node(tag).tag_id: _SKIPPED for tag in _SKIP - {"-comment"}},
    _IDS_OF.create_node("br").tag_id: _BREAK,
    _IDS_OF.create_node("table").tag_id: _TABLE,
    **{
        node.tag_id: {"-text": _TEXT, "-comment": _SKIPPED}[node.tag]
        for node in LexborHTMLParser("<p>.<!---->").root.traverse(include_text=True)  # type: ignore[union-attr]
        if node.tag in ("-text", "-comment")
    },
}
"""What the walker does with a node, by lexbor's tag number (the node's tag name decoded
and compared with each set cost more); any other node is walked into as inline."""
_ROW_GLUE = "\u303f"
"""Joins a row's cell texts to test them all at once: printable, and not a space."""


def _clean_row(texts: list[str]) -> list[str]:
    """Return ``[clean_text(t) for t in texts]``: the texts themselves when the row as a
    whole shows that every cell is already clean (printable, no double space, no space at
    either end: a space beside the glue is a space at a cell's end), which is the rule
    ``clean_text`` applies to each cell."""
    joined = _ROW_GLUE.join(texts)
    if (
        joined.isprintable()
        and "  " not in joined
        and joined[:1] != " "
        and joined[-1:] != " "
        and " \u303f" not in joined
        and "\u303f " not in joined
    ):
        return texts
    return list(map(clean_text, texts))


class _TableFacts(NamedTuple):
    """The ``mem_id`` of the tables under a walker's scope that hold (or are) a skipped
    element, an element with ``none`` or ``hidden`` in its style, another table."""

    skipping: set[int]
    flagged: set[int]
    nesting: set[int]


def _table_facts(scope: LexborNode | None) -> _TableFacts:
    """Return the facts of the tables under ``scope`` (``_TableFacts``).

    A table in neither ``skipping`` nor ``flagged`` is what ``table.css_first(_NOT_PLAIN)
    is None`` called plain, and one in ``nesting`` is one where ``len(table.css("table"))
    > 1``: found for all the tables of the page at once, by one pass over the elements by
    lexbor's tag numbers, one style query, and a walk up from each element found (the
    selector of 21 parts cost a tenth of a millisecond per table). Only tables under
    ``scope`` are ever asked about: the walker starts there.
    """
    facts = _TableFacts(set(), set(), set())
    if scope is None:
        return facts
    elements = list(scope.traverse())
    tag_ids = list(map(_TAG_ID, elements))
    for node in scope.css(_STYLED):
        _mark_tables(node, facts.flagged)
    if not _SKIP_IDS.isdisjoint(tag_ids):
        for node in compress(elements, map(_SKIP_IDS.__contains__, tag_ids)):
            _mark_tables(node, facts.skipping)
    for index in _indexes(tag_ids, _TABLE_ID):
        parent = elements[index].parent
        if parent is not None:
            _mark_tables(parent, facts.nesting)
    return facts


def _indexes(items: list[int], wanted: int) -> Iterator[int]:
    """Yield the indexes of ``wanted`` in ``items`` (found by ``list.index``, in C)."""
    index = -1
    try:
        while True:
            index = items.index(wanted, index + 1)
            yield index
    except ValueError:
        return


def _mark_tables(node: LexborNode, marked: set[int]) -> None:
    """Add ``node`` and each of its ancestors that is a table to ``marked``."""
    here: LexborNode | None = node
    while here is not None:
        if here.tag_id == _TABLE_ID:
            marked.add(here.mem_id)
        here = here.parent


_STYLED = '[style*="none"], [style*="hidden"]'


def _shown_text(cell: LexborNode, hidden: set[int]) -> str:
    """Return a cell's text without what skipped or hidden elements inside it hold (``hidden``:
    ``Walker.hidden_ids``); ``<br>`` and paragraphs inside a label join without a gap.

    One walk that does not enter what is left out: the walk up from every text node it
    replaced compared nodes with ``!=``, which lexbor answers by serialising both."""
    parts: list[str] = []
    _gather_text(cell, hidden, parts)
    return "".join(parts)


def _gather_text(node: LexborNode, hidden: set[int], parts: list[str]) -> None:
    for child in node.iter(include_text=True):
        kind = _KINDS.get(child.tag_id)
        if kind is _TEXT:
            parts.append(child.text_content or "")
        elif kind is not _SKIPPED and child.mem_id not in hidden:
            _gather_text(child, hidden, parts)


def _set_aside(node: LexborNode) -> bool:
    """Return ``_is_hidden(node) or _is_chrome(node)`` from one copy of its attributes."""
    attrs = node.attributes
    if not attrs:
        return False
    if _hides(attrs.get("style")):
        return True
    return _chrome_marks(attrs, node)


def _is_hidden(node: LexborNode) -> bool:
    attrs = node.attributes
    return bool(attrs) and _hides(attrs.get("style"))


def _hides(style: str | None) -> bool:
    """Return True when ``style`` hides its element (``_HIDDEN``).

    Most styles (Word puts one on every cell) hold neither "none" nor "dden" in any case and
    are answered without the regex, which was slow on them: of the letters of "none" and
    "hidden" only the i folds to other letters than its two ASCII cases (ı, İ), so every
    match holds "none" or "dden" once lowered."""
    if not style:
        return False
    lowered = style.lower()
    if "none" not in lowered and "dden" not in lowered:
        return False
    return _HIDDEN.search(style) is not None


def _is_chrome(node: LexborNode) -> bool:
    attrs = node.attributes
    if not attrs:
        return False
    return _chrome_marks(attrs, node)


def _chrome_marks(attrs: dict[str, str | None], node: LexborNode) -> bool:
    marks = f"{attrs.get('class') or ''} {attrs.get('id') or ''}"
    if not _CHROME.search(marks):
        return False
    return "年度报告" not in (node.text(deep=True) or "")


def _unescape_js(literal: str) -> str:
    def replace(match: re.Match[str]) -> str:
        esc = match.group(1)
        if esc.startswith("u{"):
            return chr(int(esc[2:-1], 16))
        if esc[0] in "ux" and len(esc) > 1:
            return chr(int(esc[1:], 16))
        return _JS_SIMPLE.get(esc, esc)

    return _JS_ESCAPE.sub(replace, literal)


def js_string_literals(code: str) -> Iterator[str]:
    """Yield the raw body (escapes not yet resolved) of every string literal in ``code``.

    A small scanner of JavaScript, not a regex over quotes: comments (``//`` and ``/* */``)
    are skipped, so a quote inside a comment does not start a string; a quote inside a
    string of the other kind is text; an escaped quote does not end its string; a template
    literal's ``${…}`` parts are skipped. An unterminated string ends the scan.
    """
    i, n = 0, len(code)
    while i < n:
        found = _JS_NEXT.search(code, i)  # the next comment or quote, found in C
        if found is None:
            return
        i = found.start()
        mark = found.group()
        if mark == "//":
            end = code.find("\n", i)
            i = n if end < 0 else end + 1
        elif mark == "/*":
            end = code.find("*/", i + 2)
            i = n if end < 0 else end + 2
        else:
            body, i = _js_literal(code, i)
            if body is None:
                return
            yield body


_JS_NEXT = re.compile(r"//|/\*|[\"'`]")
_JS_STOPS = {
    '"': re.compile(r'[\\"\n]'),
    "'": re.compile(r"[\\'\n]"),
    "`": re.compile(r"[\\`]|\$\{"),
}
"""What ends a run of plain characters in a literal of each quote: an escape, the quote, a
line break (not in a template literal, where a ``${`` starts a part to skip instead)."""
_JS_BRACES = re.compile(r"[{}]")


def _js_literal(code: str, start: int) -> tuple[str | None, int]:
    """Return the body of the literal opening at ``start`` and the index after it
    (``None`` for a literal that does not end), runs of plain characters taken whole."""
    quote = code[start]
    stops = _JS_STOPS[quote]
    parts: list[str] = []
    i, n = start + 1, len(code)
    while i < n:
        stop = stops.search(code, i)
        if stop is None:
            return None, n
        at = stop.start()
        parts.append(code[i:at])
        mark = code[at]
        if mark == "\\":
            parts.append(code[at : at + 2])
            i = at + 2
        elif mark == quote:
            return "".join(parts), at + 1
        elif mark == "\n":
            return None, at  # a line break ends a quoted string: not a literal after all
        else:  # "${": skip to its closing brace
            depth, i = 1, at + 2
            while depth:
                brace = _JS_BRACES.search(code, i)
                if brace is None:
                    return None, n
                depth += 1 if brace.group() == "{" else -1
                i = brace.end()
    return None, n


def _literal_markup(literal: str) -> str:
    text = _unescape_js(literal)
    return html_lib.unescape(text) if "&lt;" in text else text


def _script_markup(tree: LexborHTMLParser) -> str:
    """Return the HTML hidden in script string literals (``document.write``, JSON, …)."""
    chunks = []
    for script in tree.css("script"):
        code = script.text(deep=True) or ""
        if "table" not in code.lower():
            continue
        literals = [_literal_markup(raw) for raw in js_string_literals(code)]
        joined = "".join(t for t in literals if "<" in t)
        if "<table" in joined.lower():
            chunks.append(joined)
    return "\n".join(chunks)


def _lines_of(markup: str) -> list[SourceLine]:
    check("depth", markup_depth(markup))
    return _tree_lines(LexborHTMLParser(markup))


def _tree_lines(tree: LexborHTMLParser) -> list[SourceLine]:
    walker = _Walker(tree)
    root = tree.body or tree.root
    if root is not None:
        walker.walk(root)
    walker.flush()
    return walker.lines


_NESTING = re.compile(
    rb"<(?!/?(?:t(?:[dhr]|rack)|p(?:aram)?|b(?:r|ase)|i(?:mg|nput)|meta|hr|l(?:i|ink)|col|area"
    rb"|wbr|source|embed|d[td]|o(?:ption|:p))[\s/>])(/|[a-z])"
)
"""Start and end tags of elements that nest, in markup lowered to ASCII lower case: void
elements (br img meta input hr link col area base wbr source param embed track) and those
whose end tag may be left out (p li td th tr dt dd option, Word's o:p) are not counted, so
old markup does not look deep. The names are grouped by first letter and the markup lowered
beforehand: ``re.I`` and two dozen plain alternatives made the scan two and a half times
slower."""
_STEP = [1] * 256
_STEP[ord("/")] = -1


def markup_depth(markup: str) -> int:
    """Return the deepest nesting of start tags over end tags in ``markup``, counted before
    any parser sees it: lexbor needs 23 s for 100,000 nested ``<div>`` (its cost grows with
    the square of the depth), so the depth budget is checked first. The scan runs on bytes,
    one character per tag (``/`` for an end tag), summed in C."""
    return _utf8_depth(markup.encode("utf-8", "surrogatepass"))


def _utf8_depth(utf8: bytes) -> int:
    """Return ``markup_depth`` of the markup whose UTF-8 bytes are ``utf8``."""
    marks = b"".join(_NESTING.findall(utf8.lower()))  # ASCII letters only, as re.I on bytes
    return max(accumulate(map(_STEP.__getitem__, marks)), default=0)


def read_html(data: bytes, name: str | None = None) -> SourceDocument:
    """Read an HTML page into lines; table cells keep their table, row and cell index."""
    text, encoding, guessed, utf8 = _decoded(data)
    if utf8 is None:
        check("depth", markup_depth(text), path=name)
        tree = LexborHTMLParser(text)
    else:  # the same markup, not encoded twice more (lexbor reads bytes as UTF-8)
        check("depth", _utf8_depth(utf8), path=name)
        tree = LexborHTMLParser(utf8)
    with gc_paused():  # hundreds of cells and lines, freed by reference counting
        lines = _tree_lines(tree)
    table_rows = sum(map(_IN_TABLE, lines))
    hidden = _script_markup(tree) if table_rows < 3 else ""
    if hidden:
        script_lines = _lines_of(hidden)
        if sum(line.in_table for line in script_lines) > table_rows:
            lines = lines + script_lines
    if not lines:
        raise InputError(
            "网页中没有可读的文字", "the HTML page contains no readable text", path=name
        )
    findings = [encoding_finding(encoding)] if guessed else []
    doc = SourceDocument(lines, source=name, format_name="html", findings=findings)
    doc.page_fields = page_fields(tree)
    return doc


_META_FIELDS = {
    "pubdate": "published",
    "publishdate": "published",
    "firstpublishedtime": "published",
    "articlepubdate": "published",
    "article:published_time": "published",
    "dc.date": "published",
    "dc.date.issued": "published",
    "dcterms.issued": "published",
    "contentsource": "source",
    "source": "source",
    "sitename": "site",
    "og:site_name": "site",
}


def page_fields(tree: LexborHTMLParser) -> dict[str, str]:
    """Return the page's own fields from its ``<meta>`` tags (the CMS publication time,
    the 来源, the site name): what the page says about itself, not the report's text."""
    fields: dict[str, str] = {}
    for meta in tree.css("meta"):
        attrs = meta.attributes
        name = (attrs.get("name") or attrs.get("property") or "").strip().lower()
        field_name = _META_FIELDS.get(name)
        content = (attrs.get("content") or "").strip()
        if field_name and content and field_name not in fields:
            fields[field_name] = content
    return fields
