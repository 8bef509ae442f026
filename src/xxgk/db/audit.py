"""The audit log: every change made through the repository layer leaves one entry.

Repository functions call :func:`record` in the same transaction as the change, so a change and
its audit entry are committed (or lost) together. Entries form a hash chain (``xxgk.db.chain``):
each is written under the write lock with the hash of the one before, and never updated.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import chain
from xxgk.db.base import utcnow
from xxgk.db.models import AuditEntry, User

SYSTEM_ACTOR = "system"


def record(
    *,
    session: Session,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Add an audit entry for a change of ``entity`` #``entity_id`` and return it (flushed)."""
    head = chain.lock_writes(session)
    entry = AuditEntry(
        id=chain.next_entry_id(session, head),
        at=utcnow(),
        actor_id=actor.id if actor else None,
        actor_name=actor.username if actor else SYSTEM_ACTOR,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=jsonable(before) if before is not None else None,
        after=jsonable(after) if after is not None else None,
        reason=reason,
        prev_hash=head.last_hash,
    )
    entry.hash = chain.entry_hash(chain.entry_fields(entry), entry.prev_hash)
    head.last_id, head.last_hash = entry.id, entry.hash
    session.add(entry)
    session.flush()
    return entry


def add_created(*, session: Session, actor: User | None, entity: str, row: Any) -> Any:
    """Add the new ``row``, flush to give it its id, and record its creation with its snapshot.

    The one way a repository function creates a row, so no creation escapes the audit log.
    """
    session.add(row)
    session.flush()
    record(
        session=session,
        actor=actor,
        action="create",
        entity=entity,
        entity_id=row.id,
        after=row.snapshot(),
    )
    return row


def history(session: Session, entity: str, entity_id: int | None = None) -> list[AuditEntry]:
    """Return the audit entries of ``entity`` (one row, or all rows), oldest first."""
    query = select(AuditEntry).where(AuditEntry.entity == entity)
    if entity_id is not None:
        query = query.where(AuditEntry.entity_id == entity_id)
    return list(session.scalars(query.order_by(AuditEntry.id)))


def jsonable(value: Any) -> Any:
    """Return ``value`` with dates, decimals and enums turned into JSON-safe values."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value
