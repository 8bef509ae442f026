"""The revision of each application, raised by the database on every write to the register.

The desk and the menu badge keep what they worked out for a unit (its cases, findings, Table
三 counts and open deadlines) by the unit's *revision stamp*: how many applications it has and
the sum of their ``revision`` columns. Rows are never deleted and a revision never goes down,
so any write to a unit's register changes its stamp for good: a stamp that was seen once
never stands for different rows later, in this process or another.

That holds only if no write is missed, so it is not left to each write path: a ``before_flush``
hook on every session raises ``revision`` of each application that the flush changes, and of
the application of each event it adds, changes or removes (events are never changed, but if
one were, its case would still count as changed). The increment is ``revision + 1`` in SQL,
so two transactions writing the same case concurrently raise it twice, never to the same
value. A new application needs none: it raises the count.

A session that wrote to the register in its open transaction is marked
(``written_in_transaction``) until it commits or rolls back: its uncommitted stamps may be
rolled back and then reached again by other rows, so nothing it reads is kept or answered
from what was kept.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, update
from sqlalchemy.orm import Session

from xxgk.register.models import Application, Event

WRITTEN = "xxgk.register.written"
"""The key in ``Session.info`` set while the session's transaction has written the register."""


@event.listens_for(Session, "before_flush")
def _raise_revisions(session: Session, _context: Any, _instances: Any) -> None:
    """Raise the revision of every application this flush changes (see the module)."""
    if not _touches_register(session):
        return
    session.info[WRITTEN] = True
    loaded, by_id = _changed_cases(session)
    for app in loaded:
        # evaluated by the database in the UPDATE: a concurrent raise is never lost
        app.revision = Application.revision + 1
        by_id.discard(app.id)
    if by_id:  # events that name their case by id alone, the case not loaded with them
        session.execute(
            update(Application)
            .where(Application.id.in_(sorted(by_id)))
            .values(revision=Application.revision + 1)
            .execution_options(synchronize_session=False)
        )


def _changed_cases(session: Session) -> tuple[list[Application], set[int]]:
    """Return the applications already in the database that this flush changes: those loaded
    in the session, and the ids of the others (the cases of events added, changed or removed).
    A new application needs no raise (it raises its unit's count); a removed one is gone."""
    loaded: dict[int, Application] = {}
    by_id: set[int] = set()
    for obj in session.dirty:
        if isinstance(obj, Application) and session.is_modified(obj, include_collections=False):
            loaded[id(obj)] = obj
    for obj in (*session.new, *session.dirty, *session.deleted):
        if not isinstance(obj, Event):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        app = obj.__dict__.get("application")
        if isinstance(app, Application):
            loaded[id(app)] = app
        elif obj.application_id is not None:
            by_id.add(obj.application_id)
    keep = [app for app in loaded.values() if app not in session.new and app not in session.deleted]
    return keep, by_id


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(WRITTEN, None)


def written_in_transaction(session: Session) -> bool:
    """Return True when ``session`` has written, or is about to write, the register in its
    open transaction (then the desk and the badge neither keep nor reuse answers)."""
    return bool(session.info.get(WRITTEN)) or _touches_register(session)


def _touches_register(session: Session) -> bool:
    """Return True when ``session`` holds an application or event to insert, update or delete."""
    return any(
        isinstance(obj, (Application, Event))
        for obj in (*session.new, *session.dirty, *session.deleted)
    )
