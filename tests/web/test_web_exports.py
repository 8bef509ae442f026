"""Exports of the overview: formula-like names stay text, and the open data workbook holds only
the reports of the viewer's units, with file names but no server paths."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session
from web_support import login, new_client

from xxgk.db.models import Role
from xxgk.db.units import get_unit
from xxgk.db.users import add_user, get_user

EVIL = '=HYPERLINK("http://x","y")'
PASSWORD = "石桥乡-单位管理-2026"


def _rename_unit(folder, code: str, name: str) -> None:
    engine = create_engine(f"sqlite:///{folder / 'web.db'}")
    with engine.begin() as conn:
        conn.execute(text("UPDATE units SET name = :n WHERE code = :c"), {"n": name, "c": code})
    engine.dispose()


def _sheet_rows(data: bytes, sheet: str) -> list[dict]:
    book = load_workbook(io.BytesIO(data))
    rows = list(book[sheet].iter_rows())
    assert rows[0][2].value == "单位"  # Chinese headers first, the keys below them
    header = [c.value for c in rows[1]]
    return [dict(zip(header, row, strict=True)) for row in rows[2:]]


def test_overview_csv_and_open_data_keep_formulas_as_text(demo):
    folder, passwords = demo
    _rename_unit(folder, "jiaoyu", EVIL)
    with new_client(folder) as c:
        login(c, "county-supervisor", passwords["county-supervisor"])
        r = c.get("/overview/export.csv")
        assert r.headers["cache-control"] == "no-store"
        cells = [cell for row in csv.reader(io.StringIO(r.text.lstrip("\ufeff"))) for cell in row]
        assert "'" + EVIL in cells
        assert EVIL not in cells
        book = c.get("/overview/opendata.xlsx").content
    units = [row["unit"] for row in _sheet_rows(book, "reports")]
    assert EVIL in [u.value for u in units]
    assert all(u.data_type == "s" for u in units)


def test_open_data_is_scoped_to_the_viewers_units_without_server_paths(demo):
    folder, passwords = demo
    engine = create_engine(f"sqlite:///{folder / 'web.db'}")
    with Session(engine) as s:
        add_user(
            session=s,
            actor=get_user(s, "admin"),
            username="shiqiao-admin",
            role=Role.UNIT_ADMIN,
            unit=get_unit(s, "jiaotong"),
            password=PASSWORD,
        )
        s.commit()
    engine.dispose()
    with new_client(folder) as c:
        login(c, "shiqiao-admin", PASSWORD)
        mine = c.get("/overview/opendata.xlsx").content
    with new_client(folder) as c:
        login(c, "admin", passwords["admin"])
        every = c.get("/overview/opendata.xlsx").content
    mine_units = {row["unit"].value for row in _sheet_rows(mine, "reports")}
    every_units = {row["unit"].value for row in _sheet_rows(every, "reports")}
    assert mine_units == {"示例县交通运输局"}
    assert len(every_units) > 2
    sources = [row["source"].value for row in _sheet_rows(every, "reports")]
    assert sources
    assert all("/" not in s and "\\" not in s for s in sources)
    assert all(s.endswith(".txt") for s in sources)


def test_rss_links_come_from_the_public_url_never_the_host_header(demo):
    import xml.etree.ElementTree as ET

    folder, _ = demo
    with new_client(folder, public_url="https://xxgk.example.gov.cn/") as c:
        feed = c.get("/public/catalogue/rss.xml", headers={"Host": "evil.example"}).content
    links = [e.text or "" for e in ET.fromstring(feed).iter("link")]
    assert links
    assert all(link.startswith("https://xxgk.example.gov.cn/public/") for link in links)
    with new_client(folder) as c:
        feed = c.get("/public/catalogue/rss.xml", headers={"Host": "evil.example"}).content
    assert b"evil.example" not in feed
