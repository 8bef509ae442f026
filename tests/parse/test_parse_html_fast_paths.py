"""The HTML reader's fast paths answer what the plain ways answer.

The reader finds the plain and the nesting tables of a page in one pass, checks a row's
cell texts as a whole, hands UTF-8 pages to lexbor as their own bytes and scans the depth
of lowered markup. Each is compared here with the slower way it replaced, on generated
pages full of what makes a table not plain (skipped elements, hidden styles, nested
tables, MathML cells, comments, forms, upper-case tags).
"""

from __future__ import annotations

import random
import re
from itertools import accumulate
from typing import Any

import pytest
from selectolax.lexbor import LexborHTMLParser

from xxgk.errors import InputError
from xxgk.parse.html import (
    _HIDDEN,
    _NOT_PLAIN,
    _SKIP,
    _SKIP_IDS,
    _TABLE_ID,
    _add_facts,
    _clean_row,
    _hides,
    _shown_text,
    _TableFacts,
    _Walker,
    js_string_literals,
    markup_depth,
    read_html,
)
from xxgk.parse.reader_common import clean_text

_TAGS = [
    "div",
    "p",
    "span",
    "b",
    "table",
    "tr",
    "td",
    "th",
    "tbody",
    "thead",
    "br",
    "script",
    "style",
    "svg",
    "math",
    "template",
    "select",
    "option",
    "nav",
    "header",
    "TD",
    "TR",
    "Table",
    "font",
    "o:p",
    "center",
    "li",
    "caption",
    "colgroup",
    "col",
    "title",
    "head",
    "x-foo",
    "aside",
    "iframe",
    "noscript",
    "form",
    "input",
]
_ATTRS = (
    "",
    "",
    ' style="display:none"',
    ' style="border:none"',
    ' style="visibility: hidden"',
    ' class="nav-bar"',
    ' id="footer"',
    ' colspan="2"',
    ' STYLE="DISPLAY:NONE"',
)
_TEXTS = (
    "",
    " ",
    "\u00a0",
    "&nbsp;",
    "项目",
    "12",
    "3 4",
    "\n",
    "年度报告",
    "&amp;",
    "x" * 210,
    "\u3000申请\u3000",
    "\u303f",
    " \u303f ",
    "a\u200bb",
    "<!-- c -->",
    "<math><td>9</td></math>",
    '<input type="hidden">',
)


def _page(rng: random.Random) -> str:
    """Return a page of random tags, attributes and texts around one or more tables."""
    parts = ["<html><head><style>.a{display:none}</style><title>t</title></head><body>"]
    for _ in range(rng.randint(1, 50)):
        roll = rng.random()
        if roll < 0.4:
            parts.append(f"<{rng.choice(_TAGS)}{rng.choice(_ATTRS)}>")
        elif roll < 0.55:
            parts.append(f"</{rng.choice(_TAGS)}>")
        elif roll < 0.65:
            parts.append("<table><tr><td>" + rng.choice(_TEXTS) + "<td>" + rng.choice(_TEXTS))
        else:
            parts.append(rng.choice(_TEXTS))
    return "".join(parts)


