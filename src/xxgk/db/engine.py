"""Where the database is and how to open it.

The URL comes from the ``--db`` option, else ``XXGK_DATABASE_URL``, else ``sqlite:///xxgk.db`` in
the current directory. A bare file path is accepted as an SQLite database. SQLite connections
enforce foreign keys, keep a write-ahead log (readers never wait for the one writer) and wait up
to 30 s for a busy writer instead of failing at once, so concurrent writers queue rather than err.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from xxgk.errors import InputError

ENV_URL = "XXGK_DATABASE_URL"
DEFAULT_URL = "sqlite:///xxgk.db"


def resolve_url(url: str | None = None) -> str:
    """Return the database URL to use: the argument, the environment or the default."""
    chosen = url or os.environ.get(ENV_URL) or DEFAULT_URL
    if "://" not in chosen:
        chosen = f"sqlite:///{chosen}"
    return chosen


def make_engine(url: str | None = None, **pool: Any) -> Engine:
    """Return an engine for ``url`` (resolved as in :func:`resolve_url`); ``pool`` options
    (``pool_size``, ``max_overflow``, ``pool_timeout``) go to SQLAlchemy's connection pool."""
    resolved = resolve_url(url)
    if resolved.split("?")[0] in ("sqlite://", "sqlite:///:memory:"):
        pool = {}  # one connection held for the process: there is no pool to size
    try:
        engine = create_engine(resolved, future=True, **pool)
    except Exception as exc:  # any driver or URL problem is a problem of the given URL
        raise InputError(
            f"无法打开数据库“{resolved}”：{exc}",
            f"cannot open database {resolved!r}: {exc}",
        ) from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory whose objects stay readable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any exception."""
    session = make_session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
