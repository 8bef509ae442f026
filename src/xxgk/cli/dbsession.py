"""The database session of the commands that act as a user (``register``, ``disclosure``).

Imports SQLAlchemy and the database layer only when a command runs, so that ``xxgk --help`` and
``xxgk check`` do not pay for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xxgk.db.models import User

DbOption = Annotated[str | None, typer.Option("--db", help="数据库URL或SQLite文件路径")]
UserOption = Annotated[
    str,
    typer.Option(
        "--as",
        envvar="XXGK_USER",
        help="以哪个用户身份操作（必填：现有的有效用户；也可用环境变量 XXGK_USER）",
    ),
]


def acting_user(session: Session, username: str) -> User:
    """Return the active user the command acts as, or a one-line error when none is named.

    The CLI acts as a person exactly like the web: the library checks this user's role and
    unit on every change and the audit log names them. Nobody is assumed.
    """
    from xxgk.db.users import get_user
    from xxgk.errors import RegisterError

    if not username.strip():
        raise RegisterError(
            "请用 --as 用户名（或环境变量 XXGK_USER）指明操作人",
            "name the acting user with --as USER or XXGK_USER",
        )
    return get_user(session, username.strip())


@contextmanager
def acting_session(
    ctx: typer.Context, *, anonymous: bool = False
) -> Iterator[tuple[Session, User]]:
    """Yield a session on ``ctx.obj["db"]`` and the user of ``--as``; commit when all went well.

    ``anonymous`` commands (what the public may do, such as searching the catalogue) yield no
    user and need no ``--as``.

    A database failure becomes a one-line ``RegisterError`` instead of a traceback.
    """
    from sqlalchemy.exc import SQLAlchemyError

    from xxgk.db.engine import make_session_factory
    from xxgk.db.migrate import open_database
    from xxgk.errors import RegisterError

    engine = open_database(ctx.obj["db"])
    session = make_session_factory(engine)()
    try:
        yield session, None if anonymous else acting_user(session, ctx.obj["user"])  # type: ignore[misc]
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", exc)).splitlines()[0]
        raise RegisterError(f"数据库操作失败：{reason}", f"database error: {reason}") from exc
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
        engine.dispose()
