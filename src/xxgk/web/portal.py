"""The public side: published reports, online applications with a receipt number, and the
status an applicant may see (never anyone's personal data).

An online application is registered by the service account ``online-portal`` (a system
administrator without a password, so it can never sign in); the audit log names it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.db.queries import row_by_id
from xxgk.db.units import active_units
from xxgk.db.users import service_account
from xxgk.model.report import Report
from xxgk.records.models import PublishedReport
from xxgk.register.applications import register_application
from xxgk.register.models import Application
from xxgk.register.queries import application_numbered, newest_published
from xxgk.register.state import status
from xxgk.register.views import state_label
from xxgk.register.vocab import Channel
from xxgk.web.security import parse_receipt, receipt_code

PORTAL_USER = "online-portal"


def portal_actor(session: Session) -> User:
    """Return the service account that registers online applications, creating it once."""
    return service_account(session, PORTAL_USER, "网上申请")


def public_units(session: Session) -> list[Unit]:
    """Return the active units that accept applications, by code."""
    return active_units(session)


def limit_submissions(request: Any) -> None:
    """Refuse a client that submitted too many online applications within the hour."""
    from xxgk.web.deps import client_ip
    from xxgk.web.errors import WebError

    limiter = request.app.state.apply_limiter
    client = client_ip(request)
    if limiter.blocked(client, "apply"):
        raise WebError(
            429,
            "rate_limited",
            "提交过于频繁，请一小时后再试",
            "too many online applications from this client",
        )
    limiter.failed(client, "apply")


def submit_online(
    session: Session, secret: str, unit: Unit, clean: dict[str, Any], today: dt.date
) -> tuple[Application, str]:
    """Register an online application (channel 网络, confirmed today); return it and its
    receipt number. The caller commits."""
    args = {
        k: v
        for k, v in clean.items()
        if k
        in ("applicant_type", "applicant_name", "applicant_contact", "request_text", "form_wanted")
    }
    app = register_application(
        session=session,
        unit=unit,
        actor=portal_actor(session),
        channel_name=Channel.ONLINE.value,
        arrived_on=today,
        confirmed_on=today,
        **args,
    )
    return app, receipt_code(secret, unit.code, app.number)


def status_of(session: Session, secret: str, receipt: str) -> dict[str, Any] | None:
    """Return what an applicant may see of the application behind ``receipt``, else None."""
    parsed = parse_receipt(secret, receipt)
    if parsed is None:
        return None
    app = application_numbered(session, *parsed)
    if app is None:
        return None
    state = status(app)
    return {
        "receipt": receipt.strip(),
        "unit": app.unit.name,
        "number": app.number,
        "received_on": app.received_on.isoformat(),
        "due_on": app.due_on.isoformat() if app.due_on and state.is_open else None,
        "provisional": app.due_provisional and state.is_open,
        "due_note": app.due_note,
        "correction_due": app.correction_due.isoformat()
        if app.correction_due and state.is_open
        else None,
        "state": state_label(app),
        "closed_on": state.closed_on.isoformat() if state.closed_on else None,
    }


def published_reports(session: Session) -> list[dict[str, Any]]:
    """Return the newest published version of every unit's report, newest year first."""
    return [
        {
            "id": row.id,
            "unit": unit.name,
            "unit_id": unit.id,
            "year": row.year,
            "version": row.version,
            "published_on": row.published_on.isoformat(),
        }
        for row, unit in newest_published(session)
    ]


def published_report(session: Session, report_id: int) -> tuple[PublishedReport, Report] | None:
    """Return a published version and its report, or None."""
    row = row_by_id(session, PublishedReport, report_id)
    if row is None:
        return None
    return row, Report.from_dict(row.snapshot_json)
