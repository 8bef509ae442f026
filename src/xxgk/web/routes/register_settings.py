"""台账设置 (administrators): the regional calendars with the source of every day, entering a
region's closures from the notice (the year then counts as confirmed, and every stored deadline
of the region is recomputed), and each unit's fee-period setting (109号)."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse

from xxgk.db.models import Role
from xxgk.errors import RegisterError
from xxgk.records.vocab import parse_date
from xxgk.register.caldb import calendar_for, set_calendar_day
from xxgk.register.calendar import regions
from xxgk.register.settings import set_fee_pauses_clock
from xxgk.web.deps import ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.pages import page, write_flashed
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])
FEE_CHOICES = {"default": None, "pause": True, "count": False}


def _admin(scope: ScopeDep) -> None:
    if Role(scope.user.role) is not Role.ADMIN:
        raise WebError(403, "forbidden", "只有系统管理员可以修改台账设置", "administrators only")


@router.get("/register/settings")
def settings_page(scope: ScopeDep, request: Request, region: str = "XJ"):
    known = regions()
    code = region.upper() if region.upper() in known else next(iter(known))
    calendar = calendar_for(scope.session, code)
    days = sorted(calendar.overrides.values(), key=lambda d: d.day)
    this_year = dt.date.today().year
    years = range(min((d.day.year for d in days), default=this_year), this_year + 2)
    confirmed = calendar.confirmed_years or frozenset()
    return page(
        request,
        "register_settings.html",
        regions=known,
        region=code,
        days=days,
        version=calendar.version,
        unconfirmed=[y for y in years if y not in confirmed],
        units=[u for _, u in scope.units()],
        admin=Role(scope.user.role) is Role.ADMIN,
        today=dt.date.today().isoformat(),
    )


@router.post("/register/settings/calendar")
def add_calendar_day(
    scope: ScopeDep,
    request: Request,
    region: str = Form(""),
    day: str = Form(""),
    kind: str = Form("holiday"),
    name: str = Form(""),
    source: str = Form(""),
    reason: str = Form(""),
):
    _admin(scope)

    def record() -> tuple[dt.date, int]:
        on = parse_date(day, "日期")
        if on is None:
            raise RegisterError("请填写日期", "the day is required")
        _, changed = set_calendar_day(
            session=scope.session,
            actor=scope.user,
            region=region,
            day=on,
            kind=kind,
            name=name.strip()[:100],
            source=source.strip(),
            reason=reason.strip() or "按通知录入",
        )
        return on, changed

    write_flashed(
        scope.session,
        request,
        record,
        lambda done: f"已录入{region} {done[0]} {name}；重新计算答复期限{done[1]}件",
    )
    return RedirectResponse(f"/register/settings?region={region}", status_code=303)


@router.post("/register/settings/fee")
def set_fee_setting(
    scope: ScopeDep,
    request: Request,
    unit: str = Form(""),
    setting: str = Form("default"),
    reason: str = Form(""),
):
    _admin(scope)
    chosen = scope.unit(unit)

    def change() -> int:
        if setting not in FEE_CHOICES:
            raise RegisterError("收费期间设置无法识别", f"bad setting {setting!r}")
        return set_fee_pauses_clock(
            session=scope.session,
            actor=scope.user,
            unit=chosen,
            pauses=FEE_CHOICES[setting],
            reason=reason,
        )

    write_flashed(
        scope.session,
        request,
        change,
        lambda changed: f"已修改{chosen.name}的收费期间设置；重新计算答复期限{changed}件",
    )
    return RedirectResponse("/register/settings", status_code=303)
