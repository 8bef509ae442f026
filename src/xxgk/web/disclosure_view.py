"""主动公开 as the pages and the API show it: items within the user's scope, the item form's
field-level checks, the timeline and the buttons of the review chain, and the public catalogue
(published items by category with their counts, the item a visitor may see, the RSS feed).

Everything that changes an item goes through ``xxgk.disclosure``; this module only reads, checks
what a person typed before the library is called, and shapes rows for templates and JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db.access import UNIT_MANAGERS
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import list_units
from xxgk.disclosure.catalogue import CatalogueEntry, catalogue_tree, category_path
from xxgk.disclosure.items import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT,
    MAX_TITLE,
    attachment_name,
    count_items,
    list_items,
)
from xxgk.disclosure.models import Attachment, CatalogueNode, Item
from xxgk.disclosure.search import SearchHit, excerpt
from xxgk.disclosure.vocab import (
    ACTIONS,
    ATTRIBUTES,
    CHANNELS,
    STEP_APPROVALS,
    WITHHELD_REASONS,
    State,
    step_label,
)
from xxgk.disclosure.workflow import (
    DOC_KINDS,
    REPEALERS,
    actionable_states,
    allowed_actions,
    waiting_for,
)
from xxgk.errors import XxgkError
from xxgk.web.deps import Scope, valid_id
from xxgk.web.errors import WebError, not_found

BEIJING = dt.timezone(dt.timedelta(hours=8))
STATES = {s.value: s.label for s in State}
MAX_BODY = 200_000
MAX_DOC_NUMBER = 100
PUBLIC_PAGE = 50
PAGE_SIZE = 50


# -- officers: items in scope ---------------------------------------------------------------


def scoped_item(scope: Scope, item_id: int) -> Item:
    """Return item ``item_id`` or 404 when it is missing or belongs to a unit out of scope."""
    item = scope.session.get(Item, item_id) if valid_id(item_id) else None
    if item is None or item.unit_id not in scope.unit_ids:
        raise not_found("信息")
    return item


@dataclass
class ItemPage:
    """One page of an item list and where it lies among all matching items."""

    items: list[Item]
    total: int
    page: int
    pages: int


def scoped_items(
    scope: Scope,
    *,
    unit: Unit | None = None,
    state: str = "",
    category: CatalogueNode | None = None,
    text: str = "",
    mine: bool = False,
    page: int = 1,
) -> ItemPage:
    """Return page ``page`` of the items of ``unit`` (default: every unit in scope), filtered;
    ``mine`` keeps those the user can act on now (the 待我处理 view).

    The page is cut in the database. 待我处理 first narrows to the states the user's role acts
    on, then checks each item (author, signatures of the round), which keeps that list short.
    """
    units = [unit] if unit is not None else [u for _, u in scope.units()]
    filters: dict[str, Any] = {
        "state": state if state in STATES else None,
        "category": category,
        "text": text.strip() or None,
    }
    if mine:
        states = actionable_states(scope.user)
        candidates = list_items(scope.session, units, states=states, **filters) if states else []
        waiting = [i for i in candidates if waiting_for(i, scope.user)]
        page, pages = _page_within(page, len(waiting))
        cut = waiting[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        return ItemPage(cut, len(waiting), page, pages)
    total = count_items(scope.session, units, **filters)
    page, pages = _page_within(page, total)
    items = list_items(
        scope.session, units, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, **filters
    )
    return ItemPage(items, total, page, pages)


def _page_within(page: int, total: int) -> tuple[int, int]:
    """Return ``page`` moved into 1..pages (past the end: the last page) and the page count."""
    pages = max(1, -(-total // PAGE_SIZE))
    return min(max(1, page), pages), pages


def item_row(item: Item, user: User | None = None) -> dict[str, Any]:
    """Return one item as a row of the lists (and the JSON API)."""
    return {
        "id": item.id,
        "unit_id": item.unit_id,
        "unit": item.unit.name,
        "title": item.title,
        "category_id": item.category_id,
        "category": category_path(item.category),
        "state": item.state,
        "state_label": item.status.label,
        "attribute": item.attribute,
        "attribute_label": item.attribute_label,
        "withheld_reason": item.withheld_reason,
        "withheld_reason_label": WITHHELD_REASONS.get(item.withheld_reason, ""),
        "doc_kind": item.doc_kind,
        "doc_kind_label": DOC_KINDS.get(item.doc_kind or "", ""),
        "doc_number": item.doc_number,
        "document_date": _iso(item.document_date),
        "repealed_on": _iso(item.repealed_on),
        "published_on": _iso(item.published_on),
        "withdrawn_on": _iso(item.withdrawn_on),
        "channels": list(item.channels),
        "channel_labels": item.channel_labels,
        "author": item.author.display_name or item.author.username,
        "actions": allowed_actions(item, user) if user is not None else [],
        "waiting": waiting_for(item, user),
    }


def item_detail(item: Item, user: User | None) -> dict[str, Any]:
    """Return the item with its body, timeline and attachments (page and API)."""
    return {
        **item_row(item, user),
        "body": item.body,
        "steps": timeline(item),
        "attachments": [attachment_row(a) for a in item.attachments],
    }


def attachment_row(attachment: Attachment) -> dict[str, Any]:
    return {
        "id": attachment.id,
        "filename": attachment.filename,
        "media_type": attachment.media_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
    }


def timeline(item: Item) -> list[dict[str, Any]]:
    """Return the item's steps in order: who, when (the server's local time, like the dates
    the library stamps with ``date.today()``), what, and why."""
    out = []
    for step in item.steps:
        what = step_label(step.action, step.from_state)
        if step.action == "approve" and step.to_state == State.PUBLISHED.value:
            what += "，已发布"
        at = step.at.replace(tzinfo=dt.UTC).astimezone() if step.at else None
        out.append(
            {
                "id": step.id,
                "at": at.strftime("%Y-%m-%d %H:%M") if at else "",
                "actor": step.actor_name,
                "action": step.action,
                "what": what,
                "from_state": step.from_state,
                "to_state": step.to_state,
                "to_label": State(step.to_state).label,
                "reason": step.reason,
            }
        )
    return out


def can_edit(scope: Scope, item: Item) -> bool:
    """Return True when the user may change the draft (the library checks again)."""
    return item.status is State.DRAFT and scope.can_write(item.unit)


def can_repeal(user: User, item: Item) -> bool:
    """Return True when a 废止 date may be recorded on the item by ``user`` now."""
    return (
        bool(item.doc_kind)
        and item.repealed_on is None
        and item.status in (State.PUBLISHED, State.WITHDRAWN)
        and Role(user.role) in REPEALERS
    )


def buttons(item: Item, user: User) -> list[dict[str, Any]]:
    """Return the action buttons of the item page, in the chain's order."""
    out = []
    for action in allowed_actions(item, user):
        label = ACTIONS.get(action, action)
        if action == "approve":
            label = STEP_APPROVALS.get(item.status, label)
            if item.status is State.LEADER_APPROVAL and item.attribute != "proactive":
                label = "审定（不公开）"
        out.append({"action": action, "label": label, "reason": action in ("return", "withdraw")})
    return out


