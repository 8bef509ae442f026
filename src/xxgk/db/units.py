"""The unit tree: every 报告主体 with its kind, parent and 行政区划代码.

A unit's kind is explicit (never guessed silently): one of ``xxgk.model.units.UnitKind``.
``calendar_region`` selects the regional working-day overlay; it is derived
from the 行政区划代码 when not given (65… → Xinjiang).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.orm import Session, aliased

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, in_subtree, require
from xxgk.db.models import Role, Unit, User
from xxgk.db.queries import plain_rows
from xxgk.errors import RegisterError
from xxgk.model.units import UnitKind

REGION_BY_DIVISION_PREFIX = {"65": "XJ"}


def unit_kinds() -> dict[str, str]:
    """Return the allowed unit kinds: value → Chinese label."""
    return {k.value: k.label for k in UnitKind}


def normalize_kind(value: str | None, name: str) -> str:
    """Return the kind value for ``value`` (value, member name or Chinese label)."""
    kinds = unit_kinds()
    if not value:
        raise RegisterError(
            f"单位“{name}”缺少类型，可选：{'、'.join(kinds.values())}",
            f"unit {name!r} has no kind",
        )
    for key, label in kinds.items():
        if value.strip() in (key, label) or value.strip().lower() == key.lower():
            return key
    raise RegisterError(
        f"单位“{name}”的类型“{value}”无法识别，可选：{'、'.join(kinds.values())}",
        f"unknown unit kind {value!r} for {name!r}",
    )


def deadline_rule(kind: str, local: str | None = None) -> str:
    """Return, in Chinese, by when a unit of ``kind`` publishes its annual report (条例第四十九条;
    乡镇、街道 by the local rule ``local`` "MM-DD", else 1月31日 as assumed)."""
    try:
        unit_kind = UnitKind.parse(kind)
    except ValueError:
        return "类型未知，按1月31日"
    if unit_kind.deadline_is_local_rule and local:
        month, day = (int(part) for part in local.split("-"))
        return f"次年{month}月{day}日前（地方规定）"
    month, day = unit_kind.deadline
    rule = f"次年{month}月{day}日前"
    return rule + "（地方规定未设置，按默认）" if unit_kind.deadline_is_local_rule else rule


def unit_kind_is_local(kind: str) -> bool:
    """Return True when a unit of ``kind`` publishes by a local rule (乡镇、街道)."""
    try:
        return UnitKind.parse(kind).deadline_is_local_rule
    except ValueError:
        return False


def local_deadline(text: str | None, kind: str, name: str) -> str | None:
    """Return a township-level unit's local 年报 deadline as "MM-DD" (None clears it); refuse
    one for a kind whose date the 条例 fixes, and a day that does not exist."""
    value = (text or "").strip().replace("月", "-").replace("日", "").replace("/", "-")
    if not value:
        return None
    try:
        unit_kind = UnitKind.parse(kind)
    except ValueError:
        unit_kind = None
    if unit_kind is None or not unit_kind.deadline_is_local_rule:
        raise RegisterError(
            f"“{name}”的年报发布期限由条例第四十九条规定，不能另行设置（仅乡镇、街道按地方规定）",
            "only township-level units have a local deadline",
        )
    try:
        month, day = (int(part) for part in value.split("-"))
        dt.date(2001, month, day)  # not a leap year: 2月29日 would not exist every year
    except ValueError:
        raise RegisterError(
            f"年报发布期限“{text}”应为次年的月-日，如 3-31", f"bad deadline {text!r}"
        ) from None
    return f"{month:02d}-{day:02d}"


def region_for(division_code: str | None) -> str | None:
    """Return the calendar region implied by a 行政区划代码, if any."""
    if not division_code:
        return None
    return REGION_BY_DIVISION_PREFIX.get(division_code[:2])


def add_unit(
    *,
    session: Session,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    parent: Unit | None = None,
    division_code: str | None = None,
    calendar_region: str | None = None,
) -> Unit:
    """Create a unit below ``parent``; only administrators (or unit admins of the parent) may.

    A unit without a parent is a root of the tree: only the system administrator adds one.
    """
    require(actor, UNIT_MANAGERS if parent is not None else frozenset({Role.ADMIN}), parent)
    if not code.strip() or not name.strip() or len(code) > 64 or len(name) > 200:
        raise RegisterError(
            "请填写单位代码（不超过64字）和单位名称（不超过200字）",
            "a unit needs a code and a name",
        )
    if parent is not None and not parent.active:
        raise RegisterError(f"上级单位“{parent.name}”已停用", "the parent unit is retired")
    _check_division_code(division_code, name)
    for column, value in (("code", code), ("name", name)):
        if session.scalar(select(Unit).where(getattr(Unit, column) == value)):
            raise RegisterError(f"单位“{value}”已存在", f"unit {value!r} already exists")
    unit = Unit(
        code=code,
        name=name,
        kind=normalize_kind(kind, name),
        parent_id=parent.id if parent else None,
        division_code=division_code or None,
        calendar_region=calendar_region
        or region_for(division_code)
        or (parent.calendar_region if parent else None),
    )
    return audit.add_created(session=session, actor=actor, entity="unit", row=unit)


def update_unit(
    *, session: Session, actor: User, unit: Unit, reason: str = "", **changes: Any
) -> Unit:
    """Change settings of ``unit`` (kind, division_code, calendar_region, report_column_url).

    The name, the place in the tree and retiring have their own functions
    (:func:`rename_unit`, :func:`move_unit`, :func:`set_unit_active`), which check more.
    """
    require(actor, UNIT_MANAGERS, unit)
    allowed = {"kind", "division_code", "calendar_region", "report_column_url", "report_deadline"}
    unknown = set(changes) - allowed
    if unknown:
        raise RegisterError(f"不能修改单位字段：{sorted(unknown)}", f"cannot change {unknown}")
    if "kind" in changes:
        changes["kind"] = normalize_kind(changes["kind"], unit.name)
    if "division_code" in changes:
        changes["division_code"] = (changes["division_code"] or "").strip() or None
        _check_division_code(changes["division_code"], unit.name)
    kind = changes.get("kind", unit.kind)
    if "report_deadline" in changes:
        changes["report_deadline"] = local_deadline(changes["report_deadline"], kind, unit.name)
    elif unit.report_deadline and not unit_kind_is_local(kind):
        changes["report_deadline"] = None  # the 条例's date applies to the new kind
    if "calendar_region" in changes:
        changes["calendar_region"] = (changes["calendar_region"] or "").strip().upper() or None
    return _change(session, actor, unit, "update", reason, changes)


def _change(
    session: Session, actor: User, unit: Unit, action: str, reason: str, changes: dict[str, Any]
) -> Unit:
    """Apply ``changes`` to ``unit`` and record them (before and after) in the audit log."""
    before = unit.snapshot()
    if changes.get("report_column_url"):
        changes["report_column_url"] = column_url(changes["report_column_url"])
    for key, value in changes.items():
        setattr(unit, key, value)
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="unit",
        entity_id=unit.id,
        before=before,
        after=unit.snapshot(),
        reason=reason,
    )
    return unit


def rename_unit(*, session: Session, actor: User, unit: Unit, name: str, reason: str) -> Unit:
    """Give ``unit`` a new name (unique in the tree); its records keep pointing at it."""
    require(actor, UNIT_MANAGERS, unit)
    name = name.strip()
    if not name or len(name) > 200:
        raise RegisterError("请填写单位名称（不超过200字）", "a unit name of 1-200 characters")
    if name == unit.name:
        raise RegisterError(f"单位名称已是“{name}”", "the name is unchanged")
    if session.scalar(select(Unit).where(Unit.name == name)):
        raise RegisterError(f"单位“{name}”已存在", f"unit {name!r} already exists")
    return _change(session, actor, unit, "rename", _reason(reason), {"name": name})


def move_unit(*, session: Session, actor: User, unit: Unit, parent: Unit, reason: str) -> Unit:
    """Put ``unit`` (with its subtree) below ``parent``.

    The actor must manage both the unit and the new parent, so a unit administrator moves units
    only inside the own subtree; a unit never goes below itself or one of its descendants.
    """
    require(actor, UNIT_MANAGERS, unit)
    if Role(actor.role) is not Role.ADMIN and unit.id == actor.unit_id:
        raise RegisterError(
            "不能移动本人所在的单位，请联系上级管理员", "a unit admin cannot move the own unit"
        )
    require(actor, UNIT_MANAGERS, parent)
    if in_subtree(parent, unit.id):
        raise RegisterError(
            f"不能把“{unit.name}”移到其自身或其下级单位“{parent.name}”之下",
            "a unit cannot go below itself",
        )
    if unit.parent_id == parent.id:
        raise RegisterError(f"“{unit.name}”已在“{parent.name}”之下", "the parent is unchanged")
    if not parent.active:
        raise RegisterError(f"上级单位“{parent.name}”已停用", "the new parent is retired")
    _change(session, actor, unit, "move", _reason(reason), {"parent_id": parent.id})
    unit.parent = parent  # the relationship follows the column at once (scope checks walk it)
    return unit


def set_unit_active(
    *, session: Session, actor: User, unit: Unit, active: bool, reason: str
) -> Unit:
    """Retire ``unit`` (``active=False``) or bring it back. Units are never deleted: their
    register, reports and audit entries stay, read-only in the lists. A unit with active units
    below it is not retired (retire those first), nor is the actor's own unit."""
    require(actor, UNIT_MANAGERS, unit)
    if unit.active == active:
        state = "在用" if active else "已停用"
        raise RegisterError(f"“{unit.name}”已是{state}状态", "nothing to change")
    if not active:
        if unit.id == actor.unit_id:
            raise RegisterError("不能停用本人所在的单位", "cannot retire the own unit")
        below = session.scalar(
            select(func.count(Unit.id)).where(Unit.parent_id == unit.id, Unit.active.is_(True))
        )
        if below:
            raise RegisterError(
                f"“{unit.name}”下还有{below}个在用的下级单位，请先停用或移走",
                "the unit has active units below it",
            )
    elif unit.parent is not None and not unit.parent.active:
        raise RegisterError(
            f"上级单位“{unit.parent.name}”已停用，请先启用上级单位", "the parent is retired"
        )
    action = "reactivate" if active else "retire"
    return _change(session, actor, unit, action, _reason(reason), {"active": active})


