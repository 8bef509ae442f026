"""Reading the audit log: filters, scope, pages and the CSV export (web viewer and CLI alike).

An entry belongs to a unit when it was made by one of the unit's people or is about one of the
unit's rows (an application, a report, a user, the unit itself …). A scope is a subtree of the
unit tree, read with a recursive query, so a county's administrator sees the entries of the
county and everything below it and nothing of another county; entries tied to no unit (a failed
login under an unknown name, calendar days) are the system administrator's only.

The entity tables are named here, not imported: ``xxgk.db`` sits below the register and the
disclosure packages, whose tables all carry ``unit_id``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, column, false, func, or_, select, table
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, require
from xxgk.db.chain import ChainReport, ChainStatus, verify_full, verify_recent
from xxgk.db.models import ROLE_LABELS, AuditEntry, Role, Unit, User
from xxgk.model.units import UnitKind
from xxgk.spreadsheet import csv_row

UNIT_KIND_LABELS = {k.value: k.label for k in UnitKind}
BEIJING = dt.timezone(dt.timedelta(hours=8))
PAGE_SIZE = 50
EXPORT_ROWS = 100_000
"""The most entries one CSV export holds (narrow the filter for more)."""

ENTITY_TABLES = {
    "application": "applications",
    "appeal": "appeals",
    "case_file": "case_files",
    "catalogue": "catalogue_nodes",
    "disclosure_item": "disclosure_items",
    "document": "normative_documents",
    "letter": "letters",
    "letter_template": "letter_templates",
    "letter_settings": "letter_settings",
    "narrative": "narrative_drafts",
    "report": "published_reports",
    "report_filing": "report_filings",
    "yearly_count": "yearly_counts",
    "user": "users",
}
"""Entities whose rows carry the ``unit_id`` they belong to, and their tables."""

ENTITY_LABELS = {
    "application": "申请",
    "appeal": "复议诉讼",
    "calendar_day": "节假日",
    "case_file": "案卷材料",
    "catalogue": "公开目录",
    "corpus": "报告库",
    "disclosure_attachment": "公开附件",
    "disclosure_item": "主动公开信息",
    "document": "规范性文件",
    "fetch_job": "网上采集",
    "collect_job": "报告收集",
    "audit_log": "审计日志",
    "letter": "告知书",
    "letter_settings": "告知书设置",
    "letter_template": "告知书模板",
    "narrative": "年报文字",
    "report": "年度报告",
    "report_filing": "年报报送",
    "unit": "单位",
    "user": "用户",
    "yearly_count": "年度数据",
}

ACTION_LABELS = {
    "create": "新增",
    "update": "修改",
    "rename": "更名",
    "move": "调整上级",
    "retire": "停用单位",
    "reactivate": "启用",
    "deactivate": "停用用户",
    "change-role": "调整角色",
    "set-password": "设置密码",
    "unlock-login": "解除登录锁定",
    "login": "登录",
    "login-failed": "登录失败",
    "login-throttled": "登录被限制",
    "logout": "退出",
    "publish": "发布年报",
    "reopen": "重新打开年度",
    "void": "作废",
    "delete": "删除",
    "set": "设置",
    "settings": "修改设置",
    "template": "修改模板",
    "accept": "接收",
    "deliver": "送达",
    "supersede": "替代",
    "repeal": "废止",
    "recompute-deadline": "重算期限",
    "ingest": "入库",
    "rematch": "重新匹配",
    "fetch": "网上采集",
    "collect": "报告收集",
    "cancel": "取消任务",
    "verify": "全面校验",
    "event": "办理事项",
}
EVENT_PREFIX = "event:"


def action_label(action: str) -> str:
    """Return the Chinese name of an audit action (办理事项 for register events)."""
    if action.startswith(EVENT_PREFIX):
        return f"办理事项（{action[len(EVENT_PREFIX) :]}）"
    return ACTION_LABELS.get(action, action)


def entity_label(entity: str) -> str:
    """Return the Chinese name of an audited entity."""
    return ENTITY_LABELS.get(entity, entity)


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer asked for; empty fields do not filter.

    ``unit_id`` selects a unit and its subtree; ``actor`` a user name; ``since``/``until`` are
    days (Beijing time), both included; ``action`` an action key (``event`` for all events).
    """

    unit_id: int | None = None
    actor: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    action: str = ""


