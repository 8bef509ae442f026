"""Fixtures of the fetch tests: the local portal (one per test, so hit counts are the test's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fetch_site import Portal, Site, build_portal, make_report
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.models import Unit


@pytest.fixture(scope="session")
def report_pdf() -> bytes:
    """The PDF of the portal's page-and-PDF report (LibreOffice, made once per session)."""
    from xxgk.render.pdf import render_pdf

    return render_pdf(make_report("示例县自然资源局", 2024, seed=202))


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site().start()
    yield s
    s.stop()


@pytest.fixture
def portal(site: Site, report_pdf: bytes) -> Portal:
    return build_portal(site, pdf=report_pdf)


UNITS = (
    # code, name, kind, parent code
    ("shili-x", "示例县人民政府", "county", None),
    ("qinghe", "示例县清河镇人民政府", "township", "shili-x"),
    ("shiqiao", "示例县石桥乡人民政府", "township", "shili-x"),
    ("jiaotong", "示例县交通运输局", "department", "shili-x"),
    ("jiaoyu", "示例县教育局", "department", "shili-x"),
    ("minzheng", "示例县民政局", "department", "shili-x"),
    ("ziran", "示例县自然资源局", "department", "shili-x"),
)


def add_units(engine: Engine) -> dict[str, int]:
    """Insert the portal's units; return their ids by code."""
    ids: dict[str, int] = {}
    with Session(engine) as session, session.begin():
        for code, name, kind, parent in UNITS:
            unit = Unit(code=code, name=name, kind=kind, parent_id=ids.get(parent or ""))
            session.add(unit)
            session.flush()
            ids[code] = unit.id
    return ids


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty report store with the portal's units, on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
        upgrade_to_head(engine)
    else:
        engine = request.getfixturevalue("clean_pg_engine")
    add_units(engine)
    yield engine
    if request.param == "sqlite":
        engine.dispose()
