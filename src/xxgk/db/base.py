"""The declarative base shared by every table of xxgk (units, users, audit, register, corpus)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of all mapped classes; constraint names are fixed so migrations are reproducible."""

    metadata = MetaData(naming_convention=NAMING)


def utcnow() -> dt.datetime:
    """Return the current time in UTC, timezone-naive, as stored in every timestamp column."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
