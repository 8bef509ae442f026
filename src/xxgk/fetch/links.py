"""Link discovery on a fetched page: which links are reports, attachments or further pages.

Only three kinds of link are ever followed, so a run never wanders over a whole site:

* from a column (list) page: the report links, decided by title and URL (年度报告, 年报,
  zfxxgknb …), attachments titled as reports, and the column's own further pages
  (``index_1.html``, ``?page=2``, 下一页/尾页 links, a page count written by JavaScript such
  as TRS's ``createPageHTML(10, 0, "index", "html")``);
* from a report page: its attachments (.pdf .doc .docx .xls .xlsx .wps).

Pages are decoded by their declared charset (header, then ``<meta>``), else by
charset-normalizer's guess; GB2312 and GBK are read as their superset GB18030.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from urllib.parse import urldefrag, urljoin, urlsplit

from charset_normalizer import from_bytes
from selectolax.lexbor import LexborHTMLParser

ATTACHMENT_SUFFIXES = (".pdf", ".doc", ".docx", ".xls", ".xlsx", ".wps", ".et")
REPORT_URL = re.compile(r"zfxxgknb|xxgknb|gknb|ndbg|gzndbg", re.I)
REPORT_TITLE = re.compile(r"年度报告|年报")
DISCLOSURE = re.compile(r"信息公开")
NEXT_TEXT = re.compile(r"^\s*(?:下一页|下页|尾页|末页|最后一页|后页|>|>>|»|next|last)\s*$", re.I)
PAGE_URL = re.compile(
    r"(?:/index_\d+\.s?html?$)|(?:[?&](?:page|pageNo|pageNum|pageIndex|currentPage|pn|p)=\d+)",
    re.I,
)
CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^)]*)\)", re.I)
JS_ANCHOR = re.compile(r"<a\b[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>(.*?)</a>", re.I | re.S)
TAGS = re.compile(r"<[^>]+>")
JS_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_META_CHARSET = re.compile(rb"<meta[^>]{0,200}?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.I)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030"}
REPORT_CELLS = 120
"""Table cells from which a page is taken for a report page rather than a column."""
MAX_ATTACHMENTS = 10
"""Attachments followed from one report page (a report and its annex tables at most)."""


@dataclass(frozen=True)
class Link:
    """A link found on a page: absolute URL (no fragment) and its text or title."""

    url: str
    text: str = ""


@dataclass
class PageLinks:
    """What a page links to, sorted by what a fetch run does with it."""

    title: str = ""
    reports: list[Link] = field(default_factory=list)
    attachments: list[Link] = field(default_factory=list)
    pages: list[Link] = field(default_factory=list)
    cells: int = 0
    """Table cells on the page (a report's three tables have well over a hundred)."""

    @property
    def looks_like_list(self) -> bool:
        """A column page: several report links or a pagination, unless the page itself holds a
        report's tables (a report page may list 相关阅读 — other years' reports)."""
        if self.cells >= REPORT_CELLS:
            return False
        return len(self.reports) >= 2 or bool(self.pages)


def decode_page(data: bytes, content_type: str = "") -> str:
    """Return the text of an HTML page, by its declared charset or a detected one."""
    for name in (_header_charset(content_type), _meta_charset(data)):
        if name:
            try:
                return data.decode(_ALIASES.get(name, name))
            except (LookupError, UnicodeDecodeError):
                continue
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data[:200_000]).best()
        encoding = _ALIASES.get(best.encoding, best.encoding) if best else "gb18030"
        return data.decode(encoding, "replace")


def _header_charset(content_type: str) -> str | None:
    match = _HEADER_CHARSET.search(content_type or "")
    return match.group(1).lower() if match else None


def _meta_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:8192])
    return match.group(1).decode("ascii", "ignore").lower() if match else None


def is_attachment(url: str) -> bool:
    return urlsplit(url).path.lower().endswith(ATTACHMENT_SUFFIXES)


def is_report_link(link: Link, annual_column: bool) -> bool:
    """A report by its URL (zfxxgknb …) or title (…政府信息公开…年度报告/年报); inside a column
    that is itself the 年报 column, a title with 年度报告/年报 is enough."""
    if REPORT_URL.search(urlsplit(link.url).path):
        return True
    if not REPORT_TITLE.search(link.text):
        return False
    return annual_column or bool(DISCLOSURE.search(link.text))


