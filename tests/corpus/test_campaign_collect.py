"""Collecting many files and ZIP packages into the store (xxgk.campaign.collect): one result
per file, one bad file never rejecting the batch, budgets on ZIP packages, the collector's
scope, and matching by hand that is remembered."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest
from corpus_support import make_report
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xxgk.campaign.collect import (
    MAX_NESTING,
    FileResult,
    Upload,
    collect_reports,
    expand,
    match_report,
    unmatched_in_scope,
)
from xxgk.campaign.status import CampaignStatus, unit_statuses
from xxgk.corpus.models import StoredReport
from xxgk.db.access import AccessError
from xxgk.db.models import AuditEntry, Role, Unit, User
from xxgk.errors import InputError
from xxgk.limits import Limits, use_limits
from xxgk.render import render

YEAR = 2024
FORMATS = Path(__file__).resolve().parents[1] / "fixtures" / "formats"
LEGACY = ("legacy_word97.doc", "legacy_excel97.xls")


def _user(session: Session, name: str, role: Role, unit_code: str | None) -> User:
    unit = session.scalar(select(Unit).where(Unit.code == unit_code)) if unit_code else None
    user = User(
        username=name,
        password_hash="x",
        role=role.value,
        unit_id=unit.id if unit else None,
        active=True,
    )
    session.add(user)
    session.flush()
    return user


def _text(organization: str, seed: int, *, published: dt.date | None = None) -> bytes:
    report = make_report(organization, YEAR, seed)
    report.published = published or dt.date(YEAR + 1, 1, 20)
    return render(report, "txt")


class _GbkInfo(zipfile.ZipInfo):
    """A member named as a Chinese Windows archiver writes it: GBK bytes, no UTF-8 flag."""

    def _encodeFilenameFlags(self):  # noqa: N802 - zipfile's own name
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def _zip(members: dict[str, bytes], *, gbk: bool = False) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            info = _GbkInfo(name) if gbk else zipfile.ZipInfo(name)
            package.writestr(info, data)
    return buffer.getvalue()


@pytest.fixture
def session(store: Engine):
    with Session(store) as s:
        yield s


def test_a_zip_batch_gives_one_result_per_file_and_stores_the_good_ones(session):
    supervisor = _user(session, "sup", Role.SUPERVISOR, "shili-x")
    package = _zip(
        {
            "清河镇.txt": _text("示例县清河镇人民政府", 1),
            "石桥乡.txt": _text("示例县石桥乡人民政府", 2, published=dt.date(YEAR + 1, 3, 5)),
            "坏文件.docx": b"PK\x03\x04 not really a docx",
            "说明.exe": b"MZ",
            "无名单位.txt": _text("示例县某某中心", 3),
        },
        gbk=True,
    )
    results = collect_reports(session, supervisor, [Upload("一月报送.zip", package)])
    session.commit()
    by_file = {r.file.split("/")[-1]: r for r in results}
    assert set(by_file) == {"清河镇.txt", "石桥乡.txt", "坏文件.docx", "说明.exe", "无名单位.txt"}
    town = by_file["清河镇.txt"]
    assert (town.unit, town.year, town.version, town.stored) == (
        "示例县清河镇人民政府",
        YEAR,
        1,
        True,
    )
    assert not town.late
    assert by_file["石桥乡.txt"].late
    assert by_file["坏文件.docx"].refused
    assert not by_file["坏文件.docx"].stored
    assert "文件类型不受支持" in by_file["说明.exe"].refused
    unnamed = by_file["无名单位.txt"]
    assert unnamed.stored
    assert not unnamed.matched
    assert town.unreadable == 0
    units = {u.code: u for u in session.scalars(select(Unit))}
    statuses = {s.unit: s.status for s in unit_statuses(session, list(units.values()), YEAR)}
    assert statuses["示例县清河镇人民政府"] in (CampaignStatus.ON_TIME, CampaignStatus.ERRORS)
    assert statuses["示例县石桥乡人民政府"] is CampaignStatus.LATE
    assert session.scalar(select(AuditEntry).where(AuditEntry.action == "ingest")) is not None


def test_a_second_file_of_a_unit_and_year_is_its_next_version_and_a_copy_is_skipped(session):
    supervisor = _user(session, "sup", Role.SUPERVISOR, "shili-x")
    first = _text("示例县交通运输局", 4)
    collect_reports(session, supervisor, [Upload("交通.txt", first)])
    results = collect_reports(
        session,
        supervisor,
        [Upload("交通-更正.txt", _text("示例县交通运输局", 5)), Upload("交通-副本.txt", first)],
    )
    assert results[0].version == 2
    assert results[1].report_id is None
    assert "已有内容完全相同" in results[1].note
    assert results[1].version == 1


def test_a_report_of_a_unit_outside_the_scope_is_refused(session):
    supervisor = _user(session, "sup", Role.SUPERVISOR, "shili-x")
    results = collect_reports(
        session, supervisor, [Upload("柳林.txt", _text("样例县柳林镇人民政府", 6))]
    )
    assert "不是您管辖范围内的单位" in results[0].refused
    stored = select(StoredReport).where(StoredReport.organization.like("%柳林%"))
    assert session.scalar(stored) is None


def test_only_store_keepers_collect(session):
    clerk = _user(session, "clerk", Role.CLERK, "qinghe")
    with pytest.raises(AccessError, match="无权执行此操作"):
        collect_reports(session, clerk, [Upload("清河镇.txt", _text("示例县清河镇人民政府", 7))])


def test_zip_packages_are_bounded_by_members_bytes_and_nesting():
    inner = _zip({"a.txt": b"x"})
    nested = inner
    for depth in range(MAX_NESTING):
        nested = _zip({f"level{depth}.zip": nested})
    out = expand([Upload("nested.zip", nested)])
    assert isinstance(out[0], FileResult)
    assert "嵌套" in out[0].refused
    with use_limits(Limits(members=2)):
        out = expand([Upload("many.zip", _zip({f"{i}.txt": b"x" for i in range(5)}))])
    assert "部件数" in out[0].refused
    with use_limits(Limits(member_bytes=100)):
        out = expand([Upload("big.zip", _zip({"big.txt": b"x" * 1000}))])
    assert "上限" in out[0].refused
    out = expand([Upload("broken.zip", b"PK\x05\x06 not a zip")])
    assert out[0].refused
    stored = io.BytesIO()
    with zipfile.ZipFile(stored, "w", zipfile.ZIP_STORED) as package:
        package.writestr("good.txt", b"good")
        package.writestr("bad.txt", b"DAMAGED")
    damaged = stored.getvalue().replace(b"DAMAGED", b"DAMAGEX")  # the CRC no longer agrees
    good, bad = expand([Upload("mixed.zip", damaged)])
    assert good == Upload("mixed.zip/good.txt", b"good")
    assert isinstance(bad, FileResult)
    assert bad.file == "mixed.zip/bad.txt"
    assert "已损坏" in bad.refused


def test_matching_by_hand_is_kept_and_remembered(session):
    supervisor = _user(session, "sup", Role.SUPERVISOR, "shili-x")
    other = _user(session, "other", Role.SUPERVISOR, "yangli-x")
    units = {u.code: u for u in session.scalars(select(Unit))}
    results = collect_reports(session, supervisor, [Upload("x.txt", _text("清河镇政务中心", 8))])
    report_id = results[0].report_id
    assert [r.id for r in unmatched_in_scope(session, supervisor)] == [report_id]
    assert unmatched_in_scope(session, other) == []  # another county sees nothing of it
    with pytest.raises(InputError, match="未找到"):
        match_report(session, other, report_id, units["liulin"])
    with pytest.raises(AccessError, match="不在您管辖的单位范围内"):
        match_report(session, supervisor, report_id, units["liulin"])
    stored = match_report(session, supervisor, report_id, units["qinghe"])
    session.commit()
    assert stored.unit_id == units["qinghe"].id
    assert unmatched_in_scope(session, supervisor) == []
    again = collect_reports(session, supervisor, [Upload("y.txt", _text("清河镇政务中心", 9))])
    assert again[0].unit == "示例县清河镇人民政府"
    assert again[0].version == 2
    assert "人工指定" in again[0].note
    entry = session.scalar(select(AuditEntry).where(AuditEntry.action == "match_report"))
    assert entry is not None


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) missing")
def test_legacy_doc_and_xls_in_a_zip_are_read_and_stored_unmatched(session):
    admin = _user(session, "root", Role.ADMIN, None)
    package = _zip({name: (FORMATS / name).read_bytes() for name in LEGACY})
    results = collect_reports(session, admin, [Upload("旧格式.zip", package)])
    assert [(r.organization, r.year, r.stored) for r in results] == [
        ("模拟县青松乡人民政府", 2024, True),
        ("样例市司法局", 2024, True),
    ]
    assert all(not r.matched for r in results)  # no such units in the tree