def _pages(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [_page(rng) for _ in range(count)]


def test_table_facts_answer_the_selectors_of_each_table() -> None:
    """The facts learnt from a subtree's elements (``_add_facts``: a layout table's, here
    the whole page's) and from each table's own ``traverse()`` answer the selectors; the
    page's one style query answers the style part of ``_NOT_PLAIN``."""
    seen_unplain = seen_nesting = seen_plain = 0
    skip_selector = ", ".join(sorted(_SKIP - {"-comment"}))
    for page in _pages(1500, 1):
        tree = LexborHTMLParser(page)
        scope = tree.body or tree.root
        assert scope is not None
        facts = _TableFacts(set(), set(), set())
        elements = list(scope.traverse())
        _add_facts(facts, elements, [node.tag_id for node in elements])
        flagged = _Walker(tree).flagged_tables()
        for table in scope.css("table"):
            key = table.mem_id
            plain = table.css_first(_NOT_PLAIN) is None
            nested = len(table.css("table")) > 1
            skipping = table.css_first(skip_selector) is not None
            assert key in facts.known, page
            assert (key in facts.nesting) == nested, page
            assert (key in facts.skipping) == skipping, page
            assert (key not in facts.skipping and key not in flagged) == plain, page
            own = [node.tag_id for node in table.traverse()]
            assert (own.count(_TABLE_ID) > 1) == nested, page
            assert (not _SKIP_IDS.isdisjoint(own)) == skipping, page
            seen_plain += plain
            seen_unplain += not plain
            seen_nesting += nested
    assert seen_plain  # the pages hold every kind
    assert seen_unplain
    assert seen_nesting


@pytest.mark.parametrize(
    "texts",
    [
        [],
        [""],
        ["项目", "12", ""],
        [" 项目", "12"],
        ["项目 ", "12"],
        ["项目", " 12"],
        ["项目", "12 "],
        ["项  目"],
        ["项\u00a0目"],
        ["a\u200bb"],
        ["\u303f", " "],
        ["\u303f ", "x"],
        ["x", " \u303f"],
        ["中 文", "a b"],
        ["\t12"],
    ],
)
def test_clean_row_is_clean_text_of_every_cell(texts: list[str]) -> None:
    assert _clean_row(list(texts)) == [clean_text(t) for t in texts]


def test_clean_row_on_random_rows() -> None:
    rng = random.Random(2)
    alphabet = ["项", "1", " ", "  ", "\u00a0", "\u303f", "\t", "\n", "a", "\u200b", "\u3000"]
    for _ in range(5000):
        texts = [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 4)))
            for _ in range(rng.randint(0, 5))
        ]
        assert _clean_row(list(texts)) == [clean_text(t) for t in texts], texts


def _lines(data: bytes) -> list[tuple[bool, list[tuple[str, object]]]]:
    doc = read_html(data, "x.html")
    return [(line.in_table, [(c.text, c.location) for c in line.cells]) for line in doc.lines]


def test_a_utf8_page_reads_as_the_same_page_in_gb18030() -> None:
    """UTF-8 pages go to lexbor as their own bytes, others as decoded text: same lines."""
    compared = 0
    for page in _pages(300, 3):
        utf8 = ('<meta charset="utf-8">' + page).encode("utf-8")
        gbk = ('<meta charset="gbk">' + page).encode("gb18030")
        try:
            want = _lines(gbk)
        except InputError:  # a page without readable text is refused the same way
            with pytest.raises(InputError):
                _lines(utf8)
            continue
        assert _lines(utf8) == want, page
        compared += 1
    assert compared > 100


_OLD_NESTING = re.compile(
    rb"<(?!/?(?:br|img|meta|input|hr|link|col|area|base|wbr|source|param|embed|track|p|li|td"
    rb"|th|tr|dt|dd|option|o:p)[\s/>])(/|[a-zA-Z])",
    re.I,
)


def _old_depth(markup: str) -> int:
    """The depth scan as it was written first: ``re.I`` over the markup as it is."""
    steps = {ord("/"): -1}
    marks = _OLD_NESTING.findall(markup.encode("utf-8", "surrogatepass"))
    return max(accumulate(steps.get(m[0], 1) for m in marks), default=0)


def test_depth_scan_counts_what_the_case_insensitive_scan_counts() -> None:
    names = [
        "br",
        "img",
        "meta",
        "input",
        "hr",
        "link",
        "col",
        "area",
        "base",
        "wbr",
        "source",
        "param",
        "embed",
        "track",
        "p",
        "li",
        "td",
        "th",
        "tr",
        "dt",
        "dd",
        "option",
        "o:p",
        "div",
        "span",
        "table",
        "tdx",
        "pa",
        "para",
        "paramx",
        "bas",
        "tra",
        "trac",
    ]
    pieces = ["<", "</", ">", " ", "/", "\n", "\t", "\f", "\v", "\r", "x", "中", "K", ":"]
    pieces += names + [n.upper() for n in names] + [n.title() for n in names]
    rng = random.Random(4)
    for _ in range(20000):
        markup = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 25)))
        assert markup_depth(markup) == _old_depth(markup), markup


