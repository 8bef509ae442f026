"""The filing gate: blocked with errors, warnings acknowledged, returned with reasons,
accepted, published (with an earlier real date only with its reason); direct publication
where no supervisor uses xxgk; nothing empty or missing can be published."""

from __future__ import annotations

import datetime as dt

import pytest

from xxgk.db.access import AccessError
from xxgk.db.models import Role
from xxgk.db.users import add_user
from xxgk.errors import RegisterError
from xxgk.register.filing import (
    decide_filing,
    filing_gate,
    filings,
    publish_filed,
    state_of,
    submit_report,
)
from xxgk.register.inputs import set_narrative, set_yearly_count
from xxgk.register.publish import publish_report, reopen_year

YEAR = 2025
TODAY = dt.date(2026, 1, 20)


def complete(world) -> None:
    for key in ("licensing", "punishment", "enforcement", "fees"):
        set_yearly_count(
            session=world.session,
            unit=world.town,
            actor=world.clerk,
            year=YEAR,
            key=key,
            value="0",
            source="业务系统统计",
        )
    texts = {
        "overview": "本镇坚持以公开为常态，全年主动公开政府信息，依法办理政府信息公开申请。",
        "problems": "存在的主要问题是公开内容不够全面，改进措施是加强培训和审核。",
        "other": "本年度没有产生信息处理费。无其他需要报告的事项。",
    }
    for section, text in texts.items():
        set_narrative(
            session=world.session,
            unit=world.town,
            actor=world.clerk,
            year=YEAR,
            section=section,
            text=text,
        )


@pytest.fixture
def supervisor(world):
    return add_user(
        session=world.session,
        actor=world.admin,
        username="supervisor",
        role=Role.SUPERVISOR,
        unit=world.county,
    )


def submit(world, acknowledge=True):
    return submit_report(
        session=world.session,
        actor=world.clerk,
        unit=world.town,
        year=YEAR,
        acknowledge_warnings=acknowledge,
    )


def publish(world, actor=None, **kwargs):
    return publish_filed(
        session=world.session,
        actor=actor or world.reviewer,
        unit=world.town,
        year=YEAR,
        today=TODAY,
        **kwargs,
    )


def test_missing_values_and_empty_sections_block_filing_with_where_to_fix(world, supervisor):
    gate = filing_gate(world.session, world.town, YEAR)
    codes = {b.code for b in gate.errors}
    assert codes == {"filing-value-missing", "filing-section-empty"}
    missing = next(b for b in gate.errors if b.code == "filing-value-missing")
    assert missing.fix_url.startswith("/compile/inputs?")
    assert "4项数值未填报" in missing.message
    with pytest.raises(RegisterError, match="个错误"):
        submit(world)
    with pytest.raises(RegisterError, match="错误"):
        publish(world)


def test_warnings_need_acknowledgement_then_return_accept_publish(world, supervisor):
    complete(world)
    gate = filing_gate(world.session, world.town, YEAR)
    assert gate.open
    if gate.warnings:
        with pytest.raises(RegisterError, match="警告"):
            submit(world, acknowledge=False)
    first = submit(world)
    assert state_of(world.session, world.town, YEAR) == "submitted"
    with pytest.raises(RegisterError, match="不能再次报送"):
        submit(world)
    with pytest.raises(AccessError):
        decide_filing(
            session=world.session, actor=world.reviewer, filing=first, unit=world.town, accept=True
        )
    with pytest.raises(RegisterError, match="理由"):
        decide_filing(
            session=world.session, actor=supervisor, filing=first, unit=world.town, accept=False
        )
    decide_filing(
        session=world.session,
        actor=supervisor,
        filing=first,
        unit=world.town,
        accept=False,
        reason="第五部分未写上年问题的整改情况",
    )
    assert state_of(world.session, world.town, YEAR) == "returned"
    with pytest.raises(RegisterError, match="审核通过后"):
        publish(world)
    second = submit(world)
    assert second.version == 2
    decide_filing(
        session=world.session, actor=supervisor, filing=second, unit=world.town, accept=True
    )
    with pytest.raises(RegisterError, match="说明实际发布情况"):
        publish(world, published_on=dt.date(2026, 1, 15))
    published = publish(
        world, published_on=dt.date(2026, 1, 15), date_reason="1月15日已在政府网站发布"
    )
    assert published.published_on == dt.date(2026, 1, 15)
    assert "发布日期补记：1月15日已在政府网站发布" in published.reason
    history = filings(world.session, world.town, YEAR)
    assert [f.state for f in history] == ["returned", "published"]
    assert history[0].decision_reason == "第五部分未写上年问题的整改情况"
    with pytest.raises(RegisterError, match="发布（第1版）"):
        publish(world)


def test_change_after_acceptance_needs_a_new_filing(world, supervisor):
    complete(world)
    row = submit(world)
    decide_filing(session=world.session, actor=supervisor, filing=row, unit=world.town, accept=True)
    set_yearly_count(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        year=YEAR,
        key="licensing",
        value="5",
    )
    with pytest.raises(RegisterError, match="重新报送"):
        publish(world)


def test_direct_publication_without_a_supervisor_is_dated_today(world):
    with pytest.raises(RegisterError, match="错误"):
        publish(world)
    complete(world)
    published = publish(world)
    assert published.published_on == TODAY
    assert published.reason == ""
    assert [f.state for f in filings(world.session, world.town, YEAR)] == ["published"]
    with pytest.raises(RegisterError, match="不能晚于今天"):
        publish_filed(
            session=world.session,
            actor=world.reviewer,
            unit=world.town,
            year=2026,
            today=TODAY,
            published_on=dt.date(2027, 1, 2),
        )


def test_a_reopened_year_is_filed_and_published_again_as_a_correction(world):
    complete(world)
    publish(world)
    assert state_of(world.session, world.town, YEAR) == "published"
    with pytest.raises(RegisterError, match="不能再次报送"):
        submit(world)
    reopen_year(
        session=world.session, unit=world.town, actor=world.leader, year=YEAR, reason="漏登申请"
    )
    assert state_of(world.session, world.town, YEAR) == "reopened"
    with pytest.raises(RegisterError, match="更正后重新发布必须说明理由"):
        publish(world)
    second = publish(world, correction_reason="补登一件申请")
    assert second.version == 2
    assert "补登一件申请" in second.reason
    assert state_of(world.session, world.town, YEAR) == "published"
    assert [f.state for f in filings(world.session, world.town, YEAR)] == ["published"] * 2


def test_a_year_published_outside_the_filing_is_published(world):
    complete(world)
    publish_report(
        session=world.session,
        unit=world.town,
        actor=world.reviewer,
        year=YEAR,
        published_on=TODAY,
    )
    assert filings(world.session, world.town, YEAR) == []
    assert state_of(world.session, world.town, YEAR) == "published"
    with pytest.raises(RegisterError, match="不能再次报送"):
        submit(world)
