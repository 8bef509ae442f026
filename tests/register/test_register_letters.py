"""Letters of a case: each kind rendered for a case and read back with python-docx; 文号
numbering, reissue, delivery, and the register event each letter records."""

from __future__ import annotations

import datetime as dt
import io
import sys
import threading
from pathlib import Path

import docx
import pytest
from sqlalchemy.orm import Session

from xxgk.errors import RegisterError
from xxgk.limits import LimitError, Limits, use_limits
from xxgk.register.applications import register_application
from xxgk.register.attachments import FileStore
from xxgk.register.letters import (
    issue_letter,
    letters_of,
    period_end,
    record_delivery,
    reissue_letter,
    update_settings,
    upload_template,
)
from xxgk.register.numbering import format_number
from xxgk.register.state import live_events
from xxgk.register.vocab import EventKind
from xxgk.render.letters import default_template

RECEIVED = dt.date(2026, 3, 2)


@pytest.fixture
def store(tmp_path) -> FileStore:
    return FileStore(tmp_path / "files")


@pytest.fixture
def case(world):
    update_settings(
        session=world.session,
        actor=world.clerk,
        unit=world.town,
        changes={
            "agency_code": "清政信",
            "review_body": "示例县人民政府",
            "court": "示例县人民法院",
            "phone": "0000-1234567",
        },
    )
    app = register_application(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        channel_name="in_person",
        applicant_type="natural_person",
        arrived_on=RECEIVED,
        applicant_name="李明",
        request_text="2025年清河镇道路维修工程的招标文件",
    )
    world.session.commit()
    return app


def text_of(store: FileStore, letter) -> str:
    document = docx.Document(io.BytesIO(store.read(letter.file_sha256)))
    return "\n".join(p.text for p in document.paragraphs)


def issue(world, store, app, kind, on, **values):
    return issue_letter(
        session=world.session,
        store=store,
        actor=world.clerk,
        application=app,
        kind=kind,
        on=on,
        values=values,
    )


def test_receipt_names_the_applicant_the_dates_and_the_number(world, case, store):
    letter = issue(world, store, case, "receipt", RECEIVED)
    text = text_of(store, letter)
    assert letter.number == "清政信收〔2026〕1号"
    assert "清政信收〔2026〕1号" in text
    assert "李明：" in text
    assert "2026年3月2日" in text
    assert f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日前作出答复" in text
    assert "第三十一条" in text
    assert "2026-0001" in text
    assert "示例县清河镇人民政府（印章）" in text
    assert [e.kind for e in live_events(case)] == ["registered"]


def test_correction_lists_items_period_and_consequence_and_records_the_event(world, case, store):
    on = dt.date(2026, 3, 4)
    letter = issue(
        world,
        store,
        case,
        "补正告知书",
        on,
        items="写明工程名称\n写明所需文件的年份",
        correction_days="10",
    )
    text = text_of(store, letter)
    assert letter.number == "清政信补〔2026〕1号"
    assert "1. 写明工程名称" in text
    assert "2. 写明所需文件的年份" in text
    assert "第三十条" in text
    assert "一次性告知" in text
    assert "自收到本告知书之日起10个工作日内补正" in text
    assert "视为放弃申请" in text
    event = next(e for e in live_events(case) if e.kind == EventKind.CORRECTION_REQUESTED)
    assert event.on == on
    assert "清政信补〔2026〕1号" in event.note
    assert event.id == letter.event_id
    assert period_end(letter, world.session, world.town) == dt.date(2026, 3, 18)


def test_correction_without_items_is_refused(world, case, store):
    with pytest.raises(RegisterError, match="补正的事项"):
        issue(world, store, case, "correction", RECEIVED)


def test_consultation_to_a_third_party_and_to_an_agency(world, case, store):
    third = issue(world, store, case, "consultation", RECEIVED, party="某建筑公司")
    text = text_of(store, third)
    assert "某建筑公司：" in text
    assert "第三十二条" in text
    assert "15个工作日" in text
    assert "由本机关依照条例的规定决定是否公开" in text
    assert "李明" not in text  # the applicant's name is not given to the third party
    agency = issue(
        world, store, case, "consultation", RECEIVED, party="示例县交通运输局", party_kind="agency"
    )
    text = text_of(store, agency)
    assert "第三十四条" in text
    assert "视为同意公开" in text
    assert (third.number, agency.number) == ("清政信征〔2026〕1号", "清政信征〔2026〕2号")


def test_extension_states_approver_and_new_deadline_and_refuses_25_days(world, case, store):
    with pytest.raises(RegisterError, match="最长不得超过20个工作日"):
        issue(
            world,
            store,
            case,
            "extension",
            dt.date(2026, 3, 20),
            extension_days="25",
            approved_by="王主任",
        )
    before = case.due_on
    letter = issue(
        world,
        store,
        case,
        "extension",
        dt.date(2026, 3, 20),
        extension_days="20",
        approved_by="王主任",
        approved_on="2026-03-19",
    )
    text = text_of(store, letter)
    assert "王主任" in text
    assert "2026年3月19日" in text
    assert "第三十三条第二款" in text
    assert case.due_on > before
    new_due = f"{case.due_on.year}年{case.due_on.month}月{case.due_on.day}日"
    assert f"延长后的答复期限为{new_due}" in text
    event = next(e for e in live_events(case) if e.kind == EventKind.EXTENSION)
    assert event.days == 20
    assert event.approved_on == dt.date(2026, 3, 19)


