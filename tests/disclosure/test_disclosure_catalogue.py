"""The unit's catalogue tree, and the disclosure tables' migration."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from xxgk.db.access import AccessError
from xxgk.db.audit import history
from xxgk.db.base import Base
from xxgk.disclosure.catalogue import (
    DEFAULT_CATALOGUE,
    add_category,
    catalogue_tree,
    category_path,
    deactivate_category,
    find_category,
    move_category,
    rename_category,
    seed_default_catalogue,
)
from xxgk.disclosure.items import create_item
from xxgk.errors import RegisterError


def paths(office):
    return [e.path for e in catalogue_tree(office.session, office.unit)]


def test_a_unit_starts_from_the_usual_statutory_categories(office):
    tree = catalogue_tree(office.session, office.unit)
    assert len(tree) == sum(1 + len(children) for _, children in DEFAULT_CATALOGUE)
    assert paths(office)[:5] == [
        "机构职能",
        "机构职能 / 机构设置",
        "机构职能 / 领导信息",
        "机构职能 / 内设机构",
        "法规文件",
    ]
    assert "法规文件 / 行政规范性文件" in paths(office)
    assert seed_default_catalogue(office.session, office.manager, office.unit) == 0


def test_categories_are_added_renamed_moved_and_retired(office):
    parent = office.category("法规文件")
    node = add_category(office.session, office.manager, office.unit, "政策解读", parent)
    assert category_path(node) == "法规文件 / 政策解读"
    assert paths(office)[paths(office).index("法规文件 / 其他文件") + 1] == "法规文件 / 政策解读"
    rename_category(office.session, office.manager, node, "政策 解读 材料")
    assert node.name == "政策 解读 材料"
    move_category(office.session, office.manager, node, office.category("政务公开工作"))
    assert find_category(office.session, office.unit, "政务公开工作/政策 解读 材料") is node
    deactivate_category(office.session, office.manager, office.category("政务公开工作"))
    assert not any(p.startswith("政务公开工作") for p in paths(office))
    assert node.active is False
    actions = [e.action for e in history(office.session, "catalogue", node.id)]
    assert actions == ["create", "rename", "move", "deactivate"]


def test_the_tree_refuses_cycles_duplicates_and_bad_names(office):
    top = office.category("财政信息")
    child = office.category("财政预算")
    with pytest.raises(RegisterError, match="下级栏目"):
        move_category(office.session, office.manager, top, child)
    with pytest.raises(RegisterError, match="已有"):
        add_category(office.session, office.manager, office.unit, "财政决算", top)
    for bad in ("", "a/b", "长" * 101):
        with pytest.raises(RegisterError, match="栏目名称"):
            add_category(office.session, office.manager, office.unit, bad)


def test_ambiguous_and_unknown_names_are_explained(office):
    add_category(office.session, office.manager, office.unit, "规章", office.category("机构职能"))
    with pytest.raises(RegisterError, match="不唯一"):
        find_category(office.session, office.unit, "规章")
    assert find_category(office.session, office.unit, "法规文件 / 规章").name == "规章"
    with pytest.raises(RegisterError, match="没有栏目"):
        find_category(office.session, office.unit, "不存在的栏目")


def test_only_managers_of_the_unit_edit_the_catalogue(office):
    for user in (office.author, office.reviewer, office.leader, office.stranger):
        with pytest.raises(AccessError):
            add_category(office.session, user, office.unit, "新栏目")


def test_an_item_cannot_use_another_units_or_a_retired_category(office):
    foreign = find_category(office.session, office.other, "规划计划")
    with pytest.raises(RegisterError, match="不是单位"):
        create_item(office.session, office.author, office.unit, title="标题", category=foreign)
    retired = office.category("统计信息")
    deactivate_category(office.session, office.manager, retired)
    with pytest.raises(RegisterError, match="不是单位"):
        create_item(office.session, office.author, office.unit, title="标题", category=retired)


def test_migrations_match_the_disclosure_models(engine):
    mine = {
        m.local_table.name
        for m in Base.registry.mappers
        if m.class_.__module__ == "xxgk.disclosure.models"
    } | {"normative_documents"}
    assert "disclosure_items" in mine
    with engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    relevant = [d for d in diffs if _table_name(d) in mine and not _search_index(d)]
    assert relevant == []


def _search_index(diff) -> bool:
    """The PostgreSQL GIN expression index lives in the migration only (no model column)."""
    return diff[0] == "remove_index" and diff[1].name == "ix_disclosure_search_fts"


def _table_name(diff) -> str | None:
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if isinstance(part, str):
            return part
        table = part if isinstance(part, sa.Table) else getattr(part, "table", None)
        if table is not None:
            return table.name
    return None
