"""Every write path of the register, tried by every role on its own unit, a unit below it and a
unit elsewhere: each refusal is matched by its own message, each allowed write goes through.

The rule, written out here rather than read from ``xxgk.db.access``: a user whose role may not
make the change is refused for the role (``（督查）无权执行此操作``); a user whose role may is
refused outside their unit (``不属于单位“…”，无权操作其台账``), except that a unit administrator
also manages the units below their own and the system administrator manages every unit.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.access import AccessError
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit, unit_kinds
from xxgk.db.users import add_user
from xxgk.register.applications import (
    register_application,
    update_application,
    void_application,
)
from xxgk.register.caldb import set_calendar_day
from xxgk.register.events import add_event
from xxgk.register.inputs import (
    add_appeal,
    add_document,
    decide_appeal,
    repeal_document,
    set_narrative,
    set_yearly_count,
)
from xxgk.register.models import Application
from xxgk.register.publish import publish_report, reopen_year

D = dt.date.fromisoformat
EVERYONE_WHO_WRITES = {Role.CLERK, Role.REVIEWER, Role.UNIT_ADMIN, Role.ADMIN}
"""The roles that keep a register (录入员, 审核人, 单位管理员, 系统管理员)."""
EVERYONE_WHO_APPROVES = {Role.REVIEWER, Role.UNIT_ADMIN, Role.ADMIN}
"""The roles that publish the annual report and so lock a year."""
ONLY_THE_LEADER = {Role.LEADER}
"""The role that reopens a published year (the unit's 分管领导)."""
ONLY_THE_ADMINISTRATOR = {Role.ADMIN}
PLACES = ("own", "below", "elsewhere")


def _kind(hint: str) -> str:
    """Return the unit kind whose label holds ``hint`` (县, 镇)."""
    return next(key for key, label in unit_kinds().items() if hint in label)


@dataclass
class Scene:
    """The session, the administrator and the units the actor is tried on."""

    session: Session
    admin: User
    units: dict[str, Unit]

    def application(self, unit: Unit) -> Application:
        return register_application(
            session=self.session,
            unit=unit,
            actor=self.admin,
            channel_name="当面",
            arrived_on=D("2025-03-03"),
            applicant_type="自然人",
            applicant_name="张三",
        )


Act = Callable[[Scene, User, Unit], object]


@dataclass(frozen=True)
class WritePath:
    name: str
    roles: set[Role]
    act: Act
    unit_bound: bool = True


def _register(s: Scene, actor: User, unit: Unit) -> object:
    return register_application(
        session=s.session,
        unit=unit,
        actor=actor,
        channel_name="当面",
        arrived_on=D("2025-03-04"),
        applicant_type="自然人",
    )


def _update(s: Scene, actor: User, unit: Unit) -> object:
    app = s.application(unit)
    return update_application(
        session=s.session, actor=actor, application=app, reason="姓名录错", applicant_name="李四"
    )


def _void(s: Scene, actor: User, unit: Unit) -> object:
    app = s.application(unit)
    return void_application(session=s.session, actor=actor, application=app, reason="重复登记")


def _event(s: Scene, actor: User, unit: Unit) -> object:
    app = s.application(unit)
    return add_event(
        session=s.session,
        actor=actor,
        application=app,
        kind="reply",
        on=D("2025-03-10"),
        outcome_name="予以公开",
        delivery="email",
    )


def _appeal(s: Scene, actor: User, unit: Unit) -> object:
    return add_appeal(
        session=s.session, unit=unit, actor=actor, kind="review", filed_on=D("2025-04-01")
    )


def _decide(s: Scene, actor: User, unit: Unit) -> object:
    appeal = add_appeal(
        session=s.session, unit=unit, actor=s.admin, kind="review", filed_on=D("2025-04-01")
    )
    return decide_appeal(
        session=s.session,
        unit=unit,
        actor=actor,
        appeal=appeal,
        decided_on=D("2025-06-01"),
        outcome="upheld",
    )


def _document(s: Scene, actor: User, unit: Unit) -> object:
    return add_document(
        session=s.session,
        unit=unit,
        actor=actor,
        kind="normative_documents",
        title="示例县关于规范某事项的通知",
        issued_on=D("2025-02-01"),
    )


def _repeal(s: Scene, actor: User, unit: Unit) -> object:
    document = add_document(
        session=s.session,
        unit=unit,
        actor=s.admin,
        kind="normative_documents",
        title="示例县关于规范某事项的通知",
        issued_on=D("2025-02-01"),
    )
    return repeal_document(
        session=s.session, unit=unit, actor=actor, document=document, repealed_on=D("2025-09-01")
    )


def _count(s: Scene, actor: User, unit: Unit) -> object:
    return set_yearly_count(
        session=s.session, unit=unit, actor=actor, year=2025, key="licensing", value=3
    )


def _narrative(s: Scene, actor: User, unit: Unit) -> object:
    return set_narrative(
        session=s.session, unit=unit, actor=actor, year=2025, section="overview", text="总体情况"
    )


def _publish(s: Scene, actor: User, unit: Unit) -> object:
    return publish_report(
        session=s.session, unit=unit, actor=actor, year=2024, published_on=D("2025-01-15")
    )


def _reopen(s: Scene, actor: User, unit: Unit) -> object:
    publish_report(
        session=s.session, unit=unit, actor=s.admin, year=2024, published_on=D("2025-01-15")
    )
    return reopen_year(session=s.session, unit=unit, actor=actor, year=2024, reason="更正表三")


def _calendar(s: Scene, actor: User, unit: Unit) -> object:
    return set_calendar_day(
        session=s.session,
        actor=actor,
        region="CN",
        day=D("2025-10-09"),
        kind="holiday",
        name="调休",
        source="国办发明电〔2024〕1号",
        reason="补充放假安排",
    )


PATHS = (
    WritePath("register_application", EVERYONE_WHO_WRITES, _register),
    WritePath("update_application", EVERYONE_WHO_WRITES, _update),
    WritePath("void_application", EVERYONE_WHO_WRITES, _void),
    WritePath("add_event", EVERYONE_WHO_WRITES, _event),
    WritePath("add_appeal", EVERYONE_WHO_WRITES, _appeal),
    WritePath("decide_appeal", EVERYONE_WHO_WRITES, _decide),
    WritePath("add_document", EVERYONE_WHO_WRITES, _document),
    WritePath("repeal_document", EVERYONE_WHO_WRITES, _repeal),
    WritePath("set_yearly_count", EVERYONE_WHO_WRITES, _count),
    WritePath("set_narrative", EVERYONE_WHO_WRITES, _narrative),
    WritePath("publish_report", EVERYONE_WHO_APPROVES, _publish),
    WritePath("reopen_year", ONLY_THE_LEADER, _reopen),
    WritePath("set_calendar_day", ONLY_THE_ADMINISTRATOR, _calendar, unit_bound=False),
)


def expected_refusal(path: WritePath, role: Role, place: str, unit: Unit) -> str | None:
    """Return the pattern of the refusal ``role`` gets at ``place``, or None when allowed."""
    if role not in path.roles:
        return rf"（{re.escape(role.label)}）无权执行此操作"
    if role is Role.ADMIN or not path.unit_bound or place == "own":
        return None
    if place == "below" and role is Role.UNIT_ADMIN:
        return None
    return rf"不属于单位“{re.escape(unit.name)}”，无权操作其台账"


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated database holding the administrator, the units and one user of every role."""
    path = tmp_path_factory.mktemp("matrix") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    with Session(engine) as session:
        admin = add_user(session=session, actor=None, username="admin", role=Role.ADMIN)
        county = add_unit(
            session=session,
            actor=admin,
            code="shilixian",
            name="示例县人民政府",
            kind=_kind("县"),
        )
        add_unit(
            session=session,
            actor=admin,
            code="qinghe",
            name="示例县清河镇人民政府",
            kind=_kind("镇"),
            parent=county,
        )
        add_unit(
            session=session, actor=admin, code="dongpo", name="东坡县人民政府", kind=_kind("县")
        )
        for role in Role:
            if role is not Role.ADMIN:
                add_user(
                    session=session, actor=admin, username=f"u-{role.value}", role=role, unit=county
                )
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def scene(template: Path, tmp_path: Path) -> Iterator[Scene]:
    path = tmp_path / "db.db"
    shutil.copy(template, path)
    engine = make_engine(f"sqlite:///{path}")
    with Session(engine, expire_on_commit=False) as session:
        units = {u.code: u for u in session.scalars(select(Unit))}
        admin = session.scalars(select(User).where(User.username == "admin")).one()
        places = {"own": units["shilixian"], "below": units["qinghe"], "elsewhere": units["dongpo"]}
        yield Scene(session, admin, places)
        session.rollback()
    engine.dispose()


def _actor(scene: Scene, role: Role) -> User:
    name = "admin" if role is Role.ADMIN else f"u-{role.value}"
    return scene.session.scalars(select(User).where(User.username == name)).one()


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
@pytest.mark.parametrize("path", PATHS, ids=lambda p: p.name)
def test_write_path_refuses_exactly_whom_the_rule_refuses(
    scene: Scene, path: WritePath, role: Role, place: str
) -> None:
    unit = scene.units[place]
    actor = _actor(scene, role)
    refusal = expected_refusal(path, role, place, unit)
    if refusal is None:
        assert path.act(scene, actor, unit) is not None
        return
    with pytest.raises(AccessError) as caught:
        path.act(scene, actor, unit)
    assert re.search(refusal, caught.value.message_zh), caught.value.message_zh


def test_the_matrix_covers_both_refusals_and_the_units_below() -> None:
    """The cases above include each kind of answer, so the matrix cannot pass vacuously."""
    unit = Unit(name="示例县清河镇人民政府")
    answers = {
        (p.name, r, place): expected_refusal(p, r, place, unit)
        for p in PATHS
        for r in Role
        for place in PLACES
    }
    assert answers["register_application", Role.CLERK, "below"] is not None
    assert answers["register_application", Role.UNIT_ADMIN, "below"] is None
    assert "督查" in str(answers["register_application", Role.SUPERVISOR, "own"])
    assert "不属于单位" in str(answers["publish_report", Role.REVIEWER, "elsewhere"])
