"""Administering units and people (shared by the web's admin pages and the CLI): the unit tree
(rename, move, retire), users (role, disable, one-time password, unlock), the audit log viewer's
scope and filters, and the years a leader reopens. On SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.db.access import AccessError
from xxgk.db.audit_search import AuditFilter, csv_lines, search
from xxgk.db.logins import LoginRefused, authenticate, locked_accounts, unlock
from xxgk.db.units import add_unit, move_unit, rename_unit, set_unit_active, update_unit
from xxgk.db.users import (
    add_user,
    change_role,
    deactivate_user,
    reactivate_user,
    reset_password,
    users_in,
    verify_password,
)
from xxgk.errors import RegisterError
from xxgk.register.publish import publish_report, reopen_year, year_history

D = dt.date.fromisoformat


@pytest.fixture
def two_counties(world):
    """The world's county with its unit admin, and a second county with its own admin."""
    s = world.session
    world.county_admin = add_user(
        session=s, actor=world.admin, username="county-admin", role="unit_admin", unit=world.county
    )
    world.other = add_unit(
        session=s, actor=world.admin, code="dongpo", name="东坡县人民政府", kind="county"
    )
    world.other_admin = add_user(
        session=s, actor=world.admin, username="dongpo-admin", role="unit_admin", unit=world.other
    )
    s.commit()
    return world


def test_a_unit_admin_renames_moves_and_retires_units_of_the_own_subtree(two_counties):
    w, s = two_counties, two_counties.session
    bureau = add_unit(
        session=s,
        actor=w.county_admin,
        code="jt",
        name="示例县交通局",
        kind="department",
        parent=w.county,
    )
    rename_unit(
        session=s, actor=w.county_admin, unit=bureau, name="示例县交通运输局", reason="机构改革"
    )
    move_unit(session=s, actor=w.county_admin, unit=bureau, parent=w.town, reason="划转")
    assert bureau.parent_id == w.town.id
    update_unit(session=s, actor=w.county_admin, unit=bureau, reason="改类型", kind="乡镇人民政府")
    set_unit_active(session=s, actor=w.county_admin, unit=bureau, active=False, reason="撤并")
    assert not bureau.active
    actions = [e.action for e in search(s, None, True, AuditFilter(unit_id=bureau.id)).entries]
    assert {"create", "rename", "move", "update", "retire"} <= set(actions)


def test_the_tree_refuses_cycles_other_counties_and_orphans(two_counties):
    w, s = two_counties, two_counties.session
    with pytest.raises(RegisterError, match="不能把.*移到其自身或其下级单位"):
        move_unit(session=s, actor=w.admin, unit=w.county, parent=w.town, reason="试")
    with pytest.raises(AccessError, match="不属于单位“东坡县人民政府”"):
        move_unit(session=s, actor=w.county_admin, unit=w.town, parent=w.other, reason="试")
    with pytest.raises(AccessError, match="不属于单位“东坡县人民政府”"):
        rename_unit(session=s, actor=w.county_admin, unit=w.other, name="改名", reason="试")
    with pytest.raises(RegisterError, match="不能移动本人所在的单位"):
        move_unit(session=s, actor=w.county_admin, unit=w.county, parent=w.other, reason="试")
    with pytest.raises(RegisterError, match="还有1个在用的下级单位"):
        set_unit_active(session=s, actor=w.admin, unit=w.county, active=False, reason="试")
    with pytest.raises(RegisterError, match="不能停用本人所在的单位"):
        set_unit_active(session=s, actor=w.county_admin, unit=w.county, active=False, reason="试")
    with pytest.raises(RegisterError, match="已存在"):
        rename_unit(session=s, actor=w.admin, unit=w.town, name="东坡县人民政府", reason="试")
    with pytest.raises(RegisterError, match="请说明修改理由"):
        rename_unit(session=s, actor=w.admin, unit=w.town, name="新名", reason=" ")
    set_unit_active(session=s, actor=w.admin, unit=w.other, active=False, reason="撤并")
    with pytest.raises(RegisterError, match="上级单位“东坡县人民政府”已停用"):
        add_unit(session=s, actor=w.admin, code="dp1", name="东坡镇", kind="county", parent=w.other)
    with pytest.raises(RegisterError, match="请填写单位代码"):
        add_unit(session=s, actor=w.admin, code=" ", name="无代码", kind="county", parent=w.county)
    with pytest.raises(RegisterError, match="不能修改单位字段"):
        update_unit(session=s, actor=w.admin, unit=w.town, parent_id=w.other.id)


def test_people_role_disable_reset_and_unlock_within_scope(two_counties):
    w, s = two_counties, two_counties.session
    change_role(
        session=s, actor=w.county_admin, user=w.clerk, role="reviewer", unit=w.town, reason="轮岗"
    )
    assert w.clerk.role == "reviewer"
    once = reset_password(session=s, actor=w.county_admin, user=w.clerk)
    assert verify_password(w.clerk, once)
    assert w.clerk.must_change_password
    for _ in range(6):
        with pytest.raises(LoginRefused):
            authenticate(s, "clerk", "wrong-password", "10.0.0.1")
    assert "clerk" in locked_accounts(s, ["clerk", "reviewer"])
    assert unlock(s, actor=w.county_admin, username="clerk") == 1
    assert locked_accounts(s, ["clerk"]) == {}
    deactivate_user(session=s, actor=w.county_admin, user=w.clerk, reason="调离")
    assert not w.clerk.active
    reactivate_user(session=s, actor=w.county_admin, user=w.clerk, reason="返岗")
    assert {u.username for u in users_in(s, {w.town.id}, everyone=False)} >= {"clerk", "leader"}
    s.commit()


