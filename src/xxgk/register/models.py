"""Register tables: applications and their append-only events, appeals, Table 二 inputs,
narrative drafts, published report versions and administrator calendar days.

Nothing here is ever deleted: a wrong row is voided (with a reason, in the audit log) and a
wrong event is cancelled by a later ``voided`` event that names it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xxgk.db.base import Base, utcnow
from xxgk.db.models import Unit


class Application(Base):
    """One 政府信息公开申请, from receipt to reply."""

    __tablename__ = "applications"
    __table_args__ = (
        UniqueConstraint("unit_id", "number"),
        # covering: a unit's revision stamp (count and sum of revisions) from the index alone
        Index("ix_applications_unit_revision", "unit_id", "revision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    number: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    arrived_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    signed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    confirmed_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    received_on: Mapped[dt.date] = mapped_column(Date, index=True)
    applicant_type: Mapped[str] = mapped_column(String(20))
    applicant_name: Mapped[str] = mapped_column(String(200), default="")
    applicant_contact: Mapped[str] = mapped_column(String(200), default="")
    request_text: Mapped[str] = mapped_column(Text, default="")
    form_wanted: Mapped[str] = mapped_column(String(100), default="")
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    void_reason: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    due_note: Mapped[str] = mapped_column(String(500), default="")
    """Why the stored deadline is provisional (unpublished holidays, unconfirmed regional days)."""
    correction_due: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    """While waiting for 补正 (art. 30): the applicant's last day to correct; ``due_on`` is None."""
    calendar_version: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    """Raised by one in the database on every flush that changes the row or adds, changes or
    removes one of its events (``register.revision``): a unit's count of applications and sum
    of revisions change with every write to its register, which is what the desk and the badge
    keep their answers by."""

    unit: Mapped[Unit] = relationship()
    events: Mapped[list[Event]] = relationship(
        back_populates="application", order_by="Event.id", lazy="selectin"
    )

    def snapshot(self) -> dict[str, Any]:
        """Return the audited fields as plain data."""
        fields = (
            "number",
            "channel",
            "arrived_on",
            "signed_on",
            "confirmed_on",
            "received_on",
            "applicant_type",
            "applicant_name",
            "applicant_contact",
            "request_text",
            "form_wanted",
            "void",
            "void_reason",
            "due_on",
            "due_provisional",
        )
        return {f: getattr(self, f) for f in fields}


class Event(Base):
    """Something that happened to an application, on a date, by someone; never changed."""

    __tablename__ = "application_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    on: Mapped[dt.date] = mapped_column("event_date", Date)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    delivery: Mapped[str | None] = mapped_column(String(20), nullable=True)
    days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    approved_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    notified_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    due_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2), nullable=True)
    party: Mapped[str] = mapped_column(String(200), default="")
    # indexed: "is this closing event voided?" (the menu's badge on every page) looks up the
    # events that refer to it
    ref_id: Mapped[int | None] = mapped_column(
        ForeignKey("application_events.id"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    application: Mapped[Application] = relationship(back_populates="events")

    def snapshot(self) -> dict[str, Any]:
        """Return the event as plain data for the audit log."""
        fields = (
            "application_id",
            "kind",
            "on",
            "note",
            "outcome",
            "delivery",
            "days",
            "approved_on",
            "notified_on",
            "due_on",
            "amount",
            "party",
            "ref_id",
        )
        return {f: getattr(self, f) for f in fields}


class Appeal(Base):
    """A 行政复议 or 行政诉讼 about the unit's disclosure work (Table 四)."""

    __tablename__ = "appeals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    application_id: Mapped[int | None] = mapped_column(ForeignKey("applications.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(32))
    filed_on: Mapped[dt.date] = mapped_column(Date)
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(20), nullable=True)
    case_number: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    void: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        fields = (
            "application_id",
            "kind",
            "filed_on",
            "decided_on",
            "outcome",
            "case_number",
            "note",
            "void",
        )
        return {f: getattr(self, f) for f in fields}


class YearlyCount(Base):
    """A yearly figure of Table 二: 行政许可/处罚/强制 decisions, 行政事业性收费 (万元)."""

    __tablename__ = "yearly_counts"
    __table_args__ = (UniqueConstraint("unit_id", "year", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    key: Mapped[str] = mapped_column(String(32))
    value: Mapped[Decimal] = mapped_column(Numeric(16, 4))
    source: Mapped[str] = mapped_column(Text, default="")


class NarrativeDraft(Base):
    """The text of one narrative section (一, 五, 六 …) of a unit's report for a year."""

    __tablename__ = "narrative_drafts"
    __table_args__ = (UniqueConstraint("unit_id", "year", "section"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    section: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text, default="")


class CalendarDay(Base):
    """An administrator's change to a regional calendar (a closure or a make-up day)."""

    __tablename__ = "calendar_days"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region: Mapped[str] = mapped_column(String(8), index=True)
    day: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(String(100), default="")
    source: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


# The casework tables (letters, attachments, filings) hang on the tables above.
from xxgk.register import casework_models as _casework_models  # noqa: E402,F401