def test_whitespace_alone_cleans_to_nothing() -> None:
    """The walker drops a paragraph of whitespace alone without cleaning it: every
    character ``str.isspace`` accepts must clean to nothing."""
    spaces = [chr(c) for c in range(0x110000) if chr(c).isspace()]
    assert spaces
    for space in spaces:
        assert clean_text(space * 2 + "\n") == "", hex(ord(space))


def test_hides_answers_the_hidden_pattern() -> None:
    """The "none"/"dden" shortcut before the regex changes no answer, whatever the case or
    the letters that fold to an i (ı, İ)."""
    pieces = ["display", "DISPLAY", "visibility", ":", " ", "\t", "none", "NoNe", "hidden"]
    pieces += ["HIDDEN", "hıdden", "hİdden", "hıdden", "x", ";", "border", "dden", "non"]
    rng = random.Random(5)
    for _ in range(20000):
        style = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
        assert _hides(style) == bool(_HIDDEN.search(style)), style
    assert _hides("visibility: hİdden")
    assert not _hides("border:solid windowtext 1.0pt")


def _old_cell_text(td: Any) -> str:
    """A cell's text as the reader read it before: every text node, unless an element
    between it and the cell is skipped or hidden (the walk up from each text node)."""
    parts = []
    for node in td.traverse(include_text=True):
        if node.tag != "-text":
            continue
        parent, inside = node.parent, False
        while parent is not None and parent.mem_id != td.mem_id:
            style = (parent.attributes or {}).get("style")
            if parent.tag in _SKIP or (style and _HIDDEN.search(style)):
                inside = True
                break
            parent = parent.parent
        if not inside:
            parts.append(node.text_content or "")
    return "".join(parts)


def test_shown_text_leaves_out_what_the_walk_up_left_out() -> None:
    cells = 0
    for page in _pages(800, 6):
        tree = LexborHTMLParser(page)
        scope = tree.body or tree.root
        assert scope is not None
        hidden = {n.mem_id for n in scope.css("[style]") if _hides(n.attributes.get("style"))}
        for td in scope.css("td, th"):
            assert _shown_text(td, hidden) == _old_cell_text(td), page
            cells += 1
    assert cells > 1000


def _old_js_literals(code: str) -> list[str]:
    """The JavaScript string scanner as first written: one character at a time."""
    found, i, n = [], 0, len(code)
    while i < n:
        ch = code[i]
        if ch == "/" and code.startswith("//", i):
            end = code.find("\n", i)
            i = n if end < 0 else end + 1
        elif ch == "/" and code.startswith("/*", i):
            end = code.find("*/", i + 2)
            i = n if end < 0 else end + 2
        elif ch in "\"'`":
            body, i = _old_js_literal(code, i)
            if body is None:
                break
            found.append(body)
        else:
            i += 1
    return found


def _old_js_literal(code: str, start: int) -> tuple[str | None, int]:
    quote, parts = code[start], []
    i, n = start + 1, len(code)
    while i < n:
        ch = code[i]
        if ch == "\\":
            parts.append(code[i : i + 2])
            i += 2
        elif ch == quote:
            return "".join(parts), i + 1
        elif ch == "\n" and quote != "`":
            return None, i
        elif quote == "`" and code.startswith("${", i):
            depth, i = 1, i + 2
            while i < n and depth:
                depth += {"{": 1, "}": -1}.get(code[i], 0)
                i += 1
        else:
            parts.append(ch)
            i += 1
    return None, n


def test_js_scanner_finds_what_the_character_loop_found() -> None:
    pieces = ['"', "'", "`", "\\", "\n", "/", "//", "/*", "*/", "${", "{", "}", "$", "a", "表", " "]
    rng = random.Random(8)
    for _ in range(30000):
        code = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert list(js_string_literals(code)) == _old_js_literals(code), repr(code)
