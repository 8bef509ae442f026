"""政府信息公开目录 for the public (no login): units, each unit's category tree with counts and
its published items, search, the item page with its attachments, and RSS 2.0 feeds.

Only published items are shown; a withdrawn one answers 410 Gone with a short page, anything
else (drafts, items under review, items decided not to publish) is simply not found.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from xxgk.disclosure import search
from xxgk.web import disclosure_feed as feed
from xxgk.web import disclosure_items as items_view
from xxgk.web import disclosure_public as catalogue
from xxgk.web.deps import SessionDep, optional_user
from xxgk.web.pages import page

router = APIRouter(include_in_schema=False, dependencies=[Depends(optional_user)])
RSS = "application/rss+xml; charset=utf-8"
FEED_SIZE = 30


@router.get("/public/catalogue")
def catalogue_index(
    session: SessionDep,
    request: Request,
):
    return page(
        request,
        "catalogue_index.html",
        units=catalogue.public_units(session),
        newest=[items_view.item_row(i) for i in catalogue.public_items(session, limit=10)],
    )


@router.get("/public/catalogue/units/{unit_id}")
def catalogue_unit(
    session: SessionDep,
    request: Request,
    unit_id: int,
    category: str = "",
):
    unit = catalogue.public_unit(session, unit_id)
    tree = catalogue.public_tree(session, unit)
    chosen = next((e for e in tree if str(e["id"]) == category), None)
    ids = catalogue.subtree_ids(tree, chosen["id"]) if chosen else None
    items = catalogue.public_items(session, unit=unit, category_ids=ids)
    return page(
        request,
        "catalogue_unit.html",
        unit=unit,
        tree=tree,
        chosen=chosen,
        rows=[items_view.item_row(i) for i in items],
    )


@router.get("/public/catalogue/search")
def catalogue_search(
    session: SessionDep,
    request: Request,
    q: str = "",
    unit: str = "",
):
    query = q.strip()[: search.MAX_QUERY]
    units = catalogue.public_units(session)
    chosen = next((u["id"] for u in units if str(u["id"]) == unit), None)
    ids = [chosen] if chosen is not None else None
    hits = search.search(session, query, unit_ids=ids) if query else []
    return page(
        request,
        "catalogue_search.html",
        q=query,
        unit=chosen,
        units=units,
        rows=feed.highlight_rows(hits, query),
    )


@router.get("/public/catalogue/items/{item_id}")
def catalogue_item(
    session: SessionDep,
    request: Request,
    item_id: int,
):
    try:
        item = catalogue.public_item(session, item_id)
    except catalogue.Withdrawn as gone:
        return page(request, "catalogue_gone.html", status_code=410, item=gone.item)
    return page(request, "catalogue_item.html", row=items_view.item_detail(item, None), item=item)


@router.get("/public/catalogue/items/{item_id}/attachments/{attachment_id}")
def catalogue_attachment(
    session: SessionDep,
    request: Request,
    item_id: int,
    attachment_id: int,
) -> Response:
    try:
        found = catalogue.public_attachment(session, item_id, attachment_id)
    except catalogue.Withdrawn as gone:
        return page(request, "catalogue_gone.html", status_code=410, item=gone.item)
    return items_view.download(found)


def _base(request: Request) -> str:
    """Return the site's address for absolute links: the configured public URL, never the
    request's Host header (which any client may forge); without one, links stay relative."""
    return (request.app.state.settings.public_url or "").rstrip("/")


@router.get("/public/catalogue/rss.xml")
def catalogue_rss(
    session: SessionDep,
    request: Request,
) -> Response:
    base = _base(request)
    body = feed.rss_feed(
        catalogue.public_items(session, limit=FEED_SIZE),
        title="政府信息公开目录",
        link=f"{base}/public/catalogue",
        base=base,
    )
    return Response(body, media_type=RSS)


@router.get("/public/catalogue/units/{unit_id}/rss.xml")
def catalogue_unit_rss(
    session: SessionDep,
    request: Request,
    unit_id: int,
) -> Response:
    unit = catalogue.public_unit(session, unit_id)
    base = _base(request)
    body = feed.rss_feed(
        catalogue.public_items(session, unit=unit, limit=FEED_SIZE),
        title=f"{unit.name}政府信息公开目录",
        link=f"{base}/public/catalogue/units/{unit.id}",
        base=base,
    )
    return Response(body, media_type=RSS)
