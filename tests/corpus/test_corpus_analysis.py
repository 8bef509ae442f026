"""Stats, 雷同 pairs, open-data export and charts over a small store of fictional units."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from corpus_support import make_report, write_report
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xxgk.corpus import ingest_paths
from xxgk.corpus.charts import chart_format, cjk_font, mix_chart, ranking_chart, trend_chart
from xxgk.corpus.export import CELL_KEYS, export
from xxgk.corpus.similarity import similar_sections
from xxgk.corpus.stats import Figures, Rate, by_region, by_unit, by_year, rank
from xxgk.db.models import Unit
from xxgk.errors import XxgkError
from xxgk.model.report import SectionText

COPIED = (
    "一是清河沿岸的村务公开栏更新不及时，部分村组仍张贴三年前的财务明细，群众查阅不便。"
    "二是镇便民服务中心的政府信息查阅点设在二楼，行动不便的老年人难以到达。"
    "三是镇政府网站的乡村振兴专栏长期只转载上级文件，本镇的项目进展和资金使用情况公开不足。"
    "下一步将每月核对公开栏内容，把查阅点迁到一楼大厅，并按项目逐一公开资金拨付进度。"
)
OWN = (
    "交通运输执法领域的行政处罚决定公开不够及时，个别案件在作出决定二十个工作日后才在网上公布。"
    "农村公路养护资金的分配结果只在局内通报，没有向社会公开；客运班线调整的听证材料公开不完整。"
    "今后将建立处罚决定七日内公开的台账，养护资金分配结果随文公开，并完善听证公告与材料同步发布。"
)


def _with_text(report, problems: str, tag: str):  # type: ignore[no-untyped-def]
    for key in ("overview", "other"):
        report.sections[key] = SectionText(key, f"{tag}{report.organization}本年度情况说明。")
    report.sections["problems"] = SectionText("五、存在的主要问题及改进情况", problems)
    return report


@pytest.fixture
def filled(store: Engine, tmp_path: Path) -> Engine:
    folder = tmp_path / "reports"
    folder.mkdir()
    reports = [
        _with_text(make_report("示例县清河镇人民政府", 2024, 51), COPIED, "甲"),
        _with_text(
            make_report("示例县石桥乡人民政府", 2024, 52), COPIED.replace("清河", "石桥"), "乙"
        ),
        _with_text(make_report("示例县交通运输局", 2024, 53), OWN, "丙"),
        make_report("示例县清河镇人民政府", 2023, 54),
        make_report("虚拟县某某局", 2024, 55),
    ]
    for i, report in enumerate(reports):
        write_report(folder, f"{i}.txt", report)
    assert ingest_paths(store, [folder], jobs=1).added == 5
    return store


def test_rate_text_carries_counts() -> None:
    assert Rate(1, 8).text() == "12.5%（1/8）"
    assert Rate(0, 0).value is None
    assert Rate(0, 0).text() == "—（0/0）"


def test_rank_leaves_small_samples_unranked() -> None:
    big, small = Figures("大单位"), Figures("小单位")
    big.counts["handled"], big.outcomes["granted"] = 100, 40
    small.counts["handled"], small.outcomes["granted"] = 2, 2
    ranked, unranked = rank([small, big], "granted", min_n=30)
    assert [r.label for r in ranked] == ["大单位"]
    assert [r.label for r in unranked] == ["小单位"]


def test_stats_per_unit_region_and_year(filled: Engine) -> None:
    with Session(filled) as session:
        units = by_unit(session, 2024)
        regions = {f.label: f for f in by_region(session, 2024)}
        years = by_year(session)
    assert len(units) == 4
    assert any(f.label.endswith("（未匹配）") for f in units)
    county = regions["示例市示例县人民政府"]
    assert county.reports == 3
    assert county.counts["new"] == sum(
        f.counts["new"] for f in units if f.label.startswith("示例县")
    )
    assert [(f.year, f.reports) for f in years] == [(2023, 1), (2024, 4)]
    assert years[1].to_dict()["granted_n"] == years[1].counts["handled"]


def test_copied_sections_between_bodies_are_paired(filled: Engine) -> None:
    with Session(filled) as session:
        pairs = similar_sections(session, 2024)
    assert [(p.section, {p.first.name, p.second.name}) for p in pairs] == [
        ("problems", {"示例县清河镇人民政府", "示例县石桥乡人民政府"})
    ]
    assert 0.8 <= pairs[0].score <= 1.0


def test_export_every_format(filled: Engine, tmp_path: Path) -> None:
    with Session(filled) as session:
        for fmt in ("csv", "jsonl", "parquet", "xlsx"):
            paths = export(session, fmt, tmp_path / fmt, year=2024)
            assert all(p.stat().st_size > 0 for p in paths)
    with (tmp_path / "csv" / "reports.csv").open(encoding="utf-8-sig") as handle:
        assert next(handle).startswith("报告编号,单位代码,单位")  # Chinese headers, then keys
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    assert set(CELL_KEYS) <= set(rows[0])
    lines = (tmp_path / "jsonl" / "cells.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4 * len(CELL_KEYS)
    first = json.loads(lines[0])
    assert set(first) == {"report_id", "unit", "year", "key", "value", "source", "place"}
    assert first["place"]  # the parser says where each value was read
    import pyarrow.parquet as pq

    table = pq.read_table(tmp_path / "parquet" / "reports.parquet")
    assert table.num_rows == 4
    assert str(table.schema.field("active.fees").type) == "decimal128(20, 4)"
    from openpyxl import load_workbook

    book = load_workbook(tmp_path / "xlsx" / "corpus.xlsx", read_only=True)
    assert book.sheetnames == ["reports", "cells", "findings"]


def test_export_refuses_unknown_format(filled: Engine, tmp_path: Path) -> None:
    with Session(filled) as session, pytest.raises(XxgkError, match="不支持的导出格式"):
        export(session, "docx", tmp_path)


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font installed on this machine")
def test_charts_png_and_svg(filled: Engine) -> None:
    with Session(filled) as session:
        years = by_year(session)
        units = by_unit(session, 2024)
    assert trend_chart(years, "png").startswith(b"\x89PNG")
    svg = mix_chart(years, "svg")
    assert b"<svg" in svg
    assert ranking_chart(units, "granted", "png", min_n=1).startswith(b"\x89PNG")


def test_chart_format_from_suffix() -> None:
    assert chart_format(Path("a.SVG")) == "svg"
    with pytest.raises(XxgkError, match=".png 或 .svg"):
        chart_format(Path("a.pdf"))


def test_unit_names_are_used(filled: Engine) -> None:
    with Session(filled) as session:
        names = set(session.scalars(select(Unit.name)))
        labels = {f.label for f in by_unit(session, 2024)}
    assert labels - names == {"虚拟县某某局（未匹配）"}
