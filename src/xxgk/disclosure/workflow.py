"""The review chain as a state machine: 草稿 → 部门审核 → 保密审查 → 领导审批 → 已发布.

Each review step belongs to one role (the publishing office's reviewer, the confidentiality
officer, the leader in charge). Nobody approves their own item, and nobody signs two steps of
the same round, so every published item carries three different signatures besides its
author's. Any review step may return the item for revision with a reason; a confidentiality
officer's return therefore stops publication until the item is revised and reviewed again.
The leader's approval publishes a 主动公开 item and records the others (依申请公开, 不予公开)
as decided. A published item can be withdrawn (with a reason) but never disappears.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.base import utcnow
from xxgk.db.models import Role, Unit, User
from xxgk.disclosure import search
from xxgk.disclosure.items import DOC_KINDS, add_step, submission_problems
from xxgk.disclosure.models import Item, NormativeDocument
from xxgk.disclosure.vocab import ACTIONS, REVIEW_STATES, State
from xxgk.errors import RegisterError, XxgkError
from xxgk.records.lock import ensure_unlocked

STEP_ROLES: dict[State, frozenset[Role]] = {
    State.DEPT_REVIEW: frozenset({Role.REVIEWER, Role.UNIT_ADMIN}),
    State.SECRECY_REVIEW: frozenset({Role.SECRECY}),
    State.LEADER_APPROVAL: frozenset({Role.LEADER}),
}
NEXT_STEP = {
    State.DEPT_REVIEW: State.SECRECY_REVIEW,
    State.SECRECY_REVIEW: State.LEADER_APPROVAL,
}
WITHDRAWERS = frozenset({Role.LEADER, Role.UNIT_ADMIN})
REPEALERS = WRITERS | {Role.LEADER}


class WorkflowError(RegisterError):
    """A step the review chain does not allow (wrong state, role, person or missing reason)."""


@dataclass(frozen=True)
class Transition:
    """One allowed move: the action, the states it leaves and reaches, who may take it."""

    action: str
    source: State
    target: State
    roles: frozenset[Role]
    needs_reason: bool = False


def transitions() -> list[Transition]:
    """Return every allowed move of the chain (the table the tests and the docs read)."""
    moves = [Transition("submit", State.DRAFT, State.DEPT_REVIEW, WRITERS)]
    for step in REVIEW_STATES:
        target = NEXT_STEP.get(step, State.PUBLISHED)
        moves.append(Transition("approve", step, target, STEP_ROLES[step]))
        if step is State.LEADER_APPROVAL:
            moves.append(Transition("record", step, State.RECORDED, STEP_ROLES[step]))
        moves.append(Transition("return", step, State.DRAFT, STEP_ROLES[step], True))
    moves.append(
        Transition("withdraw", State.PUBLISHED, State.WITHDRAWN, WITHDRAWERS, needs_reason=True)
    )
    return moves


def allowed_actions(item: Item, user: User | None) -> list[str]:
    """Return the actions ``user`` may take on ``item`` now (for buttons and CLI hints)."""
    actions = []
    for move in transitions():
        if move.source is not item.status or move.action == "record":
            continue
        try:
            _check_actor(item, user, move)
        except XxgkError:
            continue
        actions.append(move.action)
    return actions


def waiting_for(item: Item, user: User | None) -> bool:
    """Return True when ``item`` waits for ``user``: a review step they may sign, or their own
    draft to submit. Withdrawing is possible on every published item, so it does not count,
    and nobody is waited for to submit someone else's draft (the 待我处理 of pages and CLI)."""
    if user is None:
        return False
    actions = set(allowed_actions(item, user)) - {"withdraw"}
    if item.author_id != user.id:
        actions.discard("submit")
    return bool(actions)


def actionable_states(user: User | None) -> tuple[State, ...]:
    """Return the states of items ``user``'s role may move on (a first cut for work queues)."""
    if user is None or not user.active:
        return ()
    role = Role(user.role)
    states = [step for step, roles in STEP_ROLES.items() if role in roles]
    if role in WRITERS:
        states.insert(0, State.DRAFT)
    return tuple(states)


def submit(session: Session, actor: User, item: Item) -> Item:
    """Send a draft into the chain, after checking it says everything a reviewer needs."""
    move = _move(item, "submit")
    _check_actor(item, actor, move)
    problems = submission_problems(item)
    if problems:
        raise WorkflowError(
            f"“{item.title}”还不能提交：" + "；".join(problems),
            f"item {item.id} cannot be submitted: {len(problems)} problem(s)",
        )
    _check_document_years(session, item)
    return _advance(session, actor, item, move, "")


def approve(
    session: Session, actor: User, item: Item, on: dt.date | None = None, opinion: str = ""
) -> Item:
    """Sign the current review step with an optional 审核意见 (kept on the step); the leader's
    signature publishes (or records) the item."""
    if item.status is State.LEADER_APPROVAL and item.attribute != "proactive":
        move = _move(item, "record")
    else:
        move = _move(item, "approve")
    _check_actor(item, actor, move)
    if move.target is State.PUBLISHED:
        published_on = on or dt.date.today()
        _check_document_years(session, item, published_on)
        item.published_on = published_on
        search.index_item(session, item)
        _register_document(session, actor, item)
    return _advance(session, actor, item, move, " ".join(opinion.split())[:2000])