def is_manager(scope: Scope) -> bool:
    """Return True when the user may edit catalogues (unit administrator, administrator)."""
    return scope.role in UNIT_MANAGERS


# -- the item form ----------------------------------------------------------------------------


@dataclass
class ItemForm:
    """The submitted values of the item form, the errors per field and the library's args."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


FORM_FIELDS = (
    "title",
    "category",
    "body",
    "doc_kind",
    "doc_number",
    "document_date",
    "attribute",
    "withheld_reason",
)


def validate_item(
    values: dict[str, Any], entries: list[CatalogueEntry], *, today: dt.date
) -> ItemForm:
    """Check the item form field by field; fill ``clean`` with ``create_item`` arguments.

    ``values["channels"]`` is a list; everything else is text as typed.
    """
    v: dict[str, Any] = {k: str(values.get(k) or "").strip() for k in FORM_FIELDS}
    v["channels"] = [str(c) for c in values.get("channels") or []]
    form = ItemForm(v)
    errors, clean = form.errors, form.clean
    title = " ".join(v["title"].split())
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题不能超过{MAX_TITLE}个字"
    clean["title"] = title
    nodes = {str(e.node.id): e.node for e in entries}
    if v["category"] not in nodes:
        errors["category"] = "请选择公开目录栏目"
    clean["category"] = nodes.get(v["category"])
    if len(v["body"]) > MAX_BODY:
        errors["body"] = f"正文不能超过{MAX_BODY}个字"
    clean["body"] = str(values.get("body") or "")[:MAX_BODY]
    _document_fields(v, errors, clean, today)
    attribute = v["attribute"] or "proactive"
    if attribute not in ATTRIBUTES:
        errors["attribute"] = "请选择公开属性"
        attribute = "proactive"
    clean["attribute"] = attribute
    unknown = [c for c in v["channels"] if c not in CHANNELS]
    if unknown:
        errors["channels"] = "发布渠道只能是：" + "、".join(CHANNELS.values())
    elif attribute == "proactive" and not v["channels"]:
        errors["channels"] = "主动公开的信息须至少选择一个发布渠道"
    clean["channels"] = [c for c in CHANNELS if c in v["channels"]]
    reason = v["withheld_reason"]
    if attribute == "withheld" and reason not in WITHHELD_REASONS:
        errors["withheld_reason"] = "不予公开须选择法定理由（《条例》第十四条至第十六条）"
    clean["withheld_reason"] = reason if attribute == "withheld" else ""
    return form


def _document_fields(
    v: dict[str, Any], errors: dict[str, str], clean: dict[str, Any], today: dt.date
) -> None:
    kind = v["doc_kind"]
    if kind and kind not in DOC_KINDS:
        errors["doc_kind"] = "请选择文件类型"
    clean["doc_kind"] = kind or None
    if len(v["doc_number"]) > MAX_DOC_NUMBER:
        errors["doc_number"] = f"文号不能超过{MAX_DOC_NUMBER}个字"
    elif kind and not v["doc_number"]:
        errors["doc_number"] = f"{DOC_KINDS.get(kind, '规范性文件')}须填写文号"
    clean["doc_number"] = v["doc_number"][:MAX_DOC_NUMBER]
    day = None
    if v["document_date"]:
        try:
            day = dt.date.fromisoformat(v["document_date"])
        except ValueError:
            errors["document_date"] = "印发日期应为YYYY-MM-DD格式的日期"
        else:
            if day > today:
                errors["document_date"] = f"印发日期不能晚于今天（{today}）"
            elif day.year < 1949:
                errors["document_date"] = "印发日期不早于1949年"
    elif kind:
        errors["document_date"] = f"{DOC_KINDS.get(kind, '规范性文件')}须填写印发日期"
    clean["document_date"] = day


def check_upload(filename: str, size: int) -> str:
    """Return why an uploaded attachment is refused (empty when it is accepted)."""
    try:
        attachment_name(filename)
    except XxgkError as exc:
        return exc.message_zh
    if size == 0:
        return f"附件“{filename}”是空文件"
    if size > MAX_ATTACHMENT:
        return f"附件“{filename}”超过{MAX_ATTACHMENT // (1024 * 1024)}MB"
    return ""


def item_values(item: Item) -> dict[str, Any]:
    """Return the form values of an existing draft (for the edit page)."""
    return {
        "title": item.title,
        "category": str(item.category_id or ""),
        "body": item.body,
        "doc_kind": item.doc_kind or "",
        "doc_number": item.doc_number,
        "document_date": _iso(item.document_date) or "",
        "attribute": item.attribute,
        "withheld_reason": item.withheld_reason,
        "channels": list(item.channels),
    }


def form_choices() -> dict[str, Any]:
    """Return the vocabularies the item form offers."""
    return {
        "doc_kinds": DOC_KINDS,
        "channels": CHANNELS,
        "attributes": ATTRIBUTES,
        "reasons": WITHHELD_REASONS,
        "accept": ",".join(sorted(ATTACHMENT_TYPES)),
        "max_mb": MAX_ATTACHMENT // (1024 * 1024),
    }


# -- the public catalogue ---------------------------------------------------------------------


def public_units(session: Session) -> list[dict[str, Any]]:
    """Return the active units with the number of their published items, in tree order
    (parents before their children, with their depth for indenting)."""
    counts = dict(
        session.execute(
            select(Item.unit_id, func.count(Item.id))
            .where(Item.state == State.PUBLISHED.value)
            .group_by(Item.unit_id)
        ).all()
    )
    return [
        {"id": u.id, "name": u.name, "count": counts.get(u.id, 0), "depth": depth}
        for depth, u in list_units(session)
        if u.active
    ]


def public_unit(session: Session, unit_id: int) -> Unit:
    """Return the active unit ``unit_id`` or 404."""
    unit = session.get(Unit, unit_id) if valid_id(unit_id) else None
    if unit is None or not unit.active:
        raise not_found("单位")
    return unit


def public_tree(session: Session, unit: Unit) -> list[dict[str, Any]]:
    """Return the unit's active categories with the published items below each (subtree)."""
    entries = catalogue_tree(session, unit)
    own = dict(
        session.execute(
            select(Item.category_id, func.count(Item.id))
            .where(Item.unit_id == unit.id, Item.state == State.PUBLISHED.value)
            .group_by(Item.category_id)
        ).all()
    )
    totals = {e.node.id: own.get(e.node.id, 0) for e in entries}
    for e in reversed(entries):  # depth-first order: a category's subtree comes after it
        if e.node.parent_id in totals:
            totals[e.node.parent_id] += totals[e.node.id]
    return [
        {
            "id": e.node.id,
            "name": e.node.name,
            "depth": e.depth,
            "path": e.path,
            "count": totals[e.node.id],
        }
        for e in entries
    ]


