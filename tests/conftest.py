"""Shared fixtures: where the seeds are, and the hypothesis profile."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import Engine

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("XXGK_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


def seed_paths() -> list[Path]:
    """Return the seed reports of ``../shared/seeds`` (empty where the folder is absent)."""
    if not SEEDS_DIR.is_dir():
        return []
    return sorted(SEEDS_DIR.glob("*.txt"))


needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside this checkout"
)


# --- PostgreSQL: one migrated schema per test session (and xdist worker) ----------------------

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
def pg_schema_url() -> Iterator[str]:
    """Yield a URL whose search_path is a fresh schema, dropped at the end of the session, so
    parallel workers and concurrent runs never share tables."""
    problem = _pg_problem()
    if problem:
        pytest.skip(problem)
    import psycopg

    schema = f"xxgk_test_{uuid.uuid4().hex[:12]}"
    plain = PG_SERVER.replace("+psycopg", "")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def pg_engine(pg_schema_url: str) -> Iterator[Engine]:
    """The session's PostgreSQL schema, migrated to head."""
    from xxgk.db import make_engine, upgrade_to_head

    engine = make_engine(pg_schema_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def truncate_all(engine: Engine) -> None:
    """Empty every table of the shared metadata, so each test starts from a clean schema."""
    import xxgk.campaign.models  # noqa: F401
    import xxgk.corpus.models  # noqa: F401
    import xxgk.disclosure.models  # noqa: F401
    import xxgk.records.models  # noqa: F401
    import xxgk.register.models  # noqa: F401
    from xxgk.db.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def clean_pg_engine(pg_engine: Engine) -> Engine:
    """The session's PostgreSQL engine with every table emptied."""
    truncate_all(pg_engine)
    return pg_engine
