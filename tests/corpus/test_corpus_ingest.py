"""Ingest into the store: matching, no-op re-ingest, versions, unmatched, cross-year findings."""

from __future__ import annotations

from pathlib import Path

from corpus_support import add_granted, make_report, write_report
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xxgk.corpus import StoredFinding, StoredReport, ingest_paths
from xxgk.corpus.codec import cells_dict
from xxgk.corpus.queries import cross_year_findings, rematch, unmatched, versions
from xxgk.db.models import Unit
from xxgk.db.units import get_unit
from xxgk.model.cells import request_key


def _count(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(StoredReport)) or 0


def test_ingest_matches_units_and_reingest_is_noop(store: Engine, tmp_path: Path) -> None:
    write_report(tmp_path, "a.txt", make_report("示例县清河镇人民政府", 2024, 1))
    write_report(tmp_path, "b.txt", make_report("清河镇", 2023, 2), "pipes")
    write_report(tmp_path, "c.txt", make_report("示例县交通运输局", 2024, 3), "plain")
    first = ingest_paths(store, [tmp_path], jobs=1)
    assert (first.added, first.unchanged, first.failed, first.unmatched) == (3, 0, [], [])
    again = ingest_paths(store, [tmp_path], jobs=1)
    assert (again.added, again.unchanged) == (0, 3)
    assert _count(store) == 3
    with Session(store) as session:
        qinghe = get_unit(session, "qinghe")
        rows = session.scalars(select(StoredReport).where(StoredReport.unit_id == qinghe.id))
        assert sorted(r.year for r in rows) == [2023, 2024]


def test_changed_file_becomes_new_version_with_changed_cells(store: Engine, tmp_path: Path) -> None:
    report = make_report("示例县石桥乡人民政府", 2024, 5)
    path = write_report(tmp_path, "shiqiao.txt", report)
    ingest_paths(store, [path], jobs=1)
    key = request_key("new", "natural_person")
    add_granted(report, "new", 1)
    write_report(tmp_path, "shiqiao.txt", report)
    summary = ingest_paths(store, [path], jobs=1)
    assert summary.added == 1
    [change] = summary.versions
    assert change.version == 2
    assert key in change.changed
    assert request_key("granted", "total") in change.changed
    with Session(store) as session:
        unit = get_unit(session, "shiqiao")
        stored = versions(session, unit, 2024)
        assert [(s.version, s.current) for s in stored] == [(1, False), (2, True)]
        new, old = cells_dict(stored[1].cells), cells_dict(stored[0].cells)
        assert new[key] == old[key] + 1


def test_unmatched_reports_are_kept_and_listed_then_rematched(
    store: Engine, tmp_path: Path
) -> None:
    write_report(tmp_path, "x.txt", make_report("虚拟县东山乡人民政府", 2024, 7))
    summary = ingest_paths(store, [tmp_path], jobs=1)
    assert [u.organization for u in summary.unmatched] == ["虚拟县东山乡人民政府"]
    with Session(store) as session, session.begin():
        assert [s.organization for s in unmatched(session)] == ["虚拟县东山乡人民政府"]
        session.add(Unit(code="dongshan", name="东山乡人民政府", kind="township"))
        session.flush()
        assert rematch(session) == 1
        assert unmatched(session) == []


def test_ambiguous_name_stays_unmatched_with_candidates(store: Engine, tmp_path: Path) -> None:
    with Session(store) as session, session.begin():
        session.add(Unit(code="jt2", name="样例县交通运输局", kind="department"))
    write_report(tmp_path, "t.txt", make_report("交通运输局", 2024, 8))
    [item] = ingest_paths(store, [tmp_path], jobs=1).unmatched
    assert set(item.candidates) == {"示例县交通运输局", "样例县交通运输局"}


