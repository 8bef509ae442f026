"""Twenty writers at once: every application gets its own number, nobody gets an error, and the
audit chain stays one chain (SQLite file and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db.chain import verify
from xxgk.db.models import Unit, User
from xxgk.register.applications import register_application
from xxgk.register.models import Application
from xxgk.register.publish import publish_report

WRITERS = 20
EACH = 3


def test_twenty_writers_get_unique_numbers_and_one_chain(world, engine):
    town_id, clerk_id = world.town.id, world.clerk.id
    start = Barrier(WRITERS, timeout=60)

    def write(i: int) -> list[str]:
        numbers = []
        start.wait()  # all at once (before taking a pooled connection: the pool holds 15)
        with Session(engine, expire_on_commit=False) as s:
            unit, clerk = s.get(Unit, town_id), s.get(User, clerk_id)
            for k in range(EACH):
                app = register_application(
                    session=s,
                    unit=unit,
                    actor=clerk,
                    channel_name="当面",
                    applicant_type="自然人",
                    arrived_on=dt.date(2025, 4, 1),
                    applicant_name=f"并发申请人{i}-{k}",
                )
                s.commit()
                numbers.append(app.number)
        return numbers

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(write, range(WRITERS)))  # any exception fails the test here
    numbers = sorted(n for r in results for n in r)
    assert numbers == [f"2025-{i:04d}" for i in range(1, WRITERS * EACH + 1)]
    with Session(engine) as s:
        stored = s.scalars(select(Application.number).where(Application.unit_id == town_id))
        assert len(set(stored)) == WRITERS * EACH
        report = verify(s)
    assert report.ok, report.broken
    assert report.checked > WRITERS * EACH


def test_two_publishers_never_take_the_same_version(world, engine):
    """Report versions are numbered under the same lock: concurrent publications of one year
    end as one published version and one clear refusal, never a duplicate version."""
    town_id, reviewer_id = world.town.id, world.reviewer.id
    start = Barrier(4, timeout=60)

    def publish(_: int) -> str:
        start.wait()
        with Session(engine, expire_on_commit=False) as s:
            unit, reviewer = s.get(Unit, town_id), s.get(User, reviewer_id)
            try:
                row = publish_report(
                    session=s,
                    unit=unit,
                    actor=reviewer,
                    year=2025,
                    published_on=dt.date(2026, 1, 20),
                )
                s.commit()
                return f"v{row.version}"
            except Exception as exc:  # the library's refusal, not a database error
                s.rollback()
                return type(exc).__name__

    with ThreadPoolExecutor(4) as pool:
        outcomes = sorted(pool.map(publish, range(4)))
    assert outcomes == ["RegisterError", "RegisterError", "RegisterError", "v1"]