def public_items(
    session: Session,
    *,
    unit: Unit | None = None,
    category_ids: list[int] | None = None,
    limit: int = PUBLIC_PAGE,
) -> list[Item]:
    """Return published items (of a unit, of categories), newest first."""
    query = select(Item).where(Item.state == State.PUBLISHED.value)
    if unit is not None:
        query = query.where(Item.unit_id == unit.id)
    if category_ids is not None:
        query = query.where(Item.category_id.in_(category_ids))
    query = query.order_by(Item.published_on.desc(), Item.id.desc()).limit(limit)
    return list(session.scalars(query))


def subtree_ids(tree: list[dict[str, Any]], root_id: int) -> list[int] | None:
    """Return ``root_id`` and the ids below it in ``tree`` (None when it is not in the tree)."""
    ids: list[int] | None = None
    depth = 0
    for entry in tree:
        if ids is None:
            if entry["id"] == root_id:
                ids, depth = [root_id], entry["depth"]
        elif entry["depth"] > depth:
            ids.append(entry["id"])
        else:
            break
    return ids


class Withdrawn(WebError):
    """A withdrawn item: the public page says so with 410 Gone."""

    def __init__(self, item: Item):
        super().__init__(410, "gone", f"该信息已于{item.withdrawn_on}撤回，不再公开", "withdrawn")
        self.item = item