def test_unusable_file_is_listed_not_stored(store: Engine, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("这不是年度报告。\n", encoding="utf-8")
    write_report(tmp_path, "ok.txt", make_report("示例县清河镇人民政府", 2024, 9))
    summary = ingest_paths(store, [tmp_path], jobs=1)
    assert summary.added + len(summary.failed) == 2
    assert all("empty.txt" in line for line in summary.failed)


def test_cross_year_rules_run_against_previous_year_in_store(store: Engine, tmp_path: Path) -> None:
    last = make_report("示例县清河镇人民政府", 2023, 11)
    this = make_report("示例县清河镇人民政府", 2024, 12, previous=last)
    add_granted(this, "carried_over", 3)
    this.sections["problems"] = last.sections["problems"]
    # the later year first: its cross-year findings appear when the earlier year arrives
    ingest_paths(store, [write_report(tmp_path, "2024.txt", this)], jobs=1)
    with Session(store) as session:
        assert cross_year_findings(session) == []
    ingest_paths(store, [write_report(tmp_path, "2023.txt", last)], jobs=1)
    with Session(store) as session:
        found = cross_year_findings(session, 2024)
        codes = sorted({f.code for _r, f in found})
        assert codes == ["previous-carried-over", "previous-problems-identical"]
        stored = session.scalar(select(StoredReport).where(StoredReport.year == 2024))
        errors = session.scalar(
            select(func.count())
            .select_from(StoredFinding)
            .where((StoredFinding.report_id == stored.id) & (StoredFinding.severity == "error"))
        )
        assert stored.errors == errors >= 1


def test_parallel_ingest_equals_single_process(store: Engine, tmp_path: Path) -> None:
    names = ["示例县清河镇人民政府", "示例县石桥乡人民政府", "样例县柳林镇人民政府"]
    for i in range(9):
        write_report(tmp_path, f"{i}.txt", make_report(names[i % 3], 2021 + i // 3, 40 + i))
    summary = ingest_paths(store, [tmp_path], jobs=2, chunk=4)
    assert (summary.added, summary.failed, summary.unmatched) == (9, [], [])
    with Session(store) as session:
        years = session.execute(select(StoredReport.year, func.count()).group_by(StoredReport.year))
        assert dict(years.all()) == {2021: 3, 2022: 3, 2023: 3}


def test_identical_files_in_consecutive_chunks_are_stored_once(
    store: Engine, tmp_path: Path
) -> None:
    report = make_report("示例县清河镇人民政府", 2024, 7)
    for name in ("1.txt", "2.txt", "3.txt", "4.txt"):
        write_report(
            tmp_path,
            name,
            report
            if name in ("1.txt", "3.txt")
            else make_report("示例县石桥乡人民政府", 2020 + int(name[0]), 50 + int(name[0])),
        )
    for jobs in (2, 1):
        summary = ingest_paths(store, [tmp_path], jobs=jobs, chunk=2)
        assert summary.failed == []
    with Session(store) as session:
        assert session.scalar(select(func.count()).select_from(StoredReport)) == 3


def test_a_townships_local_deadline_decides_lateness_of_stored_reports(
    store: Engine, tmp_path: Path
) -> None:
    """A report published on 20 February is late by the assumed 1月31日 of a township, and
    on time where the unit has a local rule of 3月31日 (the store judges it as the unit's
    own page does)."""
    import datetime as dt

    report = make_report("示例县清河镇人民政府", 2024, 11)
    report.published = dt.date(2025, 2, 20)
    write_report(tmp_path, "qinghe.txt", report)
    ingest_paths(store, [tmp_path], jobs=1)
    with Session(store) as session, session.begin():
        [first] = session.scalars(select(StoredReport))
        assert first.late
        unit = get_unit(session, "qinghe")
        unit.report_deadline = "03-31"
    add_granted(report, "new", 1)
    write_report(tmp_path, "qinghe.txt", report)
    ingest_paths(store, [tmp_path], jobs=1)
    with Session(store) as session:
        current = session.scalar(select(StoredReport).where(StoredReport.current))
        assert current is not None
        assert current.version == 2
        assert not current.late
