"""Who may do what: roles checked by the repository layer, not by the callers' good manners."""

from __future__ import annotations

from xxgk.db.models import Role, Unit, User
from xxgk.errors import XxgkError

WRITERS = frozenset({Role.CLERK, Role.REVIEWER, Role.UNIT_ADMIN, Role.ADMIN})
APPROVERS = frozenset({Role.REVIEWER, Role.UNIT_ADMIN, Role.ADMIN})
UNIT_MANAGERS = frozenset({Role.UNIT_ADMIN, Role.ADMIN})
CORPUS_KEEPERS = frozenset({Role.SUPERVISOR, Role.UNIT_ADMIN, Role.ADMIN})
"""Who may fill the report store (ingest, rematch): supervising offices and administrators."""


class AccessError(XxgkError):
    """Raised when a user is not allowed to make a change."""


def require(actor: User | None, roles: frozenset[Role], unit: Unit | None = None) -> None:
    """Refuse unless ``actor`` is active, has one of ``roles`` and (unless admin) sits in ``unit``.

    A unit administrator also manages the units below their own unit.
    """
    if actor is None or not actor.active:
        raise AccessError("需要有效的操作用户", "an active acting user is required")
    role = Role(actor.role)
    if role not in roles:
        wanted = "、".join(r.label for r in sorted(roles))
        raise AccessError(
            f"用户“{actor.username}”（{role.label}）无权执行此操作，需要：{wanted}",
            f"user {actor.username!r} ({role.value}) may not do this",
        )
    if role is Role.ADMIN or unit is None:
        return
    if not _within(unit, actor.unit_id, manager=role is Role.UNIT_ADMIN):
        raise AccessError(
            f"用户“{actor.username}”不属于单位“{unit.name}”，无权操作其台账",
            f"user {actor.username!r} does not belong to unit {unit.code!r}",
        )


def require_manager_of(actor: User, user: User) -> None:
    """Refuse unless ``actor`` manages ``user``: a unit administrator manages the users of the
    own subtree, never a system administrator nor a user without a unit."""
    require(actor, UNIT_MANAGERS, user.unit)
    if Role(actor.role) is Role.ADMIN:
        return
    if user.unit is None or Role(user.role) is Role.ADMIN:
        raise AccessError(
            f"用户“{actor.username}”无权管理用户“{user.username}”（系统级账号由系统管理员管理）",
            f"{actor.username!r} may not manage {user.username!r}",
        )


def can_see_personal_data(viewer: User | None, unit: Unit) -> bool:
    """Return True when ``viewer`` may see applicants' names and contacts of ``unit``.

    Personal data stay inside the unit: its own users (and the system administrator) see them;
    supervisors and other units see them masked.
    """
    if viewer is None or not viewer.active:
        return False
    if Role(viewer.role) is Role.ADMIN:
        return True
    return Role(viewer.role) is not Role.SUPERVISOR and viewer.unit_id == unit.id


def in_subtree(unit: Unit, root_id: int | None) -> bool:
    """Return True when ``unit`` is unit ``root_id`` or lies below it: the one definition of a
    unit's subtree, used by the rights checks here and by the web's scope."""
    node: Unit | None = unit
    while node is not None:
        if node.id == root_id:
            return True
        node = node.parent
    return False


def _within(unit: Unit, home_id: int | None, *, manager: bool) -> bool:
    return in_subtree(unit, home_id) if manager else unit.id == home_id
