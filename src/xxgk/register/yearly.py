"""Reading the year's other inputs for the forms: Table 二's yearly figures with their
sources and the unit's 复议/诉讼 cases (Table 四), and saving a whole form of figures at once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.register.applications import get_application
from xxgk.register.inputs import YEARLY_KEYS, set_yearly_count
from xxgk.register.models import Appeal, Application, YearlyCount


@dataclass(frozen=True)
class Figure:
    """One yearly figure of Table 二 as the form shows it (None: not entered yet)."""

    key: str
    label: str
    value: Decimal | None
    source: str


def yearly_figures(session: Session, unit: Unit, year: int) -> list[Figure]:
    """Return the four yearly figures of ``unit`` for ``year`` in the report's order."""
    rows = {
        r.key: r
        for r in session.scalars(
            select(YearlyCount).where(YearlyCount.unit_id == unit.id, YearlyCount.year == year)
        )
    }
    return [
        Figure(
            key,
            label,
            rows[key].value if key in rows else None,
            rows[key].source if key in rows else "",
        )
        for key, label in YEARLY_KEYS.items()
    ]


def save_figures(
    *,
    session: Session,
    unit: Unit,
    actor: User,
    year: int,
    values: Mapping[str, str],
    sources: Mapping[str, str],
) -> int:
    """Save every figure given a value (an empty field is left as it was); return how many."""
    saved = 0
    for key in YEARLY_KEYS:
        value = (values.get(key) or "").strip()
        if value:
            set_yearly_count(
                session=session,
                unit=unit,
                actor=actor,
                year=year,
                key=key,
                value=value,
                source=sources.get(key, ""),
            )
            saved += 1
    return saved


def appeals_of(session: Session, unit: Unit) -> list[Appeal]:
    """Return ``unit``'s appeals, newest first (voided ones included, marked)."""
    query = select(Appeal).where(Appeal.unit_id == unit.id).order_by(Appeal.filed_on.desc())
    return list(session.scalars(query))


def application_by_number(session: Session, unit: Unit, number: str) -> Application | None:
    """Return ``unit``'s application numbered ``number`` (None when the field is empty)."""
    if not number.strip():
        return None
    return get_application(session, unit, number.strip())