def test_art35_inquiry_and_deadline(world, case, store):
    inquiry = issue(world, store, case, "art35", RECEIVED, reply_by="2026-03-10")
    assert "第三十五条" in text_of(store, inquiry)
    assert "说明理由" in text_of(store, inquiry)
    letter = issue(world, store, case, "art35", dt.date(2026, 3, 5), custom_due_on="2026-06-30")
    assert "本机关确定的答复期限为2026年6月30日" in text_of(store, letter)
    assert case.due_on == dt.date(2026, 6, 30)


def test_fee_notice_states_basis_amount_and_payment_period(world, case, store):
    letter = issue(
        world, store, case, "fee", dt.date(2026, 3, 5), fee_method="page", fee_count="250"
    )
    text = text_of(store, letter)
    assert "国办函〔2020〕109号" in text
    assert "4700元" in text
    assert "按量计收" in text
    assert "自收到本通知书之次日起20个工作日内缴纳" in text
    event = next(e for e in live_events(case) if e.kind == EventKind.FEE_NOTICE)
    assert int(event.amount) == 4700
    with pytest.raises(RegisterError, match="不产生信息处理费"):
        issue(world, store, case, "fee", dt.date(2026, 3, 5), fee_method="page", fee_count="20")


@pytest.mark.parametrize(
    ("outcome", "values", "expected"),
    [
        (
            "granted",
            {"how_to_obtain": "到本机关政务服务窗口领取"},
            ["决定予以公开", "第三十六条第（二）项"],
        ),
        (
            "partially_granted",
            {"withheld_part": "投标人报价", "reason": "涉及商业秘密"},
            ["投标人报价不予公开", "涉及商业秘密", "第三十七条"],
        ),
        ("denied_third_party", {"reason": "涉及他人隐私"}, ["不予公开", "第十五条"]),
        (
            "unavailable_not_held",
            {"holder": "示例县交通运输局（电话0000-7654321）"},
            ["该信息不存在", "示例县交通运输局", "第三十六条第（五）项"],
        ),
        ("not_processed_petition", {}, ["信访、投诉、举报", "第三十九条第一款"]),
        ("other_other", {"reason": "申请人已另行获取该信息"}, ["申请人已另行获取该信息"]),
    ],
)
def test_reply_per_outcome_family_ends_with_the_remedies(
    world, case, store, outcome, values, expected
):
    letter = issue(world, store, case, "reply", dt.date(2026, 3, 20), outcome=outcome, **values)
    text = text_of(store, letter)
    assert letter.number == "清政信复〔2026〕1号"
    for sentence in expected:
        assert sentence in text
    assert "六十日内向示例县人民政府申请行政复议" in text
    assert "六个月内向示例县人民法院提起行政诉讼" in text
    assert text.index("行政复议") > text.index("现答复如下")
    reply = next(e for e in live_events(case) if e.kind == EventKind.REPLY)
    assert reply.outcome == outcome
    assert reply.on == dt.date(2026, 3, 20)


def test_denial_without_reason_is_refused(world, case, store):
    with pytest.raises(RegisterError, match="理由"):
        issue(world, store, case, "reply", RECEIVED, outcome="denied_state_secret")


def test_reissue_gives_a_new_number_and_marks_the_old(world, case, store):
    first = issue(world, store, case, "receipt", RECEIVED)
    second = reissue_letter(
        session=world.session,
        store=store,
        actor=world.clerk,
        letter=first,
        application=case,
        reason="申请人姓名有误",
        on=dt.date(2026, 3, 3),
    )
    assert second.number == "清政信收〔2026〕2号"
    assert first.superseded_by == second.id
    assert first.superseded_reason == "申请人姓名有误"
    assert "清政信收〔2026〕2号" in text_of(store, second)
    with pytest.raises(RegisterError, match="已被重新出具"):
        reissue_letter(
            session=world.session,
            store=store,
            actor=world.clerk,
            letter=first,
            application=case,
            reason="again",
            on=dt.date(2026, 3, 3),
        )
    third = issue(world, store, case, "receipt", RECEIVED)
    assert third.number == "清政信收〔2026〕3号"  # never reused
    assert [x.number for x in letters_of(world.session, case)][-1] == third.number


def test_delivery_post_needs_tracking_and_the_notified_date_moves_with_it(world, case, store):
    letter = issue(
        world,
        store,
        case,
        "extension",
        dt.date(2026, 3, 20),
        extension_days="10",
        approved_by="王主任",
    )
    with pytest.raises(RegisterError, match="邮件号码"):
        record_delivery(
            session=world.session,
            actor=world.clerk,
            letter=letter,
            application=case,
            method="post",
            delivered_on=dt.date(2026, 3, 23),
        )
    record_delivery(
        session=world.session,
        actor=world.clerk,
        letter=letter,
        application=case,
        method="post",
        delivered_on=dt.date(2026, 3, 23),
        tracking_number="1234567890",
    )
    event = next(e for e in live_events(case) if e.kind == EventKind.EXTENSION)
    assert event.notified_on == dt.date(2026, 3, 23)
    assert letter.tracking_number == "1234567890"


