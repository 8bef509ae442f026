"""A local portal for the fetch tests, served from the test process on 127.0.0.1.

The pages are generated here in the shapes real CMSs give them: a TRS-style 年报 column with
a page count written by ``createPageHTML``, a 集约化-platform column paged by ``?pageNum=`` with
下一页 links, report pages inside site chrome with 发布时间 and 来源, an attachment-only report
(DOCX), a GBK page, a report written by ``document.write``, a path robots.txt forbids, a page
that fails once with 500, a page slower than the timeout and a redirect loop. The reports are
random consistent reports of fictional units (``xxgk.synth``) written by xxgk's renderers.
"""

from __future__ import annotations

import html
import json
import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.fetch import FetchSettings
from xxgk.model.report import Report
from xxgk.render.docx import render_docx
from xxgk.render.html import render_html
from xxgk.synth import random_report

FAST = FetchSettings(delay=0.0, timeout=0.4, retries=2, backoff=0.01, workers=4, per_host=2)
"""The tiny delays of the tests (a setting; production keeps the polite defaults)."""

Response = tuple[int, dict[str, str], bytes]
Handler = Callable[["Request"], Response]


@dataclass
class Request:
    path: str
    headers: dict[str, str]


@dataclass
class Site:
    """Routes by path (with query), every request counted; started on a free port."""

    routes: dict[str, Handler | Response] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    log: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: bytes | str, ctype: str = "text/html; charset=utf-8") -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (200, {"Content-Type": ctype}, data)

    def start(self) -> Site:
        site = self

        class _Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                site.hits[self.path] += 1
                site.log.append(self.path)
                route = site.routes.get(self.path)
                if route is None:
                    status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
                elif callable(route):
                    status, headers, body = route(Request(self.path, dict(self.headers)))
                else:
                    status, headers, body = route
                try:
                    self.send_response(status)
                    for key, value in headers.items():
                        self.send_header(key, value)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()


# --- page shapes ------------------------------------------------------------------------------

CHROME_TOP = """<div class="header"><div class="nav"><a href="/">首页</a>
<a href="/xxgk/">政务公开</a> <a href="/zwdt/">政务动态</a></div></div>
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xxgk/">政府信息公开</a></div>"""
CHROME_BOTTOM = """<div class="footer">主办：示例县人民政府办公室 版权所有 备案号：示ICP备00000000号
<a href="/sitemap.html">网站地图</a></div>"""


def report_body(report: Report) -> str:
    """The inside of ``<body>`` of the report as xxgk renders it."""
    page = render_html(report, highlight=False).decode("utf-8")
    match = re.search(r"<body[^>]*>(.*)</body>", page, re.S)
    assert match
    return match.group(1)


def report_page(
    report: Report,
    published: str,
    source: str,
    *,
    charset: str = "utf-8",
    attachments: list[tuple[str, str]] = (),  # type: ignore[assignment]
    body: str | None = None,
) -> str:
    """A TRS-like article page: chrome, 发布时间/来源 line, the report, attachments, footer."""
    links = "".join(
        f'<p>附件：<a href="{href}">{html.escape(text)}</a></p>' for href, text in attachments
    )
    content = report_body(report) if body is None else body
    title = html.escape(report.title or "")
    return f"""<!DOCTYPE html><html><head>
<meta http-equiv="Content-Type" content="text/html; charset={charset}">
<meta name="ArticleTitle" content="{title}"><meta name="PubDate" content="{published} 09:30">
<meta name="ContentSource" content="{html.escape(source)}">
<title>{title}_示例县人民政府</title></head><body>
{CHROME_TOP}
<div class="article"><h1>{title}</h1>
<div class="info">发布时间：{published}　来源：{html.escape(source)}
　浏览次数：<span id="hits"></span></div>
<div class="TRS_Editor">{content}</div>{links}</div>
{CHROME_BOTTOM}</body></html>"""


