"""A unit's register settings: cases the law leaves open, each with its stated default.

``fee_pauses_clock``: 109号 (domain-rules §2.7) leaves the time from the fee notice to payment
out of the reply period; that is the default, and a unit may choose to count it. Changing it
recomputes the unit's stored deadlines, and the audit log says who changed it and why.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import require
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError


def set_fee_pauses_clock(
    *, session: Session, actor: User, unit: Unit, pauses: bool | None, reason: str
) -> int:
    """Set whether ``unit`` leaves the fee period out of the reply period (None: the default);
    return how many stored deadlines changed."""
    from xxgk.register.applications import list_applications
    from xxgk.register.caldb import refresh_deadline

    require(actor, frozenset({Role.ADMIN}))
    if not reason.strip():
        raise RegisterError(
            "修改收费期间设置必须说明理由", "changing the fee setting needs a reason"
        )
    before = {"fee_pauses_clock": unit.fee_pauses_clock}
    unit.fee_pauses_clock = pauses
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="unit",
        entity_id=unit.id,
        before=before,
        after={"fee_pauses_clock": pauses},
        reason=reason,
    )
    changed = 0
    for app in list_applications(session, unit):
        old = app.due_on
        refresh_deadline(session, app)
        changed += app.due_on != old
    return changed
