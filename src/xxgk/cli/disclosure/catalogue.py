"""``xxgk disclosure catalogue …``: the unit's 政府信息公开目录 (an editable tree of categories)."""

from __future__ import annotations

from typing import Annotated

import typer

from xxgk.cli.dbsession import acting_session
from xxgk.cli.disclosure.base import UnitOpt, unit_of
from xxgk.errors import RegisterError

CategoryPath = Annotated[str, typer.Argument(help="栏目名称、路径（如 法规文件/规章）或编号")]


def catalogue_show(
    ctx: typer.Context,
    unit: UnitOpt = None,
    show_all: Annotated[bool, typer.Option("--all", help="也显示已停用的栏目")] = False,
) -> None:
    """按层级显示单位的公开目录（栏目编号在名称之后）。

    Example:
        xxgk disclosure catalogue show -u jiaotong
    """
    from xxgk.disclosure.catalogue import catalogue_tree

    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        entries = catalogue_tree(s, home, include_inactive=show_all)
        if not entries:
            typer.echo(f"单位“{home.name}”还没有公开目录；可用 xxgk disclosure catalogue init 建立")
            return
        for entry in entries:
            retired = "" if entry.node.active else "（已停用）"
            typer.echo(f"{'  ' * entry.depth}{entry.node.name}  #{entry.node.id}{retired}")


def catalogue_init(ctx: typer.Context, unit: UnitOpt = None) -> None:
    """为还没有公开目录的单位建立默认目录（法定主动公开内容的常用栏目）。

    Example:
        xxgk disclosure catalogue init -u jiaotong
    """
    from xxgk.disclosure.catalogue import seed_default_catalogue

    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        added = seed_default_catalogue(s, actor, home)
        if added:
            typer.echo(f"已为“{home.name}”建立默认公开目录：{added}个栏目")
        else:
            typer.echo(f"“{home.name}”已有公开目录，未作改动")


def catalogue_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="栏目名称")],
    unit: UnitOpt = None,
    parent: Annotated[str | None, typer.Option(help="上级栏目（默认为顶级栏目）")] = None,
) -> None:
    """新增一个栏目，排在同级栏目之后。

    Example:
        xxgk disclosure catalogue add 农村公路 -u jiaotong --parent 重大建设项目
    """
    from xxgk.disclosure.catalogue import add_category, category_path, find_category

    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        up = find_category(s, home, parent) if parent else None
        node = add_category(s, actor, home, name, up)
        s.flush()
        typer.echo(f"已新增栏目：{category_path(node)}  #{node.id}")


def catalogue_rename(
    ctx: typer.Context,
    category: CategoryPath,
    name: Annotated[str, typer.Argument(help="新名称")],
    unit: UnitOpt = None,
) -> None:
    """给栏目改名（已发布的信息随栏目一起显示新名称）。

    Example:
        xxgk disclosure catalogue rename 促进就业 就业创业 -u jiaotong
    """
    from xxgk.disclosure.catalogue import category_path, find_category, rename_category

    with acting_session(ctx) as (s, actor):
        node = find_category(s, unit_of(s, actor, unit), category)
        rename_category(s, actor, node, name)
        typer.echo(f"已改名：{category_path(node)}")


def catalogue_move(
    ctx: typer.Context,
    category: CategoryPath,
    unit: UnitOpt = None,
    parent: Annotated[str | None, typer.Option(help="新的上级栏目")] = None,
    top: Annotated[bool, typer.Option("--top", help="移为顶级栏目")] = False,
) -> None:
    """把栏目（连同下级栏目）移到另一个上级栏目之下，或用 --top 移为顶级栏目。

    Example:
        xxgk disclosure catalogue move 统计信息 --parent 规划计划 -u jiaotong
    """
    from xxgk.disclosure.catalogue import category_path, find_category, move_category

    if (parent is None) == (not top):
        raise RegisterError("请指定 --parent 或 --top 之一", "give exactly one of --parent, --top")
    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        node = find_category(s, home, category)
        move_category(s, actor, node, find_category(s, home, parent) if parent else None)
        typer.echo(f"已移动：{category_path(node)}")


def catalogue_deactivate(ctx: typer.Context, category: CategoryPath, unit: UnitOpt = None) -> None:
    """停用栏目及其下级栏目（不删除，已发布的信息仍保留原栏目）。

    Example:
        xxgk disclosure catalogue deactivate 行政事业性收费 -u jiaotong
    """
    from xxgk.disclosure.catalogue import category_path, deactivate_category, find_category

    with acting_session(ctx) as (s, actor):
        node = find_category(s, unit_of(s, actor, unit), category)
        deactivate_category(s, actor, node)
        typer.echo(f"已停用：{category_path(node)}")