def trs_list_page(items: list[tuple[str, str, str]], pages: int, current: int) -> str:
    """A TRS-style column page: ``<li>`` links and ``createPageHTML(pages, current, …)``."""
    lis = "".join(
        f'<li><a href="{href}" title="{html.escape(t)}" target="_blank">{html.escape(t)}</a>'
        f"<span>{d}</span></li>"
        for href, t, d in items
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<title>政府信息公开年报_示例县人民政府</title></head><body>{CHROME_TOP}
<div class="list"><ul>{lis}</ul></div>
<div class="page"><script type="text/javascript">
var countPage = {pages};
createPageHTML({pages}, {current}, "index", "html");
</script></div>{CHROME_BOTTOM}</body></html>"""


def platform_list_page(items: list[tuple[str, str, str]], page: int, last: int) -> str:
    """A 集约化-platform column: a table of links, 下一页/尾页 links with ``?pageNum=``."""
    rows = "".join(
        f'<tr><td><a href="{href}">{html.escape(t)}</a></td><td>{d}</td></tr>'
        for href, t, d in items
    )
    nav = ""
    if page < last:
        nav += f'<a href="/col/col4521/index.html?uid=12&pageNum={page + 1}">下一页</a>'
        nav += f'<a href="/col/col4521/index.html?uid=12&pageNum={last}">尾页</a>'
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>年度报告</title></head>
<body>{CHROME_TOP}<table class="xxgk-list">{rows}</table><div class="pages">{nav}</div>
{CHROME_BOTTOM}</body></html>"""


def js_report_page(report: Report, published: str) -> str:
    """The report written into the page by ``document.write`` of an escaped string."""
    inner = report_page(report, published, "示例县政务服务中心")
    body = re.search(r"<body>(.*)</body>", inner, re.S)
    assert body
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>'
        + html.escape(report.title or "")
        + "</title></head><body><script>document.write("
        + json.dumps(body.group(1), ensure_ascii=True)
        + ");</script></body></html>"
    )


def make_report(organization: str, year: int, seed: int) -> Report:
    return random_report(random.Random(seed), organization=organization, year=year)


# --- the portal --------------------------------------------------------------------------------


@dataclass
class Portal:
    """The site and what the tests expect to find on it."""

    site: Site
    reports: dict[str, Report]
    """The reports by the path of the page (or file) that publishes them."""
    trs_column: str
    platform_column: str
    pdf_path: str = ""


def slow(seconds: float) -> Handler:
    def handle(_request: Request) -> Response:
        time.sleep(seconds)
        return 200, {"Content-Type": "text/html; charset=utf-8"}, b"<html>late</html>"

    return handle


def fail_once(response: Response) -> Handler:
    """500 on the first request, ``response`` afterwards."""
    calls = Counter[str]()

    def handle(request: Request) -> Response:
        calls[request.path] += 1
        if calls[request.path] == 1:
            return 500, {"Content-Type": "text/plain"}, b"busy"
        return response

    return handle


def conditional(body: bytes, etag: str, ctype: str = "text/html; charset=utf-8") -> Handler:
    """A page honouring ``If-None-Match`` (what most portal web servers do for static pages)."""

    def handle(request: Request) -> Response:
        if request.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, {"Content-Type": ctype, "ETag": etag}, body

    return handle


