"""The web stays a thin face: no module under ``xxgk.web`` (routes, views, the app and its
session wiring) holds a database query or an ORM write of its own. Queries live in the
library's ``queries`` modules (``xxgk.register.queries``, ``xxgk.disclosure.queries``,
``xxgk.corpus.queries``, ``xxgk.db.queries``, …), which the CLI calls too.

The app and session wiring needs no exception: ``web/app.py`` only makes the engine and the
session factory, ``web/deps.py`` opens and closes a session per request and reads through
``xxgk.db.queries.row_by_id`` and ``xxgk.register.queries``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "xxgk" / "web"
QUERY = re.compile(
    r"\bselect\(|\.execute\(|\.scalars?\(|\.query\(|\bsession\.get\(|\bsession\.get_one\("
    r"|\bsession\.(?:add|add_all|delete|merge)\("
)
"""What a query looks like in SQLAlchemy 2: a select, an execute or scalar(s), a legacy query,
a row fetched by primary key, or a row added, deleted or merged by hand (``request.session``
is the browser session, not a query)."""

ALLOWED_IMPORTS = {"sqlalchemy.orm": {"Session"}, "sqlalchemy.exc": None}
"""What a web module may take from SQLAlchemy: the session type for annotations and the
exception classes (None: any of them); query builders (select, func, update, …) it may not."""

MODULES = sorted(WEB.rglob("*.py"))


def queries_in(line: str) -> int:
    """Return how many queries ``line`` runs."""
    return 0 if "request.session" in line else len(QUERY.findall(line))


def query_sites(path: Path) -> list[str]:
    """Return the lines of ``path`` that run a query (a line once per query)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines for _ in range(queries_in(line))]


def builder_imports(source: str) -> list[str]:
    """Return what ``source`` imports from SQLAlchemy beyond ``ALLOWED_IMPORTS``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.split(".")[0] == "sqlalchemy"]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy"):
            allowed = ALLOWED_IMPORTS.get(node.module or "", set())
            if allowed is not None:
                found += [f"{node.module}.{a.name}" for a in node.names if a.name not in allowed]
    return found


def _name(path: Path) -> str:
    return str(path.relative_to(WEB))


@pytest.mark.parametrize("path", MODULES, ids=_name)
def test_web_module_holds_no_query(path: Path) -> None:
    assert query_sites(path) == [], "a query belongs in the library (a package's queries.py)"
    assert builder_imports(path.read_text(encoding="utf-8")) == []


def test_the_check_sees_a_query() -> None:
    assert queries_in("rows = session.scalars(select(Unit))") == 2
    assert queries_in("app = scope.session.get(Application, 3)") == 1
    assert queries_in("scope.session.add(Event(kind='reply'))") == 1
    assert queries_in('old = request.session.get("sid")') == 0
    assert queries_in('@router.delete("/items/{item_id}")') == 0


def test_the_check_sees_a_query_builder_import() -> None:
    source = "from sqlalchemy import func, select\nfrom sqlalchemy.orm import Session, lazyload\n"
    assert builder_imports(source) == [
        "sqlalchemy.func",
        "sqlalchemy.select",
        "sqlalchemy.orm.lazyload",
    ]
    assert builder_imports("from sqlalchemy.exc import IntegrityError\nimport json\n") == []
    assert builder_imports("import sqlalchemy as sa\n") == ["sqlalchemy"]
