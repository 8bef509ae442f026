"""Users with roles; passwords are kept only as argon2 hashes."""

from __future__ import annotations

import os

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, require
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
        require(actor, UNIT_MANAGERS, user.unit)
    check_password_policy(user.username, password, password_min_length())
    user.password_hash = hash_password(password)
    user.must_change_password = temporary and actor.id != user.id
    revoke_sessions(session, user)
    audit.record(
        session=session, actor=actor, action="set-password", entity="user", entity_id=user.id
    )


def deactivate_user(*, session: Session, actor: User, user: User, reason: str) -> None:
    """Deactivate ``user`` (users are never deleted: the audit log names them)."""
    require(actor, UNIT_MANAGERS, user.unit)
    before = user.snapshot()
    user.active = False
    revoke_sessions(session, user)
    audit.record(
        session=session,
        actor=actor,
        action="deactivate",
        entity="user",
        entity_id=user.id,
        before=before,
        after=user.snapshot(),
        reason=reason,
    )


def get_user(session: Session, username: str) -> User:
    """Return the active user called ``username``, or raise a RegisterError."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        raise RegisterError(f"用户“{username}”不存在或已停用", f"no active user {username!r}")
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
