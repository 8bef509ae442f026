"""The shared database layer: URL resolution, migrations, units, users, audit."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import xxgk.campaign.models  # noqa: F401  (marks on findings)
import xxgk.records.models  # noqa: F401  (published report versions)
import xxgk.register.models  # noqa: F401  (the register's tables are part of the metadata)
from xxgk.db import make_engine, resolve_url, upgrade_to_head
from xxgk.db.audit import history
from xxgk.db.base import Base
from xxgk.db.migrate import current_revision, head_revision
from xxgk.db.models import User
from xxgk.db.unit_import import import_units
from xxgk.db.units import add_unit, get_unit, list_units
from xxgk.db.users import add_user
from xxgk.errors import RegisterError


def test_resolve_url_order(monkeypatch):
    monkeypatch.delenv("XXGK_DATABASE_URL", raising=False)
    assert resolve_url() == "sqlite:///xxgk.db"
    monkeypatch.setenv("XXGK_DATABASE_URL", "postgresql+psycopg://x@h/db")
    assert resolve_url() == "postgresql+psycopg://x@h/db"
    assert resolve_url("t.db") == "sqlite:///t.db"


@pytest.fixture
def engine(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'db.db'}")
    upgrade_to_head(eng)
    yield eng
    eng.dispose()


def test_upgrade_is_idempotent_and_reaches_head(engine):
    assert current_revision(engine) == head_revision()
    upgrade_to_head(engine)
    assert current_revision(engine) == head_revision()


def test_migrations_match_the_models(engine):
    mine = {
        m.local_table.name
        for m in Base.registry.mappers
        if m.class_.__module__
        in ("xxgk.db.models", "xxgk.register.models", "xxgk.records.models", "xxgk.campaign.models")
    }
    assert {"units", "users", "audit_log", "applications", "application_events"} <= mine
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    relevant = [d for d in diffs if _table_of(d) in mine]
    assert relevant == []


def _table_of(diff) -> str | None:
    """Return the table a diff is about (other engineers' tables are not compared here)."""
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if isinstance(part, str):
            return part
        if isinstance(part, sa.Table):
            return part.name
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
    return None


def test_schema_comparison_sees_a_missing_column(engine):
    extra = sa.MetaData()
    sa.Table(
        "units", extra, sa.Column("id", sa.Integer, primary_key=True), sa.Column("zz", sa.Integer)
    )
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), extra)
    assert "units" in {_table_of(d) for d in diffs}
    assert any(d[0] == "add_column" and _table_of(d) == "units" for d in diffs)


def test_units_import_csv_builds_the_tree_and_audits(engine, tmp_path):
    from sqlalchemy.orm import Session

    path = tmp_path / "units.csv"
    path.write_text(
        "代码,名称,类型,上级,行政区划代码\n"
        "sx,示例县人民政府,county,,659999\n"
        "qh,示例县清河镇人民政府,township,sx,\n"
        "jt,示例县交通运输局,department,sx,\n",
        encoding="utf-8-sig",
    )
    with Session(engine) as s:
        admin = add_user(session=s, actor=None, username="admin", role="admin")
        created = import_units(session=s, actor=admin, path=path)
        assert [u.code for u in created] == ["sx", "qh", "jt"]
        assert [(d, u.code) for d, u in list_units(s)] == [(0, "sx"), (1, "jt"), (1, "qh")]
        assert get_unit(s, "示例县清河镇人民政府").calendar_region == "XJ"
        assert len(history(s, "unit")) == 3


def test_units_import_refuses_the_whole_file_on_a_bad_row(engine, tmp_path):
    from sqlalchemy.orm import Session

    path = tmp_path / "units.csv"
    path.write_text("code,name,kind\na,甲单位,county\nb,乙单位,planet\n", encoding="utf-8")
    with Session(engine) as s:
        admin = add_user(session=s, actor=None, username="admin", role="admin")
        s.commit()
        with pytest.raises(RegisterError, match="第3行"):
            import_units(session=s, actor=admin, path=path)
        assert list_units(s) == []


def test_first_user_only_may_be_created_without_an_actor(engine):
    from sqlalchemy.orm import Session

    from xxgk.db.access import AccessError

    with Session(engine) as s:
        add_user(session=s, actor=None, username="admin", role="系统管理员")
        with pytest.raises(AccessError):
            add_user(session=s, actor=None, username="intruder", role="admin")
        with pytest.raises(RegisterError, match="division|行政区划代码"):
            add_unit(
                session=s,
                actor=s.get(User, 1),
                code="x",
                name="x",
                kind="county",
                division_code="12",
            )


def test_unit_admin_adds_units_below_their_own_only(engine):
    from sqlalchemy.orm import Session

    from xxgk.db.access import AccessError

    with Session(engine) as s:
        admin = add_user(session=s, actor=None, username="admin", role="admin")
        county = add_unit(session=s, actor=admin, code="c", name="示例县人民政府", kind="county")
        other = add_unit(session=s, actor=admin, code="o", name="另一县人民政府", kind="county")
        boss = add_user(session=s, actor=admin, username="boss", role="unit_admin", unit=county)
        town = add_unit(
            session=s,
            actor=boss,
            code="t",
            name="示例县某镇人民政府",
            kind="township",
            parent=county,
        )
        assert town.parent_id == county.id
        with pytest.raises(AccessError):
            add_unit(session=s, actor=boss, code="r", name="新根单位", kind="county")
        with pytest.raises(AccessError):
            add_unit(
                session=s,
                actor=boss,
                code="x",
                name="另一县某镇人民政府",
                kind="township",
                parent=other,
            )
