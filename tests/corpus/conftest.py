"""Corpus fixtures: a migrated store on SQLite and PostgreSQL, a fictional unit tree, report files.

The PostgreSQL store lives in a schema named uniquely for the test session (and worker), dropped
at the end, so parallel workers and other engineers never share tables.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from corpus_support import add_tree
from sqlalchemy import Engine, text

from xxgk.db import make_engine, upgrade_to_head

PG_SERVER = os.environ.get(
    "XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

def _pg_problem() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no server to test against
        return f"PostgreSQL at {PG_SERVER} not reachable: {exc}"


@pytest.fixture(scope="session")
def corpus_pg_url() -> Iterator[str]:
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    import psycopg

    schema = f"xxgk_corpus_{uuid.uuid4().hex[:12]}"
    plain = PG_SERVER.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def corpus_pg_engine(corpus_pg_url: str) -> Iterator[Engine]:
    engine = make_engine(corpus_pg_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated store holding the fictional unit tree ``TREE``, on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'corpus.db'}")
        upgrade_to_head(engine)
    else:
        engine = request.getfixturevalue("corpus_pg_engine")
        _truncate(engine)
    add_tree(engine)
    yield engine
    if request.param == "sqlite":
        engine.dispose()


def _truncate(engine: Engine) -> None:
    import xxgk.corpus.models  # noqa: F401
    import xxgk.register.models  # noqa: F401
    from xxgk.db.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
