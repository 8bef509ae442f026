"""Alembic environment: runs on the connection handed over by ``xxgk.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import xxgk.campaign.models  # noqa: F401  (registers the marks on findings)
import xxgk.corpus.models  # noqa: F401  (registers the corpus tables)
import xxgk.db.models  # noqa: F401  (registers the shared tables)
import xxgk.disclosure.models  # noqa: F401  (registers the disclosure tables)
import xxgk.records.models  # noqa: F401  (registers the published report versions)
import xxgk.register.models  # noqa: F401  (registers the register tables)
from xxgk.db.base import Base
from xxgk.db.engine import resolve_url

target_metadata = Base.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
        return
    engine = create_engine(resolve_url(context.config.get_main_option("sqlalchemy.url")))
    with engine.begin() as conn:
        _migrate(conn)


def _migrate(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
