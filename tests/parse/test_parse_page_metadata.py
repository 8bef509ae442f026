"""Web pages around a report (issue 14): chrome, 落款 before a footer, the page's own date."""

from __future__ import annotations

import datetime as dt
import random

from xxgk.parse import parse_bytes, parse_text
from xxgk.render.html import render_html
from xxgk.render.text import render_text
from xxgk.synth import random_report

TOP = "示例县人民政府门户网站\n当前位置：首页 > 政府信息公开 > 政府信息公开年报\n标题："
FIELDS = "发布时间：2024-01-20 09:30  来源：示例县政务公开办  浏览次数：123\n【字号：大 中 小】\n"
FOOTER = (
    "\n【打印本页】【关闭窗口】\n"
    "主办单位：示例县人民政府办公室  承办单位：示例县大数据中心\n"
    "网站标识码：1234567890  备案号：示ICP备12345678号\n"
)


def _page(*, dated: bool) -> tuple[str, object]:
    truth = random_report(random.Random(3))
    lines = render_text(truth, "tabs").rstrip("\n").split("\n")
    if not dated:
        lines = lines[:-1]
    body = lines[0] + "\n" + FIELDS + "\n".join(lines[1:])
    return TOP + body + FOOTER, truth


def test_organization_comes_from_title_and_signature_not_chrome() -> None:
    page, truth = _page(dated=True)
    report = parse_text(page)
    assert report.title == truth.title
    assert report.organization == truth.organization
    assert report.published == truth.published  # the 落款 date, read above the footer


def test_page_date_is_kept_beside_the_signature_date_with_a_finding() -> None:
    page, truth = _page(dated=True)
    report = parse_text(page)
    assert report.page_published == dt.date(2024, 1, 20)
    assert report.page_source == "示例县政务公开办"
    assert truth.published != report.page_published
    assert "parse-page-date-differs" in {f.code for f in report.findings}
    assert report.to_dict()["page"]["published"] == "2024-01-20"


def test_page_date_stands_in_for_a_missing_signature_date() -> None:
    page, truth = _page(dated=False)
    report = parse_text(page)
    assert report.published == dt.date(2024, 1, 20)
    assert report.organization == truth.organization
    assert "parse-metadata-missing" not in {f.code for f in report.findings}


def test_html_meta_pubdate_is_read() -> None:
    truth = random_report(random.Random(7))
    html = render_html(truth).decode("utf-8")
    html = html.replace(
        "<head>",
        '<head><meta name="PubDate" content="2099-02-03 10:00:00">'
        '<meta name="SiteName" content="示例县人民政府网站">',
        1,
    )
    report = parse_bytes(html.encode("utf-8"), name="report.html")
    assert report.page_published == dt.date(2099, 2, 3)
    assert report.published == truth.published
    assert report.organization == truth.organization
    assert "parse-page-date-differs" in {f.code for f in report.findings}


def test_report_inside_a_javascript_string_is_unwrapped() -> None:
    import json as _json

    truth = random_report(random.Random(9))
    inner = render_html(truth).decode("utf-8")
    body = inner[inner.index("<body") : inner.rindex("</body>")]
    body = body[body.index(">") + 1 :]
    literal = _json.dumps(body, ensure_ascii=False)  # escaped quotes, \\n, \\"
    page = (
        "<html><head><title>示例县人民政府网站</title></head><body>"
        "<div class='crumbs'>首页 &gt; 政府信息公开 &gt; 年报</div>"
        "<script>// it's the content: don't parse this comment\n"
        "var siteName = '示例县人民政府网站';\n"
        f"var content = {literal};\n"
        "document.getElementById('c').innerHTML = content;</script>"
        "<div id='c'></div></body></html>"
    )
    report = parse_bytes(page.encode("utf-8"), name="page.html")
    assert report.values == truth.values
    assert report.organization == truth.organization
    assert report.title == truth.title


def test_js_string_literals_skip_comments_and_keep_escapes() -> None:
    from xxgk.parse.html import js_string_literals

    code = '// it\'s\n/* "no" */ var a = "x\\"y" + \'p"q\' + `t${1 + 2}u`;'
    assert list(js_string_literals(code)) == ['x\\"y', 'p"q', "tu"]


def test_html_page_chrome_around_the_report_and_its_date_line() -> None:
    """A portal page in HTML: breadcrumbs and a 发布时间 line above the report, the site's
    footer below the 落款. The organization and date come from the title and 落款, the page's
    date is kept beside them."""
    truth = random_report(random.Random(5))
    inner = render_html(truth).decode("utf-8")
    body = inner[inner.index("<body") : inner.rindex("</body>")]
    body = body[body.index(">") + 1 :]
    page = (
        "<html><head><title>示例县人民政府门户网站</title></head><body>"
        "<div class='nav'>当前位置：首页 &gt; 政府信息公开 &gt; 政府信息公开年报</div>"
        "<div class='info'>发布时间：2024-01-20 09:30　来源：示例县政务公开办　浏览次数：123</div>"
        f"<div class='content'>{body}</div>"
        "<div class='footer'><p>【打印本页】【关闭窗口】</p>"
        "<p>主办单位：示例县人民政府办公室　承办单位：示例县大数据中心</p>"
        "<p>网站标识码：1234567890　备案号：示ICP备12345678号</p></div></body></html>"
    )
    report = parse_bytes(page.encode("utf-8"), name="page.html")
    assert report.values == truth.values
    assert report.organization == truth.organization
    assert report.published == truth.published  # the 落款 date, read above the footer
    assert report.page_published == dt.date(2024, 1, 20)
    assert "parse-page-date-differs" in {f.code for f in report.findings}