def _reason(text: str) -> str:
    reason = (text or "").strip()
    if not reason:
        raise RegisterError("请说明修改理由", "a reason is required")
    return reason[:500]


def get_unit(session: Session, ref: str | int) -> Unit:
    """Return the unit whose code, name or id is ``ref``, or raise a RegisterError."""
    text = str(ref).strip()
    query = select(Unit).where((Unit.code == text) | (Unit.name == text))
    unit = session.scalar(query)
    if unit is None and text.isdecimal():
        unit = session.get(Unit, int(text))
    if unit is None:
        raise RegisterError(f"找不到单位“{text}”", f"no unit {text!r}")
    return unit


def active_units(session: Session) -> list[Unit]:
    """Return the active units, by code."""
    return list(session.scalars(select(Unit).where(Unit.active.is_(True)).order_by(Unit.code)))


_ALL_UNITS = select(Unit).order_by(Unit.code)
"""Built once: every page reads the unit tree."""


def _depth_statement() -> Select[Any]:
    above = aliased(Unit, name="above")
    chain = (
        select(Unit.id, Unit.parent_id)
        .where(Unit.id == bindparam("unit_id"))
        .cte("chain", recursive=True)
    )
    # UNION, not UNION ALL: a row seen twice ends the walk even in a (forbidden) cycle
    chain = chain.union(select(above.id, above.parent_id).where(above.id == chain.c.parent_id))
    return select(func.count()).select_from(chain)


