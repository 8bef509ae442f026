"""Request dependencies: the database session, the signed-in user and the user's scope.

``Scope`` is the one place that decides what a user may see: every page and API route reads
units and applications through it, so a unit's register cannot be reached by guessing ids —
anything outside the scope is "not found", exactly like something that does not exist.
Writes are checked again by the library (``xxgk.db.access.require``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Callable
from types import SimpleNamespace
from typing import Annotated

from fastapi import Depends, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from xxgk.db.access import WRITERS, can_see_personal_data, in_subtree
from xxgk.db.logins import session_user
from xxgk.db.models import Role, Unit, User
from xxgk.db.queries import MAX_ID as MAX_ID  # the routes' bound on ids
from xxgk.db.queries import row_by_id
from xxgk.db.units import list_units, unit_depth
from xxgk.register import queries as register_queries
from xxgk.register.models import Application
from xxgk.register.unit_cases import menu_badge
from xxgk.web.errors import WebError, not_found
from xxgk.web.settings import client_address


def valid_id(value: int) -> bool:
    """Return True when ``value`` can be a row id (an id the database cannot even bind is
    simply "not found", not a server error)."""
    return 0 < value <= MAX_ID


async def db_session(request: Request) -> AsyncIterator[Session]:
    """Yield a session; whatever a handler did not commit is rolled back when it closes.

    The dependencies that need no query are ``async``: FastAPI runs each synchronous one in a
    thread of its pool, and every such hop costs CPU and makes a request wait for a thread.
    Opening a session reads nothing and closing it only gives its connection back, so both
    happen on the event loop, which never waits for a connection (see ``optional_user``).
    """
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


def optional_user(
    request: Request, session: Annotated[Session, Depends(db_session)]
) -> User | None:
    """Return the signed-in, active user, or None for a visitor.

    The cookie holds only the session token; the session record decides (revoked at logout,
    password change or when the user is disabled; expired after the session lifetime).
    """
    user = session_user(session, request.session.get("sid"))
    # End the read and give the connection back before the request waits for the thread of
    # its handler: a request holding a connection while it waits for a thread, and threads
    # waiting for connections, would stall each other once the pool runs dry.
    session.commit()
    return _signed_in(request, session, user)


def _signed_in(request: Request, session: Session, user: User | None) -> User | None:
    """Keep on the request what every page shows of ``user`` (the menu's badge, the name
    and role in the header); forget the session token of a visitor. Returns ``user``."""
    if user is None:
        request.session.pop("sid", None)
    request.state.menu_badge = None if user is None else _menu_badge(request, session, user)
    request.state.viewer = (
        None
        if user is None
        else {
            "name": user.display_name or user.username,
            "role": user.role,
            "role_label": Role(user.role).label,
            "unit": user.unit.name if user.unit else "",
        }
    )
    return user


def _menu_badge(request: Request, session: Session, user: User) -> Callable[[], int | None]:
    """Return what counts the menu's badge for ``user`` when a page is drawn: the open cases
    of the user's scope overdue or due within five working days, each unit's by its own
    calendar (None for a role that does not handle cases). Called at most once per page,
    never for an API call; the page's own scope (``user_scope``) is used when it has one, so
    its unit tree is read once."""

    def count() -> int | None:
        if Role(user.role) not in WRITERS:
            return None
        scope = getattr(request.state, "scope", None) or Scope(session, user)
        return menu_badge(session, scope.unit_ids, dt.date.today())

    return count


async def required_user(
    request: Request, user: Annotated[User | None, Depends(optional_user)]
) -> User:
    """Return the signed-in user or refuse with 401 (pages turn it into the login page); a
    user whose generated password must be changed first gets only the password page."""
    return _required(request, user)


def _required(request: Request, user: User | None) -> User:
    if user is None:
        raise WebError(401, "login_required", "请先登录", "login required")
    if must_change_password(request, user):
        raise WebError(
            403, "password_change_required", "请先修改初始密码", "change the initial password first"
        )
    return user


def must_change_password(request: Request, user: User) -> bool:
    """Return True when ``user`` still has a generated password and the site is not a demo."""
    return user.must_change_password and not request.app.state.settings.demo


def client_ip(request: Request) -> str:
    """Return the client's address (X-Forwarded-For only from a configured trusted proxy)."""
    settings = request.app.state.settings
    return client_address(
        request.client.host if request.client else None,
        request.headers.get("x-forwarded-for"),
        settings.trusted_proxies,
    )


