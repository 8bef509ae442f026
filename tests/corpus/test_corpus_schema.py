"""The corpus migration: matches the models, is the single head, and can be undone."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

import xxgk.corpus.models  # noqa: F401  (the corpus tables are part of the metadata)
from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.base import Base
from xxgk.db.migrate import alembic_config

CORPUS_TABLES = {"corpus_reports", "corpus_findings"}


def _tables_in(diff: object) -> set[str]:
    items = diff if isinstance(diff, list) else [diff]
    names = set()
    for item in items:
        for part in item[1:]:
            table = part if isinstance(part, sa.Table) else getattr(part, "table", None)
            if isinstance(table, sa.Table):
                names.add(table.name)
            elif isinstance(part, str):
                names.add(part)
    return names


def test_migration_matches_the_corpus_models(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert set(sa.inspect(conn).get_table_names()) >= CORPUS_TABLES
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert [d for d in diffs if _tables_in(d) & CORPUS_TABLES] == []
    engine.dispose()


def test_migrations_have_a_single_head() -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, heads


def test_corpus_revision_downgrades_cleanly(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'd.db'}")
    upgrade_to_head(engine)
    script = ScriptDirectory.from_config(alembic_config())
    down_to = script.get_revision("c0001").down_revision
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, str(down_to))
    with engine.connect() as conn:
        assert not CORPUS_TABLES & set(sa.inspect(conn).get_table_names())
    engine.dispose()
