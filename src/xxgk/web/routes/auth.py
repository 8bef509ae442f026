"""Signing in and out, changing one's password; the start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from xxgk.db.logins import LoginPolicy, LoginRefused, close_session, open_session
from xxgk.db.logins import authenticate as check_credentials
from xxgk.db.models import User
from xxgk.db.users import set_password, verify_password
from xxgk.errors import XxgkError
from xxgk.web.deps import SessionDep, UserDep, client_ip, optional_user
from xxgk.web.errors import WebError
from xxgk.web.pages import flash, page
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])


def safe_next(target: str | None) -> str:
    """Return a local path to go to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/desk"


def login_policy(request: Request) -> LoginPolicy:
    """Return the throttle and password rules of this site's settings."""
    settings = request.app.state.settings
    return LoginPolicy(
        free_attempts=settings.login_attempts,
        base_seconds=settings.login_back_off_seconds,
        max_seconds=settings.login_back_off_max_seconds,
    )


def authenticate(request: Request, session: Session, username: str, password: str) -> User:
    """Return the user for these credentials (throttled per account and per address)."""
    try:
        return check_credentials(
            session, username, password, client_ip(request), login_policy(request)
        )
    except LoginRefused as exc:
        status = 429 if exc.blocked_seconds else 401
        code = "rate_limited" if exc.blocked_seconds else "bad_credentials"
        raise WebError(status, code, exc.message_zh, exc.message_en) from None


def start_session(request: Request, session: Session, user: User) -> None:
    """Begin a fresh session for ``user``: a new server-side session record, a new CSRF token,
    nothing kept from before; the cookie carries only the session's random token."""
    old = request.session.get("sid")
    if old:
        close_session(session, old)
    request.session.clear()
    max_age = request.app.state.settings.session_max_age
    request.session["sid"] = open_session(session, user, client_ip(request), max_age)
    session.commit()


def end_session(request: Request, session: Session) -> None:
    """Revoke the session record of this browser and forget the cookie's content."""
    close_session(session, request.session.get("sid"))
    session.commit()
    request.session.clear()


@router.get("/")
def index(
    user: UserDep,
) -> Response:
    return RedirectResponse("/desk" if user else "/check", status_code=303)


@router.get("/login")
def login_form(
    user: UserDep,
    request: Request,
    next: str = "",
):
    return page(request, "login.html", next=safe_next(next), error=None, username="")


@router.post("/login")
def login(
    session: SessionDep,
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
) -> Response:
    request.state.viewer = None
    try:
        user = authenticate(request, session, username.strip(), password)
    except WebError as exc:  # 401 wrong credentials or 429 rate limited: the form again
        return page(
            request,
            "login.html",
            status_code=exc.status,
            next=safe_next(next),
            error=exc.message,
            username=username,
        )
    start_session(request, session, user)
    if user.must_change_password and not request.app.state.settings.demo:
        return RedirectResponse("/password", status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(session: SessionDep, request: Request) -> Response:
    end_session(request, session)
    return RedirectResponse("/login", status_code=303)


@router.get("/password")
def password_form(
    request: Request, user: Annotated[User | None, Depends(optional_user)]
) -> Response:
    if user is None:
        return RedirectResponse("/login?next=/password", status_code=303)
    return page(request, "password.html", error=None, forced=user.must_change_password)


@router.post("/password")
def change_password(
    session: SessionDep,
    request: Request,
    user: Annotated[User | None, Depends(optional_user)],
    current: str = Form(""),
    new: str = Form(""),
    again: str = Form(""),
) -> Response:
    """Change one's own password: every session ends, this browser gets a new one."""
    if user is None:
        return RedirectResponse("/login?next=/password", status_code=303)
    error = _password_problem(user, current, new, again)
    if not error:
        try:
            set_password(session=session, actor=user, user=user, password=new)
        except XxgkError as exc:
            error = exc.message_zh
    if error:
        session.rollback()
        forced = user.must_change_password
        return page(request, "password.html", status_code=400, error=error, forced=forced)
    start_session(request, session, user)
    flash(request, "密码已修改，其他设备上的登录已失效")
    return RedirectResponse("/register", status_code=303)


def _password_problem(user: User, current: str, new: str, again: str) -> str:
    if not verify_password(user, current):
        return "当前密码不正确"
    if new != again:
        return "两次输入的新密码不一致"
    if new == current:
        return "新密码不能与当前密码相同"
    return ""
