"""The database of xxgk: engine and sessions, migrations, units, users, the audit log.

Shared by the register and (later) the corpus store. SQLite by default, PostgreSQL by URL.
"""

from xxgk.db.base import Base
from xxgk.db.engine import DEFAULT_URL, ENV_URL, make_engine, resolve_url, session_scope
from xxgk.db.migrate import upgrade_to_head
from xxgk.db.models import AuditEntry, Role, Unit, User

__all__ = [
    "DEFAULT_URL",
    "ENV_URL",
    "AuditEntry",
    "Base",
    "Role",
    "Unit",
    "User",
    "make_engine",
    "resolve_url",
    "session_scope",
    "upgrade_to_head",
]
