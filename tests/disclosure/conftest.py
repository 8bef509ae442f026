"""Disclosure fixtures: a migrated database on each backend, a unit with its catalogue and one
user for every role of the review chain (plus a stranger from another unit)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit, unit_kinds
from xxgk.db.users import add_user
from xxgk.disclosure.catalogue import find_category, seed_default_catalogue


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path) -> Iterator[Engine]:
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path / 'disclosure.db'}")
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


class Office:
    """示例县交通运输局 with its publishing office, and a township beside it."""

    def __init__(self, session: Session):
        self.session = session
        kinds = list(unit_kinds())
        self.admin = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
        self.unit: Unit = add_unit(
            session=session,
            actor=self.admin,
            code="jiaotong",
            name="示例县交通运输局",
            kind=kinds[0],
        )
        self.other: Unit = add_unit(
            session=session,
            actor=self.admin,
            code="qinghe",
            name="示例县清河镇人民政府",
            kind=kinds[0],
        )
        self.users: dict[str, User] = {}
        for name, role, unit in (
            ("author", Role.CLERK, self.unit),
            ("clerk2", Role.CLERK, self.unit),
            ("reviewer", Role.REVIEWER, self.unit),
            ("reviewer2", Role.REVIEWER, self.unit),
            ("secrecy", Role.SECRECY, self.unit),
            ("leader", Role.LEADER, self.unit),
            ("manager", Role.UNIT_ADMIN, self.unit),
            ("stranger", Role.REVIEWER, self.other),
            ("stranger_secrecy", Role.SECRECY, self.other),
            ("supervisor", Role.SUPERVISOR, None),
        ):
            self.users[name] = add_user(
                session=session, actor=self.admin, username=name, role=role, unit=unit
            )
        seed_default_catalogue(session, self.users["manager"], self.unit)
        seed_default_catalogue(session, None, self.other)
        session.commit()

    def __getattr__(self, name: str) -> User:
        try:
            return self.__dict__["users"][name]
        except KeyError as exc:
            raise AttributeError(name) from exc

    def category(self, path: str):  # type: ignore[no-untyped-def]
        return find_category(self.session, self.unit, path)


@pytest.fixture
def office(session: Session) -> Office:
    return Office(session)
