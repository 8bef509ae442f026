"""The year lock: once a year's report is published, that year of the register is frozen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.errors import RegisterError
from xxgk.records.models import PublishedReport


def locked_version(session: Session, unit: Unit, year: int) -> PublishedReport | None:
    """Return the locked published version of ``unit``'s report for ``year``, if any."""
    query = select(PublishedReport).where(
        PublishedReport.unit_id == unit.id,
        PublishedReport.year == year,
        PublishedReport.locked.is_(True),
    )
    return session.scalar(query)


def ensure_unlocked(session: Session, unit: Unit, days: Iterable[dt.date | int | None]) -> None:
    """Refuse a change touching any year of ``days`` that is locked for ``unit``."""
    years = sorted({d if isinstance(d, int) else d.year for d in days if d is not None})
    for year in years:
        version = locked_version(session, unit, year)
        if version is not None:
            raise RegisterError(
                f"单位“{unit.name}”{year}年度报告已于{version.published_on}发布（第{version.version}版），"
                f"该年度台账已锁定；如需更正，请由本单位分管领导说明理由后重新打开该年度"
                f"（系统管理 · 年度报告）",
                f"the {year} register of {unit.code} is locked by the published report "
                f"(version {version.version}); reopen it with a reason first",
            )
