"""The corpus store: every ingested report (one row per version) and its findings.

Cells (a list in ``CELL_KEYS`` order), sections and provenance are kept as JSON on the report
row rather than one row per cell: a report is always read whole (roll-up, stats, export), and
one insert per report keeps ingest fast enough for a whole province. Amounts are stored as
decimal strings so nothing is rounded. Rows are never deleted: a changed file for the same
unit and year becomes a new version and the older version stops being ``current``.
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
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column

from xxgk.db.base import Base, utcnow


class StoredReport(Base):
    """One version of one report as parsed and checked at ingest."""

    __tablename__ = "corpus_reports"
    __table_args__ = (
        Index("ix_corpus_reports_unit_year", "unit_id", "year"),
        Index("ix_corpus_reports_name_year", "name_key", "year"),
        Index("ix_corpus_reports_year_current", "year", "current"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    organization: Mapped[str] = mapped_column(String(200), default="")
    name_key: Mapped[str] = mapped_column(String(200), default="")
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    format: Mapped[str] = mapped_column(String(8), default="2021")
    source: Mapped[str] = mapped_column(Text, default="")
    source_hash: Mapped[str] = mapped_column(String(64), unique=True)
    cells: Mapped[list[Any]] = mapped_column(JSON)
    """The 200 cells as a list in ``xxgk.model.cells.CELL_KEYS`` order (see ``codec``)."""
    sections: Mapped[dict[str, Any]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    ingested_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class StoredFinding(Base):
    """One finding of a stored report; ``cross_year`` marks those found against last year."""

    __tablename__ = "corpus_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("corpus_reports.id"), index=True)
    code: Mapped[str] = mapped_column(String(64), index=True)
    severity: Mapped[str] = mapped_column(String(8))
    message: Mapped[str] = mapped_column(Text, default="")
    cells: Mapped[list[str]] = mapped_column(JSON)
    expected: Mapped[str | None] = mapped_column(Text, nullable=True)
    actual: Mapped[str | None] = mapped_column(Text, nullable=True)
    place: Mapped[str] = mapped_column(String(200), default="")
    cross_year: Mapped[bool] = mapped_column(Boolean, default=False)