def return_for_revision(session: Session, actor: User, item: Item, reason: str) -> Item:
    """Send the item back to its author from any review step, saying what must change."""
    move = _move(item, "return")
    _check_actor(item, actor, move)
    return _advance(session, actor, item, move, _reason(reason, "退回"))


def withdraw(
    session: Session, actor: User, item: Item, reason: str, on: dt.date | None = None
) -> Item:
    """Take a published item off the public catalogue; it stays in the record."""
    move = _move(item, "withdraw")
    _check_actor(item, actor, move)
    text = _reason(reason, "撤回")
    item.withdrawn_on = on or dt.date.today()
    search.unindex_item(session, item)
    return _advance(session, actor, item, move, text)


def repeal(session: Session, actor: User, item: Item, repealed_on: dt.date) -> Item:
    """Record that a published 规章 or 行政规范性文件 was repealed (it stays public, marked so)."""
    unit = session.get_one(Unit, item.unit_id)
    require(actor, REPEALERS, unit)
    if not item.doc_kind or item.status not in (State.PUBLISHED, State.WITHDRAWN):
        raise WorkflowError(
            f"“{item.title}”不是已发布的规章或行政规范性文件，不能登记废止",
            f"item {item.id} is not a published normative document",
        )
    if item.document_date and repealed_on < item.document_date:
        raise WorkflowError(
            f"废止日期{repealed_on}早于印发日期{item.document_date}",
            "repealed before it was issued",
        )
    ensure_unlocked(session, unit, [repealed_on, item.repealed_on])
    before = item.snapshot()
    item.repealed_on = repealed_on
    document = _document_of(session, item)
    if document is not None:
        doc_before = document.snapshot()
        document.repealed_on = repealed_on
        audit.record(
            session=session,
            actor=actor,
            action="update",
            entity="document",
            entity_id=document.id,
            before=doc_before,
            after=document.snapshot(),
        )
    audit.record(
        session=session,
        actor=actor,
        action="repeal",
        entity="disclosure_item",
        entity_id=item.id,
        before=before,
        after=item.snapshot(),
    )
    add_step(session, item, actor, "repeal", item.status, item.status, f"废止日期{repealed_on}")
    return item


def signers_of_round(item: Item) -> set[int]:
    """Return who has signed a review step since the item was last submitted."""
    signers: set[int] = set()
    for step in item.steps:
        if step.action == "submit":
            signers = set()
        elif step.action in ("approve", "record") and step.actor_id is not None:
            signers.add(step.actor_id)
    return signers


def _move(item: Item, action: str) -> Transition:
    for move in transitions():
        if move.action == action and move.source is item.status:
            return move
    label = ACTIONS.get(action, action)
    raise WorkflowError(
        f"“{item.title}”处于“{item.status.label}”状态，不能执行“{label}”",
        f"item {item.id} is {item.state}: {action} is not allowed",
    )


def _check_actor(item: Item, actor: User | None, move: Transition) -> None:
    require(actor, move.roles, item.unit)
    assert actor is not None
    if move.action in ("approve", "record", "return") and actor.id == item.author_id:
        raise WorkflowError(
            f"“{item.title}”由{actor.username}起草，起草人不能审核自己的信息",
            "the author cannot review their own item",
        )
    if move.action in ("approve", "record") and actor.id in signers_of_round(item):
        raise WorkflowError(
            f"{actor.username}已签署本轮的上一审核环节，同一人不能签署两个环节",
            "one person cannot sign two steps of the same round",
        )


def _advance(session: Session, actor: User, item: Item, move: Transition, reason: str) -> Item:
    before = item.snapshot()
    item.state = move.target.value
    item.updated_at = utcnow()
    action = "publish" if move.target is State.PUBLISHED else move.action
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="disclosure_item",
        entity_id=item.id,
        before=before,
        after=item.snapshot(),
        reason=reason,
    )
    add_step(session, item, actor, move.action, move.source, move.target, reason)
    return item


def _reason(reason: str, what: str) -> str:
    text = " ".join((reason or "").split())
    if not text:
        raise WorkflowError(f"{what}须说明理由", f"a reason is required to {what}")
    return text


def _check_document_years(
    session: Session, item: Item, published_on: dt.date | None = None
) -> None:
    """Refuse a change to a year whose annual report is published (the year lock)."""
    days = [published_on]
    if item.doc_kind:
        days.append(item.document_date)
    ensure_unlocked(session, item.unit, days)


def _register_document(session: Session, actor: User, item: Item) -> None:
    """Enter a published 规章/行政规范性文件 in the documents register that Table 二 counts."""
    if not item.doc_kind or _document_of(session, item) is not None:
        return
    assert item.document_date is not None
    document = NormativeDocument(
        unit_id=item.unit_id,
        kind=item.doc_kind,
        title=item.title,
        doc_number=item.doc_number,
        issued_on=item.document_date,
        repealed_on=item.repealed_on,
        item_id=item.id,
    )
    audit.add_created(session=session, actor=actor, entity="document", row=document)


def _document_of(session: Session, item: Item) -> NormativeDocument | None:
    return session.query(NormativeDocument).filter_by(item_id=item.id).one_or_none()


__all__ = [
    "DOC_KINDS",
    "STEP_ROLES",
    "Transition",
    "WorkflowError",
    "actionable_states",
    "allowed_actions",
    "approve",
    "repeal",
    "return_for_revision",
    "submit",
    "transitions",
    "waiting_for",
    "withdraw",
]
