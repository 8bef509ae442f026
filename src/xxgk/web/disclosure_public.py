"""The public catalogue (公开目录): the units with their published items, a unit's categories
with the items below each, the newest items, and the published item (or attachment) a visitor
may open; a withdrawn item answers 410 Gone. Nobody signs in here, so nothing is scoped: only
what is published is ever read."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.db.queries import row_by_id
from xxgk.db.units import list_units
from xxgk.disclosure.catalogue import catalogue_tree
from xxgk.disclosure.models import Attachment, Item
from xxgk.disclosure.queries import published_items, published_per_category, published_per_unit
from xxgk.disclosure.vocab import State
from xxgk.web.disclosure_items import attachment_of
from xxgk.web.errors import WebError, not_found

PUBLIC_PAGE = 50


def public_units(session: Session) -> list[dict[str, Any]]:
    """Return the active units with the number of their published items, in tree order
    (parents before their children, with their depth for indenting)."""
    counts = published_per_unit(session)
    return [
        {"id": u.id, "name": u.name, "count": counts.get(u.id, 0), "depth": depth}
        for depth, u in list_units(session)
        if u.active
    ]


def public_unit(session: Session, unit_id: int) -> Unit:
    """Return the active unit ``unit_id`` or 404."""
    unit = row_by_id(session, Unit, unit_id)
    if unit is None or not unit.active:
        raise not_found("单位")
    return unit


def public_tree(session: Session, unit: Unit) -> list[dict[str, Any]]:
    """Return the unit's active categories with the published items below each (subtree)."""
    entries = catalogue_tree(session, unit)
    own = published_per_category(session, unit)
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
    return published_items(session, unit=unit, category_ids=category_ids, limit=limit)


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
    item = row_by_id(session, Item, item_id)
    if item is None or item.status not in (State.PUBLISHED, State.WITHDRAWN):
        raise not_found("信息")
    if item.status is State.WITHDRAWN:
        raise Withdrawn(item)
    return item


def public_attachment(session: Session, item_id: int, attachment_id: int) -> Attachment:
    """Return an attachment of a published item, else 404 (410 when the item was withdrawn)."""
    return attachment_of(public_item(session, item_id), attachment_id)
