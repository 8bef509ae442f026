"""The desk: overdue and due-soon cases in working days, letters to deliver, 补正 periods and
consultations running out, register findings; reminders through a local SMTP server."""

from __future__ import annotations

import datetime as dt
import email
import socket
import time
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import sessionmaker

from xxgk.register.applications import register_application
from xxgk.register.attachments import FileStore
from xxgk.register.caldb import unit_calendar
from xxgk.register.desk import build_desk, digest_text, send_digest, sent_reminders, warnings_due
from xxgk.register.events import add_event
from xxgk.register.letters import issue_letter, update_settings
from xxgk.register.reminders import DailyReminders, run_due, send_reminders

TODAY = dt.date(2026, 3, 20)  # a Friday


def _app(world, received: dt.date, name: str = "张三"):
    return register_application(
        session=world.session,
        unit=world.town,
        actor=world.clerk,
        channel_name="in_person",
        applicant_type="natural_person",
        arrived_on=received,
        applicant_name=name,
        request_text="某项政府信息",
    )


def _received_for(world, left: int) -> dt.date:
    """Return a receipt date whose deadline is ``left`` working days after TODAY."""
    calendar = unit_calendar(world.session, world.town)
    day = TODAY
    while True:
        due = calendar.add_working_days(day, 20)
        gap = len(calendar.working_days(TODAY, due)) if due >= TODAY else -1
        if gap == left:
            return day
        day -= dt.timedelta(days=1)


@pytest.fixture
def busy(world, tmp_path):
    store = FileStore(tmp_path / "files")
    overdue = _app(world, dt.date(2026, 1, 5))
    soon = _app(world, _received_for(world, 5))
    unclear = _app(world, TODAY - dt.timedelta(days=10))
    issue_letter(
        session=world.session,
        store=store,
        actor=world.clerk,
        application=unclear,
        kind="correction",
        on=TODAY - dt.timedelta(days=9),
        values={"items": "写明文件名称", "correction_days": "5"},
    )
    add_event(
        session=world.session,
        actor=world.clerk,
        application=overdue,
        kind="consultation_sent",
        on=dt.date(2026, 1, 12),
        party="某公司",
    )
    world.session.commit()
    return overdue, soon, unclear


def test_desk_lists_what_is_due_in_working_days(world, busy):
    overdue, soon, unclear = busy
    desk = build_desk(world.session, world.clerk, [world.town], TODAY, 2025)
    assert [line.number for line in desk.overdue] == [overdue.number]
    assert desk.overdue[0].left < 0
    assert soon.number in [line.number for line in desk.due_soon]
    assert next(line for line in desk.due_soon if line.number == soon.number).left == 5
    assert [line.number for line in desk.letters_to_send] == [unclear.number]
    assert [line.number for line in desk.corrections_ending] == [unclear.number]
    assert [line.number for line in desk.consultations_unanswered] == [overdue.number]
    assert overdue.number in {line.number for line in desk.findings}  # A01: late
    assert desk.badge >= 5
    assert desk.reports[0][2] == "编制中"
    assert [w.number for w in warnings_due(desk)] == [soon.number]
    text = digest_text(world.town, desk, TODAY)
    assert "已逾期" in text
    assert f"※ 申请{soon.number}距答复期限还有5个工作日" in text


def _correction_recorded(world, received: dt.date, asked: dt.date, days: int):
    """A case whose 补正 notice was only recorded as an event (no letter issued in xxgk)."""
    app = _app(world, received, name="李四")
    add_event(
        session=world.session,
        actor=world.clerk,
        application=app,
        kind="correction_requested",
        on=asked,
        days=days,
    )
    return app


def test_desk_lists_correction_periods_recorded_without_a_letter(world, busy):
    """Art. 30: a 补正 period recorded by its event alone shows as the case page counts it;
    one that has run out says the case may be closed as 逾期未补正; a case with its letter
    is listed once, by the letter."""
    _, _, unclear = busy
    lapsed = _correction_recorded(world, dt.date(2026, 2, 2), dt.date(2026, 2, 4), 10)
    ending = _correction_recorded(world, TODAY - dt.timedelta(days=3), TODAY, 2)
    later = _correction_recorded(world, TODAY - dt.timedelta(days=3), TODAY, 15)
    world.session.commit()
    for app in (lapsed, ending, later):
        world.session.refresh(app)
        assert app.due_on is None
        assert app.correction_due is not None
    desk = build_desk(world.session, world.clerk, [world.town], TODAY, 2025)
    lines = {line.number: line for line in desk.corrections_ending}
    assert set(lines) == {unclear.number, lapsed.number, ending.number}
    assert lines[unclear.number].what.startswith("补正期限（")  # the letter's line, once
    gone = lines[lapsed.number]
    assert gone.due == lapsed.correction_due < TODAY
    assert gone.left < 0
    assert gone.what == "补正期限"
    assert lines[ending.number].what == "补正期限"
    assert 0 <= lines[ending.number].left <= 3
    text = digest_text(world.town, desk, TODAY)
    late = f"，已过{-gone.left}个工作日，可按逾期未补正办结"
    assert f"{lapsed.number} 补正期限 {gone.due.isoformat()}{late}" in text


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    with socket.socket() as probe:  # a free port on the loopback interface
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def test_digest_and_warnings_through_a_local_smtp_server(world, busy, smtp_server):
    inbox, port = smtp_server
    _, soon, _ = busy
    assert send_digest(world.session, world.town, world.clerk, TODAY, 2025) == 0  # no SMTP set
    update_settings(
        session=world.session,
        actor=world.clerk,
        unit=world.town,
        changes={
            "smtp_host": "127.0.0.1",
            "smtp_port": str(port),
            "smtp_sender": "gk@example.invalid",
            "digest_to": "officer@example.invalid\nleader@example.invalid",
        },
    )
    assert send_digest(world.session, world.town, world.clerk, TODAY, 2025) == 2
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert "1件申请临近答复期限" in message["Subject"]
    assert message["To"] == "officer@example.invalid, leader@example.invalid"
    body = message.get_content()
    assert soon.number in body
    assert "补正期限将满或已满" in body


