"""Register fixtures: a migrated database on SQLite and on PostgreSQL, a unit and its users."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit
from xxgk.db.users import add_user

PG_SERVER = os.environ.get(
    "XXGK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _pg_reachable() -> str | None:
    try:
        import psycopg

        with psycopg.connect(PG_SERVER.replace("+psycopg", ""), connect_timeout=3):
            return None
    except Exception as exc:  # any failure means: no server to test against
        return f"PostgreSQL at {PG_SERVER} not reachable: {exc}"


@pytest.fixture(scope="session")
def pg_schema_url() -> Iterator[str]:
    """Yield a URL whose search_path is a fresh schema, dropped at the end of the session."""
    reason = _pg_reachable()
    if reason:
        pytest.skip(reason)
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
    engine = make_engine(pg_schema_url)
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A migrated, empty-of-data database on each backend."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'register.db'}")
        upgrade_to_head(eng)
        yield eng
        eng.dispose()
        return
    eng = request.getfixturevalue("pg_engine")
    _truncate(eng)
    yield eng


def _truncate(engine: Engine) -> None:
    import xxgk.register.models  # noqa: F401
    from xxgk.db.base import Base

    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s
        s.rollback()


@pytest.fixture
def sqlite_session(tmp_path) -> Iterator[Session]:
    """A session on a fresh SQLite file only (for tests that need no second backend)."""
    eng = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    upgrade_to_head(eng)
    with Session(eng, expire_on_commit=False) as s:
        yield s
    eng.dispose()


class World:
    """A fictional county with one township and its users."""

    def __init__(self, session: Session):
        self.session = session
        self.admin: User = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
        self.county: Unit = add_unit(
            session=session,
            actor=self.admin,
            code="shilixian",
            name="示例县人民政府",
            kind=_kind("county"),
            division_code="659999",
        )
        self.town: Unit = add_unit(
            session=session,
            actor=self.admin,
            code="qinghe",
            name="示例县清河镇人民政府",
            kind=_kind("township"),
            parent=self.county,
        )
        self.clerk: User = add_user(
            session=session,
            actor=self.admin,
            username="clerk",
            role=Role.CLERK,
            unit=self.town,
            password="s3cret-清河",
        )
        self.reviewer: User = add_user(
            session=session,
            actor=self.admin,
            username="reviewer",
            role=Role.REVIEWER,
            unit=self.town,
        )
        session.commit()


def _kind(wanted: str) -> str:
    from xxgk.db.units import unit_kinds

    kinds = unit_kinds()
    if wanted in kinds:
        return wanted
    hints = {"county": "县", "township": "镇"}
    for key, label in kinds.items():
        if hints[wanted] in label or wanted in key:
            return key
    return next(iter(kinds))


@pytest.fixture
def world(session: Session) -> World:
    return World(session)


@pytest.fixture
def sqlite_world(sqlite_session: Session) -> World:
    return World(sqlite_session)
