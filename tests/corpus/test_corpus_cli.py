"""The commands ``xxgk corpus …`` and ``xxgk aggregate`` on a small SQLite store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_support import add_tree, make_report, write_report
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from xxgk.cli import app
from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.users import add_user

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    engine = make_engine(url)
    upgrade_to_head(engine)
    add_tree(engine)
    with Session(engine) as session, session.begin():
        add_user(session=session, actor=None, username="admin", role="admin")
    engine.dispose()
    folder = tmp_path / "in"
    folder.mkdir()
    write_report(folder, "q24.txt", make_report("示例县清河镇人民政府", 2024, 61))
    write_report(folder, "q23.txt", make_report("示例县清河镇人民政府", 2023, 62))
    write_report(folder, "s24.txt", make_report("示例县石桥乡人民政府", 2024, 63), "pipes")
    write_report(folder, "x24.txt", make_report("虚拟县东山乡人民政府", 2024, 64))
    return url


def _run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_ingest_then_every_read_command(db: str, tmp_path: Path) -> None:
    code, out = _run(
        "corpus", "ingest", "--as", "admin", str(tmp_path / "in"), "--db", db, "--jobs", "1"
    )
    assert code == 0, out
    assert "新增4份" in out
    assert "虚拟县东山乡人民政府" in out
    code, out = _run(
        "corpus", "ingest", "--as", "admin", str(tmp_path / "in"), "--db", db, "--jobs", "1"
    )
    assert "未变化4份" in out
    code, out = _run("corpus", "unmatched", "--db", db)
    assert "共1份未匹配报告" in out
    code, out = _run("corpus", "stats", "--by", "year", "--format", "json", "--db", db)
    assert [row["year"] for row in json.loads(out)] == [2023, 2024]
    code, out = _run("corpus", "stats", "--rank", "granted", "--min-n", "1000", "--db", db)
    assert code == 0
    assert out.count("样本不足1000") == 4
    code, out = _run("corpus", "findings", "--year", "2024", "--db", db)
    assert "跨年度发现" in out
    code, out = _run("corpus", "export", "--to", "csv", "-o", str(tmp_path / "x"), "--db", db)
    assert code == 0
    assert (tmp_path / "x" / "cells.csv").exists()
    code, out = _run("corpus", "versions", "--unit", "qinghe", "--year", "2024", "--db", db)
    assert "第1版（当前）" in out


def test_aggregate_json_and_docx(db: str, tmp_path: Path) -> None:
    _run("corpus", "ingest", "--as", "admin", str(tmp_path / "in"), "--db", db, "--jobs", "1")
    code, out = _run("aggregate", "--unit", "shili-x", "--year", "2024", "--to", "json", "--db", db)
    assert code == 0, out
    data = json.loads(out)
    assert data["counts"] == {"reported": 2, "missing": 1, "late": 0, "errors": 0}
    assert [m["unit"] for m in data["members"] if m["status"] == ["missing"]] == [
        "示例县交通运输局"
    ]
    target = tmp_path / "agg.docx"
    code, out = _run(
        "aggregate",
        "--unit",
        "shili-x",
        "--year",
        "2024",
        "--to",
        "docx",
        "-o",
        str(target),
        "--db",
        db,
    )
    assert code == 0, out
    assert target.read_bytes()[:2] == b"PK"
    assert "缺报" in out


def test_uninitialised_database_is_one_clear_error(tmp_path: Path) -> None:
    code, out = _run("corpus", "stats", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert code != 0
    assert "xxgk register init" in str(
        runner.invoke(
            app, ["corpus", "stats", "--db", f"sqlite:///{tmp_path / 'none.db'}"]
        ).exception
    )


def test_similar_and_chart_commands(db: str, tmp_path: Path) -> None:
    from xxgk.corpus.charts import cjk_font

    _run("corpus", "ingest", "--as", "admin", str(tmp_path / "in"), "--db", db, "--jobs", "1")
    code, out = _run("corpus", "similar", "--year", "2024", "--json", "--db", db)
    assert code == 0, out
    assert isinstance(json.loads(out), list)
    code, out = _run("corpus", "similar", "--year", "2024", "--threshold", "1.5", "--db", db)
    assert code != 0
    if cjk_font() is None:
        pytest.skip("no CJK font installed on this machine")
    target = tmp_path / "trend.svg"
    code, out = _run("corpus", "chart", "--kind", "trend", "-o", str(target), "--db", db)
    assert code == 0, out
    assert b"<svg" in target.read_bytes()
    code, out = _run(
        "corpus", "chart", "--kind", "ranking", "-o", str(tmp_path / "r.gif"), "--db", db
    )
    assert code != 0


def test_stats_scoped_to_a_subtree(db: str, tmp_path: Path) -> None:
    _run("corpus", "ingest", "--as", "admin", str(tmp_path / "in"), "--db", db, "--jobs", "1")
    code, out = _run("corpus", "stats", "--unit", "shiqiao", "--format", "json", "--db", db)
    assert code == 0, out
    assert [row["label"] for row in json.loads(out)] == ["示例县石桥乡人民政府"]
    code, out = _run(
        "corpus", "stats", "--by", "year", "--unit", "shili-x", "-f", "json", "--db", db
    )
    assert [(row["year"], row["reports"]) for row in json.loads(out)] == [(2023, 1), (2024, 2)]


def test_collect_lists_every_file_and_match_files_an_unmatched_report(
    db: str, tmp_path: Path
) -> None:
    import io
    import zipfile

    engine = make_engine(db)
    with Session(engine) as session, session.begin():
        from xxgk.db.models import Unit, User

        county = session.query(Unit).filter_by(code="shili-x").one()
        admin = session.query(User).filter_by(username="admin").one()
        add_user(session=session, actor=admin, username="sup", role="supervisor", unit=county)
    engine.dispose()
    folder = tmp_path / "in"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("s24.txt", (folder / "s24.txt").read_bytes())
        package.writestr("坏.pdf", b"%PDF-1.7 broken")
    (tmp_path / "batch.zip").write_bytes(buffer.getvalue())
    args = ("--as", "sup", "--db", db)
    code, out = _run(
        "corpus", "collect", str(tmp_path / "batch.zip"), str(folder / "q24.txt"), *args
    )
    assert code == 2, out  # one file was refused; the others are stored all the same
    lines = {line.split("\t")[0].rsplit("/", 1)[-1]: line for line in out.splitlines()}
    assert "示例县石桥乡人民政府" in lines["s24.txt"]
    assert "已存入" in lines["s24.txt"]
    assert "未存入" in lines["坏.pdf"]
    assert "第1版" in lines["q24.txt"]
    code, out = _run("corpus", "collect", str(folder / "x24.txt"), *args)
    assert "不是您管辖范围内的单位" not in out  # 虚拟县 is in no tree: unmatched, stored
    assert "未匹配" in out
    code, out = _run("corpus", "unmatched", "--db", db)
    report = out.splitlines()[0].split("\t")[0]
    code, out = _run("corpus", "match", report, "qinghe", *args)
    assert code == 0, out
    assert "已将“虚拟县东山乡人民政府”的报告归入单位（第2版）" in out
