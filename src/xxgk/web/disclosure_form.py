"""The 主动公开 item form: what a person typed, checked field by field before the library is
called (``xxgk.disclosure.items`` checks again), an existing draft's values for the edit page,
the vocabularies the form offers, and the check of an uploaded attachment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from xxgk.disclosure.catalogue import CatalogueEntry
from xxgk.disclosure.items import ATTACHMENT_TYPES, MAX_ATTACHMENT, MAX_TITLE, attachment_name
from xxgk.disclosure.models import Item
from xxgk.disclosure.vocab import ATTRIBUTES, CHANNELS, WITHHELD_REASONS
from xxgk.disclosure.workflow import DOC_KINDS
from xxgk.errors import XxgkError
from xxgk.web.disclosure_items import iso_day

MAX_BODY = 200_000
MAX_DOC_NUMBER = 100


@dataclass
class ItemForm:
    """The submitted values of the item form, the errors per field and the library's args."""

    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    clean: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


FORM_FIELDS = (
    "title",
    "category",
    "body",
    "doc_kind",
    "doc_number",
    "document_date",
    "attribute",
    "withheld_reason",
)


def validate_item(
    values: dict[str, Any], entries: list[CatalogueEntry], *, today: dt.date
) -> ItemForm:
    """Check the item form field by field; fill ``clean`` with ``create_item`` arguments.

    ``values["channels"]`` is a list; everything else is text as typed.
    """
    v: dict[str, Any] = {k: str(values.get(k) or "").strip() for k in FORM_FIELDS}
    v["channels"] = [str(c) for c in values.get("channels") or []]
    form = ItemForm(v)
    errors, clean = form.errors, form.clean
    title = " ".join(v["title"].split())
    if not title:
        errors["title"] = "请填写标题"
    elif len(title) > MAX_TITLE:
        errors["title"] = f"标题不能超过{MAX_TITLE}个字"
    clean["title"] = title
    nodes = {str(e.node.id): e.node for e in entries}
    if v["category"] not in nodes:
        errors["category"] = "请选择公开目录栏目"
    clean["category"] = nodes.get(v["category"])
    if len(v["body"]) > MAX_BODY:
        errors["body"] = f"正文不能超过{MAX_BODY}个字"
    clean["body"] = str(values.get("body") or "")[:MAX_BODY]
    _document_fields(v, errors, clean, today)
    attribute = v["attribute"] or "proactive"
    if attribute not in ATTRIBUTES:
        errors["attribute"] = "请选择公开属性"
        attribute = "proactive"
    clean["attribute"] = attribute
    unknown = [c for c in v["channels"] if c not in CHANNELS]
    if unknown:
        errors["channels"] = "发布渠道只能是：" + "、".join(CHANNELS.values())
    elif attribute == "proactive" and not v["channels"]:
        errors["channels"] = "主动公开的信息须至少选择一个发布渠道"
    clean["channels"] = [c for c in CHANNELS if c in v["channels"]]
    reason = v["withheld_reason"]
    if attribute == "withheld" and reason not in WITHHELD_REASONS:
        errors["withheld_reason"] = "不予公开须选择法定理由（《条例》第十四条至第十六条）"
    clean["withheld_reason"] = reason if attribute == "withheld" else ""
    return form


def _document_fields(
    v: dict[str, Any], errors: dict[str, str], clean: dict[str, Any], today: dt.date
) -> None:
    kind = v["doc_kind"]
    if kind and kind not in DOC_KINDS:
        errors["doc_kind"] = "请选择文件类型"
    clean["doc_kind"] = kind or None
    if len(v["doc_number"]) > MAX_DOC_NUMBER:
        errors["doc_number"] = f"文号不能超过{MAX_DOC_NUMBER}个字"
    elif kind and not v["doc_number"]:
        errors["doc_number"] = f"{DOC_KINDS.get(kind, '规范性文件')}须填写文号"
    clean["doc_number"] = v["doc_number"][:MAX_DOC_NUMBER]
    day = None
    if v["document_date"]:
        try:
            day = dt.date.fromisoformat(v["document_date"])
        except ValueError:
            errors["document_date"] = "印发日期应为YYYY-MM-DD格式的日期"
        else:
            if day > today:
                errors["document_date"] = f"印发日期不能晚于今天（{today}）"
            elif day.year < 1949:
                errors["document_date"] = "印发日期不早于1949年"
    elif kind:
        errors["document_date"] = f"{DOC_KINDS.get(kind, '规范性文件')}须填写印发日期"
    clean["document_date"] = day


def check_upload(filename: str, size: int) -> str:
    """Return why an uploaded attachment is refused (empty when it is accepted)."""
    try:
        attachment_name(filename)
    except XxgkError as exc:
        return exc.message_zh
    if size == 0:
        return f"附件“{filename}”是空文件"
    if size > MAX_ATTACHMENT:
        return f"附件“{filename}”超过{MAX_ATTACHMENT // (1024 * 1024)}MB"
    return ""


def item_values(item: Item) -> dict[str, Any]:
    """Return the form values of an existing draft (for the edit page)."""
    return {
        "title": item.title,
        "category": str(item.category_id or ""),
        "body": item.body,
        "doc_kind": item.doc_kind or "",
        "doc_number": item.doc_number,
        "document_date": iso_day(item.document_date) or "",
        "attribute": item.attribute,
        "withheld_reason": item.withheld_reason,
        "channels": list(item.channels),
    }


def form_choices() -> dict[str, Any]:
    """Return the vocabularies the item form offers."""
    return {
        "doc_kinds": DOC_KINDS,
        "channels": CHANNELS,
        "attributes": ATTRIBUTES,
        "reasons": WITHHELD_REASONS,
        "accept": ",".join(sorted(ATTACHMENT_TYPES)),
        "max_mb": MAX_ATTACHMENT // (1024 * 1024),
    }
