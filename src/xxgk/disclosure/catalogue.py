"""The unit's 政府信息公开目录: an editable tree of categories.

A new unit starts from the usual 法定主动公开内容 (条例 arts. 19-20 and the categories most
government websites use); the unit administrator renames, moves, adds and retires categories.
Categories are never deleted, because published items keep pointing at them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import UNIT_MANAGERS, require
from xxgk.db.chain import lock_writes
from xxgk.db.models import Unit, User
from xxgk.disclosure.models import CatalogueNode
from xxgk.errors import RegisterError

# (name, children): the starting catalogue. 法规文件's children are the rows of Table 二 (一).
DEFAULT_CATALOGUE: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("机构职能", ("机构设置", "领导信息", "内设机构")),
    ("法规文件", ("规章", "行政规范性文件", "其他文件")),
    ("规划计划", ()),
    ("统计信息", ()),
    ("财政信息", ("财政预算", "财政决算", "“三公”经费")),
    ("行政许可", ()),
    ("行政处罚", ()),
    ("行政强制", ()),
    ("行政事业性收费", ()),
    ("政府采购", ()),
    ("重大建设项目", ()),
    ("人事信息", ()),
    ("社会公益事业", ("教育", "医疗卫生", "社会保障", "促进就业")),
    ("突发公共事件应急", ()),
    ("监督检查", ("环境保护", "公共卫生", "安全生产", "食品药品", "产品质量")),
    ("政务公开工作", ("政府信息公开指南", "政府信息公开制度", "政府信息公开年报")),
)

MAX_NAME = 100


@dataclass(frozen=True)
class CatalogueEntry:
    """A category with its depth and full path, in the tree's reading order."""

    node: CatalogueNode
    depth: int
    path: str


def seed_default_catalogue(session: Session, actor: User | None, unit: Unit) -> int:
    """Give ``unit`` the starting catalogue unless it has one; return the categories added."""
    if actor is not None:
        require(actor, UNIT_MANAGERS, unit)
    lock_writes(session)  # two first visits never seed the catalogue twice
    existing = session.scalar(
        select(func.count(CatalogueNode.id)).where(CatalogueNode.unit_id == unit.id)
    )
    if existing:
        return 0
    added = 0
    for position, (name, children) in enumerate(DEFAULT_CATALOGUE):
        parent = _create(session, actor, unit, name, None, position)
        added += 1
        for child_position, child in enumerate(children):
            _create(session, actor, unit, child, parent, child_position)
            added += 1
    return added


def catalogue_tree(
    session: Session, unit: Unit, *, include_inactive: bool = False
) -> list[CatalogueEntry]:
    """Return the unit's categories depth-first, each with its depth and path."""
    query = select(CatalogueNode).where(CatalogueNode.unit_id == unit.id)
    if not include_inactive:
        query = query.where(CatalogueNode.active.is_(True))
    nodes = list(session.scalars(query))
    children: dict[int | None, list[CatalogueNode]] = {}
    for node in nodes:
        children.setdefault(node.parent_id, []).append(node)
    out: list[CatalogueEntry] = []

    def walk(parent_id: int | None, depth: int, prefix: str) -> None:
        for node in sorted(children.get(parent_id, []), key=lambda n: (n.position, n.id)):
            path = f"{prefix} / {node.name}" if prefix else node.name
            out.append(CatalogueEntry(node, depth, path))
            walk(node.id, depth + 1, path)

    walk(None, 0, "")
    return out


def category_path(node: CatalogueNode | None) -> str:
    """Return "法规文件 / 行政规范性文件" for a category (empty for none)."""
    names: list[str] = []
    while node is not None:
        names.append(node.name)
        node = node.parent
    return " / ".join(reversed(names))


def find_category(session: Session, unit: Unit, name_or_path: str) -> CatalogueNode:
    """Return the unit's active category named by its name, its path or its id."""
    wanted = _clean(name_or_path)
    entries = catalogue_tree(session, unit)
    matches = [
        e.node
        for e in entries
        if wanted in (e.path, e.path.replace(" / ", "/"), e.node.name, str(e.node.id))
    ]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise RegisterError(
            f"单位“{unit.name}”的公开目录中没有栏目“{wanted}”",
            f"unit {unit.code!r} has no catalogue category {wanted!r}",
        )
    paths = "、".join(category_path(m) for m in matches)
    raise RegisterError(
        f"栏目名“{wanted}”不唯一（{paths}），请写出完整路径",
        f"category name {wanted!r} is ambiguous; give its path",
    )


