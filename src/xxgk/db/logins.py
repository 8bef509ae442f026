"""Signing in: credentials, throttling, server-side sessions and the password policy.

Shared by the web application (login form, API) and the CLI (``xxgk register users unlock``):

- :func:`authenticate` checks a name and password in constant time (an unknown name is verified
  against a dummy argon2 hash, so timing does not tell which names exist), counts failures per
  account and per address with exponential back-off, and writes every failed and successful
  login to the audit log.
- :func:`open_session` gives a browser a random token; only its sha256 is stored, nothing in the
  cookie is derived from the password hash. :func:`session_user` refuses a token that was
  revoked (logout, password change, user disabled) or has expired.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, require, require_manager_of
from xxgk.db.base import utcnow
from xxgk.db.chain import lock_writes
from xxgk.db.models import LoginSession, LoginThrottle, Role, User
from xxgk.errors import RegisterError

_HASHER = PasswordHasher()
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))
"""Verified against when the name is unknown, so an unknown name costs as much as a known one."""

ACCOUNT = "account"
ADDRESS = "address"


@dataclass(frozen=True)
class LoginPolicy:
    """How many failures are free, and how long the back-off after them lasts.

    After ``free_attempts`` failures of one account (from any address) or of one address (for
    any name), each further failure blocks that key for ``base_seconds`` × 2^(n−1), at most
    ``max_seconds``; failures older than ``forget_seconds`` are forgotten. An administrator
    may unlock at once (:func:`unlock`).
    """

    free_attempts: int = 5
    base_seconds: int = 30
    max_seconds: int = 3600
    forget_seconds: int = 24 * 3600
    min_password_length: int = 10


class LoginRefused(RegisterError):
    """A login that did not succeed; ``blocked_seconds`` > 0 when it was throttled."""

    def __init__(self, message: str, english: str, blocked_seconds: int = 0):
        super().__init__(message, english)
        self.blocked_seconds = blocked_seconds


# --- passwords ---------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    """Return the argon2 hash kept for ``password``."""
    return _HASHER.hash(password)


def password_matches(stored_hash: str, password: str) -> bool:
    """Return True when ``password`` matches ``stored_hash``; always spends one verification."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and bool(stored_hash)
    except (VerificationError, InvalidHashError):
        return False


def common_passwords() -> frozenset[str]:
    """Return the shipped list of passwords too common to allow (lower case)."""
    text = resources.files("xxgk.db").joinpath("common_passwords.txt").read_text("utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#"
    )


def check_password_policy(username: str, password: str, min_length: int = 10) -> None:
    """Refuse a password that is short, is the user name, or is a well-known common one."""
    if len(password) < min_length:
        raise RegisterError(
            f"密码至少需要{min_length}个字符",
            f"the password needs at least {min_length} characters",
        )
    lowered = password.lower()
    if username and username.lower() in lowered:
        raise RegisterError("密码不能包含用户名", "the password must not contain the user name")
    if lowered in common_passwords() or len(set(lowered)) <= 2:
        raise RegisterError(
            "密码过于常见或过于简单，请换一个", "the password is too common or too simple"
        )


# --- throttling --------------------------------------------------------------------------------


def blocked_seconds(session: Session, username: str, address: str) -> int:
    """Return how many seconds the account or the address must still wait (0: may try)."""
    now = utcnow()
    waits = [
        (row.blocked_until - now).total_seconds()
        for row in _throttle_rows(session, username, address)
        if row.blocked_until is not None and row.blocked_until > now
    ]
    return int(max(waits, default=0)) + (1 if waits else 0)


def _throttle_rows(session: Session, username: str, address: str) -> list[LoginThrottle]:
    keys = [(ACCOUNT, _account_key(username)), (ADDRESS, address[:100])]
    rows = []
    for kind, key in keys:
        row = session.scalar(
            select(LoginThrottle).where(LoginThrottle.kind == kind, LoginThrottle.key == key)
        )
        if row is not None:
            rows.append(row)
    return rows


def _account_key(username: str) -> str:
    return username.strip().lower()[:100]


def _count_failure(session: Session, kind: str, key: str, policy: LoginPolicy) -> None:
    now = utcnow()
    row = session.scalar(
        select(LoginThrottle)
        .where(LoginThrottle.kind == kind, LoginThrottle.key == key)
        .execution_options(populate_existing=True)
    )
    if row is None:
        row = LoginThrottle(kind=kind, key=key, failures=0)
        session.add(row)
    if row.last_failure and (now - row.last_failure).total_seconds() > policy.forget_seconds:
        row.failures = 0
    row.failures += 1
    row.last_failure = now
    over = row.failures - policy.free_attempts
    if over >= 0:
        wait = min(policy.base_seconds * 2**over, policy.max_seconds)
        row.blocked_until = now + dt.timedelta(seconds=wait)


