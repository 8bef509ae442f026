"""The demo: a fictional county (示例县) with townships and departments, one account per role
with a generated password, a register with applications in every state, and last year's
reports compiled by xxgk from that register and published.

``ensure_demo`` fills an empty database once; the generated passwords are kept in the data
folder (``demo-accounts.txt``, owner-readable only) so that every start can print them.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from xxgk.db.models import Role, Unit, User
from xxgk.db.units import add_unit
from xxgk.db.users import add_user
from xxgk.demo.disclosure import seed_disclosure
from xxgk.register.applications import register_application
from xxgk.register.events import add_event
from xxgk.register.inputs import set_narrative
from xxgk.register.publish import publish_report

ACCOUNTS_FILE = "demo-accounts.txt"
UNITS = (
    ("shilixian", "示例县人民政府", "county", None),
    ("qinghe", "示例县清河镇人民政府", "township", "shilixian"),
    ("shiqiao", "示例县石桥乡人民政府", "township", "shilixian"),
    ("jiaotong", "示例县交通运输局", "department", "shilixian"),
    ("jiaoyu", "示例县教育局", "department", "shilixian"),
)
ACCOUNTS = (
    ("admin", Role.ADMIN, None, "系统管理员"),
    ("qinghe-clerk", Role.CLERK, "qinghe", "清河镇录入员"),
    ("qinghe-reviewer", Role.REVIEWER, "qinghe", "清河镇审核人"),
    ("county-admin", Role.UNIT_ADMIN, "shilixian", "县政府办单位管理员"),
    ("county-supervisor", Role.SUPERVISOR, "shilixian", "县政务公开办督查"),
    ("jiaotong-clerk", Role.CLERK, "jiaotong", "交通运输局录入员"),
    ("qinghe-secrecy", Role.SECRECY, "qinghe", "清河镇保密审查员"),
    ("qinghe-leader", Role.LEADER, "qinghe", "清河镇分管领导"),
    ("jiaotong-secrecy", Role.SECRECY, "jiaotong", "交通运输局保密审查员"),
    ("jiaotong-leader", Role.LEADER, "jiaotong", "交通运输局分管领导"),
)
REQUESTS = (
    "清河镇2024年度农村道路建设项目的招标文件及中标结果",
    "本镇集体土地征收补偿安置方案及补偿标准",
    "清河镇人民政府2025年财政预算执行情况",
    "某村危房改造补助资金发放名单",
    "辖区内养殖场环境影响评价批复文件",
    "镇区老旧小区改造工程的施工许可材料",
)


def is_empty(session: Session) -> bool:
    """Return True when the database has no unit yet (the demo may be created)."""
    return not session.scalar(select(func.count(Unit.id)))


def ensure_demo(session: Session, data_dir: Path, today: dt.date | None = None) -> list[str]:
    """Create the demo on an empty database; return the account lines to print at start-up."""
    if is_empty(session):
        day = today or dt.date.today()
        accounts = create_demo(session, day)
        session.commit()
        demo_corpus(session, data_dir / "demo-reports", day)
        _save_accounts(data_dir, accounts)
    path = data_dir / ACCOUNTS_FILE
    return path.read_text(encoding="utf-8").splitlines() if path.exists() else []


def _save_accounts(data_dir: Path, lines: list[str]) -> None:
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / ACCOUNTS_FILE, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")


def create_demo(session: Session, today: dt.date) -> list[str]:
    """Create units, accounts, register entries and published reports; return account lines."""
    admin_password = secrets.token_urlsafe(9)
    admin = session.scalar(select(User).where(User.username == "admin"))
    if admin is None:
        admin = add_user(
            session=session,
            actor=None,
            username="admin",
            role=Role.ADMIN,
            password=admin_password,
            display_name="系统管理员",
            must_change_password=True,
        )
    units: dict[str, Unit] = {}
    for code, name, kind, parent in UNITS:
        units[code] = add_unit(
            session=session,
            actor=admin,
            code=code,
            name=name,
            kind=kind,
            parent=units.get(parent or ""),
        )
    lines = [f"admin（系统管理员）  密码：{admin_password}"]
    users: dict[str, User] = {"admin": admin}
    for username, role, unit, display in ACCOUNTS[1:]:
        password = secrets.token_urlsafe(9)
        users[username] = add_user(
            session=session,
            actor=admin,
            username=username,
            role=role,
            unit=units[unit] if unit else None,
            password=password,
            display_name=display,
            must_change_password=True,
        )
        lines.append(
            f"{username}（{role.label}，{units[unit].name if unit else ''}）  密码：{password}"
        )
    seed_disclosure(session, units, users, today)  # before last year's report locks that year
    _last_year(session, units, users, today)
    _this_year(session, units["qinghe"], users["qinghe-clerk"], today)
    return lines


def demo_corpus(session: Session, folder: Path, today: dt.date) -> int:
    """Write synthetic published reports of the demo units for the last two years (made by
    ``xxgk.synth``, rendered as text) into ``folder`` and ingest them into the report store;
    return the number of reports stored. The 石桥乡 report of last year is left out (缺报) and
    the 教育局 copies the transport bureau's section 五 (雷同)."""
    import random

    from xxgk.corpus.ingest import ingest_paths
    from xxgk.render import render
    from xxgk.synth import random_report

    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(2026)
    last = today.year - 1
    made = {}
    for code, name, _kind, parent in UNITS:
        if parent is None:
            continue
        previous = None
        for year in (last - 1, last):
            report = random_report(rng, organization=name, year=year, previous=previous)
            previous = made[code, year] = report
            if code == "jiaoyu" and year == last:  # a copied section, for 雷同 detection
                report.sections["problems"] = made["jiaotong", year].sections["problems"]
            if code == "shiqiao" and year == last:
                continue
            (folder / f"{code}-{year}.txt").write_bytes(render(report, "txt"))
    session.commit()
    bind = session.get_bind()
    assert isinstance(bind, Engine)  # the demo session is bound to its engine
    summary = ingest_paths(bind, [folder], jobs=1)
    return summary.added