def find_links(text: str, base_url: str) -> PageLinks:
    """Return the report links, attachments and further column pages of a page."""
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = _clean(title_node.text()) if title_node else ""
    annual = bool(REPORT_TITLE.search(title))
    out = PageLinks(title=title, cells=len(tree.css("td")))
    seen: set[str] = {_absolute(base_url, "")}
    for link in _anchors(tree, base_url) + _script_anchors(tree, base_url):
        if link.url in seen or not link.url.startswith(("http://", "https://")):
            continue
        seen.add(link.url)
        _sort_link(link, base_url, annual, out)
    for url in js_page_urls(text, base_url):
        if url not in seen:
            seen.add(url)
            out.pages.append(Link(url, "分页"))
    del out.attachments[MAX_ATTACHMENTS:]
    return out


def _sort_link(link: Link, base_url: str, annual: bool, out: PageLinks) -> None:
    if is_attachment(link.url):
        out.attachments.append(link)
    elif _same_host(link.url, base_url) and (
        NEXT_TEXT.match(link.text) or PAGE_URL.search(link.url)
    ):
        out.pages.append(link)
    elif is_report_link(link, annual):
        out.reports.append(link)


def _anchors(tree: LexborHTMLParser, base_url: str) -> list[Link]:
    links = []
    for node in tree.css("a[href]"):
        href = node.attributes.get("href") or ""
        text = _clean(node.text()) or _clean(node.attributes.get("title") or "")
        url = _absolute(base_url, href)
        if url:
            links.append(Link(url, text))
    return links


def _script_anchors(tree: LexborHTMLParser, base_url: str) -> list[Link]:
    """Links written by ``document.write``/``innerHTML`` strings inside scripts."""
    links = []
    for node in tree.css("script"):
        for code in _script_texts(node.text() or ""):
            links += _anchors_in(code, base_url)
    return links


def _script_texts(code: str) -> list[str]:
    """The script with its simple escapes undone, and each of its string literals decoded
    (``document.write("\\u793a…")`` writes Chinese as escapes)."""
    texts = []
    for match in JS_STRING.finditer(code):
        if "<" not in match.group(0) and "\\u003c" not in match.group(0).lower():
            continue
        try:
            value = json.loads(match.group(0))
        except ValueError:
            continue
        if isinstance(value, str):
            texts.append(value)
    return [*texts, code.replace('\\"', '"').replace("\\'", "'").replace("\\/", "/")]


def _anchors_in(code: str, base_url: str) -> list[Link]:
    links = []
    for match in JS_ANCHOR.finditer(code):
        url = _absolute(base_url, match.group(1))
        if url:
            links.append(Link(url, _clean(TAGS.sub("", match.group(2)))))
    return links


def js_page_urls(text: str, base_url: str) -> list[str]:
    """The column pages announced by a TRS-style ``createPageHTML(count, current, "index",
    "html")`` call: ``index.html``, ``index_1.html`` … ``index_{count-1}.html``."""
    match = CREATE_PAGE.search(text)
    if not match:
        return []
    args = [a.strip().strip("'\"") for a in match.group(1).split(",")]
    numbers = [int(a) for a in args if a.isdigit()]
    names = [a for a in args if a and not a.isdigit()]
    if not numbers or len(names) < 2:
        return []
    stem, suffix = names[-2], names[-1]
    count = min(numbers[0], 1000)
    urls = [urljoin(base_url, f"{stem}.{suffix}")]
    urls += [urljoin(base_url, f"{stem}_{i}.{suffix}") for i in range(1, count)]
    return urls


def _absolute(base_url: str, href: str) -> str:
    href = html_lib.unescape(href.strip())
    if href.lower().startswith(("javascript:", "mailto:", "tel:", "#")):
        return ""
    return urldefrag(urljoin(base_url, href))[0]


def _same_host(url: str, other: str) -> bool:
    return urlsplit(url).netloc.lower() == urlsplit(other).netloc.lower()


def _clean(text: str) -> str:
    return " ".join(text.split())