_UNIT_DEPTH = _depth_statement()
"""Built once: the depth of the own unit is on most pages of a clerk."""


def unit_depth(session: Session, unit_id: int) -> int:
    """Return how many units lie above unit ``unit_id`` (its depth in :func:`list_units`'
    tree), in one statement: walking ``unit.parent`` loaded each parent as an ORM object."""
    return max(0, int(plain_rows(session, _UNIT_DEPTH, {"unit_id": unit_id}).scalar() or 0) - 1)


def list_units(session: Session) -> list[tuple[int, Unit]]:
    """Return ``(depth, unit)`` pairs in tree order (parents before their children)."""
    units = list(session.scalars(_ALL_UNITS))
    children: dict[int | None, list[Unit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)
    out: list[tuple[int, Unit]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in children.get(parent_id, []):
            out.append((depth, child))
            walk(child.id, depth + 1)

    walk(None, 0)
    return out


def _check_division_code(code: str | None, name: str) -> None:
    if code and not (code.isdecimal() and len(code) in (6, 9, 12)):
        raise RegisterError(
            f"单位“{name}”的行政区划代码“{code}”应为6、9或12位数字",
            f"division code {code!r} of {name!r} must have 6, 9 or 12 digits",
        )


def column_url(text: str) -> str:
    """Return a unit's 年报 column URL, checked: an http(s) address of a web page."""
    url = text.strip()
    if not url.lower().startswith(("http://", "https://")) or len(url) > 500 or " " in url:
        raise RegisterError(
            f"年报栏目地址应为以http://或https://开头的网址：{url[:80]}",
            "the report column must be an http(s) URL",
        )
    return url
