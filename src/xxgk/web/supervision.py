"""汇总与对比 from the register: for a supervising office, the units of its subtree × the
status of their report for a year (published, late, missing, with errors), the roll-up of the
main Table 三 figures and their trend over the years.

The corpus store and ``xxgk.aggregate`` (published reports gathered from the web) will feed
the fuller page; this view needs only the published versions kept by the register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.corpus.prepare import unit_settings
from xxgk.db.models import Unit
from xxgk.model.cells import CELL_BY_KEY
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport
from xxgk.rules.context import RuleContext
from xxgk.rules.settings import RuleSettings

ROLLUP_KEYS = (
    "requests.new.total",
    "requests.carried_over.total",
    "requests.granted.total",
    "requests.total_handled.total",
    "requests.carried_forward.total",
)


def due_date(unit: Unit, year: int) -> dt.date:
    """Return the day by which ``unit``'s report for ``year`` is due (条例第四十九条), as the
    validator's ``published-late`` rule reckons it for the unit's kind."""
    settings = RuleSettings.resolve(unit_settings(unit))
    return RuleContext(Report(organization=unit.name), settings).deadline(year)


def _latest(session: Session, unit_ids: list[int], year: int) -> dict[int, PublishedReport]:
    rows = session.scalars(
        select(PublishedReport)
        .where(PublishedReport.unit_id.in_(unit_ids), PublishedReport.year == year)
        .order_by(PublishedReport.version)
    )
    return {row.unit_id: row for row in rows}


def rollup(session: Session, units: list[Unit], years: list[int]) -> list[dict[str, Any]]:
    """Return, per year, the sums of the main Table 三 figures over the published reports."""
    out = []
    for year in years:
        latest = _latest(session, [u.id for u in units], year)
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