@dataclass(frozen=True)
class AuditPage:
    """One page of entries, newest first, with the total the filter finds."""

    entries: list[AuditEntry]
    total: int
    page: int
    pages: int


def reader_scope(reader: User | None) -> tuple[int | None, bool]:
    """Return ``(scope_root, everything)`` for ``reader``: the system administrator reads the
    whole log, a unit administrator the log of the own subtree; anyone else is refused."""
    require(reader, UNIT_MANAGERS)
    assert reader is not None
    return reader.unit_id, Role(reader.role) is Role.ADMIN


def _subtree_ids(root_id: int, name: str) -> Select[Any]:
    """Return a query of the ids of unit ``root_id`` and every unit below it."""
    tree = select(Unit.id).where(Unit.id == root_id).cte(name, recursive=True)
    below = select(Unit.id).where(Unit.parent_id == tree.c.id)
    tree = tree.union_all(below)
    return select(tree.c.id)


def _about_units(unit_ids: Select[Any]) -> ColumnElement[bool]:
    """Return the condition "the entry was made by, or is about, one of ``unit_ids``"."""
    people = select(User.id).where(User.unit_id.in_(unit_ids))
    conditions = [
        AuditEntry.actor_id.in_(people),
        and_(AuditEntry.entity == "unit", AuditEntry.entity_id.in_(unit_ids)),
    ]
    for entity, name in ENTITY_TABLES.items():
        rows = table(name, column("id"), column("unit_id"))
        owned = select(rows.c.id).where(rows.c.unit_id.in_(unit_ids))
        conditions.append(and_(AuditEntry.entity == entity, AuditEntry.entity_id.in_(owned)))
    items = table("disclosure_items", column("id"), column("unit_id"))
    files = table("disclosure_attachments", column("id"), column("item_id"))
    attached = (
        select(files.c.id)
        .join(items, items.c.id == files.c.item_id)
        .where(items.c.unit_id.in_(unit_ids))
    )
    conditions.append(
        and_(AuditEntry.entity == "disclosure_attachment", AuditEntry.entity_id.in_(attached))
    )
    return or_(*conditions)


def _day_start(day: dt.date) -> dt.datetime:
    """Return the UTC moment (naive, as stored) when ``day`` begins in Beijing."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=BEIJING)
    return start.astimezone(dt.UTC).replace(tzinfo=None)


def filtered(scope_root: int | None, everything: bool, wanted: AuditFilter) -> Select[Any]:
    """Return the query of the entries in scope that pass ``wanted`` (unordered).

    ``everything`` (the system administrator) sees all entries; otherwise the entries of the
    subtree of ``scope_root`` (none when the user has no unit).
    """
    query = select(AuditEntry)
    if not everything:
        if scope_root is None:
            return query.where(false())
        query = query.where(_about_units(_subtree_ids(scope_root, "scope_units")))
    if wanted.unit_id is not None:
        query = query.where(_about_units(_subtree_ids(wanted.unit_id, "chosen_units")))
    if wanted.actor:
        query = query.where(AuditEntry.actor_name == wanted.actor.strip())
    if wanted.since is not None:
        query = query.where(AuditEntry.at >= _day_start(wanted.since))
    if wanted.until is not None:
        query = query.where(AuditEntry.at < _day_start(wanted.until + dt.timedelta(days=1)))
    if wanted.action == "event":
        query = query.where(AuditEntry.action.like(EVENT_PREFIX + "%"))
    elif wanted.action:
        query = query.where(AuditEntry.action == wanted.action)
    return query


def search(
    session: Session,
    scope_root: int | None,
    everything: bool,
    wanted: AuditFilter,
    page: int = 1,
    per_page: int = PAGE_SIZE,
) -> AuditPage:
    """Return page ``page`` (from 1) of the entries in scope that pass ``wanted``, newest first."""
    query = filtered(scope_root, everything, wanted)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(1, page), pages)
    rows = session.scalars(
        query.order_by(AuditEntry.id.desc()).limit(per_page).offset((page - 1) * per_page)
    )
    return AuditPage(list(rows), total, page, pages)


def local_time(moment: dt.datetime) -> str:
    """Return a stored (UTC) moment as Beijing time, to the second."""
    return moment.replace(tzinfo=dt.UTC).astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


FIELD_LABELS = {
    "username": "用户名",
    "display_name": "姓名",
    "role": "角色",
    "unit_id": "单位编号",
    "active": "在用",
    "address": "来源地址",
    "code": "代码",
    "name": "名称",
    "kind": "类型",
    "parent_id": "上级单位编号",
    "division_code": "行政区划代码",
    "calendar_region": "地区日历",
    "report_column_url": "年报栏目",
    "locked": "锁定",
    "year": "年度",
    "version": "版本",
    "published_on": "发布日期",
    "unit": "单位",
    "lifted": "解除项数",
}
"""The Chinese names of the fields the admin pages' entries carry (others keep their key)."""


