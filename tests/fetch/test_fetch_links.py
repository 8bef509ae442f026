"""Link discovery on the page shapes of real CMSs, without a server."""

from __future__ import annotations

import json

from xxgk.fetch.links import Link, decode_page, find_links, is_report_link, js_page_urls
from xxgk.fetch.reports import page_fields

BASE = "http://www.example.gov.cn/xxgk/zfxxgknb/index.html"


def test_trs_page_count_in_javascript_gives_every_page() -> None:
    text = '<script>createPageHTML(4, 0, "index", "html");</script>'
    assert js_page_urls(text, BASE) == [
        "http://www.example.gov.cn/xxgk/zfxxgknb/index.html",
        "http://www.example.gov.cn/xxgk/zfxxgknb/index_1.html",
        "http://www.example.gov.cn/xxgk/zfxxgknb/index_2.html",
        "http://www.example.gov.cn/xxgk/zfxxgknb/index_3.html",
    ]


def test_trs_variant_with_element_id_first() -> None:
    text = "<script>createPageHTML('page_div',3,1,'index','shtml',20);</script>"
    assert js_page_urls(text, BASE)[-1].endswith("/zfxxgknb/index_2.shtml")


def test_list_page_sorts_reports_pages_attachments_and_ignores_the_rest() -> None:
    page = """<html><head><title>政府信息公开年报</title></head><body>
    <a href="/">首页</a><a href="/zwdt/1.html">县长调研春耕生产</a>
    <a href="./202501/t20250120_1.html"
       title="示例县2024年政府信息公开工作年度报告">示例县2024年…</a>
    <a href="/art/2025/1/2/art_1_2.html">示例县教育局2024年年报</a>
    <a href="index_1.html">2</a><a href="?page=3">下一页</a>
    <a href="/files/nb2024.pdf">示例县民政局2024年度报告.pdf</a>
    <a href="javascript:void(0)">打印</a><a href="#top">顶部</a>
    </body></html>"""
    links = find_links(page, BASE)
    assert [link.url for link in links.reports] == [
        "http://www.example.gov.cn/xxgk/zfxxgknb/202501/t20250120_1.html",
        "http://www.example.gov.cn/art/2025/1/2/art_1_2.html",
    ]
    assert [link.url.rsplit("/", 1)[-1] for link in links.pages] == [
        "index_1.html",
        "index.html?page=3",
    ]
    assert [link.text for link in links.attachments] == ["示例县民政局2024年度报告.pdf"]
    assert links.looks_like_list


def test_report_titles_outside_an_annual_column_need_the_disclosure_words() -> None:
    assert not is_report_link(Link("http://x.cn/a.html", "法治政府建设年度报告"), False)
    assert is_report_link(Link("http://x.cn/a.html", "法治政府建设年度报告"), True)
    assert is_report_link(Link("http://x.cn/a.html", "2024年政府信息公开工作年度报告"), False)
    assert is_report_link(Link("http://x.cn/zfxxgknb/a.html", "通知"), False)


def test_links_written_by_document_write_are_found() -> None:
    markup = '<ul><li><a href="/art/9.html">示例县2024年政府信息公开工作年度报告</a></li></ul>'
    page = f"<html><body><script>document.write({json.dumps(markup)});</script></body></html>"
    links = find_links(page, BASE)
    assert [link.url for link in links.reports] == ["http://www.example.gov.cn/art/9.html"]


def test_gbk_page_is_decoded_by_its_meta_charset() -> None:
    page = '<html><head><meta charset="gbk"><title>年报</title></head><body>清河镇</body></html>'
    assert "清河镇" in decode_page(page.encode("gbk"))
    assert "清河镇" in decode_page(page.encode("gbk"), "text/html; charset=GB2312")


def test_undeclared_gb18030_page_is_detected() -> None:
    text = "<html><body>" + "示例县人民政府政府信息公开工作年度报告。" * 20 + "</body></html>"
    assert "示例县人民政府" in decode_page(text.encode("gb18030"))


def test_page_fields_from_meta_tags_and_from_the_printed_line() -> None:
    meta = (
        '<html><head><meta name="PubDate" content="2025-01-20 09:30">'
        '<meta name="ContentSource" content="示例县人民政府办公室"></head><body></body></html>'
    )
    assert page_fields(meta) == (__import__("datetime").date(2025, 1, 20), "示例县人民政府办公室")
    printed = (
        "<html><body><div>发布时间：2025/01/21　来源：示例县教育局　浏览次数：3</div></body></html>"
    )
    date, source = page_fields(printed)
    assert (date.isoformat() if date else None, source) == ("2025-01-21", "示例县教育局")


def test_report_page_with_related_links_is_not_a_column() -> None:
    related = "".join(
        f'<li><a href="/nb/{y}.html">示例县{y}年政府信息公开工作年度报告</a></li>'
        for y in (2022, 2023)
    )
    table = "<table>" + "<tr>" + "<td>0</td>" * 10 + "</tr>" * 1 + "</table>"
    page = (
        f"<html><body><table>{'<tr>' + '<td>1</td>' * 10 + '</tr>'}</table>{related}</body></html>"
    )
    assert find_links(page, BASE).looks_like_list
    report = f"<html><body>{table * 15}{related}</body></html>"
    assert not find_links(report, BASE).looks_like_list
