"""Users with roles; passwords are kept only as argon2 hashes."""

from __future__ import annotations

import os
import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, AccessError, require, require_manager_of
from xxgk.db.logins import check_password_policy, hash_password, password_matches, revoke_sessions
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError

MIN_LENGTH_ENV = "XXGK_PASSWORD_MIN_LENGTH"
DEFAULT_MIN_LENGTH = 10


def password_min_length() -> int:
    """Return the shortest password allowed: ``XXGK_PASSWORD_MIN_LENGTH`` or 10 (never < 8)."""
    text = os.environ.get(MIN_LENGTH_ENV, "")
    return max(8, int(text)) if text.isdigit() else DEFAULT_MIN_LENGTH


def add_user(
    *,
    session: Session,
    actor: User | None,
    username: str,
    role: Role | str,
    unit: Unit | None = None,
    password: str | None = None,
    display_name: str = "",
    must_change_password: bool = False,
) -> User:
    """Create a user; the very first user may be created without an actor (bootstrap).

    A password must pass the policy (:func:`xxgk.db.logins.check_password_policy`);
    ``must_change_password`` marks a generated one that its owner must replace at first login.
    """
    role = _role(role)
    if actor is not None or session.scalar(select(func.count(User.id))):
        require(actor, UNIT_MANAGERS, unit)
        _may_grant(actor, role, unit)
    if session.scalar(select(User).where(User.username == username)):
        raise RegisterError(f"用户名“{username}”已存在", f"username {username!r} already exists")
    if role not in {Role.SUPERVISOR, Role.ADMIN} and unit is None:
        raise RegisterError(
            f"{role.label}必须属于一个单位", f"a {role.value} must belong to a unit"
        )
    if password:
        check_password_policy(username, password, password_min_length())
    user = User(
        username=username,
        role=role.value,
        unit_id=unit.id if unit else None,
        display_name=display_name or username,
        password_hash=hash_password(password) if password else "",
        must_change_password=must_change_password,
    )
    return audit.add_created(session=session, actor=actor, entity="user", row=user)


def verify_password(user: User, password: str) -> bool:
    """Return True when ``password`` matches the user's stored hash (never for no password);
    takes the same time whether or not the user can sign in."""
    return password_matches(user.password_hash if user.active else "", password)


def set_password(
    *, session: Session, actor: User, user: User, password: str, temporary: bool = False
) -> None:
    """Replace ``user``'s password; users may change their own, managers anyone's in reach.

    The password must pass the policy; every session of ``user`` ends (a stolen cookie dies
    with the old password). A password set by someone else is ``temporary`` when its owner
    must change it at the next login.
    """
    if actor.id != user.id:
        require_manager_of(actor, user)
    check_password_policy(user.username, password, password_min_length())
    user.password_hash = hash_password(password)
    user.must_change_password = temporary and actor.id != user.id
    revoke_sessions(session, user)
    audit.record(
        session=session, actor=actor, action="set-password", entity="user", entity_id=user.id
    )


def deactivate_user(*, session: Session, actor: User, user: User, reason: str) -> None:
    """Deactivate ``user`` (users are never deleted: the audit log names them); every session
    of theirs ends at once."""
    require_manager_of(actor, user)
    if actor.id == user.id:
        raise RegisterError("不能停用本人账号", "cannot deactivate oneself")
    if not user.active:
        raise RegisterError(f"用户“{user.username}”已停用", "already deactivated")
    _change(session, actor, user, "deactivate", reason, active=False)
    revoke_sessions(session, user)


def reactivate_user(*, session: Session, actor: User, user: User, reason: str) -> None:
    """Let a deactivated ``user`` sign in again (with the password they had)."""
    require_manager_of(actor, user)
    if user.active:
        raise RegisterError(f"用户“{user.username}”正在使用中", "already active")
    _change(session, actor, user, "reactivate", reason, active=True)