def _shown(key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None:
        return "（空）"
    if key == "role":
        return ROLE_LABELS.get(Role(value), str(value)) if value in set(Role) else str(value)
    if key == "kind":
        return UNIT_KIND_LABELS.get(str(value), str(value))
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def change_text(value: dict[str, Any] | None) -> str:
    """Return the before/after data of an entry for a reader: "名称：…；类型：…" with the
    fields' Chinese names (empty when none)."""
    if not value:
        return ""
    return "；".join(f"{FIELD_LABELS.get(k, k)}：{_shown(k, v)}" for k, v in sorted(value.items()))


CSV_COLUMNS = (
    "编号",
    "时间（北京时间）",
    "操作人",
    "操作",
    "对象",
    "对象编号",
    "理由",
    "修改前",
    "修改后",
    "校验值",
)


def csv_lines(
    session: Session, scope_root: int | None, everything: bool, wanted: AuditFilter
) -> Iterator[str]:
    """Yield the CSV export of the entries in scope that pass ``wanted``, oldest first: a
    UTF-8 BOM, Chinese headers, formula-safe cells (``xxgk.spreadsheet``)."""
    query = filtered(scope_root, everything, wanted).order_by(AuditEntry.id).limit(EXPORT_ROWS)
    out = io.StringIO()
    writer = csv.writer(out)
    out.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for entry in session.scalars(query):
        writer.writerow(
            csv_row(
                [
                    entry.id,
                    local_time(entry.at),
                    entry.actor_name,
                    action_label(entry.action),
                    entity_label(entry.entity),
                    "" if entry.entity_id is None else entry.entity_id,
                    entry.reason,
                    change_text(entry.before),
                    change_text(entry.after),
                    entry.hash,
                ]
            )
        )
        if out.tell() > 1 << 16:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()


def chain_status(session: Session) -> ChainStatus:
    """Check the entries written since the last verification (in a session of its own: the
    walk empties the session it walks, which must not detach the caller's rows) and return
    them with the last full verification."""
    with Session(session.get_bind()) as own:
        return verify_recent(own)


def verify_chain(session: Session, actor: User) -> ChainReport:
    """Verify the whole chain for the system administrator ``actor`` (audited: who ran it and
    what it found; the caller commits)."""
    require(actor, frozenset({Role.ADMIN}))
    with Session(session.get_bind()) as own:
        report = verify_full(own)
    audit.record(
        session=session,
        actor=actor,
        action="verify",
        entity="audit_log",
        entity_id=None,
        after={
            "checked": report.checked,
            "ok": report.ok,
            "broken_at": report.broken.entry_id if report.broken else None,
        },
        reason="全面校验审计日志哈希链",
    )
    return report
