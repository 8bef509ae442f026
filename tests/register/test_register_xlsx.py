"""The Excel 台账: round trip, row-level errors, all-or-nothing unless valid rows are asked for."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from xxgk.errors import RegisterError
from xxgk.register import add_event, compile_report, list_applications, register_application
from xxgk.register.xlsx import HEADERS, export_xlsx, import_xlsx

D = dt.date.fromisoformat


def _fill(world):
    s, town, clerk = world.session, world.town, world.clerk
    a = register_application(
        session=s,
        unit=town,
        actor=clerk,
        channel_name="邮寄-签收",
        arrived_on=D("2024-11-04"),
        signed_on=D("2024-11-05"),
        applicant_type="法律服务机构",
        applicant_name="示例律师事务所",
        request_text="示例工程征收补偿方案",
    )
    add_event(session=s, actor=clerk, application=a, kind="补正告知", on=D("2024-11-07"))
    add_event(session=s, actor=clerk, application=a, kind="补正收到", on=D("2024-11-15"))
    add_event(
        session=s,
        actor=clerk,
        application=a,
        kind="延期",
        on=D("2024-12-10"),
        days=20,
        approved_on=D("2024-12-10"),
        notified_on=D("2024-12-11"),
    )
    add_event(
        session=s,
        actor=clerk,
        application=a,
        kind="答复",
        on=D("2025-01-06"),
        outcome_name="部分公开",
        delivery="邮寄",
        note="邮寄日期",
    )
    register_application(
        session=s,
        unit=town,
        actor=clerk,
        channel_name="网络",
        arrived_on=D("2024-12-28"),
        confirmed_on=D("2024-12-30"),
        applicant_type="自然人",
        applicant_name="王五",
    )
    s.commit()


def test_excel_round_trip_keeps_the_register(sqlite_world, tmp_path):
    w = sqlite_world
    _fill(w)
    first = tmp_path / "first.xlsx"
    assert export_xlsx(w.session, w.town, first, viewer=w.clerk) == 2
    from xxgk.db.units import add_unit

    copy = add_unit(
        session=w.session,
        actor=w.admin,
        code="copy",
        name="示例县副本镇人民政府",
        kind=w.town.kind,
        parent=w.county,
    )
    from xxgk.db.users import add_user

    clerk2 = add_user(session=w.session, actor=w.admin, username="c2", role="clerk", unit=copy)
    result = import_xlsx(session=w.session, unit=copy, actor=clerk2, path=first)
    assert result.imported == 2
    second = tmp_path / "second.xlsx"
    export_xlsx(w.session, copy, second, viewer=clerk2)
    rows = lambda p: list(load_workbook(p).active.iter_rows(values_only=True))  # noqa: E731
    assert rows(first) == rows(second)
    for year in (2024, 2025):
        a, b = compile_report(w.session, w.town, year), compile_report(w.session, copy, year)
        assert a.to_dict()["requests"] == b.to_dict()["requests"]


def test_export_masks_personal_data_outside_the_unit(sqlite_world, tmp_path):
    w = sqlite_world
    _fill(w)
    from xxgk.db.users import add_user

    supervisor = add_user(session=w.session, actor=w.admin, username="du", role="supervisor")
    path = tmp_path / "x.xlsx"
    export_xlsx(w.session, w.town, path, viewer=supervisor)
    values = [c for row in load_workbook(path).active.iter_rows(values_only=True) for c in row]
    assert "示例律师事务所" not in values


def _sheet(tmp_path, rows):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(list(HEADERS))
    for row in rows:
        book.active.append([row.get(h) for h in HEADERS])
    path = tmp_path / "in.xlsx"
    book.save(path)
    return path


GOOD = {
    "收到方式": "当面",
    "到达日期": "2024-03-01",
    "申请人类型": "自然人",
    "办理结果": "予以公开",
    "办结日期": "2024-03-10",
}


def test_bad_rows_name_row_and_column_and_nothing_is_imported(sqlite_world, tmp_path):
    w = sqlite_world
    path = _sheet(tmp_path, [GOOD, {**GOOD, "收到方式": "快递"}, {**GOOD, "到达日期": "3月1日"}])
    with pytest.raises(RegisterError) as info:
        import_xlsx(session=w.session, unit=w.town, actor=w.clerk, path=path)
    message = str(info.value)
    assert "第3行“收到方式”列" in message
    assert "第4行“到达日期”列" in message
    assert list_applications(w.session, w.town) == []


def test_valid_rows_only_when_asked(sqlite_world, tmp_path):
    w = sqlite_world
    path = _sheet(tmp_path, [GOOD, {**GOOD, "办理结果": "很好"}, GOOD])
    result = import_xlsx(session=w.session, unit=w.town, actor=w.clerk, path=path, valid_only=True)
    assert result.imported == 2
    assert len(result.errors) == 1
    assert result.errors[0].startswith("第3行“办理结果”列")


def test_hand_kept_sheet_with_other_headers_and_only_a_receipt_date(sqlite_world, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(
        ["编号", "申请方式", "受理日期", "申请人类别", "申请人", "处理结果", "答复日期"]
    )
    book.active.append(
        ["2024-0009", "网络", "2024-12-30", "自然人", "赵六", "重复申请", "2025-01-03"]
    )
    book.active.append([None, "邮寄-签收", "2024-06-03", "科研机构", "示例研究所", None, None])
    path = tmp_path / "old.xlsx"
    book.save(path)
    w = sqlite_world
    result = import_xlsx(session=w.session, unit=w.town, actor=w.clerk, path=path)
    assert result.imported == 2
    apps = {a.number: a for a in list_applications(w.session, w.town)}
    assert apps["2024-0009"].received_on == D("2024-12-30")
    assert apps["2024-0010"].received_on == D("2024-06-03")
    report = compile_report(w.session, w.town, 2025)
    assert report["requests.carried_over.natural_person"] == 1
    assert report["requests.not_processed_duplicate.natural_person"] == 1
    assert report["requests.carried_forward.research"] == 1


def test_sheet_without_a_receipt_column_is_refused(sqlite_world, tmp_path):
    from openpyxl import Workbook

    from xxgk.errors import InputError

    book = Workbook()
    book.active.append(["收到方式", "申请人类型"])
    book.active.append(["当面", "自然人"])
    path = tmp_path / "bad.xlsx"
    book.save(path)
    with pytest.raises(InputError, match="缺少列：到达日期（或收到日期）"):
        import_xlsx(
            session=sqlite_world.session,
            unit=sqlite_world.town,
            actor=sqlite_world.clerk,
            path=path,
        )
