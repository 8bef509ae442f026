"""What the public catalogue offers besides its pages: search hits with the matched words
marked in their excerpts, and the RSS 2.0 feed of the newest items."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xxgk.disclosure.catalogue import category_path
from xxgk.disclosure.models import Item
from xxgk.disclosure.search import SearchHit, excerpt
from xxgk.web.disclosure_items import iso_day

BEIJING = dt.timezone(dt.timedelta(hours=8))


def highlight_rows(hits: list[SearchHit], query: str) -> list[dict[str, Any]]:
    """Return search hits as rows with the (before, match, after) excerpt of title and body."""
    rows = []
    for hit in hits:
        item = hit.item
        title = excerpt(item.title, query, width=400)
        rows.append(
            {
                "id": item.id,
                "unit": item.unit.name,
                "title": title if title[1] else (item.title, "", ""),
                "excerpt": excerpt(item.body, query),
                "published_on": iso_day(item.published_on),
                "category": category_path(item.category),
                "repealed_on": iso_day(item.repealed_on),
            }
        )
    return rows


def rss_feed(items: list[Item], *, title: str, link: str, base: str) -> bytes:
    """Return an RSS 2.0 document of ``items`` (feedgen writes and escapes the XML)."""
    from feedgen.feed import FeedGenerator

    feed = FeedGenerator()
    feed.title(title)
    feed.link(href=link, rel="alternate")
    feed.description(f"{title}：最新主动公开的政府信息")
    feed.language("zh-CN")
    for item in reversed(items):  # feedgen puts the last added entry first
        url = f"{base}/public/catalogue/items/{item.id}"
        entry = feed.add_entry()
        entry.id(url)
        entry.guid(url, permalink=True)
        entry.title(item.title)
        entry.link(href=url)
        summary = " ".join(item.body.split())[:200] or item.title
        entry.description(summary)
        entry.category(term=category_path(item.category) or "未分类")
        if item.published_on:
            day = dt.datetime.combine(item.published_on, dt.time(9), tzinfo=BEIJING)
            entry.pubDate(day)
    return feed.rss_str(pretty=True)
