"""Drafting items: what an item must say before it may enter the review chain, and its files.

An item is edited only while it is a draft (or returned for revision, which makes it a draft
again); once submitted, what the reviewers sign is what gets published.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from pathlib import PurePath
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from xxgk.db import audit
from xxgk.db.access import WRITERS, require
from xxgk.db.base import utcnow
from xxgk.db.models import Unit, User
from xxgk.disclosure.models import Attachment, CatalogueNode, Item, ItemStep
from xxgk.disclosure.vocab import ATTRIBUTES, CHANNELS, WITHHELD_REASONS, State
from xxgk.errors import RegisterError
from xxgk.model.units import UnitKind
from xxgk.records.vocab import DOCUMENT_KINDS as DOC_KINDS
from xxgk.records.vocab import pick

MAX_TITLE = 300
MAX_ATTACHMENT = 20 * 1024 * 1024
ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".ofd": "application/ofd",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".wps": "application/vnd.ms-works",
    ".txt": "text/plain",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".zip": "application/zip",
}
EDITABLE = (
    "title",
    "body",
    "category",
    "doc_kind",
    "doc_number",
    "document_date",
    "channels",
    "attribute",
    "withheld_reason",
)


def create_item(
    session: Session,
    actor: User,
    unit: Unit,
    *,
    title: str,
    category: CatalogueNode | None = None,
    body: str = "",
    doc_kind: str | None = None,
    doc_number: str = "",
    document_date: dt.date | None = None,
    channels: Iterable[str] = ("website",),
    attribute: str = "proactive",
    withheld_reason: str = "",
) -> Item:
    """Draft a new item of ``unit``; ``actor`` becomes its author."""
    require(actor, WRITERS, unit)
    item = Item(unit_id=unit.id, author_id=actor.id, state=State.DRAFT.value)
    _apply(
        item,
        unit,
        title=title,
        category=category,
        body=body,
        doc_kind=doc_kind,
        doc_number=doc_number,
        document_date=document_date,
        channels=channels,
        attribute=attribute,
        withheld_reason=withheld_reason,
    )
    audit.add_created(session=session, actor=actor, entity="disclosure_item", row=item)
    add_step(session, item, actor, "create", State.DRAFT, State.DRAFT)
    return item


def update_item(session: Session, actor: User, item: Item, **changes: Any) -> Item:
    """Change fields of a draft (any of ``EDITABLE``); submitted items are frozen."""
    unit = session.get_one(Unit, item.unit_id)
    require(actor, WRITERS, unit)
    if item.status is not State.DRAFT:
        raise RegisterError(
            f"“{item.title}”处于“{item.status.label}”状态，只有草稿（含退回修改的）可以修改",
            f"item {item.id} is {item.state}; only drafts can be edited",
        )
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise RegisterError(f"不能修改的字段：{sorted(unknown)}", f"not editable: {unknown}")
    before = item.snapshot()
    _apply(item, unit, **{**{f: getattr(item, f) for f in EDITABLE}, **changes})
    item.updated_at = utcnow()
    audit.record(
        session=session,
        actor=actor,
        action="update",
        entity="disclosure_item",
        entity_id=item.id,
        before=before,
        after=item.snapshot(),
    )
    add_step(session, item, actor, "update", State.DRAFT, State.DRAFT)
    return item


def add_attachment(
    session: Session, actor: User, item: Item, filename: str, data: bytes
) -> Attachment:
    """Attach a file to a draft; the type is judged by its extension, the size is limited."""
    unit = session.get_one(Unit, item.unit_id)
    require(actor, WRITERS, unit)
    if item.status is not State.DRAFT:
        raise RegisterError(
            f"“{item.title}”已提交，不能再添加附件", f"item {item.id} is no longer a draft"
        )
    name, media_type = attachment_name(filename)
    if not data or len(data) > MAX_ATTACHMENT:
        raise RegisterError(
            f"附件“{name}”为空或超过{MAX_ATTACHMENT // (1024 * 1024)}MB",
            f"attachment {name!r} is empty or larger than {MAX_ATTACHMENT} bytes",
        )
    attachment = Attachment(
        item_id=item.id,
        filename=name,
        media_type=media_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        data=data,
    )
    attachment.item = item
    return audit.add_created(
        session=session, actor=actor, entity="disclosure_attachment", row=attachment
    )


def attachment_name(filename: str) -> tuple[str, str]:
    """Return an uploaded file's name (without folders) and its media type, judged by the
    extension; refuse a type not accepted. The web form checks uploads with it too."""
    name = PurePath(filename.replace("\\", "/")).name.strip()
    suffix = PurePath(name).suffix.lower()
    if not name or suffix not in ATTACHMENT_TYPES:
        allowed = "、".join(sorted(ATTACHMENT_TYPES))
        raise RegisterError(
            f"附件“{filename}”的类型不被接受，可用类型：{allowed}",
            f"attachment {filename!r}: type not accepted",
        )
    return name, ATTACHMENT_TYPES[suffix]


def remove_attachment(session: Session, actor: User, item: Item, attachment: Attachment) -> None:
    """Take a file off a draft (a wrong upload); the audit log keeps its name and checksum."""
    unit = session.get_one(Unit, item.unit_id)
    require(actor, WRITERS, unit)
    if item.status is not State.DRAFT or attachment.item_id != item.id:
        raise RegisterError(
            f"“{item.title}”已提交或附件不属于该信息，不能删除附件",
            f"item {item.id} is no longer a draft, or the attachment is not its own",
        )
    audit.record(
        session=session,
        actor=actor,
        action="delete",
        entity="disclosure_attachment",
        entity_id=attachment.id,
        before=attachment.snapshot(),
    )
    item.attachments.remove(attachment)
    session.delete(attachment)
    add_step(
        session,
        item,
        actor,
        "update",
        State.DRAFT,
        State.DRAFT,
        f"删除附件“{attachment.filename}”",
    )


def submission_problems(item: Item) -> list[str]:
    """Return what keeps ``item`` from entering the review chain (empty when it may)."""
    problems: list[str] = []
    if item.category_id is None:
        problems.append("未选择公开目录栏目")
    if item.attribute == "proactive" and not item.channels:
        problems.append("主动公开的信息须至少选择一个发布渠道")
    if item.attribute == "proactive" and not item.body.strip() and not item.attachments:
        problems.append("主动公开的信息须有正文或附件")
    if item.doc_kind:
        if not item.doc_number.strip():
            problems.append(f"{DOC_KINDS[item.doc_kind]}须填写文号")
        if item.document_date is None:
            problems.append(f"{DOC_KINDS[item.doc_kind]}须填写印发日期")
        if item.attribute != "proactive":
            problems.append(f"{DOC_KINDS[item.doc_kind]}应当主动公开（《条例》第二十条第（一）项）")
    return problems


def list_items(
    session: Session,
    units: Iterable[Unit],
    *,
    state: str | None = None,
    states: Iterable[State] | None = None,
    category: CatalogueNode | None = None,
    text: str | None = None,
    year: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Item]:
    """Return the items of ``units`` (newest first), filtered by state(s), category, text and
    publication year, a page of them with ``limit``/``offset``.

    Authors, categories and review steps come with the items in a few queries, because every
    list shows them and works out each user's buttons from the steps.
    """
    query = _filtered(units, state, states, category, text, year).order_by(Item.id.desc())
    query = query.options(
        selectinload(Item.author),
        # the categories' parents too, level by level (category_path walks up to the root):
        # one statement per level instead of one per parent
        selectinload(Item.category).selectinload(CatalogueNode.parent, recursion_depth=-1),
        selectinload(Item.steps),
    )
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(session.scalars(query))


def count_items(
    session: Session,
    units: Iterable[Unit],
    *,
    state: str | None = None,
    states: Iterable[State] | None = None,
    category: CatalogueNode | None = None,
    text: str | None = None,
    year: int | None = None,
) -> int:
    """Return how many items ``list_items`` would list without a limit."""
    query = _filtered(units, state, states, category, text, year)
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _filtered(
    units: Iterable[Unit],
    state: str | None,
    states: Iterable[State] | None,
    category: CatalogueNode | None,
    text: str | None,
    year: int | None,
) -> Select[Item]:
    query = select(Item).where(Item.unit_id.in_([u.id for u in units]))
    if state:
        query = query.where(Item.state == State(state).value)
    if states is not None:
        query = query.where(Item.state.in_([State(s).value for s in states]))
    if category is not None:
        query = query.where(Item.category_id == category.id)
    if text:
        like = f"%{text.strip()}%"
        query = query.where(or_(Item.title.like(like), Item.doc_number.like(like)))
    if year is not None:
        start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        query = query.where(Item.published_on.between(start, end))
    return query


def add_step(
    session: Session,
    item: Item,
    actor: User | None,
    action: str,
    from_state: State,
    to_state: State,
    reason: str = "",
) -> ItemStep:
    """Append one step to the item's timeline (the audit log holds the data before and after)."""
    step = ItemStep(
        item_id=item.id,
        actor_id=actor.id if actor else None,
        actor_name=(actor.display_name or actor.username) if actor else "system",
        action=action,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=reason,
        at=utcnow(),
    )
    step.item = item
    session.add(step)
    return step


