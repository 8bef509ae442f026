"""What flows into the annual report: Table 二 block (一) and section 一's published-item count."""

from __future__ import annotations

import datetime as dt

import pytest
from disclosure_support import publish

from xxgk.disclosure import workflow
from xxgk.disclosure.yearly import proactive_summary, summary_paragraph
from xxgk.errors import RegisterError
from xxgk.register.compile import compile_report
from xxgk.register.inputs import set_narrative
from xxgk.register.publish import publish_report


def document(office, title, issued, *, kind="normative_documents", on=None):
    return publish(
        office,
        title,
        category="行政规范性文件",
        doc_kind=kind,
        doc_number=f"示交发〔{issued.year}〕1号",
        document_date=issued,
        on=on or issued,
    )


def block_one(report, kind="normative_documents"):
    return [report[f"active.{kind}.{c}"] for c in ("issued", "repealed", "in_force")]


def test_table_two_block_one_counts_over_year_boundaries(office):
    old = document(office, "农村客运管理办法", dt.date(2023, 5, 10))
    document(office, "道路养护管理规定", dt.date(2024, 2, 1))
    late = document(office, "出租汽车管理办法", dt.date(2024, 12, 30), on=dt.date(2025, 1, 6))
    workflow.repeal(office.session, office.author, old, dt.date(2024, 6, 30))
    workflow.repeal(office.session, office.author, late, dt.date(2026, 1, 15))
    office.session.commit()
    assert block_one(compile_report(office.session, office.unit, 2023)) == [1, 0, 1]
    # issued in 2024: two; repealed in 2024: the 2023 one; in force on 31 Dec 2024: two
    assert block_one(compile_report(office.session, office.unit, 2024)) == [2, 1, 2]
    assert block_one(compile_report(office.session, office.unit, 2025)) == [0, 0, 2]
    assert block_one(compile_report(office.session, office.unit, 2026)) == [0, 1, 1]
    assert block_one(compile_report(office.session, office.unit, 2024), "rules") == [0, 0, 0]


def test_rules_are_counted_in_their_own_row(office):
    document(office, "某某管理规定", dt.date(2024, 3, 3), kind="rules")
    office.session.commit()
    report = compile_report(office.session, office.unit, 2024)
    assert block_one(report, "rules") == [1, 0, 1]
    assert block_one(report) == [0, 0, 0]


def test_only_published_documents_count(office):
    doc = document(office, "已撤回的文件", dt.date(2024, 4, 1))
    workflow.withdraw(office.session, office.leader, doc, "发布有误")
    from xxgk.disclosure.items import create_item

    create_item(
        office.session,
        office.author,
        office.unit,
        title="未审完的文件",
        category=office.category("行政规范性文件"),
        doc_kind="normative_documents",
        doc_number="示交发〔2024〕9号",
        document_date=dt.date(2024, 5, 1),
        body="正文",
    )
    office.session.commit()
    # a withdrawn document was issued and published: it still counts as made that year
    assert block_one(compile_report(office.session, office.unit, 2024)) == [1, 0, 1]


def test_section_one_opens_with_the_years_published_items(office):
    publish(office, "一月通知", on=dt.date(2024, 1, 5), channels=["website", "bulletin"])
    publish(office, "年末公告", on=dt.date(2024, 12, 31), channels=["website"])
    publish(office, "新年公告", on=dt.date(2025, 1, 1))
    gone = publish(office, "预算说明", category="财政预算", on=dt.date(2024, 6, 1))
    workflow.withdraw(office.session, office.leader, gone, "数据有误")
    office.session.commit()
    summary = proactive_summary(office.session, office.unit, 2024)
    assert summary.published == 3
    assert summary.withdrawn == 1
    assert summary.by_channel["website"] == 3
    assert summary.by_category == {"法规文件": 2, "财政信息": 1}
    text = compile_report(office.session, office.unit, 2024).sections["overview"].text
    assert text.startswith("（一）主动公开。2024年，本单位主动公开政府信息3条")
    assert "网站发布3条、公示栏发布1条" in text
    assert "撤回已发布信息1条" in text


def test_the_officers_own_text_wins(office):
    publish(office, "一月通知", on=dt.date(2024, 1, 5))
    set_narrative(
        session=office.session,
        unit=office.unit,
        actor=office.author,
        year=2024,
        section="overview",
        text="本单位自行撰写的总体情况。",
    )
    office.session.commit()
    text = compile_report(office.session, office.unit, 2024).sections["overview"].text
    assert text == "本单位自行撰写的总体情况。"


def test_nothing_published_gives_no_paragraph(office):
    assert summary_paragraph(proactive_summary(office.session, office.unit, 2024)) == ""


def test_a_locked_year_refuses_a_late_document(office):
    publish_report(
        session=office.session,
        unit=office.unit,
        actor=office.manager,
        year=2024,
        published_on=dt.date(2025, 1, 20),
    )
    office.session.commit()
    with pytest.raises(RegisterError, match="已锁定"):
        document(office, "补登的文件", dt.date(2024, 11, 1), on=dt.date(2025, 2, 1))


def test_only_bodies_that_may_make_rules_record_rules(office):
    from xxgk.db.units import add_unit
    from xxgk.db.users import add_user
    from xxgk.disclosure.items import create_item

    bureau = add_unit(
        session=office.session,
        actor=office.admin,
        code="jiaoyu",
        name="示例县教育局",
        kind="department",
    )
    clerk = add_user(
        session=office.session,
        actor=office.admin,
        username="jiaoyu-clerk",
        role="clerk",
        unit=bureau,
    )
    with pytest.raises(RegisterError, match="无权|不是有权制定规章"):
        create_item(office.session, clerk, bureau, title="某某办法", doc_kind="rules")
    item = create_item(
        office.session, clerk, bureau, title="某某办法", doc_kind="normative_documents"
    )
    assert item.doc_kind == "normative_documents"
