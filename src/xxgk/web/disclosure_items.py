"""主动公开 items as officers see them: the items within the user's scope (a page of a list,
the 待我处理 view), an item's row and detail with its timeline, the buttons of the review chain
the user may press, and an attachment as a download.

Everything that changes an item goes through ``xxgk.disclosure``; this module only reads and
shapes rows for templates and JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi.responses import Response

from xxgk.db.access import UNIT_MANAGERS
from xxgk.db.models import Role, Unit, User
from xxgk.db.queries import row_by_id
from xxgk.disclosure.catalogue import category_path
from xxgk.disclosure.items import count_items, list_items
from xxgk.disclosure.models import Attachment, CatalogueNode, Item
from xxgk.disclosure.vocab import ACTIONS, STEP_APPROVALS, WITHHELD_REASONS, State, step_label
from xxgk.disclosure.workflow import (
    DOC_KINDS,
    REPEALERS,
    actionable_states,
    allowed_actions,
    waiting_for,
)
from xxgk.web import pages
from xxgk.web.deps import Scope
from xxgk.web.errors import not_found

STATES = {s.value: s.label for s in State}
PAGE_SIZE = 50


def scoped_item(scope: Scope, item_id: int) -> Item:
    """Return item ``item_id`` or 404 when it is missing or belongs to a unit out of scope."""
    item = row_by_id(scope.session, Item, item_id)
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
        "document_date": iso_day(item.document_date),
        "repealed_on": iso_day(item.repealed_on),
        "published_on": iso_day(item.published_on),
        "withdrawn_on": iso_day(item.withdrawn_on),
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


def attachment_of(item: Item, attachment_id: int) -> Attachment:
    """Return the attachment ``attachment_id`` of ``item``, else 404 (the id alone is not
    enough: it must belong to the item whose page or scope was checked)."""
    found = next((a for a in item.attachments if a.id == attachment_id), None)
    if found is None:
        raise not_found("附件")
    return found


def download(attachment: Attachment) -> Response:
    """Return an attachment as a download (never rendered inline by the browser)."""
    return pages.download(attachment.data, attachment.media_type, attachment.filename)


def iso_day(day: dt.date | None) -> str | None:
    """Return ``day`` as YYYY-MM-DD, or None."""
    return day.isoformat() if day else None
