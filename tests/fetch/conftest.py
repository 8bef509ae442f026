"""Fixtures of the fetch tests: the local portal (one per test, so hit counts are the test's)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fetch_site import Portal, Site, add_units, build_portal, make_report
from sqlalchemy import Engine

from xxgk.db import make_engine, upgrade_to_head


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
