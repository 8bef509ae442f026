"""Helpers of the corpus tests: report files for fictional units."""

from __future__ import annotations

import random
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.model.cells import request_key
from xxgk.model.report import Report
from xxgk.render.text import render_text
from xxgk.synth import random_report

TREE = (
    # code, name, kind, parent code
    ("shili", "示例市人民政府", "prefecture", None),
    ("shili-x", "示例市示例县人民政府", "county", "shili"),
    ("qinghe", "示例县清河镇人民政府", "township", "shili-x"),
    ("shiqiao", "示例县石桥乡人民政府", "township", "shili-x"),
    ("jiaotong", "示例县交通运输局", "department", "shili-x"),
    ("yangli-x", "示例市样例县人民政府", "county", "shili"),
    ("liulin", "样例县柳林镇人民政府", "township", "yangli-x"),
)


def add_tree(engine: Engine, tree: tuple[tuple[str, str, str, str | None], ...] = TREE) -> None:
    """Insert the units of ``tree`` (parents first)."""
    with Session(engine) as session, session.begin():
        ids: dict[str, int] = {}
        for code, name, kind, parent in tree:
            unit = Unit(code=code, name=name, kind=kind, parent_id=ids.get(parent or ""))
            session.add(unit)
            session.flush()
            ids[code] = unit.id


def write_report(folder: Path, name: str, report: Report, layout: str = "tabs") -> Path:
    """Write ``report`` as a text file (the parser reads it back) and return its path."""
    path = folder / name
    path.write_text(render_text(report, layout), encoding="utf-8")
    return path


def make_report(organization: str, year: int, seed: int, **kwargs: object) -> Report:
    """A consistent random report of ``organization`` for ``year``."""
    return random_report(random.Random(seed), organization=organization, year=year, **kwargs)


def add_granted(report: Report, row: str, count: int) -> None:
    """Add ``count`` natural-person requests to Table 三 ``row`` (e.g. new, carried_over), all
    granted, so the report's totals stay consistent."""
    for name in (row, "granted", "total_handled"):
        for column in ("natural_person", "total"):
            report.values[request_key(name, column)] += count
