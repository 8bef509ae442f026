"""Lookups every face needs: a row by the id a request carried."""

from __future__ import annotations

from typing import TypeVar

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
