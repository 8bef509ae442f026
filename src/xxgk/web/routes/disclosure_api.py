"""The JSON API of 主动公开 under ``/api/v1/disclosure``: the catalogue, items (list, get,
create) and the steps of the review chain (submit, approve, return, withdraw, repeal).

Same session cookie, CSRF header, scope and library calls as the pages; errors are the envelope
of ``xxgk.web.errors`` (a step the chain does not allow is 400, a role that may not take it 403,
an item outside the scope 404).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel, Field

from xxgk.disclosure import workflow
from xxgk.disclosure.catalogue import catalogue_tree
from xxgk.disclosure.items import MAX_TITLE, create_item
from xxgk.disclosure.models import Item
from xxgk.web import disclosure_form as item_form
from xxgk.web import disclosure_items as items_view
from xxgk.web.deps import MAX_ID, Scope, ScopeDep
from xxgk.web.errors import WebError
from xxgk.web.routes.api import ERRORS
from xxgk.web.security import require_csrf_api

router = APIRouter(
    prefix="/api/v1/disclosure", tags=["disclosure"], dependencies=[Depends(require_csrf_api)]
)
ItemId = Annotated[int, Path(ge=1, le=MAX_ID, description="信息编号")]
StateName = Literal[
    "",
    "draft",
    "dept_review",
    "secrecy_review",
    "leader_approval",
    "published",
    "recorded",
    "withdrawn",
]


class Category(BaseModel):
    id: int
    name: str
    path: str
    depth: int
    parent_id: int | None


class Step(BaseModel):
    id: int
    at: str = Field(description="服务器本地时间 YYYY-MM-DD HH:MM")
    actor: str
    action: str
    what: str
    from_state: str
    to_state: str
    to_label: str
    reason: str


class AttachmentInfo(BaseModel):
    id: int
    filename: str
    media_type: str
    size: int
    sha256: str


class ItemSummary(BaseModel):
    id: int
    unit_id: int
    unit: str
    title: str
    category_id: int | None
    category: str
    state: str
    state_label: str
    attribute: str
    attribute_label: str
    withheld_reason: str
    withheld_reason_label: str
    doc_kind: str | None
    doc_kind_label: str
    doc_number: str
    document_date: str | None
    repealed_on: str | None
    published_on: str | None
    withdrawn_on: str | None
    channels: list[str]
    channel_labels: list[str]
    author: str
    actions: list[str] = Field(description="当前用户现在可以执行的操作")
    waiting: bool = Field(description="是否等待当前用户处理（待我处理）")


class ItemDetail(ItemSummary):
    body: str
    steps: list[Step]
    attachments: list[AttachmentInfo]


class NewItem(BaseModel):
    unit_id: int = Field(ge=1, le=MAX_ID)
    title: str = Field(max_length=MAX_TITLE)
    category_id: int = Field(ge=1, le=MAX_ID, description="公开目录栏目编号（见 /catalogue）")
    body: str = Field(default="", max_length=item_form.MAX_BODY)
    doc_kind: str = Field(default="", description="规章/行政规范性文件的类型键；其他信息留空")
    doc_number: str = Field(default="", max_length=item_form.MAX_DOC_NUMBER)
    document_date: str = Field(default="", description="印发日期 YYYY-MM-DD")
    channels: list[str] = Field(
        default_factory=lambda: ["website"],
        max_length=10,
        description="website/bulletin/new_media/other",
    )
    attribute: str = Field(default="proactive", description="proactive/on_request/withheld")
    withheld_reason: str = Field(default="", description="不予公开的法定理由键")


class Reason(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)


class Repeal(BaseModel):
    repealed_on: dt.date


def _detail(scope: Scope, item: Item) -> ItemDetail:
    return ItemDetail(**items_view.item_detail(item, scope.user))


def _take_step(scope: Scope, item_id: int, move: Callable[..., Item], *args: Any) -> ItemDetail:
    """Take one step of the chain on an item in scope (the library checks who may), commit,
    and return the item as it now stands."""
    item = items_view.scoped_item(scope, item_id)
    move(scope.session, scope.user, item, *args)
    scope.session.commit()
    return _detail(scope, item)


@router.get("/catalogue", responses=ERRORS)
def api_catalogue(
    scope: ScopeDep,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
) -> list[Category]:
    """单位的政府信息公开目录（默认：本单位），按树的顺序。"""
    unit = scope.unit(unit_id)
    return [
        Category(
            id=e.node.id, name=e.node.name, path=e.path, depth=e.depth, parent_id=e.node.parent_id
        )
        for e in catalogue_tree(scope.session, unit)
    ]


@router.get("/items", responses=ERRORS)
def api_items(
    scope: ScopeDep,
    unit_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    state: StateName = "",
    q: Annotated[str, Query(max_length=200)] = "",
    mine: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> list[ItemSummary]:
    """权限范围内的主动公开信息：按单位、状态筛选，按标题或文号搜索。

    mine=true 为“待我处理”：可签署的审核环节、本人起草待提交的草稿。每页50条，page 为页码。
    """
    unit = scope.unit(unit_id) if unit_id is not None else None
    listing = items_view.scoped_items(scope, unit=unit, state=state, text=q, mine=mine, page=page)
    return [ItemSummary(**items_view.item_row(i, scope.user)) for i in listing.items]


@router.get("/items/{item_id}", responses=ERRORS)
def api_item(
    scope: ScopeDep,
    item_id: ItemId,
) -> ItemDetail:
    """一条信息：字段、正文、附件、审核过程和当前用户可执行的操作。"""
    return _detail(scope, items_view.scoped_item(scope, item_id))


@router.post("/items", status_code=201, responses=ERRORS)
def api_create_item(
    scope: ScopeDep,
    body: NewItem,
) -> ItemDetail:
    """起草一条信息（草稿）；字段错误以 422 返回，fields 给出各字段的说明。"""
    unit = scope.unit(body.unit_id)
    if not scope.can_write(unit):
        raise WebError(403, "forbidden", "您无权为该单位起草信息", "no write access")
    values = {**body.model_dump(), "category": str(body.category_id)}
    form = item_form.validate_item(
        values, catalogue_tree(scope.session, unit), today=dt.date.today()
    )
    if not form.ok:
        raise WebError(
            422, "invalid_fields", "信息有误，请按字段说明修改", "invalid fields", form.errors
        )
    item = create_item(scope.session, scope.user, unit, **form.clean)
    scope.session.commit()
    return _detail(scope, item)


@router.post("/items/{item_id}/submit", responses=ERRORS)
def api_submit(
    scope: ScopeDep,
    item_id: ItemId,
) -> ItemDetail:
    """提交审核：草稿 → 部门审核（缺少栏目、渠道、正文或文号时 400 并说明）。"""
    return _take_step(scope, item_id, workflow.submit)


class Opinion(BaseModel):
    opinion: str = Field("", max_length=2000, description="审核意见（可空），记入该环节的记录")


@router.post("/items/{item_id}/approve", responses=ERRORS)
def api_approve(
    scope: ScopeDep,
    item_id: ItemId,
    body: Opinion | None = None,
) -> ItemDetail:
    """签署当前审核环节（部门审核、保密审查、领导审批），可附审核意见；领导审批后发布。"""
    text = body.opinion if body else ""
    return _take_step(
        scope,
        item_id,
        lambda session, user, item: workflow.approve(session, user, item, opinion=text),
    )


@router.post("/items/{item_id}/return", responses=ERRORS)
def api_return(
    scope: ScopeDep,
    item_id: ItemId,
    body: Reason,
) -> ItemDetail:
    """退回修改（须说明理由）：从任一审核环节回到草稿。"""
    return _take_step(scope, item_id, workflow.return_for_revision, body.reason)


@router.post("/items/{item_id}/withdraw", responses=ERRORS)
def api_withdraw(
    scope: ScopeDep,
    item_id: ItemId,
    body: Reason,
) -> ItemDetail:
    """撤回已发布的信息（须说明理由）；记录保留，公开目录不再显示。"""
    return _take_step(scope, item_id, workflow.withdraw, body.reason)


@router.post("/items/{item_id}/repeal", responses=ERRORS)
def api_repeal(
    scope: ScopeDep,
    item_id: ItemId,
    body: Repeal,
) -> ItemDetail:
    """登记已发布的规章或行政规范性文件的废止日期（计入年报表二）。"""
    return _take_step(scope, item_id, workflow.repeal, body.repealed_on)
