"""Tables of the officer's casework: letters (文书) with their 文号 counters and delivery,
the unit's letter settings and templates, files attached to a case, and the filing of the
year's report to the supervising office.

Like the rest of the register nothing is deleted: a reissued letter keeps the old row marked
as superseded, an attachment of a voided case stays, a returned filing stays in the history.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xxgk.db.base import Base, utcnow


class LetterSettings(Base):
    """What a unit's letters say about the unit: who signs, the 文号 pattern, the bodies an
    applicant may turn to (行政复议机关, 人民法院), contacts, and where reminders are mailed."""

    __tablename__ = "letter_settings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), unique=True)
    issuer: Mapped[str] = mapped_column(String(200), default="")
    office: Mapped[str] = mapped_column(String(200), default="")
    agency_code: Mapped[str] = mapped_column(String(40), default="")
    number_pattern: Mapped[str] = mapped_column(String(100), default="")
    review_body: Mapped[str] = mapped_column(String(200), default="")
    court: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    phone: Mapped[str] = mapped_column(String(100), default="")
    smtp_host: Mapped[str] = mapped_column(String(200), default="")
    smtp_port: Mapped[int] = mapped_column(Integer, default=25)
    smtp_sender: Mapped[str] = mapped_column(String(200), default="")
    digest_to: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        fields = (
            "issuer",
            "office",
            "agency_code",
            "number_pattern",
            "review_body",
            "court",
            "address",
            "phone",
            "smtp_host",
            "smtp_port",
            "smtp_sender",
            "digest_to",
        )
        return {f: getattr(self, f) for f in fields}


class LetterCounter(Base):
    """The last 文号 sequence used per unit, year and letter kind (incremented under a lock)."""

    __tablename__ = "letter_counters"
    __table_args__ = (UniqueConstraint("unit_id", "year", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    last: Mapped[int] = mapped_column(Integer, default=0)


class Letter(Base):
    """One letter issued in a case: its 文号, date, the values it was filled with, the event
    it recorded, its delivery, and (after a reissue) the letter that replaced it."""

    __tablename__ = "letters"
    __table_args__ = (UniqueConstraint("unit_id", "number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    variant: Mapped[str] = mapped_column(String(40), default="")
    number: Mapped[str] = mapped_column(String(100))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"), nullable=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_sha256: Mapped[str] = mapped_column(String(64))
    superseded_by: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True)
    superseded_reason: Mapped[str] = mapped_column(Text, default="")
    delivery_method: Mapped[str | None] = mapped_column(String(20), nullable=True)
    delivered_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    tracking_number: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        fields = (
            "application_id",
            "kind",
            "variant",
            "number",
            "issued_on",
            "event_id",
            "superseded_by",
            "superseded_reason",
            "delivery_method",
            "delivered_on",
            "tracking_number",
        )
        return {f: getattr(self, f) for f in fields}


class LetterTemplate(Base):
    """A unit's own DOCX template of one letter kind (the latest active one is used)."""

    __tablename__ = "letter_templates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    filename: Mapped[str] = mapped_column(String(200), default="")
    actor_name: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class CaseFile(Base):
    """A file kept with a case (on the application, one of its events or letters); the bytes
    live in the file store under their sha256, never in the database."""

    __tablename__ = "case_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("application_events.id"), nullable=True)
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"), nullable=True)
    kind: Mapped[str] = mapped_column(String(20))
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    actor_name: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    def snapshot(self) -> dict[str, Any]:
        fields = ("application_id", "event_id", "letter_id", "kind", "filename", "size", "sha256")
        return {f: getattr(self, f) for f in fields}


class ReportFiling(Base):
    """One submission of a unit's annual report to its supervising office, and its fate."""

    __tablename__ = "report_filings"
    __table_args__ = (UniqueConstraint("unit_id", "year", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(20))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    acknowledged: Mapped[list[Any]] = mapped_column(JSON, default=list)
    snapshot_json: Mapped[dict[str, Any]] = mapped_column(JSON)
    decided_by: Mapped[str] = mapped_column(String(64), default="")
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime, nullable=True)
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    published_report_id: Mapped[int | None] = mapped_column(
        ForeignKey("published_reports.id"), nullable=True
    )

    def snapshot(self) -> dict[str, Any]:
        fields = ("year", "version", "state", "submitted_by", "decided_by", "decision_reason")
        return {f: getattr(self, f) for f in fields}
