"""The register's trend for the overview (汇总与对比): per year, the sums of the main Table 三
figures over the newest published version of each unit's report kept by the register.

The campaign status (``campaign.status``) decides each unit's state; this module only adds up
what the units published, for the three-year trend beside it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.model.cells import CELL_BY_KEY
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport

ROLLUP_KEYS = (
    "requests.new.total",
    "requests.carried_over.total",
    "requests.granted.total",
    "requests.total_handled.total",
    "requests.carried_forward.total",
)


def newest_published(
    session: Session, unit_ids: list[int], year: int
) -> dict[int, PublishedReport]:
    """Return the newest published version of each unit's report for ``year``."""
    rows = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.unit_id.in_(unit_ids), PublishedReport.year == year)
        .order_by(PublishedReport.version)
    )
    return {row.unit_id: row for row in rows}


def register_trend(session: Session, units: list[Unit], years: list[int]) -> list[dict[str, Any]]:
    """Return, per year, the sums of the main Table 三 figures over the published reports."""
    out = []
    for year in years:
        latest = newest_published(session, [u.id for u in units], year)
        sums = dict.fromkeys(ROLLUP_KEYS, 0)
        for row in latest.values():
            values = Report.from_dict(row.snapshot_json).values
            for key in ROLLUP_KEYS:
                sums[key] += int(values.get(key) or 0)
        out.append({"year": year, "reports": len(latest), "sums": sums})
    return out


def rollup_labels() -> list[str]:
    """Return the printed labels of the roll-up figures."""
    return [CELL_BY_KEY[k].label for k in ROLLUP_KEYS]