def add_category(
    session: Session,
    actor: User,
    unit: Unit,
    name: str,
    parent: CatalogueNode | None = None,
) -> CatalogueNode:
    """Add a category under ``parent`` (at the top without one), after its siblings."""
    require(actor, UNIT_MANAGERS, unit)
    _check_parent(unit, parent)
    lock_writes(session)  # the name check and the next position hold until commit
    name = _checked_name(session, unit, name, parent)
    siblings = _siblings(session, unit, parent)
    position = max((s.position for s in siblings), default=-1) + 1
    return _create(session, actor, unit, name, parent, position)


def rename_category(session: Session, actor: User, node: CatalogueNode, name: str) -> None:
    """Give ``node`` a new name (unique among its siblings)."""
    unit = session.get_one(Unit, node.unit_id)
    require(actor, UNIT_MANAGERS, unit)
    name = _checked_name(session, unit, name, node.parent, exclude=node)
    _change(session, actor, node, "rename", name=name)


def move_category(
    session: Session, actor: User, node: CatalogueNode, parent: CatalogueNode | None
) -> None:
    """Put ``node`` (with its subtree) under ``parent``; a category cannot go below itself."""
    unit = session.get_one(Unit, node.unit_id)
    require(actor, UNIT_MANAGERS, unit)
    _check_parent(unit, parent)
    if parent is not None and (parent.id == node.id or _below(parent, node)):
        raise RegisterError(
            f"不能把栏目“{node.name}”移到它自己或它的下级栏目之下",
            f"category {node.name!r} cannot move below itself",
        )
    lock_writes(session)
    _checked_name(session, unit, node.name, parent, exclude=node)
    siblings = _siblings(session, unit, parent)
    position = max((s.position for s in siblings if s.id != node.id), default=-1) + 1
    _change(
        session, actor, node, "move", parent_id=parent.id if parent else None, position=position
    )
    node.parent = parent


def deactivate_category(session: Session, actor: User, node: CatalogueNode) -> None:
    """Retire ``node`` and its subtree; their items keep their category, nothing is deleted."""
    unit = session.get_one(Unit, node.unit_id)
    require(actor, UNIT_MANAGERS, unit)
    for entry in catalogue_tree(session, unit):
        if entry.node.id == node.id or _below(entry.node, node):
            _change(session, actor, entry.node, "deactivate", active=False)


def _create(
    session: Session,
    actor: User | None,
    unit: Unit,
    name: str,
    parent: CatalogueNode | None,
    position: int,
) -> CatalogueNode:
    node = CatalogueNode(
        unit_id=unit.id, parent_id=parent.id if parent else None, name=name, position=position
    )
    node.parent = parent
    return audit.add_created(session=session, actor=actor, entity="catalogue", row=node)


def _change(session: Session, actor: User, node: CatalogueNode, action: str, **values: Any) -> None:
    before = node.snapshot()
    for key, value in values.items():
        setattr(node, key, value)
    audit.record(
        session=session,
        actor=actor,
        action=action,
        entity="catalogue",
        entity_id=node.id,
        before=before,
        after=node.snapshot(),
    )


def _siblings(
    session: Session, unit: Unit, parent: CatalogueNode | None
) -> Iterable[CatalogueNode]:
    parent_id = parent.id if parent else None
    query = select(CatalogueNode).where(CatalogueNode.unit_id == unit.id)
    if parent_id is None:
        query = query.where(CatalogueNode.parent_id.is_(None))
    else:
        query = query.where(CatalogueNode.parent_id == parent_id)
    return list(session.scalars(query.where(CatalogueNode.active.is_(True))))


def _checked_name(
    session: Session,
    unit: Unit,
    name: str,
    parent: CatalogueNode | None,
    exclude: CatalogueNode | None = None,
) -> str:
    name = _clean(name)
    if not name or len(name) > MAX_NAME or "/" in name:
        raise RegisterError(
            f"栏目名称须为1至{MAX_NAME}个字符，且不含“/”：“{name}”",
            f"a category name has 1 to {MAX_NAME} characters and no '/'",
        )
    for sibling in _siblings(session, unit, parent):
        if sibling.name == name and sibling is not exclude:
            raise RegisterError(
                f"同一上级栏目下已有“{name}”", f"a sibling category {name!r} already exists"
            )
    return name


def _check_parent(unit: Unit, parent: CatalogueNode | None) -> None:
    if parent is not None and (parent.unit_id != unit.id or not parent.active):
        raise RegisterError(
            f"上级栏目“{parent.name}”不属于单位“{unit.name}”的有效目录",
            "the parent category is not an active category of this unit",
        )


def _below(node: CatalogueNode, ancestor: CatalogueNode) -> bool:
    current = node.parent
    while current is not None:
        if current.id == ancestor.id:
            return True
        current = current.parent
    return False


def _clean(text: str) -> str:
    return " ".join((text or "").split())
