"""The supervising office's triage of findings: one row per mark, never updated.

A mark names the finding by its key (code and cells, see ``xxgk.campaign.triage``) and keeps a
fingerprint of what the finding saw (the values of its cells, its expected and actual values).
A later version of the same unit's report for the same year inherits the mark while the
fingerprint is unchanged; a new mark on the same finding supersedes the older one, which stays
as history next to its audit entry.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xxgk.db.base import Base, utcnow


class FindingMark(Base):
    """A supervisor's 确认 / 驳回 of one finding of a unit's report for a year."""

    __tablename__ = "finding_marks"
    __table_args__ = (Index("ix_finding_marks_unit_year", "unit_id", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    year: Mapped[int] = mapped_column(Integer)
    finding_key: Mapped[str] = mapped_column(String(500))
    """``code|cell,cell`` (or ``code|@place`` for a finding on no cell)."""
    fingerprint: Mapped[str] = mapped_column(String(64))
    verdict: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    marked_by: Mapped[str] = mapped_column(String(64))
    marked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The version of the report the mark was made on (None: no stored version)."""
    source: Mapped[str] = mapped_column(String(100), default="")

    def snapshot(self) -> dict[str, object]:
        """Return the audited fields as plain data."""
        return {
            "unit_id": self.unit_id,
            "year": self.year,
            "finding_key": self.finding_key,
            "fingerprint": self.fingerprint,
            "verdict": self.verdict,
            "reason": self.reason,
            "version": self.version,
            "source": self.source,
        }
