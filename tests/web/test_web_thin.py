"""The web stays a thin face: route handlers hold no database query of their own, and the view
modules hold no more than they do today (queries move into the library's ``queries`` modules,
which the CLI calls too; the ceilings below only ever go down)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

WEB = Path(__file__).resolve().parents[2] / "src" / "xxgk" / "web"
QUERY = re.compile(
    r"\bselect\(|\.execute\(|\.scalars?\(|\.query\(|\bsession\.get\(|\bsession\.get_one\("
)
"""What a query looks like in SQLAlchemy 2: a select, an execute or scalar(s), a legacy query,
or a row fetched by primary key (``request.session`` is the browser session, not a query)."""

CEILINGS = {
    "supervision.py": 2,
}
"""Query sites left in the view modules, to move into the library; lower them as they go."""


def queries_in(line: str) -> int:
    """Return how many queries ``line`` runs."""
    return 0 if "request.session" in line else len(QUERY.findall(line))


def query_sites(path: Path) -> list[str]:
    """Return the lines of ``path`` that run a query (a line once per query)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines for _ in range(queries_in(line))]


@pytest.mark.parametrize("path", sorted((WEB / "routes").glob("*.py")), ids=lambda p: p.name)
def test_route_handlers_hold_no_query(path: Path) -> None:
    assert query_sites(path) == []


def test_view_modules_hold_no_new_query() -> None:
    found = {p.name: len(query_sites(p)) for p in sorted(WEB.glob("*.py"))}
    grown = {name: n for name, n in found.items() if n > CEILINGS.get(name, 0)}
    assert grown == {}, "a query belongs in the library (a package's queries.py), not the web"


def test_the_check_sees_a_query() -> None:
    assert queries_in("rows = session.scalars(select(Unit))") == 2
    assert queries_in("app = scope.session.get(Application, 3)") == 1
    assert queries_in('old = request.session.get("sid")') == 0
