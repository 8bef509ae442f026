"""Tables shared by every part of xxgk: the unit tree, users with roles, the audit log.

The register and the corpus both hang their data on ``Unit``; every change anywhere is one
``AuditEntry`` (who, when, what, before, after). Rows are never deleted: units and users are
deactivated instead.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xxgk.db.base import Base, utcnow


class Role(StrEnum):
    """What a user may do; the Chinese label is what people see."""

    CLERK = "clerk"
    REVIEWER = "reviewer"
    UNIT_ADMIN = "unit_admin"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    SECRECY = "secrecy"
    LEADER = "leader"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "录入员",
    Role.REVIEWER: "审核人",
    Role.UNIT_ADMIN: "单位管理员",
    Role.SUPERVISOR: "督查",
    Role.ADMIN: "系统管理员",
    Role.SECRECY: "保密审查员",
    Role.LEADER: "分管领导",
}


class Unit(Base):
    """A 报告主体 (government or department) in the unit tree."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    division_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    calendar_region: Mapped[str | None] = mapped_column(String(8), nullable=True)
    fee_pauses_clock: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    """Whether the fee notice-to-payment time is left out of the reply period (None: the 109号
    default, yes); see ``xxgk.register.state.fee_pauses_clock``."""
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    report_column_url: Mapped[str | None] = mapped_column(String(500), nullable=True)
    """The unit's 政府信息公开年报 column on its portal (``xxgk fetch --units`` starts there)."""
    report_deadline: Mapped[str | None] = mapped_column(String(5), nullable=True)
    """A township-level unit's 年报 deadline by local rule ("MM-DD" of the next year; None: the
    assumed 1月31日). 条例第四十九条 fixes the others' dates, so they have none."""
    report_scope: Mapped[str | None] = mapped_column(String(8), nullable=True)
    """What the unit's own annual report covers: ``own`` (本级) or ``whole`` (全口径, 本级 plus
    the units below); None means the default, 本级 (see ``xxgk.aggregate.scope``)."""

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def snapshot(self) -> dict[str, Any]:
        """Return the audited fields as plain data."""
        return {
            "code": self.code,
            "name": self.name,
            "kind": self.kind,
            "parent_id": self.parent_id,
            "division_code": self.division_code,
            "calendar_region": self.calendar_region,
            "active": self.active,
            "report_column_url": self.report_column_url,
            "report_scope": self.report_scope,
        }


class User(Base):
    """A person who works with xxgk; ``unit`` is where their register rights apply."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)

    unit: Mapped[Unit | None] = relationship()

    def snapshot(self) -> dict[str, Any]:
        """Return the audited fields (never the password hash)."""
        return {
            "username": self.username,
            "display_name": self.display_name,
            "role": self.role,
            "unit_id": self.unit_id,
            "active": self.active,
        }


class AuditEntry(Base):
    """One change: who made it, when, to what, and the data before and after."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    hash: Mapped[str] = mapped_column(String(64), default="")


class AuditHead(Base):
    """The one row that ends the audit chain: the id and hash of the newest entry.

    Every writer updates this row before it reads the chain's end, so the row lock (PostgreSQL)
    or the database write lock (SQLite) serializes writers and the chain never forks; the same
    lock serializes numbering (application numbers, report versions), see ``xxgk.db.chain``.
    Deleting the newest entries behind xxgk's back leaves this row pointing past them.
    """

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_id: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default="")
    writes: Mapped[int] = mapped_column(Integer, default=0)


class LoginSession(Base):
    """A signed-in browser: the cookie carries only a random token whose sha256 is kept here.

    Logging out, expiry, a password change or disabling the user revokes the row, so a copied
    cookie stops working at once.
    """

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    address: Mapped[str] = mapped_column(String(64), default="")

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Failed logins counted per account (``kind`` "account") and per address ("address").

    Kept in the database so that every web worker and the CLI's unlock see the same counts.
    """

    __tablename__ = "login_throttle"
    __table_args__ = (UniqueConstraint("kind", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(100))
    failures: Mapped[int] = mapped_column(Integer, default=0)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    last_failure: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)


class AuditCheckpoint(Base):
    """How far the audit chain is known to hold: the newest entry a verification walked to
    (id and hash), and when the last full verification ran and what it found.

    Written by verification only, never by a change of the office's records, so the page view
    re-checks only the entries after ``verified_id``; a full walk (``xxgk audit verify --full``,
    the daily task, the page's button) checks the rest. A separate table, not ``audit_log``,
    which the application's role may only add to on PostgreSQL.
    """

    __tablename__ = "audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    verified_id: Mapped[int] = mapped_column(Integer, default=0)
    verified_hash: Mapped[str] = mapped_column(String(64), default="")
    verified_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    full_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    full_checked: Mapped[int] = mapped_column(Integer, default=0)
    full_problem: Mapped[str] = mapped_column(Text, default="")


class Job(Base):
    """One background job (网上采集, 报告收集): who started it for which unit, how far it has
    come, its per-item results and how it ended; kept so that every server process and a
    restarted one show it (see ``xxgk.jobs``)."""

    __tablename__ = "jobs"

    id: Mapped[str] = mapped_column(String(12), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True, index=True)
    started_by: Mapped[str] = mapped_column(String(128), default="")
    what: Mapped[str] = mapped_column(Text, default="")
    state: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    current: Mapped[str] = mapped_column(Text, default="")
    counts: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    results: Mapped[list[Any]] = mapped_column(JSON, default=list)
    summary: Mapped[list[Any]] = mapped_column(JSON, default=list)
    error: Mapped[str] = mapped_column(Text, default="")
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    runner: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)

    @property
    def label(self) -> str:
        return JOB_STATE_LABELS.get(self.state, self.state)

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


JOB_STATE_LABELS = {
    "queued": "排队等候",
    "running": "正在处理",
    "done": "已完成",
    "failed": "出错",
    "cancelled": "已取消",
    "interrupted": "已中断",
}
