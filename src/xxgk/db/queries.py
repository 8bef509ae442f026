"""Lookups every face needs: a row by the id a request carried; plain rows of a statement."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from sqlalchemy import CursorResult, Executable
from sqlalchemy.orm import Session

MAX_ID = 2**63 - 1
"""The largest primary key any of the databases can hold."""

T = TypeVar("T")


def row_by_id(session: Session, model: type[T], row_id: int) -> T | None:
    """Return the ``model`` row ``row_id``, or None when there is none; an id the database
    cannot even bind is simply "none", not a database error."""
    if not 0 < row_id <= MAX_ID:
        return None
    return session.get(model, row_id)


def plain_rows(
    session: Session, statement: Executable, params: Mapping[str, Any] | None = None
) -> CursorResult[Any]:
    """Run a statement of columns on the session's connection and return its plain rows.

    ``session.execute`` sends a statement built from mapped classes through the ORM's
    execution (its compile state, loading context and result wrapping: about 60–100 µs a
    statement here, more than SQLite takes to answer the small reads of a page); the rows are
    the same, in the same transaction. Pending changes are flushed first, as the ORM would.
    Name every column whose attribute differs from its column (``Event.on`` is
    ``event_date``) with ``.label(key)``: only the ORM's execution names rows by attribute.
    """
    if session.autoflush:
        session.flush()  # nothing to do, and cheap, when nothing changed
    return session.connection().execute(statement, params or {})
