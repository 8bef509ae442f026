"""``xxgk corpus …``: the store of many reports — ingest, versions, stats, 雷同, export, charts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.common import (
    JobsOption,
    OcrChoice,
    OcrOption,
    OutputOption,
    PathsArgument,
    write_output,
)
from xxgk.cli.dbsession import UserOption
from xxgk.errors import InputError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.orm import Session

    from xxgk.db.models import User

corpus_app = typer.Typer(
    name="corpus",
    help="报告库：批量入库、版本、统计、雷同检测、开放数据导出与图表。",
    no_args_is_help=True,
)
app.add_typer(corpus_app, name="corpus")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db", metavar="URL", help="数据库URL或SQLite文件（默认 XXGK_DATABASE_URL 或 xxgk.db）"
    ),
]
YearOption = Annotated[int | None, typer.Option("--year", "-y", help="报告年度")]
ScopeOption = Annotated[
    str | None, typer.Option("--unit", "-u", help="只统计该单位及其全部下级（代码或名称）")
]
RATE_HELP = (
    "排名所用比率：granted 公开率、partial、denied、unavailable、not_processed、other、"
    "corrected_rate 纠正率"
)


class StatsBy(StrEnum):
    unit = "unit"
    region = "region"
    year = "year"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class ChartKind(StrEnum):
    trend = "trend"
    mix = "mix"
    ranking = "ranking"


@contextmanager
def _session(db: str | None) -> Iterator[Session]:
    """Yield a session in a transaction on an up-to-date database (imported only when used)."""
    from sqlalchemy.orm import Session

    from xxgk.db.migrate import open_database

    engine = open_database(db)
    try:
        with Session(engine) as session, session.begin():
            yield session
    finally:
        engine.dispose()


def _acting(engine: Engine, username: str) -> User:
    """Return the acting user of ``--as`` read on its own, to be named by every written chunk."""
    from sqlalchemy.orm import Session

    from xxgk.cli.dbsession import acting_user

    with Session(engine) as session:
        actor = acting_user(session, username)
        session.expunge(actor)
    return actor


def _scope(session: Session, unit: str | None) -> set[int] | None:
    from xxgk.corpus.stats import scope
    from xxgk.db.units import get_unit

    return None if unit is None else scope(session, get_unit(session, unit))


def _check_rate(rate: str) -> None:
    from xxgk.corpus.stats import RATES

    if rate not in RATES:
        raise InputError(f"未知的比率“{rate}”：{RATE_HELP}", f"unknown rate {rate!r}")


@corpus_app.command("ingest")
def ingest_command(
    paths: PathsArgument,
    user: UserOption = "",
    db: DbOption = None,
    jobs: JobsOption = None,
    ocr: OcrOption = OcrChoice.auto,
) -> None:
    """解析、校验报告文件并存入报告库（同一文件重复入库不变；文件变化则成为新版本）。

    \b
    Example:
        xxgk corpus ingest reports/ --as admin --db sqlite:///xxgk.db
        xxgk corpus ingest 扫描件/ --as admin --ocr always
    """
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from xxgk.corpus import ingest_paths
    from xxgk.corpus.text import summary_lines
    from xxgk.db import make_engine, upgrade_to_head

    engine = make_engine(db)
    try:
        upgrade_to_head(engine)
        actor = _acting(engine, user)
        columns = (TextColumn("入库"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
            task = bar.add_task("入库", total=None)
            summary = ingest_paths(
                engine,
                paths,
                jobs=jobs,
                progress=lambda n: bar.advance(task, n),
                actor=actor,
                ocr=ocr.value,
            )
    finally:
        engine.dispose()
    typer.echo("\n".join(summary_lines(summary)))
    if summary.failed:
        raise typer.Exit(2)


@corpus_app.command("collect")
def collect_command(
    paths: PathsArgument,
    user: UserOption = "",
    year: YearOption = None,
    db: DbOption = None,
) -> None:
    """收集所辖单位的年度报告存入报告库（可含ZIP压缩包），逐份列出结果（同网页“报告收集”）。

    只存入操作用户管辖范围内单位的报告；报告主体未能匹配的存为未匹配报告，
    可用 corpus match 指定其所属单位。

    \b
    Example:
        xxgk corpus collect 一月报送.zip 补报/ --as county-supervisor --year 2025
    """
    from xxgk.campaign.collect import collect_reports, collected_files, result_lines
    from xxgk.cli.dbsession import acting_user

    with _session(db) as session:
        actor = acting_user(session, user)
        results = collect_reports(session, actor, collected_files(paths), default_year=year)
    typer.echo("\n".join(result_lines(results)))
    if any(r.refused for r in results):
        raise typer.Exit(2)


@corpus_app.command("match")
def match_command(
    report: Annotated[int, typer.Argument(help="未匹配报告的编号（corpus unmatched 第一列）")],
    unit: Annotated[str, typer.Argument(help="所属单位（代码或名称）")],
    user: UserOption = "",
    db: DbOption = None,
) -> None:
    """把一份未匹配的报告归入所辖单位（今后同名报告自动归入该单位）。

    Example:
        xxgk corpus match 42 qinghe --as county-supervisor
    """
    from xxgk.campaign.collect import match_report
    from xxgk.cli.dbsession import acting_user
    from xxgk.db.units import get_unit

    with _session(db) as session:
        stored = match_report(session, acting_user(session, user), report, get_unit(session, unit))
        typer.echo(f"已将“{stored.organization}”的报告归入单位（第{stored.version}版）。")


@corpus_app.command("unmatched")
def unmatched_command(db: DbOption = None) -> None:
    """列出未匹配到单位的报告（在单位表中补充后运行 rematch）。

    Example:
        xxgk corpus unmatched --db sqlite:///xxgk.db
    """
    from xxgk.corpus.queries import unmatched

    with _session(db) as session:
        rows = unmatched(session)
        for row in rows:
            name = row.organization or "（未识别报告主体）"
            typer.echo(f"{row.id}\t{name}\t{row.year or ''}\t{row.source}")
    typer.echo(f"共{len(rows)}份未匹配报告。")


@corpus_app.command("rematch")
def rematch_command(user: UserOption = "", db: DbOption = None) -> None:
    """按现有单位表重新匹配未匹配的报告，并补做跨年度检查。

    Example:
        xxgk corpus rematch --as admin --db sqlite:///xxgk.db
    """
    from xxgk.cli.dbsession import acting_user
    from xxgk.corpus.queries import rematch

    with _session(db) as session:
        count = rematch(session, acting_user(session, user))
    typer.echo(f"新匹配{count}份报告。")


@corpus_app.command("versions")
def versions_command(
    unit: Annotated[str, typer.Option("--unit", "-u", help="单位代码或名称")],
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度")],
    db: DbOption = None,
) -> None:
    """列出某单位某年度报告的各个版本，以及每一版相对上一版变化的单元格。

    Example:
        xxgk corpus versions --unit 示例县清河镇人民政府 --year 2024
    """
    from xxgk.corpus.codec import cells_dict
    from xxgk.corpus.queries import versions
    from xxgk.db.units import get_unit
    from xxgk.model.cells import cell_title

    with _session(db) as session:
        stored = versions(session, get_unit(session, unit), year)
        if not stored:
            typer.echo(f"{unit} 没有{year}年度的报告。")
        before = None
        for row in stored:
            mark = "（当前）" if row.current else ""
            typer.echo(
                f"第{row.version}版{mark}  入库{row.ingested_at:%Y-%m-%d %H:%M}  "
                f"{row.source}  sha256:{row.source_hash[:12]}"
            )
            if before is not None:
                old = cells_dict(before.cells)
                for key, value in cells_dict(row.cells).items():
                    if old[key] != value:
                        typer.echo(f"    {cell_title(key)}：{old[key]} → {value}")
            before = row


@corpus_app.command("findings")
def findings_command(year: YearOption = None, db: DbOption = None) -> None:
    """列出跨年度检查的发现（上年结转、现行有效衔接、与上年度雷同）。

    Example:
        xxgk corpus findings --year 2024
    """
    from xxgk.corpus.queries import cross_year_findings

    with _session(db) as session:
        found = cross_year_findings(session, year)
        for report, finding in found:
            typer.echo(
                f"{report.organization}\t{report.year}\t{finding.severity}\t"
                f"{finding.code}\t{finding.message}"
            )
    typer.echo(f"共{len(found)}项跨年度发现。")


@corpus_app.command("stats")
def stats_command(
    by: Annotated[
        StatsBy, typer.Option("--by", help="按单位、地区（含下级）或年度统计")
    ] = StatsBy.unit,
    year: YearOption = None,
    rank_by: Annotated[str | None, typer.Option("--rank", metavar="RATE", help=RATE_HELP)] = None,
    min_n: Annotated[int, typer.Option("--min-n", help="参与排名的最小样本数")] = 30,
    output_format: Annotated[TableFormat, typer.Option("--format", "-f")] = TableFormat.table,
    output: OutputOption = None,
    unit: ScopeOption = None,
    db: DbOption = None,
) -> None:
    """申请数量、办理结果比例（附件数）、结转、复议诉讼与纠正率、逾期和错误报告。

    Example:
        xxgk corpus stats --by unit --year 2024 --rank granted --min-n 30
    """
    from xxgk.corpus import stats
    from xxgk.corpus.text import stats_csv, stats_json, stats_text

    if rank_by is not None:
        _check_rate(rank_by)
    with _session(db) as session:
        if by is StatsBy.region:
            if year is None:
                raise InputError("按地区统计需要 --year", "--by region needs --year")
            rows = stats.by_region(session, year)
        elif by is StatsBy.year:
            rows = stats.by_year(session, _scope(session, unit))
        else:
            rows = stats.by_unit(session, year, _scope(session, unit))
    if output_format is TableFormat.csv:
        text = stats_csv(rows)
    elif output_format is TableFormat.json:
        text = stats_json(rows)
    else:
        text = stats_text(rows, rank_by, min_n)
    write_output(text, output)


@corpus_app.command("similar")
def similar_command(
    year: Annotated[int, typer.Option("--year", "-y", help="报告年度")],
    threshold: Annotated[float, typer.Option(help="相似度阈值（0–1）")] = 0.8,
    as_json: Annotated[bool, typer.Option("--json", help="输出 JSON")] = False,
    db: DbOption = None,
) -> None:
    """检测同一年度不同单位之间雷同的段落（MinHash/LSH），按相似度列出成对结果。

    Example:
        xxgk corpus similar --year 2024 --threshold 0.8
    """
    from xxgk.corpus.similarity import similar_sections
    from xxgk.corpus.text import pair_lines

    if not 0 < threshold <= 1:
        raise InputError("相似度阈值应在0到1之间", "threshold must be in (0, 1]")
    with _session(db) as session:
        pairs = similar_sections(session, year, threshold=threshold)
    if as_json:
        typer.echo(json.dumps([p.to_dict() for p in pairs], ensure_ascii=False, indent=2))
    else:
        typer.echo("\n".join(pair_lines(pairs)))


@corpus_app.command("export")
def export_command(
    to: Annotated[str, typer.Option("--to", help="csv、xlsx、parquet 或 jsonl")],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出目录")] = Path("corpus-export"),
    year: YearOption = None,
    db: DbOption = None,
) -> None:
    """导出开放数据：每份报告一行（全部单元格为列）、长表（单位、年度、键、值、来源）和发现。

    Example:
        xxgk corpus export --to parquet --out corpus-export
    """
    from xxgk.corpus.export import export

    with _session(db) as session:
        paths = export(session, to, out, year=year)
    typer.echo("\n".join(str(p) for p in paths))


@corpus_app.command("chart")
def chart_command(
    kind: Annotated[
        ChartKind, typer.Option("--kind", help="trend 年度趋势、mix 办理结果构成、ranking 排名")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="输出文件（.png 或 .svg）")],
    year: YearOption = None,
    rank_by: Annotated[str, typer.Option("--rank", metavar="RATE", help=RATE_HELP)] = "granted",
    min_n: Annotated[int, typer.Option("--min-n", help="参与排名的最小样本数")] = 30,
    unit: ScopeOption = None,
    db: DbOption = None,
) -> None:
    """绘制图表（中文标签，需要中文字体）。

    Example:
        xxgk corpus chart --kind trend --out trend.svg
    """
    from xxgk.corpus import charts, stats

    fmt = charts.chart_format(out)
    with _session(db) as session:
        if kind is ChartKind.ranking:
            _check_rate(rank_by)
            rows = stats.by_unit(session, year, _scope(session, unit))
            data = charts.ranking_chart(rows, rank_by, fmt, min_n=min_n)
        else:
            scoped = stats.by_year(session, _scope(session, unit))
            years = [f for f in scoped if year is None or f.year == year]
            draw = charts.trend_chart if kind is ChartKind.trend else charts.mix_chart
            data = draw(years, fmt)
    charts.write_chart(data, out)
    typer.echo(str(out))
