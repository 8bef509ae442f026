"""文号 numbering of a unit's letters: per unit, year and letter kind, assigned once.

The counter row is incremented with one ``UPDATE … SET last = last + 1`` inside the caller's
transaction: PostgreSQL holds the row lock until commit, SQLite serialises writers, so two
officers issuing letters at the same moment never get the same number. A number whose
transaction is rolled back was never issued; an issued number is never given again (the
``letters`` table also refuses a duplicate 文号 per unit).
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.errors import RegisterError
from xxgk.register.casework_models import LetterCounter, LetterSettings

DEFAULT_PATTERN = "{代字}{类}〔{年}〕{号}号"
DEFAULT_AGENCY_CODE = "政信"
PLACEHOLDERS = ("{代字}", "{类}", "{年}", "{号}")


def format_number(pattern: str, agency_code: str, kind_code: str, year: int, seq: int) -> str:
    """Return a 文号 such as ``清政信补〔2026〕3号`` from the unit's pattern."""
    return (
        (pattern or DEFAULT_PATTERN)
        .replace("{代字}", agency_code or DEFAULT_AGENCY_CODE)
        .replace("{类}", kind_code)
        .replace("{年}", str(year))
        .replace("{号}", str(seq))
    )


def check_pattern(pattern: str) -> None:
    """Refuse a pattern that could number two letters alike (it needs the year and number)."""
    missing = [p for p in ("{年}", "{号}") if p not in pattern]
    if pattern and missing:
        raise RegisterError(
            f"文号格式“{pattern}”缺少{'、'.join(missing)}，例如：{DEFAULT_PATTERN}",
            f"number pattern {pattern!r} lacks {missing}",
        )


def next_sequence(session: Session, unit: Unit, year: int, kind: str) -> int:
    """Return the next sequence number of ``kind`` letters of ``unit`` in ``year``."""
    for _ in range(3):
        bumped = session.execute(
            update(LetterCounter)
            .where(
                LetterCounter.unit_id == unit.id,
                LetterCounter.year == year,
                LetterCounter.kind == kind,
            )
            .values(last=LetterCounter.last + 1)
            .returning(LetterCounter.last)
        ).scalar()
        if bumped is not None:
            return int(bumped)
        try:
            with session.begin_nested():
                session.add(LetterCounter(unit_id=unit.id, year=year, kind=kind, last=1))
            return 1
        except IntegrityError:
            continue  # another transaction created the row first: increment it
    raise RegisterError("文号分配冲突，请重试", "could not allocate a letter number")


def assign_number(
    session: Session, unit: Unit, settings: LetterSettings, year: int, kind: str, kind_code: str
) -> tuple[int, str]:
    """Return ``(seq, 文号)`` for a new letter of ``kind`` (the counter is advanced)."""
    seq = next_sequence(session, unit, year, kind)
    number = format_number(settings.number_pattern, settings.agency_code, kind_code, year, seq)
    return seq, number


def settings_for(session: Session, unit: Unit) -> LetterSettings:
    """Return ``unit``'s letter settings (unsaved defaults when it has none yet)."""
    found = session.scalar(select(LetterSettings).where(LetterSettings.unit_id == unit.id))
    if found is not None:
        return found
    return LetterSettings(
        unit_id=unit.id,
        issuer=unit.name,
        office="",
        agency_code=DEFAULT_AGENCY_CODE,
        number_pattern=DEFAULT_PATTERN,
        review_body="",
        court="",
        address="",
        phone="",
        smtp_host="",
        smtp_port=25,
        smtp_sender="",
        digest_to="",
    )