def test_a_warning_is_sent_once_and_a_refused_mail_is_not_recorded(world, busy, smtp_server):
    inbox, port = smtp_server
    _, soon, _ = busy
    settings = {"smtp_host": "127.0.0.1", "smtp_port": str(port), "digest_to": "gk@example.invalid"}
    update_settings(session=world.session, actor=world.clerk, unit=world.town, changes=settings)
    send_digest(world.session, world.town, world.clerk, TODAY, 2025)
    send_digest(world.session, world.town, world.clerk, TODAY, 2025)  # by hand, again
    first, second = (m.get_content() for m in inbox.messages)
    warning = f"※ 申请{soon.number}距答复期限还有5个工作日"
    assert warning in first
    assert warning not in second
    assert soon.number in second
    days, warned = sent_reminders(world.session, world.town)
    assert days == {TODAY.isoformat()}
    assert len(warned) == 1
    world.session.commit()
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    settings["smtp_port"] = str(dead)
    update_settings(session=world.session, actor=world.clerk, unit=world.town, changes=settings)
    tomorrow = TODAY + dt.timedelta(days=3)
    results = send_reminders(world.session, world.admin, tomorrow)
    assert [r.sent for r in results] == [0]
    assert "提醒邮件未能发出" in results[0].note
    assert sent_reminders(world.session, world.town)[0] == {TODAY.isoformat()}  # not recorded


@pytest.mark.parametrize(
    ("now", "last", "due"),
    [
        (dt.datetime(2026, 3, 20, 7, 29), None, False),
        (dt.datetime(2026, 3, 20, 7, 30), None, True),
        (dt.datetime(2026, 3, 20, 23, 0), dt.date(2026, 3, 20), False),
        (dt.datetime(2026, 3, 21, 7, 31), dt.date(2026, 3, 20), True),
    ],
)
def test_the_daily_run_is_due_once_a_day_after_its_hour(now, last, due):
    assert run_due(now, dt.time(7, 30), last) is due


def _wait_for(predicate, seconds: float = 20.0) -> None:
    end = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < end, "timed out"
        time.sleep(0.02)


def test_the_servers_daily_task_sends_once_even_with_two_servers(world, busy, smtp_server):
    inbox, port = smtp_server
    settings = {"smtp_host": "127.0.0.1", "smtp_port": str(port), "digest_to": "gk@example.invalid"}
    update_settings(session=world.session, actor=world.clerk, unit=world.town, changes=settings)
    world.session.commit()
    sessions = sessionmaker(bind=world.session.get_bind(), expire_on_commit=False)
    morning = dt.datetime.combine(TODAY, dt.time(8, 0))
    lines: list[str] = []
    servers = [
        DailyReminders(
            sessions,
            "admin",
            dt.time(7, 30),
            every_seconds=0.01,
            report=lines.append,
            clock=lambda: morning,
        )
        for _ in range(2)
    ]
    for server in servers:
        server.start()
        _wait_for(lambda s=server: s.last_day == TODAY and len(lines) >= servers.index(s) + 1)
    time.sleep(0.1)  # many more turns of both loops
    for server in servers:
        server.stop()
        server.join(timeout=5)
    assert len(inbox.messages) == 1
    assert any("已向1个地址发送" in line for line in lines)
    assert any("今日提醒已发送，不再重复" in line for line in lines)
    assert len(lines) == 2


def test_the_daily_task_reports_a_failure_and_keeps_running(world):
    sessions = sessionmaker(bind=world.session.get_bind())
    world.session.commit()
    lines: list[str] = []
    task = DailyReminders(
        sessions,
        "nobody",
        dt.time(0, 0),
        every_seconds=0.01,
        report=lines.append,
        clock=lambda: dt.datetime.combine(TODAY, dt.time(8, 0)),
    )
    task.start()
    _wait_for(lambda: lines)
    assert task.is_alive()
    task.stop()
    task.join(timeout=5)
    assert lines[0].startswith(f"每日提醒未能运行（{TODAY}）")