def _last_year(
    session: Session, units: dict[str, Unit], users: dict[str, User], today: dt.date
) -> None:
    """Register, close and publish last year's applications of two units."""
    year = today.year - 1
    clerk = users["admin"]
    for code, count in (("qinghe", 6), ("jiaotong", 4)):
        unit = units[code]
        for i in range(count):
            arrived = dt.date(year, 2 + i, 10)
            app = register_application(
                session=session,
                unit=unit,
                actor=clerk,
                channel_name="in_person",
                arrived_on=arrived,
                applicant_type="natural_person" if i % 3 else "commercial",
                applicant_name=f"申请人{i + 1}",
                applicant_contact="示例路1号",
                request_text=REQUESTS[i % len(REQUESTS)],
                form_wanted="纸质",
            )
            outcome = ("granted", "partially_granted", "unavailable_not_held")[i % 3]
            add_event(
                session=session,
                actor=clerk,
                application=app,
                kind="reply",
                on=arrived + dt.timedelta(days=12),
                outcome_name=outcome,
                delivery="post",
            )
        set_narrative(
            session=session,
            unit=unit,
            actor=clerk,
            year=year,
            section="overview",
            text=f"{year}年，{unit.name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
            "坚持以公开为常态、不公开为例外，依法依规做好政府信息公开工作。",
        )
    for code, published in (
        ("qinghe", dt.date(year + 1, 1, 20)),
        ("jiaotong", dt.date(year + 1, 2, 10)),
    ):
        if published <= today:
            publish_report(
                session=session,
                unit=units[code],
                actor=users["admin"],
                year=year,
                published_on=published,
            )


def _this_year(session: Session, unit: Unit, clerk: User, today: dt.date) -> None:
    """Register this year's applications: overdue, due soon, corrected, replied, online."""

    def received(days_ago: int) -> dt.date:
        return max(today - dt.timedelta(days=days_ago), dt.date(today.year, 1, 2))

    plan = (
        (40, "in_person", None),
        (25, "in_person", "correction"),
        (24, "post_signed", None),
        (10, "online", None),
        (20, "in_person", "reply"),
        (3, "in_person", None),
    )
    for i, (days_ago, channel, then) in enumerate(plan):
        day = received(days_ago)
        dates: dict[str, Any] = {"arrived_on": day}
        if channel == "post_signed":
            dates["signed_on"] = day
        if channel == "online":
            dates["confirmed_on"] = day
        app = register_application(
            session=session,
            unit=unit,
            actor=clerk,
            channel_name=channel,
            applicant_type="natural_person",
            applicant_name=f"张{'三四五六七八'[i]}",
            applicant_contact=f"1380000000{i}",
            request_text=REQUESTS[i % len(REQUESTS)],
            form_wanted="电子邮件",
            **dates,
        )
        if then == "correction":
            add_event(
                session=session,
                actor=clerk,
                application=app,
                kind="correction_requested",
                on=min(day + dt.timedelta(days=3), today),
            )
        if then == "reply":
            add_event(
                session=session,
                actor=clerk,
                application=app,
                kind="reply",
                on=min(day + dt.timedelta(days=14), today),
                outcome_name="granted",
                delivery="email",
            )
