"""Which stored reports are "the same report": one body (unit, else printed name) and year."""

from __future__ import annotations

from typing import Any

from xxgk.corpus.models import StoredReport


def identity(row: dict[str, Any] | StoredReport) -> Any:
    """Return the where-clause naming the same unit and year as ``row``."""
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    unit_id, year = get("unit_id"), get("year")
    who = (
        StoredReport.unit_id == unit_id
        if unit_id is not None
        else (StoredReport.unit_id.is_(None)) & (StoredReport.name_key == get("name_key"))
    )
    return who & (StoredReport.year == year)


Key = tuple[Any, ...]


def body_key(unit_id: int | None, name: str, year: int | None) -> Key | None:
    """Return the (body, year) identity of a report; None when it cannot be versioned."""
    if year is None or not (unit_id or name):
        return None
    return ("unit", unit_id, year) if unit_id is not None else ("name", name, year)