def build_portal(site: Site, year: int = 2024, pdf: bytes | None = None) -> Portal:
    """Fill ``site`` with the two columns, their reports and the troublesome pages."""
    reports: dict[str, Report] = {}
    orgs = [
        "示例县人民政府",
        "示例县清河镇人民政府",
        "示例县石桥乡人民政府",
        "示例县交通运输局",
        "示例县教育局",
        "示例县民政局",
        "示例县自然资源局",
    ]
    base = "/xxgk/zfxxgknb/"
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    # TRS column, 3 pages: index.html, index_1.html, index_2.html
    trs_items: list[list[tuple[str, str, str]]] = [[], [], []]
    for i, org in enumerate(orgs[:4]):
        report = make_report(org, year, seed=100 + i)
        path = f"{base}{year + 1}01/t{year + 1}01{10 + i}_{500 + i}.html"
        reports[path] = report
        day = f"{year + 1}-01-{10 + i}"
        if i == 1:  # the GBK page of a township
            page = report_page(report, day, "清河镇人民政府", charset="gbk").encode("gbk")
            site.add(path, page, "text/html")
        elif i == 2:  # fails once with 500
            site.routes[path] = fail_once(
                (
                    200,
                    {"Content-Type": "text/html; charset=utf-8"},
                    report_page(report, day, "石桥乡").encode(),
                )
            )
        else:
            site.add(path, report_page(report, day, "示例县人民政府办公室"))
        trs_items[i % 3].append(
            (f"./{year + 1}01/t{year + 1}01{10 + i}_{500 + i}.html", report.title or "", day)
        )
    # an older report on the last page: a unit fetch for ``year`` leaves it alone
    old = make_report("示例县人民政府", year - 1, seed=99)
    old_path = f"{base}{year}01/t{year}0115_400.html"
    reports[old_path] = old
    site.add(old_path, report_page(old, f"{year}-01-15", "示例县人民政府办公室"))
    trs_items[2].append((f"./{year}01/t{year}0115_400.html", old.title or "", f"{year}-01-15"))
    # the troublesome links on the first page
    trs_items[0] += [
        ("/private/nb.html", f"示例县内部{year}年政府信息公开工作年度报告（内部）", ""),
        (f"{base}slow.html", f"示例县档案馆{year}年政府信息公开工作年度报告", ""),
        ("/loop/a.html", f"示例县科技局{year}年政府信息公开工作年度报告", ""),
        ("/zwdt/news1.html", "县长调研春耕生产", ""),
    ]
    site.add("/private/nb.html", "<html>secret</html>")
    site.routes[f"{base}slow.html"] = slow(FAST.timeout * 3)
    site.routes["/loop/a.html"] = (302, {"Location": "/loop/b.html"}, b"")
    site.routes["/loop/b.html"] = (302, {"Location": "/loop/a.html"}, b"")
    site.add("/zwdt/news1.html", "<html><title>新闻</title>不应抓取</html>")
    for n, items in enumerate(trs_items):
        name = "index.html" if n == 0 else f"index_{n}.html"
        page = trs_list_page(items, 3, n).encode()
        site.routes[f"{base}{name}"] = conditional(page, f'"trs-{n}-1"')
    # 集约化 platform column, 2 pages by ?pageNum=
    col = "/col/col4521/index.html?uid=12&pageNum="
    org_docx, org_js, org_pdf = orgs[4], orgs[5], orgs[6]
    r_docx = make_report(org_docx, year, seed=200)
    r_js = make_report(org_js, year, seed=201)
    r_pdf = make_report(org_pdf, year, seed=202)
    art = f"/art/{year + 1}/1/20/"
    page1 = [
        (f"{art}art_4521_9001.html", r_docx.title or "", f"{year + 1}-01-20"),
        (f"{art}art_4521_9002.html", r_js.title or "", f"{year + 1}-01-21"),
    ]
    page2 = [(f"{art}art_4521_9003.html", r_pdf.title or "", f"{year + 1}-02-03")]
    site.add(col + "1", platform_list_page(page1, 1, 2))
    site.add(col + "2", platform_list_page(page2, 2, 2))
    # attachment-only: the page carries chrome and a DOCX link
    site.add(
        f"{art}art_4521_9001.html",
        report_page(
            r_docx,
            f"{year + 1}-01-20",
            "示例县教育局",
            body="<p>详见附件。</p>",
            attachments=[(f"/attach/{year}/nb-9001.docx", f"{r_docx.title}.docx")],
        ),
    )
    site.add(
        f"/attach/{year}/nb-9001.docx",
        render_docx(r_docx),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    reports[f"/attach/{year}/nb-9001.docx"] = r_docx
    site.add(f"{art}art_4521_9002.html", js_report_page(r_js, f"{year + 1}-01-21"))
    reports[f"{art}art_4521_9002.html"] = r_js
    # page and PDF of one report (the PDF made by LibreOffice from the same report)
    pdf_path = f"/attach/{year}/nb-9003.pdf"
    site.add(
        f"{art}art_4521_9003.html",
        report_page(
            r_pdf,
            f"{year + 1}-02-03",
            "示例县自然资源局",
            attachments=[(pdf_path, f"{r_pdf.title}.pdf")] if pdf else [],
        ),
    )
    reports[f"{art}art_4521_9003.html"] = r_pdf
    if pdf:
        site.add(pdf_path, pdf, "application/pdf")
    return Portal(
        site,
        reports,
        trs_column=base + "index.html",
        platform_column=col + "1",
        pdf_path=pdf_path if pdf else "",
    )


UNITS = (
    # code, name, kind, parent code
    ("shili-x", "示例县人民政府", "county", None),
    ("qinghe", "示例县清河镇人民政府", "township", "shili-x"),
    ("shiqiao", "示例县石桥乡人民政府", "township", "shili-x"),
    ("jiaotong", "示例县交通运输局", "department", "shili-x"),
    ("jiaoyu", "示例县教育局", "department", "shili-x"),
    ("minzheng", "示例县民政局", "department", "shili-x"),
    ("ziran", "示例县自然资源局", "department", "shili-x"),
)


def add_units(engine: Engine) -> dict[str, int]:
    """Insert the portal's units; return their ids by code."""
    ids: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        for code, name, kind, parent in UNITS:
            unit = Unit(code=code, name=name, kind=kind, parent_id=ids.get(parent or ""))
            session.add(unit)
            session.flush()
            ids[code] = unit.id
    return ids
