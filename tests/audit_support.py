"""Every write is attributable: a watch over the SQL a test makes the application send.

Each transaction that inserts, updates or deletes rows of a table holding the register's,
the disclosure's or the report store's data must also insert an audit entry (``audit_log``)
before it commits; a commit without one is a write nobody can be held to. Bookkeeping that
is not a record of the office (sessions, login throttling, the chain head, the search index,
the migrations, the audit chain's verification checkpoint) is exempt; logins are audited by
action, not by table. A background job's row is created with its audit entry (who started
what), but the runner's later updates of it (progress, results, the end) are bookkeeping.

Only what the application writes is watched: requests are served in other threads than the
test's own (TestClient's portal, the thread pool of sync routes, fetch jobs), so a test's
own set-up behind xxgk's back (a raw UPDATE to plant a hostile unit name) is not counted.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

EXEMPT = frozenset(
    {
        "audit_log",
        "audit_head",
        "audit_checkpoint",
        "login_sessions",
        "login_throttle",
        "disclosure_search",
        "alembic_version",
    }
)
EXEMPT_UPDATES = frozenset({"jobs"})
"""Tables whose rows are created with an audit entry but updated as bookkeeping."""
_WRITE = re.compile(r"^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+\"?(\w+)\"?", re.I)


@dataclass
class AuditWatch:
    """The transactions that committed writes without an audit entry (tables and SQL)."""

    unaudited: list[tuple[set[str], list[str]]] = field(default_factory=list)

    def report(self) -> str:
        return "\n".join(
            f"committed without an audit entry: {sorted(tables)}\n  " + "\n  ".join(sql[:5])
            for tables, sql in self.unaudited
        )


@contextmanager
def audit_watch() -> Iterator[AuditWatch]:
    """Watch every engine of this process inside the block."""
    watch = AuditWatch()

    def before(conn: Connection, _cursor, statement: str, *_args) -> None:  # type: ignore[no-untyped-def]
        match = _WRITE.match(statement)
        if match is None or threading.current_thread() is threading.main_thread():
            return
        table = match[2].lower()
        if table in EXEMPT_UPDATES and match[1].upper() == "UPDATE":
            return
        state = conn.info.setdefault("xxgk_audit_watch", {"tables": set(), "sql": [], "audit": 0})
        if table == "audit_log":
            state["audit"] += 1
        elif table not in EXEMPT and not table.startswith("_alembic_tmp_"):
            state["tables"].add(table)
            state["sql"].append(" ".join(statement.split())[:160])

    def commit(conn: Connection) -> None:
        state = conn.info.pop("xxgk_audit_watch", None)
        if state and state["tables"] and not state["audit"]:
            watch.unaudited.append((state["tables"], state["sql"]))

    def rollback(conn: Connection) -> None:
        conn.info.pop("xxgk_audit_watch", None)

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "commit", commit)
    event.listen(Engine, "rollback", rollback)
    try:
        yield watch
    finally:
        event.remove(Engine, "before_cursor_execute", before)
        event.remove(Engine, "commit", commit)
        event.remove(Engine, "rollback", rollback)
