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
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Unit

PG_SERVER = os.environ.get(
    "XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

TREE = (
    # code, name, kind, parent code
    ("shili", "示例市人民政府", "prefecture", None),
    ("shili-x", "示例市示例县人民政府", "county", "shili"),
    ("qinghe", "示例县清河镇人民政府", "township", "shili-x"),
    ("shiqiao", "示例县石桥乡人民政府", "township", "shili-x"),
    ("jiaotong", "示例县交通运输局", "department", "shili-x"),
    ("yangli-x", "示例市样例县人民政府", "county", "shili"),
    ("liulin", "样例县柳林镇人民政府", "township", "yangli-x"),
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


def add_tree(engine: Engine, tree: tuple[tuple[str, str, str, str | None], ...] = TREE) -> None:
    """Insert the units of ``tree`` (parents first)."""
    with Session(engine) as session, session.begin():
        ids: dict[str, int] = {}
        for code, name, kind, parent in tree:
            unit = Unit(code=code, name=name, kind=kind, parent_id=ids.get(parent or ""))
            session.add(unit)
            session.flush()
            ids[code] = unit.id
