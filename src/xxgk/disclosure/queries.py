"""Reading what is public: how many items each unit and each category has published, and the
newest published items (of a unit, of categories) for the catalogue and its feed."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.disclosure.models import Item
from xxgk.disclosure.vocab import State

PUBLISHED = Item.state == State.PUBLISHED.value


def published_per_unit(session: Session) -> dict[int, int]:
    """Return how many items are published now, by unit id (units without any left out)."""
    query = select(Item.unit_id, func.count(Item.id)).where(PUBLISHED).group_by(Item.unit_id)
    return dict(session.execute(query).all())


def published_per_category(session: Session, unit: Unit) -> dict[int | None, int]:
    """Return how many of ``unit``'s items are published now, by category id (not summed up
    the tree: an item counts in its own category only)."""
    query = (
        select(Item.category_id, func.count(Item.id))
        .where(Item.unit_id == unit.id, PUBLISHED)
        .group_by(Item.category_id)
    )
    return dict(session.execute(query).all())


def published_items(
    session: Session,
    *,
    unit: Unit | None = None,
    category_ids: list[int] | None = None,
    limit: int,
) -> list[Item]:
    """Return the newest ``limit`` items published now (of ``unit``, in ``category_ids``)."""
    query = select(Item).where(PUBLISHED)
    if unit is not None:
        query = query.where(Item.unit_id == unit.id)
    if category_ids is not None:
        query = query.where(Item.category_id.in_(category_ids))
    query = query.order_by(Item.published_on.desc(), Item.id.desc()).limit(limit)
    return list(session.scalars(query))
