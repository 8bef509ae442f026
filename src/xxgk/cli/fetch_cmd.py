"""``xxgk fetch``: collect published reports from government websites (``xxgk.fetch``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.application import app
from xxgk.cli.common import fail
from xxgk.cli.dbsession import DbOption, UserOption
from xxgk.errors import InputError

if TYPE_CHECKING:
    from types import TracebackType

    from sqlalchemy import Engine

    from xxgk.db.models import User
    from xxgk.fetch import FetchRun, FetchSettings, Progress

UrlsArgument = Annotated[
    list[str] | None,
    typer.Argument(metavar="URL", help="报告页面、附件或年报栏目（列表页）的网址。"),
]


@app.command("fetch")
def fetch_command(
    urls: UrlsArgument = None,
    list_file: Annotated[
        Path | None, typer.Option("--list", help="网址清单文件（每行一个，#开头为注释）。")
    ] = None,
    out: Annotated[
        Path, typer.Option("--out", help="任务目录：原始文件、WARC存档、任务状态、报告清单。")
    ] = Path("xxgk-fetch"),
    ingest: Annotated[bool, typer.Option("--ingest", help="校验并存入报告库。")] = False,
    db: DbOption = None,
    user: UserOption = "",
    units: Annotated[
        bool, typer.Option("--units", help="从单位表中各单位的年报栏目抓取本年度报告并入库。")
    ] = False,
    year: Annotated[
        int | None, typer.Option("--year", help="只收集此年度的报告（--units 默认为上一年）。")
    ] = None,
    recheck: Annotated[
        bool, typer.Option("--recheck", help="再次运行时连同已抓取的报告和附件一并核对是否变化。")
    ] = False,
    delay: Annotated[float, typer.Option("--delay", help="同一网站两次请求之间的间隔秒数。")] = 1.0,
    per_host: Annotated[
        int, typer.Option("--per-host", min=1, max=2, help="同一网站同时进行的请求数（1或2）。")
    ] = 1,
    timeout: Annotated[float, typer.Option("--timeout", help="等待响应的秒数。")] = 30.0,
    retries: Annotated[int, typer.Option("--retries", min=0, max=10, help="失败后重试次数。")] = 3,
) -> None:
    """抓取网上发布的政府信息公开工作年度报告：栏目翻页、报告页面、附件，遵守robots.txt，存档为WARC。

    同一 --out 目录再次运行：中断的任务从断点继续；已完成的任务只抓取新增或变化的内容。

    Example:
        xxgk fetch https://www.example.gov.cn/xxgk/zfxxgknb/index.html --out nb2024
        xxgk fetch --list urls.txt --out nb2024 --ingest --as admin --db sqlite:///xxgk.db
        xxgk fetch --units --as admin --db sqlite:///xxgk.db --out nb-units
    """
    from xxgk.fetch import FetchSettings

    settings = FetchSettings(delay=delay, per_host=per_host, timeout=timeout, retries=retries)
    try:
        result = _run(
            urls or [], list_file, out, (ingest, db, user), units, year, recheck, settings
        )
    except KeyboardInterrupt:
        raise fail("已中断；再次运行同一命令即可从中断处继续。", 130) from None
    from xxgk.fetch.text import summary_lines

    typer.echo("\n".join(summary_lines(result)))
    if result.outcome.failures or result.unread:
        raise typer.Exit(1)


def _run(
    urls: list[str],
    list_file: Path | None,
    out: Path,
    store: tuple[bool, str | None, str],
    units: bool,
    year: int | None,
    recheck: bool,
    settings: FetchSettings,
) -> FetchRun:
    from xxgk.fetch import Seed, read_url_list, run, run_units

    seeds = read_url_list("\n".join(urls))
    if list_file is not None:
        try:
            text = list_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"无法读取网址清单：{exc}", str(exc), path=str(list_file)) from None
        try:
            seeds += read_url_list(text)
        except InputError as exc:
            exc.path = str(list_file)
            raise
    if not seeds and not units:
        raise InputError("请给出网址、--list 清单文件或 --units", "give URLs, --list or --units")
    ingest, db, user = store
    engine = _engine(db) if ingest or units else None
    actor = _acting(engine, user) if engine is not None else None
    with _progress() as tick:
        if units:
            assert engine is not None
            try:
                return run_units(engine, out, settings, actor=actor, year=year, progress=tick)
            finally:
                engine.dispose()
        try:
            return run(
                [Seed(u) for u in seeds],
                out,
                settings,
                engine=engine,
                actor=actor,
                year=year,
                recheck=recheck,
                progress=tick,
            )
        finally:
            if engine is not None:
                engine.dispose()


def _engine(db: str | None) -> Engine:
    from xxgk.db import make_engine, upgrade_to_head

    engine = make_engine(db)
    upgrade_to_head(engine)
    return engine


def _acting(engine: Engine, username: str) -> User:
    """The person named by ``--as``, who must be allowed to keep the report store."""
    from sqlalchemy.orm import Session

    from xxgk.cli.dbsession import acting_user
    from xxgk.db.access import CORPUS_KEEPERS, require

    with Session(engine) as session:
        actor = acting_user(session, username)
        require(actor, CORPUS_KEEPERS)
        session.expunge(actor)
    return actor


class _progress:
    """A rich progress bar on stderr: URLs finished of URLs known, and the last one."""

    def __enter__(self) -> Callable[[Progress], None]:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeElapsedColumn,
        )

        columns = (
            TextColumn("抓取"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[url]}", style="dim"),
        )
        self.bar = Progress(*columns, console=Console(stderr=True), transient=True)
        self.bar.__enter__()
        self.task = self.bar.add_task("抓取", total=None, url="")
        return self.tick

    def tick(self, p: Progress) -> None:
        finished = p.done + p.failed + p.skipped
        self.bar.update(self.task, completed=finished, total=p.total, url=p.last_url[-60:])

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.bar.__exit__(kind, value, trace)
