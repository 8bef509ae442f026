"""The register's repository layer on SQLite and PostgreSQL: lifecycle, audit, rights, lock."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from xxgk.db.access import AccessError, can_see_personal_data
from xxgk.db.audit import history
from xxgk.db.models import AuditEntry, Role
from xxgk.db.users import add_user, verify_password
from xxgk.errors import RegisterError
from xxgk.model.cells import RELATIONS
from xxgk.register import (
    add_event,
    check_register,
    compile_report,
    publish_report,
    register_application,
    reopen_year,
    update_application,
    void_application,
)
from xxgk.register.caldb import set_calendar_day
from xxgk.register.inputs import add_appeal, add_document, set_narrative, set_yearly_count
from xxgk.register.models import Application

D = dt.date.fromisoformat


def new_app(world, received="2025-01-20", applicant="natural_person", **extra):
    return register_application(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        channel_name="当面",
        arrived_on=D(received),
        applicant_type=applicant,
        applicant_name="张三",
        applicant_contact="13800000000",
        request_text="示例路改造工程的立项批复",
        **extra,
    )


def test_register_numbers_per_unit_and_year(world):
    first, second = new_app(world), new_app(world, "2025-02-03")
    other_year = new_app(world, "2026-01-05")
    assert [first.number, second.number, other_year.number] == [
        "2025-0001",
        "2025-0002",
        "2026-0001",
    ]
    assert first.due_on == D("2025-02-21")
    assert first.calendar_version.startswith("chinesecalendar")


def test_receipt_date_follows_the_channel(world):
    app = register_application(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        channel_name="邮寄-签收",
        arrived_on=D("2025-03-03"),
        signed_on=D("2025-03-04"),
        applicant_type="商业企业",
    )
    assert app.received_on == D("2025-03-04")
    assert app.applicant_type == "commercial"
    with pytest.raises(RegisterError, match="确认日期"):
        register_application(
            session=world.session,
            unit=world.town,
            actor=world.clerk,
            channel_name="网络",
            arrived_on=D("2025-03-03"),
            applicant_type="自然人",
        )


def test_lifecycle_reply_closes_and_compiles(world):
    app = new_app(world)
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="补正告知",
        on=D("2025-01-22"),
    )
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="补正收到",
        on=D("2025-02-10"),
    )
    assert app.due_on > D("2025-02-21")
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="答复",
        on=D("2025-02-20"),
        outcome_name="部分公开",
        delivery="邮寄",
    )
    with pytest.raises(RegisterError, match="已于2025-02-20办结"):
        add_event(
            session=world.session,
            actor=world.clerk,
            application=app,
            kind="撤回",
            on=D("2025-02-21"),
        )
    report = compile_report(world.session, world.town, 2025)
    assert report["requests.new.natural_person"] == 1
    assert report["requests.partially_granted.total"] == 1
    assert report["requests.carried_forward.total"] == 0
    assert check_register(world.session, world.town) == []


def test_events_that_cannot_have_happened_are_refused(world):
    app = new_app(world)
    with pytest.raises(RegisterError, match="早于申请收到日期"):
        add_event(
            session=world.session,
            actor=world.clerk,
            application=app,
            kind="reply",
            on=D("2025-01-10"),
            outcome_name="granted",
        )
    with pytest.raises(RegisterError, match="没有“收费通知”记录"):
        add_event(
            session=world.session,
            actor=world.clerk,
            application=app,
            kind="缴费",
            on=D("2025-01-22"),
        )
    with pytest.raises(RegisterError, match="必须填写办理结果"):
        add_event(
            session=world.session,
            actor=world.clerk,
            application=app,
            kind="答复",
            on=D("2025-01-22"),
        )


def test_voiding_an_event_reopens_and_keeps_history(world):
    app = new_app(world)
    reply = add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="答复",
        on=D("2025-02-03"),
        outcome_name="予以公开",
    )
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="作废更正",
        on=D("2025-02-04"),
        ref_id=reply.id,
        note="结果录错",
    )
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="答复",
        on=D("2025-02-03"),
        outcome_name="本机关不掌握相关政府信息",
    )
    report = compile_report(world.session, world.town, 2025)
    assert report["requests.granted.total"] == 0
    assert report["requests.unavailable_not_held.total"] == 1
    assert len(app.events) == 4


def test_every_change_is_audited_with_before_and_after(world):
    app = new_app(world)
    update_application(
        session=world.session,
        actor=world.clerk,
        application=app,
        reason="姓名录错",
        applicant_name="李四",
    )
    void_application(session=world.session, actor=world.clerk, application=app, reason="重复登记")
    entries = history(world.session, "application", app.id)
    assert [e.action for e in entries] == ["create", "update", "void"]
    assert entries[1].before["applicant_name"] == "张三"
    assert entries[1].after["applicant_name"] == "李四"
    assert entries[1].actor_name == "clerk"
    assert world.session.get(Application, app.id) is not None
    assert compile_report(world.session, world.town, 2025)["requests.new.total"] == 0


def test_rights_are_enforced_by_the_repository(world):
    supervisor = add_user(
        session=world.session,
        actor=world.admin,
        username="duban",
        role=Role.SUPERVISOR,
        unit=world.county,
    )
    with pytest.raises(AccessError, match="无权"):
        register_application(
            session=world.session,
            unit=world.town,
            actor=supervisor,
            channel_name="当面",
            arrived_on=D("2025-01-20"),
            applicant_type="自然人",
        )
    assert not can_see_personal_data(supervisor, world.town)
    assert can_see_personal_data(world.clerk, world.town)
    assert not can_see_personal_data(world.clerk, world.county)
    with pytest.raises(AccessError, match="不属于单位"):
        register_application(
            session=world.session,
            unit=world.county,
            actor=world.clerk,
            channel_name="当面",
            arrived_on=D("2025-01-20"),
            applicant_type="自然人",
        )


def test_passwords_are_argon2_hashes(world):
    assert world.clerk.password_hash.startswith("$argon2")
    assert verify_password(world.clerk, "s3cret-清河镇台账")
    assert not verify_password(world.clerk, "wrong")
    assert not verify_password(world.reviewer, "")


def test_publish_locks_the_year_and_reopen_needs_a_reason(world):
    new_app(world, "2025-03-03")
    publish_report(
        session=world.session,
        unit=world.town,
        actor=world.reviewer,
        year=2025,
        published_on=D("2026-01-20"),
    )
    with pytest.raises(RegisterError, match="已锁定"):
        new_app(world, "2025-12-30")
    with pytest.raises(RegisterError, match="说明理由"):
        reopen_year(
            session=world.session, unit=world.town, actor=world.leader, year=2025, reason=" "
        )
    with pytest.raises(AccessError, match="无权执行此操作"):
        reopen_year(
            session=world.session, unit=world.town, actor=world.reviewer, year=2025, reason="更正"
        )
    reopen_year(
        session=world.session,
        unit=world.town,
        actor=world.leader,
        year=2025,
        reason="漏登一件申请",
    )
    new_app(world, "2025-12-30")
    with pytest.raises(RegisterError, match="必须说明理由"):
        publish_report(
            session=world.session,
            unit=world.town,
            actor=world.reviewer,
            year=2025,
            published_on=D("2026-02-01"),
        )
    second = publish_report(
        session=world.session,
        unit=world.town,
        actor=world.reviewer,
        year=2025,
        published_on=D("2026-02-01"),
        reason="补登一件申请",
    )
    assert second.version == 2
    assert second.snapshot_json["requests"]["new"][6] == 2


def test_year_boundary_december_received_january_answered(world):
    app = new_app(world, "2025-12-22", applicant="research")
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="答复",
        on=D("2026-01-19"),
        outcome_name="予以公开",
    )
    y2025 = compile_report(world.session, world.town, 2025)
    y2026 = compile_report(world.session, world.town, 2026)
    assert y2025["requests.new.research"] == 1
    assert y2025["requests.carried_forward.research"] == 1
    assert y2026["requests.carried_over.research"] == 1
    assert y2026["requests.granted.research"] == 1
    assert y2026["requests.carried_forward.total"] == 0


def test_carried_over_two_years(world):
    app = new_app(world, "2024-12-30")
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="第三十五条另定答复期限",
        on=D("2025-01-02"),
        due_on=D("2026-03-01"),
        notified_on=D("2025-01-03"),
    )
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="答复",
        on=D("2026-02-10"),
        outcome_name="予以公开",
    )
    counts = {y: compile_report(world.session, world.town, y) for y in (2024, 2025, 2026)}
    assert counts[2024]["requests.carried_forward.total"] == 1
    assert counts[2025]["requests.carried_over.total"] == 1
    assert counts[2025]["requests.carried_forward.total"] == 1
    assert counts[2025]["requests.total_handled.total"] == 0
    assert counts[2026]["requests.granted.total"] == 1


def test_table_two_and_four_and_sections_compile(world):
    s, town, clerk = world.session, world.town, world.clerk
    add_document(
        session=s,
        unit=town,
        actor=clerk,
        kind="行政规范性文件",
        title="示例办法",
        issued_on=D("2023-05-01"),
        repealed_on=D("2025-06-01"),
    )
    add_document(
        session=s,
        unit=town,
        actor=clerk,
        kind="normative_documents",
        title="示例规定",
        issued_on=D("2025-02-01"),
    )
    set_yearly_count(session=s, unit=town, actor=clerk, year=2025, key="行政许可", value=12)
    set_yearly_count(session=s, unit=town, actor=clerk, year=2025, key="fees", value="1.25")
    add_appeal(
        session=s,
        unit=town,
        actor=clerk,
        kind="行政复议",
        filed_on=D("2025-04-01"),
        decided_on=D("2025-06-01"),
        outcome="结果维持",
    )
    add_appeal(session=s, unit=town, actor=clerk, kind="复议后起诉", filed_on=D("2025-11-01"))
    set_narrative(
        session=s,
        unit=town,
        actor=clerk,
        year=2025,
        section="overview",
        text="本年度清河镇认真贯彻落实条例。",
    )
    report = compile_report(s, town, 2025)
    assert report["active.normative_documents.issued"] == 1
    assert report["active.normative_documents.repealed"] == 1
    assert report["active.normative_documents.in_force"] == 1
    assert report["active.licensing"] == 12
    assert str(report["active.fees"]) == "1.25"
    assert report["active.punishment"] is None
    assert report["review_litigation.review.upheld"] == 1
    assert report["review_litigation.litigation_after_review.pending"] == 1
    assert report.section_text("overview").startswith("本年度清河镇")
    for rel in RELATIONS:
        assert sum(report[k] for k in rel.total) == sum(report[k] for k in rel.parts)


def test_calendar_change_recomputes_open_deadlines_and_logs_why(world):
    s = world.session
    app = register_application(
        session=s,
        unit=world.county,
        actor=world.admin,
        channel_name="当面",
        arrived_on=D("2024-06-03"),
        applicant_type="自然人",
    )
    before = app.due_on
    set_calendar_day(
        session=s,
        actor=world.admin,
        region="XJ",
        day=D("2024-06-17"),
        kind="holiday",
        name="古尔邦节",
        source="自治区人民政府办公厅2024年通知",
        reason="补录2024年古尔邦节",
    )
    assert app.due_on == before + dt.timedelta(days=1)
    entry = s.scalar(select(AuditEntry).where(AuditEntry.action == "recompute-deadline"))
    assert "古尔邦节" in entry.reason
    with pytest.raises(AccessError):
        set_calendar_day(
            session=s,
            actor=world.clerk,
            region="XJ",
            day=D("2024-06-18"),
            kind="holiday",
            name="x",
            source="y",
            reason="z",
        )