class Scope:
    """What ``user`` may see: the own unit, the subtree for unit admins and supervisors, all
    for the system administrator."""

    def __init__(self, session: Session, user: User):
        self.session = session
        self.user = user
        self.role = Role(user.role)
        self._tree: list[tuple[int, Unit]] | None = None
        self._unit_ids: frozenset[int] | None = None

    # Memoised by hand, not with functools.cached_property: on Python 3.11 that holds one lock
    # per class, so every request waited for the others' unit trees. A Scope belongs to one
    # request (one thread), so it needs no lock at all.
    @property
    def tree(self) -> list[tuple[int, Unit]]:
        """Return ``(depth, unit)`` of every unit, in tree order (read once per request)."""
        if self._tree is None:
            self._tree = list_units(self.session)
        return self._tree

    @property
    def unit_ids(self) -> frozenset[int]:
        """Return the ids of the units in scope (computed once per request)."""
        if self._unit_ids is None:
            self._unit_ids = self._scope_ids()
        return self._unit_ids

    def _scope_ids(self) -> frozenset[int]:
        if self.role is Role.ADMIN:
            return frozenset(u.id for _, u in self.tree)
        if self.user.unit_id is None:
            return frozenset()
        if self.role in (Role.UNIT_ADMIN, Role.SUPERVISOR):
            return frozenset(self._subtree(self.user.unit_id))
        return frozenset({self.user.unit_id})

    def _subtree(self, root: int) -> set[int]:
        return {unit.id for _, unit in self.tree if in_subtree(unit, root)}

    def units(self) -> list[tuple[int, Unit]]:
        """Return ``(depth, unit)`` of the units in scope, in tree order.

        A role that sees its own unit alone gets it without the whole tree being read (a
        county's tree has hundreds of units; this is on most pages): its depth is counted
        up its parents."""
        if self._own_unit_only():
            unit = self.user.unit
            return [] if unit is None else [(unit_depth(self.session, unit.id), unit)]
        return [(d, u) for d, u in self.tree if u.id in self.unit_ids]

    def _own_unit_only(self) -> bool:
        return self.role not in (Role.ADMIN, Role.UNIT_ADMIN, Role.SUPERVISOR)

    def unit(self, unit_id: int | str | None) -> Unit:
        """Return the unit ``unit_id`` (default: the user's own) or 404 outside the scope."""
        if unit_id in (None, ""):
            unit_id = self.user.unit_id or next((u.id for _, u in self.units()), None)
        try:
            key = int(unit_id)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise not_found("单位") from None
        if key not in self.unit_ids:
            raise not_found("单位")
        unit = row_by_id(self.session, Unit, key)
        if unit is None:
            raise not_found("单位")
        return unit

    def application(self, app_id: int) -> Application:
        """Return application ``app_id`` or 404 when it is missing or outside the scope."""
        app = row_by_id(self.session, Application, app_id)
        if app is None or app.unit_id not in self.unit_ids:
            raise not_found("申请")
        return app

    def _unit_ids_of(self, unit: Unit | None) -> list[int]:
        if unit is not None and unit.id not in self.unit_ids:
            raise not_found("单位")
        return [unit.id] if unit is not None else list(self.unit_ids)

    def applications(
        self,
        unit: Unit | None = None,
        year: int | None = None,
        include_void: bool = True,
        *,
        limit: int | None = None,
        offset: int = 0,
        events: bool = True,
    ) -> list[Application]:
        """Return the applications in scope (of ``unit``, received in ``year``), in register
        order; ``limit``/``offset`` select one page of them; ``events=False`` leaves their
        events unread (the list reads them as light rows, see ``register_view.list_rows``)."""
        return register_queries.applications(
            self.session,
            self._unit_ids_of(unit),
            year=year,
            include_void=include_void,
            newest_first=True,
            limit=limit,
            offset=offset,
            events=events,
        )

    def listed_applications(
        self,
        unit: Unit | None = None,
        year: int | None = None,
        include_void: bool = True,
        *,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[SimpleNamespace]:
        """Return what :meth:`applications` returns with ``events=False``, as plain objects
        of columns (``register_queries.listed_applications``): the register list's reading."""
        return register_queries.listed_applications(
            self.session,
            self._unit_ids_of(unit),
            year=year,
            include_void=include_void,
            newest_first=True,
            limit=limit,
            offset=offset,
        )

    def count_applications(
        self, unit: Unit | None = None, year: int | None = None, include_void: bool = True
    ) -> int:
        """Return how many applications :meth:`applications` would return without a limit."""
        return register_queries.count_applications(
            self.session, self._unit_ids_of(unit), year=year, include_void=include_void
        )

    def can_write(self, unit: Unit) -> bool:
        """Return True when the user may change ``unit``'s register."""
        return (
            self.role in WRITERS
            and unit.id in self.unit_ids
            and (self.role in (Role.ADMIN, Role.UNIT_ADMIN) or unit.id == self.user.unit_id)
        )

    def personal(self, unit: Unit) -> bool:
        """Return True when applicants' names and contacts of ``unit`` may be shown."""
        return can_see_personal_data(self.user, unit)


async def user_scope(
    request: Request,
    user: Annotated[User, Depends(required_user)],
    session: Annotated[Session, Depends(db_session)],
) -> Scope:
    """Return the scope of the signed-in user (kept on the request for the menu's badge)."""
    scope = request.state.scope = Scope(session, user)
    return scope


async def scoped_page(request: Request, build: Callable[[Scope], Response]) -> Response:
    """Return ``build(scope)`` for the signed-in user's scope, in one hop to the thread pool.

    The same checks as ``ScopeDep`` (401 for a visitor, the password page first when the
    password must be changed), made in the thread that then builds the page with the same
    session: a page through ``ScopeDep`` takes two hops (the user lookup, then the handler)
    and gives its connection back in between, and each hop and each check-out costs about as
    much as one of the page's queries. The session is closed when the page is built (its
    template is rendered by then). For the pages most often seen: the register list, the desk
    (where a sign-in lands). A route whose path or query parameters FastAPI validates keeps
    ``ScopeDep``: its visitor must get the login page, not a 422 for a malformed parameter.
    """
    return await run_in_threadpool(_build_scoped, request, build)


def _build_scoped(request: Request, build: Callable[[Scope], Response]) -> Response:
    with request.app.state.sessions() as session:
        found = session_user(session, request.session.get("sid"))
        user = _required(request, _signed_in(request, session, found))
        scope = request.state.scope = Scope(session, user)
        return build(scope)


SessionDep = Annotated[Session, Depends(db_session)]
UserDep = Annotated[User | None, Depends(optional_user)]
ScopeDep = Annotated[Scope, Depends(user_scope)]
