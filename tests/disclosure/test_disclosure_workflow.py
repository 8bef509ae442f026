"""The review chain: every allowed and forbidden move, the roles, the author, the audit log."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from xxgk.db.access import AccessError
from xxgk.db.audit import history
from xxgk.disclosure import workflow
from xxgk.disclosure.items import add_attachment, create_item, remove_attachment, update_item
from xxgk.disclosure.vocab import State
from xxgk.errors import RegisterError, XxgkError

ACTIONS = ("submit", "approve", "return", "withdraw")


def draft(office, **fields):
    values = {
        "title": "2025年交通运输工作要点",
        "category": office.category("规划计划"),
        "body": "全面推进农村公路建设，提升养护水平。",
        "channels": ["website", "new_media"],
    }
    values.update(fields)
    return create_item(office.session, office.author, office.unit, **values)


def to_state(office, item, state: State):
    """Walk ``item`` along the happy path until it reaches ``state``."""
    path = [
        (State.DRAFT, lambda: workflow.submit(office.session, office.author, item)),
        (State.DEPT_REVIEW, lambda: workflow.approve(office.session, office.reviewer, item)),
        (State.SECRECY_REVIEW, lambda: workflow.approve(office.session, office.secrecy, item)),
        (
            State.LEADER_APPROVAL,
            lambda: workflow.approve(office.session, office.leader, item, dt.date(2025, 3, 1)),
        ),
    ]
    for source, step in path:
        if item.status is state:
            return item
        if item.status is source:
            step()
    if state is State.WITHDRAWN:
        workflow.withdraw(office.session, office.manager, item, "内容已过时")
    assert item.status is state
    return item


def act(office, item, action, user):
    if action == "submit":
        return workflow.submit(office.session, user, item)
    if action == "approve":
        return workflow.approve(office.session, user, item)
    if action == "return":
        return workflow.return_for_revision(office.session, user, item, "请补充依据")
    return workflow.withdraw(office.session, user, item, "内容已过时")


def test_the_happy_path_publishes_with_three_signatures(office):
    item = to_state(office, draft(office), State.PUBLISHED)
    assert item.published_on == dt.date(2025, 3, 1)
    signers = [s.actor_name for s in item.steps if s.action == "approve"]
    assert signers == ["reviewer", "secrecy", "leader"]
    actions = [e.action for e in history(office.session, "disclosure_item", item.id)]
    assert actions == ["create", "submit", "approve", "approve", "publish"]


ALLOWED = {
    (State.DRAFT, "submit"): "author",
    (State.DEPT_REVIEW, "approve"): "reviewer",
    (State.DEPT_REVIEW, "return"): "reviewer",
    (State.SECRECY_REVIEW, "approve"): "secrecy",
    (State.SECRECY_REVIEW, "return"): "secrecy",
    (State.LEADER_APPROVAL, "approve"): "leader",
    (State.LEADER_APPROVAL, "return"): "leader",
    (State.PUBLISHED, "withdraw"): "manager",
}
TARGET = {
    (State.DRAFT, "submit"): State.DEPT_REVIEW,
    (State.DEPT_REVIEW, "approve"): State.SECRECY_REVIEW,
    (State.SECRECY_REVIEW, "approve"): State.LEADER_APPROVAL,
    (State.LEADER_APPROVAL, "approve"): State.PUBLISHED,
    (State.PUBLISHED, "withdraw"): State.WITHDRAWN,
}
STATES = (
    State.DRAFT,
    State.DEPT_REVIEW,
    State.SECRECY_REVIEW,
    State.LEADER_APPROVAL,
    State.PUBLISHED,
    State.WITHDRAWN,
)


@pytest.mark.parametrize(("state", "action"), list(itertools.product(STATES, ACTIONS)))
def test_every_move_from_every_state(office, state, action):
    item = to_state(office, draft(office), state)
    user = getattr(office, ALLOWED.get((state, action), "manager"))
    if (state, action) in ALLOWED:
        act(office, item, action, user)
        assert item.status is TARGET.get((state, action), State.DRAFT)
        assert item.steps[-1].action == action
    else:
        with pytest.raises(workflow.WorkflowError, match="不能执行"):
            act(office, item, action, user)
        assert item.status is state


def test_the_transition_table_is_what_the_tests_walk():
    table = {(t.source, t.action) for t in workflow.transitions() if t.action != "record"}
    assert table == set(ALLOWED)


STEP_USERS = {
    State.DEPT_REVIEW: {"reviewer", "reviewer2", "manager"},
    State.SECRECY_REVIEW: {"secrecy"},
    State.LEADER_APPROVAL: {"leader"},
}


@pytest.mark.parametrize("state", list(STEP_USERS))
@pytest.mark.parametrize(
    "user",
    [
        "author",
        "clerk2",
        "reviewer",
        "secrecy",
        "leader",
        "manager",
        "admin",
        "stranger",
        "stranger_secrecy",
        "supervisor",
    ],
)
def test_each_step_belongs_to_its_role_in_its_unit(office, state, user):
    item = to_state(office, draft(office), state)
    actor = getattr(office, user)
    if user in STEP_USERS[state]:
        workflow.approve(office.session, actor, item)
        assert item.status is not state
    else:
        with pytest.raises(XxgkError):
            workflow.approve(office.session, actor, item)
        assert item.status is state


def test_the_author_cannot_approve_their_own_item(office):
    item = create_item(
        office.session,
        office.reviewer,
        office.unit,
        title="自己起草的通知",
        category=office.category("其他文件"),
        body="正文",
    )
    workflow.submit(office.session, office.reviewer, item)
    with pytest.raises(workflow.WorkflowError, match="起草人不能审核"):
        workflow.approve(office.session, office.reviewer, item)
    with pytest.raises(workflow.WorkflowError, match="起草人不能审核"):
        workflow.return_for_revision(office.session, office.reviewer, item, "撤回自改")
    workflow.approve(office.session, office.reviewer2, item)
    assert item.status is State.SECRECY_REVIEW


def test_one_person_cannot_sign_two_steps_of_a_round(office):
    item = to_state(office, draft(office), State.DEPT_REVIEW)
    workflow.approve(office.session, office.manager, item)
    office.manager.role = "leader"  # the same person later acting as leader
    workflow.approve(office.session, office.secrecy, item)
    with pytest.raises(workflow.WorkflowError, match="同一人不能签署两个环节"):
        workflow.approve(office.session, office.manager, item)


def test_a_confidentiality_rejection_stops_publication(office):
    item = to_state(office, draft(office), State.SECRECY_REVIEW)
    workflow.return_for_revision(office.session, office.secrecy, item, "含有涉密内容，删除第三段")
    assert item.status is State.DRAFT
    assert item.published_on is None
    with pytest.raises(workflow.WorkflowError):
        workflow.approve(office.session, office.leader, item)
    entry = history(office.session, "disclosure_item", item.id)[-1]
    assert entry.action == "return"
    assert "涉密" in entry.reason
    # revised and submitted again, the item goes through every step once more
    update_item(office.session, office.author, item, body="删除涉密内容后的正文。")
    workflow.submit(office.session, office.author, item)
    assert item.status is State.DEPT_REVIEW
    workflow.approve(office.session, office.reviewer, item)
    workflow.approve(office.session, office.secrecy, item)
    workflow.approve(office.session, office.leader, item)
    assert item.status is State.PUBLISHED


def test_return_and_withdraw_need_a_reason(office):
    item = to_state(office, draft(office), State.DEPT_REVIEW)
    with pytest.raises(workflow.WorkflowError, match="须说明理由"):
        workflow.return_for_revision(office.session, office.reviewer, item, "  ")
    to_state(office, item, State.PUBLISHED)
    with pytest.raises(workflow.WorkflowError, match="须说明理由"):
        workflow.withdraw(office.session, office.leader, item, "")


def test_a_withdrawn_item_stays_in_the_record(office):
    item = to_state(office, draft(office), State.WITHDRAWN)
    office.session.flush()
    assert item.id is not None
    assert item.withdrawn_on is not None
    assert item.published_on == dt.date(2025, 3, 1)
    assert [s.action for s in item.steps][-1] == "withdraw"


def test_only_drafts_can_be_edited(office):
    item = to_state(office, draft(office), State.DEPT_REVIEW)
    with pytest.raises(RegisterError, match="只有草稿"):
        update_item(office.session, office.author, item, title="偷偷改标题")
    with pytest.raises(RegisterError, match="不能再添加附件"):
        add_attachment(office.session, office.author, item, "a.pdf", b"%PDF-1.4")


def test_submission_needs_what_a_reviewer_needs(office):
    item = draft(office, category=None, channels=[])
    with pytest.raises(workflow.WorkflowError, match="未选择公开目录栏目.*至少选择一个发布渠道"):
        workflow.submit(office.session, office.author, item)
    doc = draft(office, category=office.category("行政规范性文件"), doc_kind="行政规范性文件")
    with pytest.raises(workflow.WorkflowError, match="须填写文号.*须填写印发日期"):
        workflow.submit(office.session, office.author, doc)


def test_not_disclosed_items_are_recorded_not_published(office):
    item = draft(office, attribute="不予公开", withheld_reason="process_info", channels=[])
    to_state(office, item, State.LEADER_APPROVAL)
    workflow.approve(office.session, office.leader, item)
    assert item.status is State.RECORDED
    assert item.published_on is None
    with pytest.raises(RegisterError, match="法定理由"):
        draft(office, attribute="withheld")


def test_other_units_and_supervisors_cannot_touch_an_item(office):
    item = draft(office)
    for user in (office.stranger, office.supervisor):
        with pytest.raises(AccessError):
            workflow.submit(office.session, user, item)
        with pytest.raises(AccessError):
            update_item(office.session, user, item, title="改")


def test_allowed_actions_lists_the_buttons_a_user_sees(office):
    item = draft(office)
    assert workflow.allowed_actions(item, office.author) == ["submit"]
    assert workflow.allowed_actions(item, office.secrecy) == []
    workflow.submit(office.session, office.author, item)
    assert workflow.allowed_actions(item, office.reviewer) == ["approve", "return"]
    assert workflow.allowed_actions(item, office.author) == []
    assert workflow.allowed_actions(item, office.stranger) == []
    assert workflow.allowed_actions(item, None) == []


def test_attachments_are_checked_and_kept(office):
    item = draft(office, body="")
    attachment = add_attachment(office.session, office.author, item, r"C:\文件\通知.PDF", b"%PDF")
    assert attachment.filename == "通知.PDF"
    assert attachment.media_type == "application/pdf"
    assert len(attachment.sha256) == 64
    with pytest.raises(RegisterError, match="类型不被接受"):
        add_attachment(office.session, office.author, item, "run.exe", b"MZ")
    with pytest.raises(RegisterError, match="为空"):
        add_attachment(office.session, office.author, item, "empty.pdf", b"")
    workflow.submit(office.session, office.author, item)  # an attachment stands for the body


def test_a_wrong_attachment_leaves_a_draft_and_only_a_draft(office):
    item = draft(office)
    wrong = add_attachment(office.session, office.author, item, "错传.pdf", b"%PDF-1.4 x")
    keep = add_attachment(office.session, office.author, item, "正文.pdf", b"%PDF-1.4 y")
    office.session.flush()
    remove_attachment(office.session, office.author, item, wrong)
    office.session.flush()
    assert [a.filename for a in item.attachments] == ["正文.pdf"]
    entry = history(office.session, "disclosure_attachment", wrong.id)[-1]
    assert entry.action == "delete"
    assert entry.before["sha256"] == wrong.sha256
    workflow.submit(office.session, office.author, item)
    with pytest.raises(RegisterError, match="不能删除附件"):
        remove_attachment(office.session, office.author, item, keep)


def test_each_review_step_keeps_its_opinion(office):
    item = draft(office)
    workflow.submit(office.session, office.author, item)
    workflow.approve(office.session, office.reviewer, item, opinion="  同意，\n报保密审查 ")
    entries = [e for e in history(office.session, "disclosure_item", item.id) if e.reason]
    assert entries[-1].reason == "同意， 报保密审查"
