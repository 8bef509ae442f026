"""Schema migrations with Alembic, run from code: ``upgrade_to_head(url)``.

The migration scripts live inside the package (``xxgk/db/migrations``), so an installed xxgk can
create or upgrade its database without an ``alembic.ini``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from xxgk.db.engine import make_engine
from xxgk.errors import InputError

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    """Return an Alembic configuration pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade_to_head(url: str | Engine | None = None) -> str:
    """Bring the database at ``url`` (or behind an engine) to the newest schema; return it."""
    engine = url if isinstance(url, Engine) else make_engine(url)
    config = alembic_config()
    try:
        with engine.begin() as connection:
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if engine is not url:  # an engine made here: close its connections
            engine.dispose()
    return head_revision()


def head_revision() -> str:
    """Return the newest revision of the packaged migrations."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def open_database(url: str | None = None) -> Engine:
    """Return an engine for an initialised, up-to-date database, or raise a one-line error."""
    engine = make_engine(url)
    try:
        revision = current_revision(engine)
    except SQLAlchemyError as exc:
        engine.dispose()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise InputError(
            f"无法连接数据库“{engine.url.render_as_string(hide_password=True)}”：{reason}",
            f"cannot connect to the database: {reason}",
        ) from exc
    if revision != head_revision():
        engine.dispose()
        state = "尚未初始化" if revision is None else f"版本{revision}需要升级"
        raise InputError(
            f"数据库{state}，请先运行 xxgk register init",
            "the database is not initialised or not up to date: run `xxgk register init`",
        )
    return engine