def change_role(
    *,
    session: Session,
    actor: User,
    user: User,
    role: Role | str,
    unit: Unit | None,
    reason: str,
) -> User:
    """Give ``user`` another role and/or unit; the actor must manage the user where they are
    now and where they go, and may not grant more than they have. The user's sessions end
    (their rights changed under them)."""
    new_role = _role(role)
    require_manager_of(actor, user)
    require(actor, UNIT_MANAGERS, unit)
    _may_grant(actor, new_role, unit)
    if actor.id == user.id:
        raise RegisterError("不能修改本人的角色", "cannot change one's own role")
    if new_role not in {Role.SUPERVISOR, Role.ADMIN} and unit is None:
        raise RegisterError(f"{new_role.label}必须属于一个单位", "the role needs a unit")
    if new_role.value == user.role and (unit.id if unit else None) == user.unit_id:
        raise RegisterError("角色和单位没有变化", "nothing to change")
    _change(
        session,
        actor,
        user,
        "change-role",
        reason,
        role=new_role.value,
        unit_id=unit.id if unit else None,
    )
    user.unit = unit
    revoke_sessions(session, user)
    return user


def reset_password(*, session: Session, actor: User, user: User) -> str:
    """Give ``user`` a generated one-time password and return it (shown once, never stored in
    clear): its owner must replace it at the next login, and their sessions end now."""
    if actor.id == user.id:
        raise RegisterError("修改本人密码请使用“修改密码”", "use the password page for oneself")
    password = generated_password()
    set_password(session=session, actor=actor, user=user, password=password, temporary=True)
    return password


def generated_password() -> str:
    """Return a random password that passes the policy (letters and digits, 14 characters)."""
    while True:
        text = secrets.token_urlsafe(10)[:14]
        if len(set(text.lower())) > 2 and not text.startswith("-"):
            return text


def _may_grant(actor: User | None, role: Role, unit: Unit | None) -> None:
    """Refuse a grant above the actor's own rights: only the system administrator makes
    another one, or an account without a unit."""
    if actor is None or Role(actor.role) is Role.ADMIN:
        return
    if role is Role.ADMIN or unit is None:
        raise AccessError(
            f"用户“{actor.username}”无权设置{role.label}或不属于任何单位的账号",
            f"{actor.username!r} may not grant {role.value} without a unit",
        )


def _change(
    session: Session, actor: User, user: User, action: str, reason: str, **values: object
) -> None:
    text = (reason or "").strip()
    if not text:
        raise RegisterError("请说明理由", "a reason is required")
    before = user.snapshot()
    for key, value in values.items():
        setattr(user, key, value)
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="user",
        entity_id=user.id,
        before=before,
        after=user.snapshot(),
        reason=text[:500],
    )


def users_in(session: Session, unit_ids: frozenset[int] | set[int], everyone: bool) -> list[User]:
    """Return the users of the units ``unit_ids`` (with ``everyone``: also those without a
    unit, for the system administrator), by unit then name."""
    query = select(User).outerjoin(Unit, Unit.id == User.unit_id)
    where = User.unit_id.in_(sorted(unit_ids))
    query = query.where(where | User.unit_id.is_(None)) if everyone else query.where(where)
    return list(session.scalars(query.order_by(Unit.code, User.username)))


def get_user(session: Session, username: str) -> User:
    """Return the active user called ``username``, or raise a RegisterError."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise RegisterError(f"用户“{username}”不存在或已停用", f"no active user {username!r}")
    return user


def find_user(session: Session, username: str) -> User:
    """Return the user called ``username``, active or not (an administrator re-enables a
    disabled one), or raise a RegisterError."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    if user is None:
        raise RegisterError(f"找不到用户“{username}”", f"no user {username!r}")
    return user


def service_account(session: Session, username: str, display_name: str) -> User:
    """Return the service account ``username``, creating it once: a system administrator
    without a password (so it can never sign in) that the audit log names for what a system
    face does on a visitor's behalf, created in the name of the first active administrator."""
    user = session.scalar(select(User).where(User.username == username))
    if user is not None:
        return user
    admin = session.scalar(
        select(User).where(User.role == Role.ADMIN.value, User.active.is_(True)).order_by(User.id)
    )
    if admin is None:
        raise RegisterError(
            "系统尚未配置管理员，暂不能受理网上申请",
            "no administrator: online applications are not available",
        )
    return add_user(
        session=session, actor=admin, username=username, role=Role.ADMIN, display_name=display_name
    )


def list_users(session: Session) -> list[User]:
    """Return every user, in order of creation."""
    return list(session.scalars(select(User).order_by(User.id)))


def _role(value: Role | str) -> Role:
    if isinstance(value, Role):
        return value
    for role in Role:
        if value in (role.value, role.label):
            return role
    choices = "、".join(f"{r.label}({r.value})" for r in Role)
    raise RegisterError(f"未知角色“{value}”，可选：{choices}", f"unknown role {value!r}")