def test_reviewer_of_another_unit_cannot_issue(world, case, store):
    from xxgk.db.access import AccessError
    from xxgk.db.models import Role
    from xxgk.db.units import add_unit
    from xxgk.db.users import add_user

    other = add_unit(
        session=world.session,
        actor=world.admin,
        code="dongshan",
        name="示例县东山镇人民政府",
        kind=world.town.kind,
        parent=world.county,
    )
    stranger = add_user(
        session=world.session, actor=world.admin, username="stranger", role=Role.CLERK, unit=other
    )
    with pytest.raises(AccessError):
        issue_letter(
            session=world.session,
            store=store,
            actor=stranger,
            application=case,
            kind="receipt",
            on=RECEIVED,
        )


def test_unit_template_upload_is_used_and_a_broken_one_refused(world, case, store):
    template = default_template("receipt").replace(b"w:body>", b"w:body>", 1)
    upload_template(
        session=world.session,
        actor=world.clerk,
        unit=world.town,
        kind="receipt",
        data=template,
        filename="回执.docx",
    )
    letter = issue(world, store, case, "receipt", RECEIVED)
    assert letter.number in text_of(store, letter)
    with pytest.raises(RegisterError, match="Word"):
        upload_template(
            session=world.session,
            actor=world.clerk,
            unit=world.town,
            kind="receipt",
            data=b"not a docx",
            filename="x.docx",
        )


def test_a_template_over_the_decompression_budget_is_refused_unrendered(world):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
    from hostile_support import docx_bomb

    with pytest.raises(RegisterError, match="解压后的大小"):
        upload_template(
            session=world.session,
            actor=world.clerk,
            unit=world.town,
            kind="receipt",
            data=docx_bomb(70 << 20),
            filename="回执.docx",
        )


def test_a_template_with_nested_loops_is_refused_within_the_time_budget(world, case, store):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
    from hostile_support import nested_loop_template

    template = nested_loop_template()
    with use_limits(Limits(parse_seconds=1.0)), pytest.raises(LimitError) as refused:
        upload_template(
            session=world.session,
            actor=world.clerk,
            unit=world.town,
            kind="receipt",
            data=template,
            filename="回执.docx",
        )
    assert refused.value.budget == "parse_seconds"
    assert refused.value.message_zh.startswith("文书模板填写超出处理时限（1秒）")
    assert "\n" not in refused.value.message_zh


def test_number_pattern_per_unit():
    assert (
        format_number("{代字}{类}〔{年}〕{号}号", "清政信", "补", 2026, 3) == "清政信补〔2026〕3号"
    )
    assert format_number("", "", "复", 2026, 12) == "政信复〔2026〕12号"


@pytest.mark.postgres
def test_concurrent_numbering_never_repeats(clean_pg_engine, tmp_path):
    from tests.register.conftest import World

    with Session(clean_pg_engine, expire_on_commit=False) as setup:
        world = World(setup)
        apps = [
            register_application(
                session=setup,
                unit=world.town,
                actor=world.clerk,
                channel_name="in_person",
                applicant_type="natural_person",
                arrived_on=RECEIVED,
            )
            for _ in range(6)
        ]
        setup.commit()
        ids = [a.id for a in apps]
    store = FileStore(tmp_path / "files")
    numbers: list[str] = []
    errors: list[Exception] = []

    def worker(app_id: int) -> None:
        from xxgk.db.models import User
        from xxgk.register.models import Application

        with Session(clean_pg_engine) as s:
            try:
                app = s.get(Application, app_id)
                clerk = s.query(User).filter_by(username="clerk").one()
                letter = issue_letter(
                    session=s,
                    store=store,
                    actor=clerk,
                    application=app,
                    kind="receipt",
                    on=RECEIVED,
                )
                s.commit()
                numbers.append(letter.number)
            except Exception as exc:  # collected and asserted below
                errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == sorted(f"政信收〔2026〕{n}号" for n in range(1, 7))


def _template_with(text: str) -> bytes:
    document = docx.Document(io.BytesIO(default_template("receipt")))
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__.os.system('true') }}",
        "{% for i in range(10000000) %}x{% endfor %}",
    ],
)
def test_an_uploaded_template_cannot_reach_python(world, payload):
    """Templates are Jinja, uploaded by the unit: rendered in a sandbox, a template that reaches
    for Python internals (or an unbounded range) is refused as a template error."""
    with pytest.raises(RegisterError, match="文书模板有误"):
        upload_template(
            session=world.session,
            actor=world.clerk,
            unit=world.town,
            kind="receipt",
            data=_template_with(payload),
            filename="回执.docx",
        )