@pytest.mark.parametrize(
    ("act", "refusal"),
    [
        (
            lambda w: reset_password(session=w.session, actor=w.other_admin, user=w.clerk),
            "不属于单位",
        ),
        (
            lambda w: deactivate_user(
                session=w.session, actor=w.other_admin, user=w.clerk, reason="x"
            ),
            "不属于单位",
        ),
        (lambda w: unlock(w.session, actor=w.other_admin, username="clerk"), "不属于单位"),
        (
            lambda w: reset_password(session=w.session, actor=w.county_admin, user=w.admin),
            "系统级账号",
        ),
        (
            lambda w: change_role(
                session=w.session,
                actor=w.county_admin,
                user=w.clerk,
                role="admin",
                unit=w.town,
                reason="x",
            ),
            "无权设置系统管理员",
        ),
        (
            lambda w: add_user(
                session=w.session,
                actor=w.county_admin,
                username="boss",
                role="admin",
                unit=w.county,
            ),
            "无权设置系统管理员",
        ),
        (
            lambda w: reset_password(session=w.session, actor=w.clerk, user=w.reviewer),
            "无权执行此操作",
        ),
    ],
    ids=[
        "reset-other",
        "disable-other",
        "unlock-other",
        "reset-admin",
        "grant-admin",
        "add-admin",
        "clerk",
    ],
)
def test_people_are_managed_only_by_their_managers(two_counties, act, refusal):
    with pytest.raises(AccessError, match=refusal):
        act(two_counties)


def test_audit_viewer_scope_and_filters(two_counties):
    w, s = two_counties, two_counties.session
    rename_unit(session=s, actor=w.other_admin, unit=w.other, name="东坡县政府", reason="更名")
    reset_password(session=s, actor=w.county_admin, user=w.clerk)
    s.commit()
    mine = search(s, w.county.id, False, AuditFilter()).entries
    theirs = search(s, w.other.id, False, AuditFilter()).entries
    assert any(e.action == "set-password" for e in mine)
    assert not any(e.action == "rename" for e in mine)
    assert any(e.action == "rename" for e in theirs)
    assert not any(e.entity == "user" and e.entity_id == w.clerk.id for e in theirs)
    assert search(s, None, False, AuditFilter()).total == 0
    by_actor = search(s, w.county.id, False, AuditFilter(actor="county-admin")).entries
    assert by_actor
    assert {e.actor_name for e in by_actor} == {"county-admin"}
    today = dt.datetime.now(dt.UTC).date()
    assert search(s, None, True, AuditFilter(until=today - dt.timedelta(days=2))).total == 0
    assert (
        search(
            s, None, True, AuditFilter(action="set-password", since=today - dt.timedelta(days=1))
        ).total
        == 1
    )
    page = search(s, None, True, AuditFilter(), page=2, per_page=3)
    assert page.page == 2
    assert len(page.entries) == 3
    assert page.pages >= 3
    text = "".join(csv_lines(s, w.county.id, False, AuditFilter(action="set-password")))
    assert text.startswith("\ufeff编号,时间（北京时间）,操作人,操作")
    assert "设置密码" in text
    assert "东坡" not in text


def test_only_the_units_leader_reopens_and_the_history_says_why(two_counties):
    w, s = two_counties, two_counties.session
    report = publish_report(
        session=s, unit=w.town, actor=w.reviewer, year=2025, published_on=D("2026-01-20")
    )
    for actor in (w.county_admin, w.admin, w.reviewer):
        with pytest.raises(AccessError, match="无权执行此操作，需要：分管领导"):
            reopen_year(session=s, unit=w.town, actor=actor, year=2025, reason="更正")
    reopen_year(session=s, unit=w.town, actor=w.leader, year=2025, reason="表三更正")
    (year,) = year_history(s, [w.town.id])
    assert year.latest.id == report.id
    assert not year.locked
    assert [(e.action, e.actor_name, e.reason) for e in year.history] == [
        ("publish", "reviewer", ""),
        ("reopen", "leader", "表三更正"),
    ]


def test_a_townships_local_deadline_is_the_one_the_campaign_reckons_with(two_counties):
    from xxgk.campaign.status import due_date

    w, s = two_counties, two_counties.session
    assert due_date(w.town, 2025) == dt.date(2026, 1, 31)  # assumed without a local rule
    update_unit(
        session=s, actor=w.county_admin, unit=w.town, reason="市规定", report_deadline="3-31"
    )
    assert w.town.report_deadline == "03-31"
    assert due_date(w.town, 2025) == dt.date(2026, 3, 31)
    with pytest.raises(RegisterError, match="由条例第四十九条规定"):
        update_unit(session=s, actor=w.admin, unit=w.county, reason="试", report_deadline="2-28")
    with pytest.raises(RegisterError, match="应为次年的月-日"):
        update_unit(session=s, actor=w.admin, unit=w.town, reason="试", report_deadline="2-29")
    update_unit(session=s, actor=w.admin, unit=w.town, reason="撤镇设区", kind="department")
    assert w.town.report_deadline is None
