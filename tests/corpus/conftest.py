"""Corpus fixtures: a migrated store on SQLite and PostgreSQL, a fictional unit tree, report files.

The PostgreSQL store lives in a schema named uniquely for the test session (and worker), dropped
at the end, so parallel workers and other engineers never share tables.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus_support import add_tree
from sqlalchemy import Engine

from xxgk.db import make_engine, upgrade_to_head


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store holding the fictional unit tree ``TREE``, on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'corpus.db'}")
        upgrade_to_head(engine)
    else:
        engine = request.getfixturevalue("clean_pg_engine")
    add_tree(engine)
    yield engine
    if request.param == "sqlite":
        engine.dispose()
