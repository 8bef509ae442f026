"""Register fixtures: a migrated database on SQLite and on PostgreSQL, a unit and its users."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit
from xxgk.db.users import add_user


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    """A migrated, empty-of-data database on each backend."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'register.db'}")
        upgrade_to_head(eng)
        yield eng
        eng.dispose()
        return
    yield request.getfixturevalue("clean_pg_engine")


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
            password="s3cret-清河镇台账",
        )
        self.reviewer: User = add_user(
            session=session,
            actor=self.admin,
            username="reviewer",
            role=Role.REVIEWER,
            unit=self.town,
        )
        self.leader: User = add_user(
            session=session,
            actor=self.admin,
            username="leader",
            role=Role.LEADER,
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
