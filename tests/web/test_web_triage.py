"""Triage of findings (确认 / 驳回 with a reason, carried into later versions while the cell is
unchanged), the drill-down's versions and year-on-year views, the findings exports, and the
roll-up of a unit downloadable as DOCX, XLSX and PDF — each within the user's scope."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.campaign.drilldown import drilldown, mark_finding
from xxgk.campaign.exports import findings_csv
from xxgk.corpus.ingest import ingest_paths
from xxgk.corpus.queries import cells_report, current_cells, subtree
from xxgk.db import audit
from xxgk.db.engine import make_engine
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit
from xxgk.db.users import add_user
from xxgk.errors import RegisterError
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.render import render

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "corpus"))
from corpus_support import make_report  # noqa: E402

YEAR = dt.date.today().year - 1
TOWN = "示例县石桥乡人民政府"
ROW_TOTAL = (
    "requests-row-total|requests.new.total,requests.new.natural_person,requests.new.commercial,"
    "requests.new.research,requests.new.social_welfare,requests.new.legal_service,"
    "requests.new.other"
)
OTHER_PASSWORD = "另一县督查-口令-2026"


def _session(folder: Path) -> Session:
    return Session(make_engine(f"sqlite:///{folder / 'web.db'}"))


def _user(s: Session, name: str) -> User:
    return s.scalar(select(User).where(User.username == name))


def _unit(s: Session, name: str) -> Unit:
    return s.scalar(select(Unit).where(Unit.name == name))


def _town_report(extra_new: int, note: str = "") -> Report:
    """The township's report with ``extra_new`` added to the 总计 of 本年新收 (a row-total
    error) and ``note`` appended to its 总体情况 (a change of section text)."""
    report = make_report(TOWN, YEAR, 5)
    report.values["requests.new.total"] += extra_new
    report.sections["overview"].text += note
    return report


def _store(folder: Path, report: Report, name: str) -> None:
    """Put ``report`` into the demo's store as the next version of its unit and year."""
    path = folder / "uploads" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(render(report, "txt"))
    engine = make_engine(f"sqlite:///{folder / 'web.db'}")
    try:
        assert ingest_paths(engine, [path], jobs=1).added == 1
    finally:
        engine.dispose()


def _mark(s: Session, who: str, key: str = ROW_TOTAL, verdict: str = "确认", reason: str = "核实"):
    return mark_finding(
        session=s,
        actor=_user(s, who),
        unit=_unit(s, TOWN),
        year=YEAR,
        key=key,
        verdict=verdict,
        reason=reason,
    )


def _item(s: Session, key: str = ROW_TOTAL):
    view = drilldown(s, _unit(s, TOWN), YEAR)
    return next(t for t in view.findings if t.key == key)