def _apply(item: Item, unit: Unit, **fields: Any) -> None:
    title = " ".join((fields["title"] or "").split())
    if not title or len(title) > MAX_TITLE:
        raise RegisterError(
            f"标题须为1至{MAX_TITLE}个字符", f"a title has 1 to {MAX_TITLE} characters"
        )
    category = fields["category"]
    if category is not None and (category.unit_id != unit.id or not category.active):
        raise RegisterError(
            f"栏目“{category.name}”不是单位“{unit.name}”的有效目录栏目",
            "the category is not an active category of this unit",
        )
    doc_kind = fields["doc_kind"] or None
    if doc_kind is not None and doc_kind not in DOC_KINDS:
        doc_kind = pick(doc_kind, DOC_KINDS, "文件类型")
    if doc_kind == "rules" and not _may_make_rules(unit):
        raise RegisterError(
            f"单位“{unit.name}”不是有权制定规章的机关（《立法法》第九十一条、第九十三条），"
            "其文件应登记为行政规范性文件",
            f"unit {unit.code!r} cannot make 规章; record its documents as normative documents",
        )
    channels = [pick(c, CHANNELS, "发布渠道") for c in fields["channels"] or ()]
    attribute = pick(fields["attribute"] or "proactive", ATTRIBUTES, "公开属性")
    reason = fields["withheld_reason"] or ""
    if attribute == "withheld":
        if not reason:
            raise RegisterError(
                "不予公开须选择法定理由（《条例》第十四条至第十六条）",
                "withheld items need a legal reason",
            )
        reason = pick(reason, WITHHELD_REASONS, "不予公开理由")
    else:
        reason = ""
    item.title = title
    item.category_id = category.id if category is not None else None
    item.category = category
    item.body = fields["body"] or ""
    item.doc_kind = doc_kind
    item.doc_number = " ".join((fields["doc_number"] or "").split())
    item.document_date = fields["document_date"]
    item.channels = list(dict.fromkeys(channels))
    item.attribute = attribute
    item.withheld_reason = reason


def _may_make_rules(unit: Unit) -> bool:
    try:
        return UnitKind(unit.kind).may_make_rules
    except ValueError:  # a kind this version does not know: do not block the officer
        return True