def unlock(
    session: Session, *, actor: User, username: str | None = None, address: str | None = None
) -> int:
    """Lift the throttle of an account (its manager) or an address (the system administrator);
    return the number of keys lifted. Audited."""
    require(actor, UNIT_MANAGERS if username else frozenset({Role.ADMIN}))
    lock_writes(session)
    lifted = 0
    user = None
    if username:
        user = session.scalar(select(User).where(User.username == username))
        if user is not None:
            require_manager_of(actor, user)
        lifted += _lift(session, ACCOUNT, _account_key(username))
    if address:
        require(actor, frozenset({Role.ADMIN}))
        lifted += _lift(session, ADDRESS, address[:100])
    audit.record(
        session=session,
        actor=actor,
        action="unlock-login",
        entity="user",
        entity_id=user.id if user is not None else None,
        after={"username": username, "address": address, "lifted": lifted},
    )
    return lifted


def locked_accounts(session: Session, usernames: list[str]) -> dict[str, dt.datetime]:
    """Return, of ``usernames``, those whose account is throttled now, with until when."""
    keys = {_account_key(name): name for name in usernames}
    rows = session.scalars(
        select(LoginThrottle).where(
            LoginThrottle.kind == ACCOUNT,
            LoginThrottle.key.in_(sorted(keys)),
            LoginThrottle.blocked_until > utcnow(),
        )
    )
    return {keys[row.key]: row.blocked_until for row in rows if row.blocked_until is not None}


def _lift(session: Session, kind: str, key: str) -> int:
    result = session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.kind == kind, LoginThrottle.key == key)
        .values(failures=0, blocked_until=None)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


# --- signing in --------------------------------------------------------------------------------


def authenticate(
    session: Session,
    username: str,
    password: str,
    address: str,
    policy: LoginPolicy | None = None,
) -> User:
    """Return the active user of these credentials, or raise :class:`LoginRefused`.

    A throttled account or address is refused before the password is looked at. Every outcome
    is committed by the caller: the failure counts and the audit entry must survive the refusal,
    so on refusal this function commits them itself.
    """
    policy = policy or LoginPolicy()
    name = username.strip()
    wait = blocked_seconds(session, name, address)
    if wait:
        _audit_login(session, None, "login-throttled", name, address)
        session.commit()
        raise LoginRefused(
            f"登录失败次数过多，请{_duration(wait)}后再试，或请管理员解除锁定",
            "too many failed logins; try again later",
            wait,
        )
    user = session.scalar(select(User).where(User.username == name)) if name else None
    usable = user is not None and user.active
    ok = password_matches(user.password_hash if usable and user else "", password)
    if not ok or user is None:
        lock_writes(session)
        _count_failure(session, ACCOUNT, _account_key(name), policy)
        _count_failure(session, ADDRESS, address[:100], policy)
        _audit_login(session, user, "login-failed", name, address)
        session.commit()
        raise LoginRefused("用户名或密码错误", "wrong username or password")
    lock_writes(session)
    _lift(session, ACCOUNT, _account_key(name))
    return user


def _audit_login(session: Session, user: User | None, action: str, name: str, address: str) -> None:
    audit.record(
        session=session,
        actor=None,
        action=action,
        entity="user",
        entity_id=user.id if user else None,
        after={"username": name[:64], "address": address},
    )


def _duration(seconds: int) -> str:
    return f"{-(-seconds // 60)}分钟" if seconds >= 60 else f"{seconds}秒"


def open_session(session: Session, user: User, address: str, max_age_seconds: int) -> str:
    """Record a new signed-in session of ``user`` and return its token (for the cookie only).

    The login is audited here, as the user.
    """
    token = secrets.token_urlsafe(32)
    session.add(
        LoginSession(
            token_hash=token_digest(token),
            user_id=user.id,
            expires_at=utcnow() + dt.timedelta(seconds=max_age_seconds),
            address=address[:64],
        )
    )
    audit.record(
        session=session,
        actor=user,
        action="login",
        entity="user",
        entity_id=user.id,
        after={"address": address},
    )
    return token


def token_digest(token: str) -> str:
    """Return what the database keeps of a session token: its sha256."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


_SESSION_USER = (
    select(User, LoginSession.expires_at, LoginSession.revoked_at)
    .join(LoginSession, LoginSession.user_id == User.id)
    .where(LoginSession.token_hash == bindparam("token_hash"))
    .options(joinedload(User.unit))
)
"""The user of a session token with the user's unit, in one statement built once (every
signed-in request reads it)."""


def session_user(session: Session, token: str | None) -> User | None:
    """Return the active user of a live session token, or None (unknown, revoked, expired)."""
    if not token or not isinstance(token, str):
        return None
    found = session.execute(_SESSION_USER, {"token_hash": token_digest(token)}).first()
    if found is None:
        return None
    user, expires_at, revoked_at = found
    if revoked_at is not None or expires_at <= utcnow():
        return None
    return user if user.active else None


def close_session(session: Session, token: str | None) -> None:
    """Revoke the session of ``token`` (logout); audited as its user."""
    if not token:
        return
    row = session.scalar(select(LoginSession).where(LoginSession.token_hash == token_digest(token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = utcnow()
    audit.record(
        session=session, actor=row.user, action="logout", entity="user", entity_id=row.user_id
    )


def revoke_sessions(session: Session, user: User) -> int:
    """Revoke every live session of ``user`` (password changed, user disabled)."""
    result = session.execute(
        update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
