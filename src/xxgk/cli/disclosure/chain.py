"""The review chain from the command line: submit, approve, return, withdraw, repeal.

Each command takes one step through ``xxgk.disclosure.workflow``, which decides whether the acting
user may take it, and then says where the item stands and whose turn it is.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from xxgk.cli.dbsession import acting_session
from xxgk.cli.disclosure.base import ItemId, get_item, parse_day, where


def submit(ctx: typer.Context, item_id: ItemId) -> None:
    """把草稿提交审核（进入部门审核）。

    Example:
        xxgk disclosure --as zhangsan submit 3
    """
    from xxgk.disclosure import workflow

    _step(ctx, item_id, lambda s, actor, item: workflow.submit(s, actor, item))


def approve(
    ctx: typer.Context,
    item_id: ItemId,
    on: Annotated[str | None, typer.Option("--on", help="发布日期（领导审批时，默认今天）")] = None,
) -> None:
    """签署当前审核环节：部门审核、保密审查，或领导审批（主动公开的信息随即发布）。

    Example:
        xxgk disclosure --as lisi approve 3
    """
    from xxgk.disclosure import workflow

    day = parse_day(on, "发布日期")
    _step(ctx, item_id, lambda s, actor, item: workflow.approve(s, actor, item, day))


def return_command(
    ctx: typer.Context,
    item_id: ItemId,
    reason: Annotated[str, typer.Option("--reason", help="退回理由：需要修改什么")],
) -> None:
    """从任一审核环节退回起草人修改（须说明理由）。

    Example:
        xxgk disclosure --as baomi return 3 --reason 附件含有个人身份证号码
    """
    from xxgk.disclosure import workflow

    _step(ctx, item_id, lambda s, actor, item: workflow.return_for_revision(s, actor, item, reason))


def withdraw(
    ctx: typer.Context,
    item_id: ItemId,
    reason: Annotated[str, typer.Option("--reason", help="撤回理由")],
    on: Annotated[str | None, typer.Option("--on", help="撤回日期（默认今天）")] = None,
) -> None:
    """撤回已发布的信息（保留记录，不再出现在公开目录和检索中）。

    Example:
        xxgk disclosure --as leader withdraw 3 --reason 内容已过时
    """
    from xxgk.disclosure import workflow

    day = parse_day(on, "撤回日期")
    _step(ctx, item_id, lambda s, actor, item: workflow.withdraw(s, actor, item, reason, day))


def repeal(
    ctx: typer.Context,
    item_id: ItemId,
    on: Annotated[str, typer.Option("--on", help="废止日期 YYYY-MM-DD")],
) -> None:
    """登记已发布的规章或行政规范性文件的废止日期（表二“本年废止”“现行有效”由此计算）。

    Example:
        xxgk disclosure repeal 3 --on 2026-06-30
    """
    from xxgk.disclosure import workflow

    day = parse_day(on, "废止日期")
    assert day is not None
    _step(ctx, item_id, lambda s, actor, item: workflow.repeal(s, actor, item, day))


def _step(ctx: typer.Context, item_id: int, action: Any) -> None:
    """Take one step of the chain and say where the item stands and whose turn it is."""
    with acting_session(ctx) as (s, actor):
        item = get_item(s, item_id)
        action(s, actor, item)
        typer.echo(f"#{item.id} {item.title}：{where(item)}")
