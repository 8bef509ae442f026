"""Item lists: filters, pages, and a bounded number of queries however long the list."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from xxgk.disclosure import workflow
from xxgk.disclosure.items import count_items, create_item, list_items
from xxgk.disclosure.vocab import State


@pytest.fixture
def many(office):
    items = []
    for n in range(30):
        item = create_item(
            office.session,
            office.author,
            office.unit,
            title=f"通知{n:02d}",
            category=office.category("其他文件"),
            body="正文",
        )
        if n % 3 == 0:
            workflow.submit(office.session, office.author, item)
        items.append(item)
    office.session.commit()
    office.session.expunge_all()
    return items


def test_pages_cut_in_the_database(office, many):
    units = [office.unit]
    assert count_items(office.session, units) == 30
    first = list_items(office.session, units, limit=20)
    rest = list_items(office.session, units, limit=20, offset=20)
    assert [i.title for i in first][:2] == ["通知29", "通知28"]
    assert len(rest) == 10
    assert count_items(office.session, units, states=[State.DEPT_REVIEW]) == 10
    assert count_items(office.session, units, text="通知0") == 10


def test_a_list_with_its_buttons_takes_a_few_queries(office, many):
    statements = []
    engine = office.session.get_bind()

    def count(*_args) -> None:
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        items = list_items(office.session, [office.unit])
        for item in items:
            workflow.allowed_actions(item, office.reviewer)
            item.author.username  # noqa: B018
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(items) == 30
    assert len(statements) <= 8


def test_work_queues_start_from_the_roles_states(office):
    assert workflow.actionable_states(office.reviewer) == (State.DRAFT, State.DEPT_REVIEW)
    assert workflow.actionable_states(office.secrecy) == (State.SECRECY_REVIEW,)
    assert workflow.actionable_states(office.leader) == (State.LEADER_APPROVAL,)
    assert workflow.actionable_states(office.supervisor) == ()
    assert workflow.actionable_states(None) == ()