def test_a_mark_follows_the_finding_while_its_cells_are_unchanged(demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    with _session(folder) as s:
        mark = _mark(s, "county-supervisor", verdict="确认", reason="总计多计1件，请更正")
        s.commit()
        assert (mark.verdict, mark.version, mark.marked_by) == (
            "confirmed",
            1,
            "county-supervisor",
        )
        entry = audit.history(s, "finding_mark", mark.id)[0]
        assert entry.actor_name == "county-supervisor"
        assert entry.after["reason"] == "总计多计1件，请更正"
    # version 2: other text changed, the row's cells the same: the mark follows
    _store(folder, _town_report(1, "另补充一段说明。"), "v2.txt")
    with _session(folder) as s:
        item = _item(s)
        assert item.version == 2
        assert item.mark is not None
        assert item.carried
        assert item.describe() == "确认（沿用第1版的标记）"
    # version 3: the 总计 changed again (still wrong): the old mark no longer applies
    _store(folder, _town_report(2), "v3.txt")
    with _session(folder) as s:
        item = _item(s)
        assert item.mark is None
        assert item.stale is not None
        assert item.describe().startswith("需重新核对（第1版曾标记为确认")
        # a new mark on version 3 applies from now on, the old one stays as history
        _mark(s, "admin", verdict="驳回", reason="按上级口径统计，不作更正")
        s.commit()
        item = _item(s)
        assert (item.verdict.label, item.carried) == ("驳回", False)
        assert len(audit.history(s, "finding_mark")) == 2


def test_marks_are_refused_outside_the_supervisors_reach(demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    with _session(folder) as s:
        admin = _user(s, "admin")
        other = add_unit(session=s, actor=admin, code="lx", name="另一县人民政府", kind="county")
        add_user(
            session=s,
            actor=admin,
            username="other-supervisor",
            role=Role.SUPERVISOR,
            unit=other,
            password=OTHER_PASSWORD,
        )
        s.commit()
        cases = {
            "qinghe-clerk": "只有督查",
            "county-admin": "只有督查",
            "other-supervisor": "不在您的督查范围内",
        }
        for who, refusal in cases.items():
            with pytest.raises(RegisterError, match=refusal):
                _mark(s, who)
        with pytest.raises(RegisterError, match="请填写标记理由"):
            _mark(s, "county-supervisor", reason="  ")
        with pytest.raises(RegisterError, match="没有这个问题"):
            _mark(s, "county-supervisor", key="requests-row-total|requests.granted.total")
        with pytest.raises(RegisterError, match="只能是"):
            _mark(s, "county-supervisor", verdict="同意")
        assert audit.history(s, "finding_mark") == []


def test_the_drilldown_compares_versions_and_years(as_user, demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    changed = _town_report(3, "另补充一段说明。")
    _store(folder, changed, "v2.txt")
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    page = sup.get(f"/overview/units/{units[TOWN]}?year={YEAR}").text
    provenance = re.search(r'<dl class="facts" id="provenance">(.*?)</dl>', page, re.S)[1]
    assert "v2.txt" in provenance
    assert "/tmp" not in provenance
    assert str(folder) not in provenance
    assert str(changed.published) in provenance
    diff = re.search(r'<table class="list" id="versions-diff">(.*?)</table>', page, re.S)[1]
    row = re.search(r'<tr data-cell="requests.new.total">(.*?)</tr>', diff, re.S)[1]
    assert re.findall(r"<td>([^<]*)</td>", row)[1:] == [
        str(changed.values["requests.new.total"] - 2),
        str(changed.values["requests.new.total"]),
        "+2",
    ]
    assert "<ins>另补充一段说明。</ins>" in page
    # last year's report beside this year's, with the findings made against it
    assert 'id="side-by-side"' in page
    assert page.count('data-table="requests"') >= 2
    assert 'id="year-diff"' in page
    cross = re.search(r'<ol class="findings" id="cross-year">(.*?)</ol>', page, re.S)
    assert cross is not None
    assert "上年" in cross[1]


def _csrf(page: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', page)[1]


def test_a_supervisor_marks_in_the_web_and_the_exports_carry_the_mark(as_user, demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    town = units[TOWN]
    page = sup.get(f"/overview/units/{town}?year={YEAR}").text
    assert f'data-key="{ROW_TOTAL}"' in page
    form = {"year": str(YEAR), "key": ROW_TOTAL, "verdict": "dismissed", "reason": "=口径不同"}
    refused = sup.post(f"/overview/units/{town}/marks", data=form, follow_redirects=False)
    assert refused.status_code == 403  # no CSRF token
    response = sup.post(
        f"/overview/units/{town}/marks",
        data={**form, "csrf_token": _csrf(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = sup.get(response.headers["location"]).text
    assert "已将该问题标记为驳回" in page
    row = re.search(rf'<tr class="error" data-key="{re.escape(ROW_TOTAL)}"[^>]*>', page)[0]
    assert 'data-verdict="dismissed"' in row
    cell = re.search(r'<td data-cell="requests.new.other"[^>]*>', page)[0]
    assert "requests-row-total" not in cell  # a dismissed finding is no longer on the cell
    raw = sup.get(f"/overview/units/{town}/findings.csv?year={YEAR}").content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["单位", "年度", "状态"]
    assert rows[1][:3] == ["unit", "year", "status"]
    marked = [r for r in rows[2:] if r[-1] == "requests-row-total"]
    assert marked[0][rows[1].index("verdict")] == "驳回"
    assert marked[0][rows[1].index("reason")] == "'=口径不同"  # formula-safe
    assert marked[0][rows[1].index("marked_by")] == "county-supervisor"
    from openpyxl import load_workbook

    body = sup.get(f"/overview/findings.xlsx?year={YEAR}").content
    book = load_workbook(io.BytesIO(body))
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=2)]
    mine = [r for r in values if r[0] == TOWN and r[-1] == "requests-row-total"]
    assert mine[0][header.index("标记")] == "驳回"
    assert mine[0][header.index("标记理由")] == "=口径不同"
    assert sheet.cell(row=mine and values.index(mine[0]) + 2, column=12).data_type == "s"
    assert {r[0] for r in values} >= {TOWN, "示例县教育局"}
    dictionary = [[c.value for c in r] for r in book["数据字典"].iter_rows(min_row=2)]
    assert dictionary[header.index("标记")][:2] == ["标记", "verdict"]


def _members_sum(folder: Path, code: str) -> dict[str, object]:
    """Sum the members' current stored reports cell by cell, independently of the roll-up."""
    with _session(folder) as s:
        root = s.scalar(select(Unit).where(Unit.code == code))
        ids = {t.id for t in subtree(s, root)}
        reports = [cells_report(r) for r in current_cells(s, year=YEAR, unit_ids=ids)]
    assert reports, "the demo stores members' reports"
    total: dict[str, object] = {}
    for key in CELL_KEYS:
        present = [r.values[key] for r in reports if r.values[key] is not None]
        total[key] = sum(present) if present else None
    return total


def test_rollup_downloads_match_the_members_sum_cell_by_cell(as_user, demo):
    from docx import Document
    from openpyxl import load_workbook

    from xxgk.parse import parse_bytes

    folder, _ = demo
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    county = units["示例县人民政府"]
    page = sup.get(f"/overview/rollup?unit={county}&year={YEAR}").text
    status = re.search(r'<table class="list" id="member-status">(.*?)</table>', page, re.S)[1]
    assert "示例县石桥乡人民政府</a></td><td>未报送" in status
    assert "示例县交通运输局</a></td><td>逾期" in status
    expected = _members_sum(folder, "shilixian")
    docx = sup.get(f"/overview/rollup.docx?unit={county}&year={YEAR}")
    assert docx.headers["content-type"].startswith("application/vnd.openxmlformats")
    xlsx = sup.get(f"/overview/rollup.xlsx?unit={county}&year={YEAR}").content
    for name, body in (("汇总.docx", docx.content), ("汇总.xlsx", xlsx)):
        back = parse_bytes(body, name=name)
        wrong = [k for k in CELL_KEYS if back.values[k] != expected[k]]
        assert wrong == [], name
    document = Document(io.BytesIO(docx.content))
    table = document.tables[-1]
    rows = {r.cells[0].text: r.cells[1].text for r in table.rows[1:]}
    assert rows["示例县石桥乡人民政府"] == "未报送"
    assert rows["示例县交通运输局"] == "逾期"
    assert "示例县人民政府" not in rows  # members only
    book = load_workbook(io.BytesIO(xlsx))
    sheet = book["下级单位报送情况"]
    listed = {r[0].value: r[1].value for r in sheet.iter_rows(min_row=2)}
    assert listed == rows


@pytest.mark.slow
def test_rollup_pdf_has_the_tables_and_the_status_list(as_user):
    from xxgk.office import soffice_path

    if soffice_path() is None:
        pytest.skip("LibreOffice missing: run scripts/setup-system.sh")
    import pdfplumber

    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    response = sup.get(f"/overview/rollup.pdf?unit={units['示例县人民政府']}&year={YEAR}")
    assert response.headers["content-type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(response.content)) as pdf:
        text = "".join(p.extract_text() or "" for p in pdf.pages)
    assert "下级单位报送情况" in text
    assert "收到和处理政府信息公开申请情况" in text
    assert "示例县石桥乡人民政府" in text


def test_the_unit_declares_its_report_scope(as_user, demo):
    folder, _ = demo
    sup = as_user("county-supervisor")
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    county = units["示例县人民政府"]
    page = sup.get(f"/overview/rollup?unit={county}&year={YEAR}").text
    assert 'data-scope="own"' in page
    assert "未设置，按默认：本级" in page
    response = sup.post(
        "/overview/rollup/scope",
        data={"unit": county, "year": YEAR, "report_scope": "whole", "csrf_token": _csrf(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    page = sup.get(response.headers["location"]).text
    assert 'data-scope="whole"' in page
    with _session(folder) as s:
        entry = audit.history(s, "unit", county)[-1]
        assert entry.actor_name == "county-supervisor"
        assert (entry.before["report_scope"], entry.after["report_scope"]) == (None, "whole")


def test_a_second_county_reaches_nothing_of_the_first(other_county, as_user, demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    first = {u["name"]: u["id"] for u in as_user("county-supervisor").get("/api/v1/units").json()}
    town, county = first[TOWN], first["示例县人民政府"]
    c = other_county
    for path in (
        f"/overview/units/{town}?year={YEAR}",
        f"/overview/units/{town}/findings.csv?year={YEAR}",
        f"/overview/units/{town}/findings.xlsx?year={YEAR}",
        f"/overview/findings.csv?unit={county}&year={YEAR}",
        f"/overview/findings.xlsx?unit={county}&year={YEAR}",
        f"/overview/rollup?unit={county}&year={YEAR}",
        f"/overview/rollup.docx?unit={county}&year={YEAR}",
        f"/overview/rollup.xlsx?unit={county}&year={YEAR}",
        f"/overview/rollup.pdf?unit={county}&year={YEAR}",
    ):
        response = c.get(path)
        assert response.status_code == 404, path
        assert "找不到该单位，或您无权查看" in response.text, path
    page = c.get(f"/overview/rollup?year={YEAR}").text
    assert "示例县" not in page
    own = c.get(f"/overview/findings.csv?year={YEAR}").content.decode("utf-8-sig")
    assert "示例县" not in own
    token = _csrf(page)
    form = {"year": YEAR, "key": ROW_TOTAL, "verdict": "confirmed", "reason": "x"}
    marked = c.post(f"/overview/units/{town}/marks", data={**form, "csrf_token": token})
    assert marked.status_code == 404
    scope = {"unit": county, "year": YEAR, "report_scope": "whole", "csrf_token": token}
    assert c.post("/overview/rollup/scope", data=scope).status_code == 404
    with _session(folder) as s:
        assert audit.history(s, "finding_mark") == []
        assert _unit(s, "示例县人民政府").report_scope is None


def test_clerks_and_visitors_are_kept_out(as_user, client):
    clerk = as_user("qinghe-clerk")
    unit = clerk.get("/api/v1/me").json().get("unit_id") or 1
    for path in (
        f"/overview/units/{unit}/findings.csv",
        "/overview/findings.xlsx",
        "/overview/rollup",
        "/overview/rollup.docx",
    ):
        response = clerk.get(path)
        assert response.status_code == 403, path
        assert "仅供督查" in response.text
        assert client.get(path, follow_redirects=False).status_code in (303, 401), path


def test_the_cli_lists_marks_and_exports_through_the_same_functions(demo, tmp_path):
    from typer.testing import CliRunner

    from xxgk.cli import app

    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    db = ["--db", f"sqlite:///{folder / 'web.db'}"]
    runner = CliRunner()
    listed = runner.invoke(app, ["campaign", "findings", "-u", "shiqiao", "-y", str(YEAR), *db])
    assert listed.exit_code == 0, listed.output
    assert "未标记\t" in listed.output
    assert ROW_TOTAL in listed.output
    args = ["campaign", "mark", "-u", "shiqiao", "-y", str(YEAR), "-f", ROW_TOTAL]
    marked = runner.invoke(
        app, [*args, "--verdict", "确认", "--reason", "请更正", "--as", "county-supervisor", *db]
    )
    assert marked.exit_code == 0, marked.output
    refused = runner.invoke(
        app, [*args, "--verdict", "确认", "--reason", "x", "--as", "qinghe-clerk", *db]
    )
    assert refused.exit_code != 0
    out = tmp_path / "问题清单.csv"
    exported = runner.invoke(
        app, ["campaign", "findings", "-u", "shilixian", "-y", str(YEAR), "-o", str(out), *db]
    )
    assert exported.exit_code == 0, exported.output
    with _session(folder) as s:
        expected = findings_csv(s, [_unit(s, TOWN)], YEAR).decode("utf-8-sig").splitlines()
    rows = out.read_bytes().decode("utf-8-sig").splitlines()
    marked_rows = [r for r in expected[2:] if "请更正" in r]
    assert len(marked_rows) == 1
    assert marked_rows[0] in rows


def test_a_unit_admin_sees_the_findings_but_may_not_mark_them(as_user, demo):
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    admin = as_user("county-admin")
    units = {u["name"]: u["id"] for u in admin.get("/api/v1/units").json()}
    town = units[TOWN]
    page = admin.get(f"/overview/units/{town}?year={YEAR}").text
    assert f'data-key="{ROW_TOTAL}"' in page
    assert "保存标记" not in page  # no form for who may not mark
    form = {"year": YEAR, "key": ROW_TOTAL, "verdict": "confirmed", "reason": "x"}
    response = admin.post(f"/overview/units/{town}/marks", data={**form, "csrf_token": _csrf(page)})
    assert "只有督查（政务公开办）和系统管理员可以标记问题" in response.text
    with _session(folder) as s:
        assert audit.history(s, "finding_mark") == []


def test_every_demo_unit_opens_in_every_view(as_user, demo):
    """No unit of the demo, this year or last, gives anything but a page: with and without a
    report, published through the register or stored, with members or none; odd version
    numbers fall back to the last two versions."""
    folder, _ = demo
    _store(folder, _town_report(1), "v1.txt")
    _store(folder, _town_report(2), "v2.txt")
    sup = as_user("county-supervisor")
    for unit in sup.get("/api/v1/units").json():
        for year in (YEAR, YEAR - 1):
            for path in (
                f"/overview/units/{unit['id']}?year={year}",
                f"/overview/units/{unit['id']}?year={year}&a=999&b=x",
                f"/overview/units/{unit['id']}?year={year}&a=2&b=2",
                f"/overview/rollup?unit={unit['id']}&year={year}",
                f"/overview/units/{unit['id']}/findings.csv?year={year}",
            ):
                assert sup.get(path).status_code == 200, path
    units = {u["name"]: u["id"] for u in sup.get("/api/v1/units").json()}
    page = sup.get(f"/overview/units/{units[TOWN]}?year={YEAR}&a=2&b=2").text
    assert "第1版与第2版的差异" in page
    assert sup.get(f"/overview/rollup.odt?unit={units[TOWN]}").status_code == 404
