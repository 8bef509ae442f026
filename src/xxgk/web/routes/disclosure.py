"""主动公开 pages for officers: the unit's items with filters and the 待我处理 view, the item
form (new and edit while draft) with attachments, the item page with its timeline and the
buttons of the review chain, and the catalogue editor of the unit administrator."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from xxgk.db.queries import row_by_id
from xxgk.disclosure import catalogue as cat
from xxgk.disclosure import workflow
from xxgk.disclosure.items import (
    MAX_ATTACHMENT,
    add_attachment,
    create_item,
    remove_attachment,
    update_item,
)
from xxgk.disclosure.models import CatalogueNode, Item
from xxgk.errors import XxgkError
from xxgk.web import disclosure_form as item_form
from xxgk.web import disclosure_items as items_view
from xxgk.web.deps import Scope, ScopeDep
from xxgk.web.errors import WebError, not_found
from xxgk.web.pages import flash, page, write_flashed
from xxgk.web.security import require_csrf_form

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_csrf_form)])


def _writable(scope: Scope) -> list:
    return [u for _, u in scope.units() if scope.can_write(u)]


@router.get("/disclosure")
def disclosure_list(
    scope: ScopeDep,
    request: Request,
    unit: str = "",
    state: str = "",
    category: str = "",
    q: str = "",
    view: str = "",
    page_no: Annotated[str, Query(alias="page")] = "",
):
    chosen = scope.unit(unit) if unit else None
    node = _category(scope, chosen, category) if chosen is not None and category else None
    filters = {"unit": unit, "state": state, "category": category, "q": q, "view": view}
    listing = items_view.scoped_items(
        scope,
        unit=chosen,
        state=state,
        category=node,
        text=q[:200],
        mine=view == "mine",
        page=int(page_no) if page_no.isdecimal() and len(page_no) < 7 else 1,
    )
    return page(
        request,
        "disclosure_list.html",
        rows=[items_view.item_row(i, scope.user) for i in listing.items],
        listing=listing,
        units=scope.units(),
        tree=cat.catalogue_tree(scope.session, chosen) if chosen is not None else [],
        writable=bool(_writable(scope)),
        manager=items_view.is_manager(scope),
        filters=filters,
        page_query={k: v for k, v in filters.items() if v},
        states=items_view.STATES,
    )


def _category(scope: Scope, unit: Any, category: str) -> CatalogueNode | None:
    key = int(category) if category.isdecimal() else 0
    node = row_by_id(scope.session, CatalogueNode, key)
    return node if node is not None and node.unit_id == unit.id else None


def _form_page(
    request: Request,
    scope: Scope,
    unit: Any,
    values: dict[str, Any],
    errors: dict[str, str],
    item: Item | None = None,
    status_code: int = 200,
):
    return page(
        request,
        "disclosure_form.html",
        status_code=status_code,
        unit=unit,
        units=_writable(scope),
        item=item,
        tree=cat.catalogue_tree(scope.session, unit),
        values=values,
        errors=errors,
        today=dt.date.today().isoformat(),
        **item_form.form_choices(),
    )


def _unit_to_write(scope: Scope, unit: str) -> Any:
    writable = _writable(scope)
    if not writable:
        raise WebError(403, "forbidden", "您的角色不能起草主动公开信息", "read-only role")
    chosen = scope.unit(unit) if unit else scope.unit(None)
    if not scope.can_write(chosen):
        chosen = writable[0]
    return chosen


@router.get("/disclosure/new")
def disclosure_new(
    scope: ScopeDep,
    request: Request,
    unit: str = "",
):
    chosen = _unit_to_write(scope, unit)
    values = {"attribute": "proactive", "channels": ["website"]}
    return _form_page(request, scope, chosen, values, {})


async def _submitted(request: Request) -> tuple[dict[str, Any], list[UploadFile]]:
    form = await request.form()
    values: dict[str, Any] = {k: str(form.get(k, "")) for k in item_form.FORM_FIELDS}
    values["channels"] = [str(c) for c in form.getlist("channels")]
    values["unit"] = str(form.get("unit", ""))
    values["remove_attachments"] = [str(a) for a in form.getlist("remove_attachments")]
    files = [f for f in form.getlist("attachments") if isinstance(f, UploadFile) and f.filename]
    return values, files


async def _read_files(files: list[UploadFile], errors: dict[str, str]) -> list[tuple[str, bytes]]:
    out = []
    for upload in files:
        data = await upload.read(MAX_ATTACHMENT + 1)
        await upload.close()  # its spooled temporary file, at once rather than at collection
        problem = item_form.check_upload(upload.filename or "", len(data))
        if problem:
            errors["attachments"] = problem
        out.append((upload.filename or "", data))
    return out


@router.post("/disclosure/new")
async def disclosure_create(
    scope: ScopeDep,
    request: Request,
):
    values, files = await _submitted(request)
    unit = _unit_to_write(scope, values["unit"])
    form = item_form.validate_item(
        values, cat.catalogue_tree(scope.session, unit), today=dt.date.today()
    )
    uploads = await _read_files(files, form.errors)
    if not form.ok:
        return _form_page(request, scope, unit, form.values, form.errors, status_code=422)
    try:
        item = create_item(scope.session, scope.user, unit, **form.clean)
        for name, data in uploads:
            add_attachment(scope.session, scope.user, item, name, data)
    except XxgkError as exc:
        scope.session.rollback()
        errors = {"form": exc.message_zh}
        return _form_page(request, scope, unit, form.values, errors, status_code=422)
    scope.session.commit()
    flash(request, f"已保存草稿“{item.title}”，可继续修改或提交审核")
    return RedirectResponse(f"/disclosure/items/{item.id}", status_code=303)


@router.get("/disclosure/items/{item_id}")
def disclosure_item(
    scope: ScopeDep,
    request: Request,
    item_id: int,
):
    item = items_view.scoped_item(scope, item_id)
    return page(
        request,
        "disclosure_item.html",
        item=item,
        row=items_view.item_detail(item, scope.user),
        buttons=items_view.buttons(item, scope.user),
        editable=items_view.can_edit(scope, item),
        repealable=items_view.can_repeal(scope.user, item),
        today=dt.date.today().isoformat(),
    )


@router.get("/disclosure/items/{item_id}/edit")
def disclosure_edit(
    scope: ScopeDep,
    request: Request,
    item_id: int,
):
    item = items_view.scoped_item(scope, item_id)
    if not items_view.can_edit(scope, item):
        raise WebError(403, "forbidden", "只有草稿（含退回修改的）可以修改", "not a draft")
    return _form_page(request, scope, item.unit, item_form.item_values(item), {}, item=item)


@router.post("/disclosure/items/{item_id}/edit")
async def disclosure_update(
    scope: ScopeDep,
    request: Request,
    item_id: int,
):
    item = items_view.scoped_item(scope, item_id)
    values, files = await _submitted(request)
    unit = item.unit
    form = item_form.validate_item(
        values, cat.catalogue_tree(scope.session, unit), today=dt.date.today()
    )
    uploads = await _read_files(files, form.errors)
    if not form.ok:
        return _form_page(request, scope, unit, form.values, form.errors, item, 422)
    try:
        update_item(scope.session, scope.user, item, **form.clean)
        doomed = set(values["remove_attachments"])
        for attachment in [a for a in item.attachments if str(a.id) in doomed]:
            remove_attachment(scope.session, scope.user, item, attachment)
        for name, data in uploads:
            add_attachment(scope.session, scope.user, item, name, data)
    except XxgkError as exc:
        scope.session.rollback()
        return _form_page(request, scope, unit, form.values, {"form": exc.message_zh}, item, 422)
    scope.session.commit()
    flash(request, f"已保存“{item.title}”")
    return RedirectResponse(f"/disclosure/items/{item.id}", status_code=303)


@router.post("/disclosure/items/{item_id}/actions")
async def disclosure_action(
    scope: ScopeDep,
    request: Request,
    item_id: int,
):
    item = items_view.scoped_item(scope, item_id)
    form = await request.form()
    action = str(form.get("action", ""))
    reason = str(form.get("reason", ""))[:2000]
    write_flashed(
        scope.session,
        request,
        lambda: _act(scope, item, action, reason, str(form.get("on", ""))),
        str,
        refused=XxgkError,
    )
    return RedirectResponse(f"/disclosure/items/{item_id}", status_code=303)


def _act(scope: Scope, item: Item, action: str, reason: str, on: str) -> str:
    """Run one step of the review chain; return the message the officer reads."""
    session, user = scope.session, scope.user
    if action == "submit":
        workflow.submit(session, user, item)
    elif action == "approve":
        workflow.approve(session, user, item, opinion=reason)
    elif action == "return":
        workflow.return_for_revision(session, user, item, reason)
    elif action == "withdraw":
        workflow.withdraw(session, user, item, reason)
    elif action == "repeal":
        try:
            day = dt.date.fromisoformat(on)
        except ValueError:
            raise WebError(400, "input", "请填写废止日期（YYYY-MM-DD）", "bad date") from None
        workflow.repeal(session, user, item, day)
        return f"已登记“{item.title}”于{day}废止"
    else:
        raise WebError(400, "input", "未知的操作", f"unknown action {action!r}")
    return f"“{item.title}”现为“{item.status.label}”"


@router.get("/disclosure/items/{item_id}/attachments/{attachment_id}")
def disclosure_attachment(
    scope: ScopeDep,
    item_id: int,
    attachment_id: int,
) -> Response:
    return items_view.download(
        items_view.attachment_of(items_view.scoped_item(scope, item_id), attachment_id)
    )


@router.get("/disclosure/catalogue")
def catalogue_edit(
    scope: ScopeDep,
    request: Request,
    unit: str = "",
):
    chosen = scope.unit(unit) if unit else scope.unit(None)
    return page(
        request,
        "disclosure_catalogue.html",
        unit=chosen,
        units=scope.units(),
        tree=cat.catalogue_tree(scope.session, chosen, include_inactive=True),
        manager=items_view.is_manager(scope),
    )


@router.post("/disclosure/catalogue")
async def catalogue_change(
    scope: ScopeDep,
    request: Request,
):
    form = await request.form()
    unit = scope.unit(str(form.get("unit", "")))
    op = str(form.get("op", ""))
    values = {k: str(v) for k, v in form.items()}
    write_flashed(
        scope.session,
        request,
        lambda: _change_catalogue(scope, unit, op, values),
        str,
        refused=XxgkError,
    )
    return RedirectResponse(f"/disclosure/catalogue?unit={unit.id}", status_code=303)


def _node(scope: Scope, unit: Any, text: str, *, optional: bool = False) -> CatalogueNode | None:
    if optional and not text:
        return None
    node = _category(scope, unit, text)
    if node is None:
        raise not_found("栏目")
    return node


def _change_catalogue(scope: Scope, unit: Any, op: str, form: dict[str, str]) -> str:
    session, user = scope.session, scope.user
    if op == "seed":
        added = cat.seed_default_catalogue(session, user, unit)
        return f"已建立默认公开目录（{added}个栏目）" if added else "该单位已有公开目录"
    if op == "add":
        parent = _node(scope, unit, form.get("parent", ""), optional=True)
        new = cat.add_category(session, user, unit, form.get("name", ""), parent)
        return f"已添加栏目“{cat.category_path(new)}”"
    node = _node(scope, unit, form.get("node", ""))
    assert node is not None
    if op == "rename":
        cat.rename_category(session, user, node, form.get("name", ""))
        return f"已改名为“{node.name}”"
    if op == "move":
        parent = _node(scope, unit, form.get("parent", ""), optional=True)
        cat.move_category(session, user, node, parent)
        return f"已移动到“{cat.category_path(parent) or '顶层'}”之下"
    if op == "deactivate":
        cat.deactivate_category(session, user, node)
        return f"已停用栏目“{node.name}”及其下级栏目"
    raise WebError(400, "input", "未知的操作", f"unknown catalogue operation {op!r}")
