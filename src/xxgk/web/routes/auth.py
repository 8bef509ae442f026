"""Signing in and out; the start page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.models import User
from xxgk.db.users import verify_password
from xxgk.web.deps import SessionDep, UserDep, login_stamp
from xxgk.web.errors import WebError
from xxgk.web.pages import page
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])


def safe_next(target: str | None) -> str:
    """Return a local path to go to after login (never another site)."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return "/register"


def authenticate(request: Request, session: Session, username: str, password: str) -> User:
    """Return the user for these credentials, counting failures against the rate limit."""
    limiter = request.app.state.limiter
    client = request.client.host if request.client else "?"
    if limiter.blocked(client, username):
        raise WebError(
            429,
            "rate_limited",
            "登录失败次数过多，请5分钟后再试",
            "too many failed logins; try again later",
        )
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not verify_password(user, password):
        limiter.failed(client, username)
        raise WebError(401, "bad_credentials", "用户名或密码错误", "wrong username or password")
    limiter.succeeded(client, username)
    return user


def start_session(request: Request, session: Session, user: User) -> None:
    """Begin a fresh session for ``user`` (a new CSRF token, nothing kept from before)."""
    request.session.clear()
    request.session["uid"] = user.id
    request.session["pw"] = login_stamp(user)
    audit.record(session=session, actor=user, action="login", entity="user", entity_id=user.id)
    session.commit()


@router.get("/")
def index(
    user: UserDep,
) -> Response:
    return RedirectResponse("/register" if user else "/check", status_code=303)


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
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout")
def logout(request: Request) -> Response:
    request.session.clear()
    return RedirectResponse("/login", status_code=303)