def public_item(session: Session, item_id: int) -> Item:
    """Return a published item; a withdrawn one raises ``Withdrawn``; anything else is 404."""
    item = session.get(Item, item_id) if valid_id(item_id) else None
    if item is None or item.status not in (State.PUBLISHED, State.WITHDRAWN):
        raise not_found("信息")
    if item.status is State.WITHDRAWN:
        raise Withdrawn(item)
    return item


def public_attachment(session: Session, item_id: int, attachment_id: int) -> Attachment:
    """Return an attachment of a published item, else 404 (410 when the item was withdrawn)."""
    return attachment_of(public_item(session, item_id), attachment_id)


def attachment_of(item: Item, attachment_id: int) -> Attachment:
    """Return the attachment ``attachment_id`` of ``item``, else 404 (the id alone is not
    enough: it must belong to the item whose page or scope was checked)."""
    found = next((a for a in item.attachments if a.id == attachment_id), None)
    if found is None:
        raise not_found("附件")
    return found


def download(attachment: Attachment) -> Response:
    """Return an attachment as a download (never rendered inline by the browser)."""
    name = quote(attachment.filename)
    return Response(
        attachment.data,
        media_type=attachment.media_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{name}"},
    )


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
                "published_on": _iso(item.published_on),
                "category": category_path(item.category),
                "repealed_on": _iso(item.repealed_on),
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


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None
