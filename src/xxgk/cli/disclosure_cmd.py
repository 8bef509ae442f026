"""``xxgk disclosure …``: proactive disclosure (主动公开) from the command line.

A thin shell over ``xxgk.disclosure``, in the manner of ``xxgk register``: every command opens
the database (``--db``, ``XXGK_DATABASE_URL`` or ``sqlite:///xxgk.db``), acts as the user of
``--as`` (``XXGK_USER``, default ``admin``), calls the library and prints the result in Chinese.
The library decides who may do what; a refusal is an ``XxgkError`` that ``main()`` prints as one
line. The database layer is imported inside the commands, so ``xxgk --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xxgk.cli.app import app
from xxgk.cli.dbsession import DbOption, UserOption, acting_session
from xxgk.disclosure.vocab import ATTRIBUTES, CHANNELS, STATE_LABELS, WITHHELD_REASONS, State
from xxgk.errors import InputError, RegisterError

if TYPE_CHECKING:
    from rich.console import Console
    from sqlalchemy.orm import Session

    from xxgk.db.models import Unit, User
    from xxgk.disclosure.models import Item

disclosure_app = typer.Typer(name="disclosure", no_args_is_help=True)
catalogue_app = typer.Typer(
    help="政府信息公开目录：查看、建立默认目录、新增、改名、移动、停用栏目。", no_args_is_help=True
)
disclosure_app.add_typer(catalogue_app, name="catalogue")
app.add_typer(disclosure_app, name="disclosure")

STATES_HELP = "、".join(f"{s.value} {label}" for s, label in STATE_LABELS.items())
UnitOpt = Annotated[
    str | None, typer.Option("--unit", "-u", help="单位代码或名称（默认为当前用户所属单位）")
]
ItemId = Annotated[int, typer.Argument(help="信息编号（#后的数字）")]
CategoryPath = Annotated[str, typer.Argument(help="栏目名称、路径（如 法规文件/规章）或编号")]
ExportFormat = ("csv", "xlsx", "jsonl")
XLSX_CELL_LIMIT = 32000


@disclosure_app.callback()
def _options(ctx: typer.Context, db: DbOption = None, user: UserOption = "admin") -> None:
    """主动公开：公开目录、信息起草、三级审核与发布、检索、导出和年度统计。

    \b
    审核链：草稿 → 部门审核（审核人或单位管理员）→ 保密审查（保密审查员）
            → 领导审批（分管领导）→ 已发布；任一环节可退回修改（须说明理由）。
    起草人不能审核自己的信息，同一人不能签署同一轮的两个环节。
    已发布的信息可撤回，记录始终保留。详见 docs/disclosure.md。
    """
    ctx.obj = {"db": db, "user": user}


# --- the catalogue -------------------------------------------------------------------------


@catalogue_app.command("show")
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
        home = _unit(s, actor, unit)
        entries = catalogue_tree(s, home, include_inactive=show_all)
        if not entries:
            typer.echo(f"单位“{home.name}”还没有公开目录；可用 xxgk disclosure catalogue init 建立")
            return
        for entry in entries:
            retired = "" if entry.node.active else "（已停用）"
            typer.echo(f"{'  ' * entry.depth}{entry.node.name}  #{entry.node.id}{retired}")


@catalogue_app.command("init")
def catalogue_init(ctx: typer.Context, unit: UnitOpt = None) -> None:
    """为还没有公开目录的单位建立默认目录（法定主动公开内容的常用栏目）。

    Example:
        xxgk disclosure catalogue init -u jiaotong
    """
    from xxgk.disclosure.catalogue import seed_default_catalogue

    with acting_session(ctx) as (s, actor):
        home = _unit(s, actor, unit)
        added = seed_default_catalogue(s, actor, home)
        if added:
            typer.echo(f"已为“{home.name}”建立默认公开目录：{added}个栏目")
        else:
            typer.echo(f"“{home.name}”已有公开目录，未作改动")


@catalogue_app.command("add")
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
        home = _unit(s, actor, unit)
        up = find_category(s, home, parent) if parent else None
        node = add_category(s, actor, home, name, up)
        s.flush()
        typer.echo(f"已新增栏目：{category_path(node)}  #{node.id}")


@catalogue_app.command("rename")
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
        node = find_category(s, _unit(s, actor, unit), category)
        rename_category(s, actor, node, name)
        typer.echo(f"已改名：{category_path(node)}")


@catalogue_app.command("move")
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
        home = _unit(s, actor, unit)
        node = find_category(s, home, category)
        move_category(s, actor, node, find_category(s, home, parent) if parent else None)
        typer.echo(f"已移动：{category_path(node)}")


@catalogue_app.command("deactivate")
def catalogue_deactivate(ctx: typer.Context, category: CategoryPath, unit: UnitOpt = None) -> None:
    """停用栏目及其下级栏目（不删除，已发布的信息仍保留原栏目）。

    Example:
        xxgk disclosure catalogue deactivate 行政事业性收费 -u jiaotong
    """
    from xxgk.disclosure.catalogue import category_path, deactivate_category, find_category

    with acting_session(ctx) as (s, actor):
        node = find_category(s, _unit(s, actor, unit), category)
        deactivate_category(s, actor, node)
        typer.echo(f"已停用：{category_path(node)}")


# --- drafting ------------------------------------------------------------------------------

Category_ = Annotated[
    str | None,
    typer.Option("--category", "-c", help="栏目名称或路径，如 法规文件/行政规范性文件"),
]
Body_ = Annotated[str | None, typer.Option("--body", help="正文")]
BodyFile_ = Annotated[
    Path | None, typer.Option("--body-file", help="从UTF-8文本文件读取正文", dir_okay=False)
]
DocKind_ = Annotated[
    str | None, typer.Option("--doc-kind", help="文件类型：规章 / 行政规范性文件（不是文件则不填）")
]
DocNumber_ = Annotated[str | None, typer.Option("--doc-number", help="文号")]
DocDate_ = Annotated[str | None, typer.Option("--date", help="印发日期 YYYY-MM-DD")]
Channel_ = Annotated[
    list[str] | None,
    typer.Option(
        "--channel", metavar="CHANNEL", help="发布渠道（可重复）：" + "、".join(CHANNELS.values())
    ),
]
Attribute_ = Annotated[
    str | None, typer.Option("--attribute", help="公开属性：" + "、".join(ATTRIBUTES.values()))
]
Reason_ = Annotated[
    str | None,
    typer.Option("--reason", help="不予公开的法定理由：" + "、".join(WITHHELD_REASONS)),
]
Attach_ = Annotated[
    list[Path] | None,
    typer.Option("--attach", metavar="FILE", help="附件文件（可重复）", dir_okay=False),
]


@disclosure_app.command("add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="标题")],
    unit: UnitOpt = None,
    category: Category_ = None,
    body: Body_ = None,
    body_file: BodyFile_ = None,
    doc_kind: DocKind_ = None,
    doc_number: DocNumber_ = None,
    date: DocDate_ = None,
    channel: Channel_ = None,
    attribute: Attribute_ = None,
    reason: Reason_ = None,
    attach: Attach_ = None,
) -> None:
    """起草一条待公开的信息（草稿），打印其编号。

    发布渠道默认为网站；规章和行政规范性文件须填写文号和印发日期。

    Example:
        xxgk disclosure add 养护办法 -c 行政规范性文件 --doc-kind 行政规范性文件
        --doc-number 示交发〔2025〕3号 --date 2025-02-20 --body-file 正文.txt --channel 新媒体
    """
    from xxgk.disclosure.catalogue import find_category
    from xxgk.disclosure.items import create_item

    text = _body(body, body_file)
    files = _read_attachments(attach)
    with acting_session(ctx) as (s, actor):
        home = _unit(s, actor, unit)
        item = create_item(
            s,
            actor,
            home,
            title=title,
            category=find_category(s, home, category) if category else None,
            body=text or "",
            doc_kind=doc_kind,
            doc_number=doc_number or "",
            document_date=_date(date, "印发日期"),
            channels=channel or ("website",),
            attribute=attribute or "proactive",
            withheld_reason=reason or "",
        )
        _attach(s, actor, item, files)
        typer.echo(f"已起草：#{item.id} {item.title}")
        typer.echo(f"下一步：xxgk disclosure submit {item.id}")


@disclosure_app.command("edit")
def edit(
    ctx: typer.Context,
    item_id: ItemId,
    title: Annotated[str | None, typer.Option("--title", help="新标题")] = None,
    category: Category_ = None,
    body: Body_ = None,
    body_file: BodyFile_ = None,
    doc_kind: DocKind_ = None,
    doc_number: DocNumber_ = None,
    date: DocDate_ = None,
    channel: Channel_ = None,
    attribute: Attribute_ = None,
    reason: Reason_ = None,
    attach: Attach_ = None,
) -> None:
    """修改草稿（含退回修改的信息）：只改给出的字段，附件为追加。

    Example:
        xxgk disclosure edit 3 --body-file 修改稿.txt
    """
    from xxgk.disclosure.catalogue import find_category
    from xxgk.disclosure.items import update_item

    changes: dict[str, Any] = {}
    text = _body(body, body_file)
    if not attach and all(
        v is None for v in (title, category, text, doc_kind, doc_number, date, attribute, reason)
    ) and not channel:
        raise RegisterError("没有要修改的内容", "nothing to change")
    given = {
        "title": title, "body": text, "doc_kind": doc_kind, "doc_number": doc_number,
        "attribute": attribute, "withheld_reason": reason,
    }
    changes.update({k: v for k, v in given.items() if v is not None})
    if channel:
        changes["channels"] = channel
    if date is not None:
        changes["document_date"] = _date(date, "印发日期")
    files = _read_attachments(attach)
    with acting_session(ctx) as (s, actor):
        item = _item(s, item_id)
        if category is not None:
            changes["category"] = find_category(s, item.unit, category)
        if changes:
            update_item(s, actor, item, **changes)
        _attach(s, actor, item, files)
        typer.echo(f"已修改：#{item.id} {item.title}")


# --- listing -------------------------------------------------------------------------------


@disclosure_app.command("list")
def list_command(
    ctx: typer.Context,
    unit: UnitOpt = None,
    state: Annotated[str | None, typer.Option("--state", help=f"状态：{STATES_HELP}")] = None,
    category: Annotated[str | None, typer.Option("--category", "-c", help="栏目")] = None,
    year: Annotated[int | None, typer.Option("--year", help="发布年度")] = None,
    text: Annotated[str | None, typer.Option("--text", help="标题或文号包含的文字")] = None,
    mine: Annotated[bool, typer.Option("--mine", help="只列出本人起草的")] = False,
    todo: Annotated[
        bool, typer.Option("--todo", help="只列出等待本人办理的（本人的草稿、轮到本人审核的）")
    ] = False,
) -> None:
    """列出单位的信息（最新的在前），可按状态、栏目、年度、文字筛选。

    Example:
        xxgk disclosure --as secrecy list --todo
    """
    from xxgk.disclosure.catalogue import category_path, find_category
    from xxgk.disclosure.items import list_items

    with acting_session(ctx) as (s, actor):
        units = _units_to_list(s, actor, unit)
        wanted = find_category(s, units[0], category) if category else None
        items = list_items(
            s, units, state=_state(state), category=wanted, text=text, year=year
        )
        if mine:
            items = [i for i in items if i.author_id == actor.id]
        if todo:
            items = [i for i in items if _is_todo(i, actor)]
        table = _table("编号", "标题", "栏目", "状态", "起草人", "发布日期")
        for item in items:
            table.add_row(
                f"#{item.id}", item.title, category_path(item.category), item.status.label,
                item.author.username, _day(item.published_on),
            )
        _console().print(table)
        typer.echo(f"共{len(items)}条")


@disclosure_app.command("show")
def show(ctx: typer.Context, item_id: ItemId) -> None:
    """显示一条信息的全部内容、附件、审核经过和当前用户可以执行的操作。

    Example:
        xxgk disclosure show 3
    """
    from xxgk.disclosure.workflow import allowed_actions

    with acting_session(ctx) as (s, actor):
        item = _item(s, item_id)
        if item.status is not State.PUBLISHED:
            _require_reader(actor, item.unit)
        for line in _detail_lines(item):
            typer.echo(line)
        table = _table("时间", "操作人", "操作", "状态变化", "理由")
        for step in item.steps:
            table.add_row(
                f"{step.at:%Y-%m-%d %H:%M}", step.actor_name, _step_label(step),
                _change(step.from_state, step.to_state), step.reason,
            )
        _console().print(table)
        actions = [_action_label(a) for a in allowed_actions(item, actor)]
        typer.echo(f"{actor.username}可执行：{'、'.join(actions) if actions else '无'}")


# --- the review chain ----------------------------------------------------------------------


@disclosure_app.command("submit")
def submit(ctx: typer.Context, item_id: ItemId) -> None:
    """把草稿提交审核（进入部门审核）。

    Example:
        xxgk disclosure --as zhangsan submit 3
    """
    from xxgk.disclosure import workflow

    _step(ctx, item_id, lambda s, actor, item: workflow.submit(s, actor, item))


@disclosure_app.command("approve")
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

    day = _date(on, "发布日期")
    _step(ctx, item_id, lambda s, actor, item: workflow.approve(s, actor, item, day))


@disclosure_app.command("return")
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

    _step(
        ctx, item_id, lambda s, actor, item: workflow.return_for_revision(s, actor, item, reason)
    )


@disclosure_app.command("withdraw")
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

    day = _date(on, "撤回日期")
    _step(ctx, item_id, lambda s, actor, item: workflow.withdraw(s, actor, item, reason, day))


@disclosure_app.command("repeal")
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

    day = _date(on, "废止日期")
    assert day is not None
    _step(ctx, item_id, lambda s, actor, item: workflow.repeal(s, actor, item, day))


# --- the public side and the year ----------------------------------------------------------


@disclosure_app.command("search")
def search_command(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="检索词，多个词用空格分开（须同时出现）")],
    unit: Annotated[str | None, typer.Option("--unit", "-u", help="只检索该单位")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="最多显示条数")] = 20,
) -> None:
    """在已发布的信息中全文检索（标题和正文，与公开目录页面的检索相同）。

    Example:
        xxgk disclosure search 农村公路 养护
    """
    from xxgk.db.units import get_unit
    from xxgk.disclosure.search import excerpt, search

    with acting_session(ctx) as (s, _):
        unit_ids = [get_unit(s, unit).id] if unit else None
        hits = search(s, query, unit_ids=unit_ids, limit=limit)
        table = _table("编号", "标题", "单位", "发布日期", "摘要")
        for hit in hits:
            before, match, after = excerpt(hit.item.body, query)
            table.add_row(
                f"#{hit.item.id}", hit.item.title, hit.item.unit.name,
                _day(hit.item.published_on), before + match + after,
            )
        _console().print(table)
        typer.echo(f"找到{len(hits)}条")


@disclosure_app.command("export")
def export(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="发布年度")],
    unit: UnitOpt = None,
    to: Annotated[str, typer.Option("--to", help="csv / xlsx / jsonl")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="输出文件（xlsx必填；否则默认标准输出）")
    ] = None,
) -> None:
    """导出一年内发布的信息（含其后撤回的），CSV、XLSX 或 JSON lines。

    Example:
        xxgk disclosure export --year 2025 -u jiaotong --to xlsx -o 2025主动公开.xlsx
    """
    fmt = to.lower().lstrip(".")
    if fmt not in ExportFormat:
        raise InputError(
            f"不支持的导出格式“{to}”，可选：{'、'.join(ExportFormat)}",
            f"unknown export format {to!r}",
        )
    if fmt == "xlsx" and output is None:
        raise InputError("xlsx 格式需要用 -o 指定输出文件", "use -o for xlsx")
    with acting_session(ctx) as (s, actor):
        rows = _export_rows(s, _unit(s, actor, unit), year)
    data = {"csv": _csv_bytes, "xlsx": _xlsx_bytes, "jsonl": _jsonl_bytes}[fmt](rows)
    if output is None:
        typer.echo(data.decode("utf-8"), nl=False)
        return
    if fmt == "csv":
        data = "\ufeff".encode() + data  # a file opens in Excel as UTF-8
    try:
        output.write_bytes(data)
    except OSError as exc:
        raise InputError(
            f"无法写入输出文件（{exc.strerror or exc}）", f"cannot write: {exc}", path=str(output)
        ) from exc
    typer.echo(f"已导出{len(rows)}条到{output}", err=True)


@disclosure_app.command("summary")
def summary(
    ctx: typer.Context,
    year: Annotated[int, typer.Option("--year", help="报告年度")],
    unit: UnitOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="输出JSON")] = False,
) -> None:
    """年度报告所用的数字：第一部分“主动公开”段落和表二（一）规章、行政规范性文件的件数。

    表二（一）由年度报告编制程序按文件台账计算，已发布的规章和行政规范性文件自动登记其中。

    Example:
        xxgk disclosure summary --year 2025 -u jiaotong
    """
    from xxgk.disclosure.yearly import proactive_summary, summary_paragraph
    from xxgk.register.compile import compile_report

    with acting_session(ctx) as (s, actor):
        home = _unit(s, actor, unit)
        counted = proactive_summary(s, home, year)
        documents = _document_figures(compile_report(s, home, year))
    paragraph = summary_paragraph(counted)
    if as_json:
        data = {"summary": counted.to_dict(), "paragraph": paragraph, "documents": documents}
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    typer.echo(f"{counted.unit} {year}年度 主动公开")
    typer.echo(paragraph or f"{year}年没有发布信息。")
    table = _table("表二（一）", "本年制发件数", "本年废止件数", "现行有效件数")
    for figures in documents.values():
        table.add_row(
            str(figures["label"]), *(str(figures[c]) for c in ("issued", "repealed", "in_force"))
        )
    _console().print(table)


# --- helpers -------------------------------------------------------------------------------


def _unit(s: Session, actor: User, ref: str | None) -> Unit:
    """The unit of ``-u``, else the acting user's own unit."""
    from xxgk.db.units import get_unit

    if ref:
        return get_unit(s, ref)
    if actor.unit is not None:
        return actor.unit
    raise RegisterError(
        f"用户“{actor.username}”不属于任何单位，请用 -u 指定单位",
        "the acting user has no unit: give one with -u",
    )


def _units_to_list(s: Session, actor: User, ref: str | None) -> list[Unit]:
    """``-u``, else the user's unit, else (administrator, supervisor) every unit."""
    from xxgk.db.units import list_units

    if ref or actor.unit is not None:
        home = _unit(s, actor, ref)
        _require_reader(actor, home)
        return [home]
    _require_reader(actor, None)
    return [u for _, u in list_units(s)]


def _require_reader(actor: User, unit: Unit | None) -> None:
    """Drafts and items under review are seen inside their unit (and by the supervisors)."""
    from xxgk.db.access import require
    from xxgk.db.models import Role

    if Role(actor.role) in (Role.ADMIN, Role.SUPERVISOR):
        return
    if unit is None:
        raise RegisterError("请用 -u 指定单位", "give the unit with -u")
    require(actor, frozenset(Role), unit)


def _item(s: Session, item_id: int) -> Item:
    from xxgk.disclosure.models import Item

    item = s.get(Item, item_id)
    if item is None:
        raise RegisterError(f"没有编号为{item_id}的公开信息", f"no disclosure item {item_id}")
    return item


def _step(ctx: typer.Context, item_id: int, action: Any) -> None:
    """Take one step of the chain and say where the item stands and whose turn it is."""
    with acting_session(ctx) as (s, actor):
        item = _item(s, item_id)
        action(s, actor, item)
        typer.echo(f"#{item.id} {item.title}：{_where(item)}")


def _where(item: Item) -> str:
    from xxgk.disclosure.workflow import STEP_ROLES

    roles = STEP_ROLES.get(item.status)
    if roles:
        names = "或".join(r.label for r in sorted(roles))
        return f"{item.status.label}（待{names}办理）"
    if item.status is State.PUBLISHED:
        repealed = f"，{item.repealed_on}废止" if item.repealed_on else ""
        return f"已发布（{item.published_on}）{repealed}"
    if item.status is State.DRAFT and item.steps and item.steps[-1].action == "return":
        return f"已退回起草人修改：{item.steps[-1].reason}"
    return item.status.label


def _is_todo(item: Item, actor: User) -> bool:
    """Drafts of one's own, and review steps that are one's turn (withdrawal is not a task)."""
    from xxgk.disclosure.workflow import allowed_actions

    actions = set(allowed_actions(item, actor)) - {"withdraw"}
    if item.status is State.DRAFT:
        return item.author_id == actor.id and "submit" in actions
    return bool(actions)


def _detail_lines(item: Item) -> list[str]:
    from xxgk.disclosure.catalogue import category_path
    from xxgk.disclosure.items import DOC_KINDS

    lines = [
        f"#{item.id} {item.title}",
        f"单位：{item.unit.name}",
        f"栏目：{category_path(item.category) or '（未选择）'}",
        f"状态：{_where(item)}",
        f"起草人：{item.author.username}",
        f"公开属性：{item.attribute_label}"
        + (f"（{WITHHELD_REASONS[item.withheld_reason]}）" if item.withheld_reason else ""),
        f"发布渠道：{'、'.join(item.channel_labels) or '—'}",
    ]
    if item.doc_kind:
        lines.append(
            f"文件：{DOC_KINDS.get(item.doc_kind, item.doc_kind)}  {item.doc_number}  "
            f"印发{_day(item.document_date)}"
            + (f"  废止{item.repealed_on}" if item.repealed_on else "")
        )
    if item.withdrawn_on:
        lines.append(f"撤回日期：{item.withdrawn_on}")
    for attachment in item.attachments:
        lines.append(f"附件：{attachment.filename}（{attachment.size}字节）")
    lines += ["正文：", item.body or "（无）"]
    return lines


def _action_label(action: str) -> str:
    from xxgk.disclosure.vocab import ACTIONS

    return ACTIONS.get(action, action)


def _step_label(step: Any) -> str:
    """Name the signature ("保密审查通过"), not a bare "审核通过", in the timeline."""
    from xxgk.disclosure.vocab import STEP_APPROVALS

    if step.action == "approve":
        return STEP_APPROVALS.get(State(step.from_state), _action_label(step.action))
    return _action_label(step.action)


def _change(source: str, target: str) -> str:
    before, after = State(source).label, State(target).label
    return before if before == after else f"{before} → {after}"


def _state(value: str | None) -> str | None:
    if not value:
        return None
    for state, label in STATE_LABELS.items():
        if value.strip() in (state.value, label):
            return state.value
    raise RegisterError(f"状态“{value}”无法识别，可选：{STATES_HELP}", f"unknown state {value!r}")


def _date(text: str | None, what: str) -> dt.date | None:
    from xxgk.register.vocab import parse_date

    return parse_date(text, what)


def _day(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"


def _body(body: str | None, body_file: Path | None) -> str | None:
    if body is not None and body_file is not None:
        raise RegisterError("--body 与 --body-file 只能给出一个", "give --body or --body-file")
    if body_file is None:
        return body
    try:
        return body_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(
            "无法以UTF-8读取正文文件", f"cannot read the body as UTF-8: {exc}", path=str(body_file)
        ) from exc


def _read_attachments(paths: list[Path] | None) -> list[tuple[str, bytes]]:
    files = []
    for path in paths or ():
        try:
            files.append((path.name, path.read_bytes()))
        except OSError as exc:
            raise InputError(
                f"无法读取附件（{exc.strerror or exc}）", f"cannot read: {exc}", path=str(path)
            ) from exc
    return files


def _attach(s: Session, actor: User, item: Item, files: list[tuple[str, bytes]]) -> None:
    from xxgk.disclosure.items import add_attachment

    for name, data in files:
        add_attachment(s, actor, item, name, data)
        typer.echo(f"已添加附件：{name}")


def _console() -> Console:
    """A console on stdout; wide when piped, so that tables are not squeezed to 80 columns."""
    import sys

    from rich.console import Console

    width = None if sys.stdout.isatty() else 200
    return Console(highlight=False, width=width)


def _table(*headers: str) -> Any:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _document_figures(report: Any) -> dict[str, dict[str, object]]:
    """Table 二 block (一) of a compiled report: 规章 and 行政规范性文件 by column."""
    from xxgk.model.cells import ACTIVE_BLOCKS

    block = ACTIVE_BLOCKS[0]
    figures: dict[str, dict[str, object]] = {}
    for row in block.rows:
        values: dict[str, object] = {"label": row.label}
        for column in block.columns:
            values[column.key] = report[f"active.{row.key}.{column.key}"]
        figures[row.key] = values
    return figures


EXPORT_COLUMNS = (
    ("id", "编号"), ("unit", "单位"), ("title", "标题"), ("category", "栏目"),
    ("doc_kind", "文件类型"), ("doc_number", "文号"), ("document_date", "印发日期"),
    ("published_on", "发布日期"), ("channels", "发布渠道"), ("attribute", "公开属性"),
    ("state", "状态"), ("withdrawn_on", "撤回日期"), ("repealed_on", "废止日期"),
    ("attachments", "附件"), ("body", "正文"),
)


def _export_rows(s: Session, unit: Unit, year: int) -> list[dict[str, Any]]:
    """The items published in ``year`` (withdrawn later or not: they were public)."""
    from xxgk.disclosure.catalogue import category_path
    from xxgk.disclosure.items import DOC_KINDS, list_items

    public = (State.PUBLISHED, State.WITHDRAWN)
    items = [i for i in list_items(s, [unit], year=year) if i.status in public]
    items.sort(key=lambda i: (i.published_on, i.id))
    return [
        {
            "id": i.id, "unit": unit.name, "title": i.title,
            "category": category_path(i.category),
            "doc_kind": DOC_KINDS.get(i.doc_kind or "", ""), "doc_number": i.doc_number,
            "document_date": _iso(i.document_date), "published_on": _iso(i.published_on),
            "channels": i.channel_labels, "attribute": i.attribute_label,
            "state": i.status.label, "withdrawn_on": _iso(i.withdrawn_on),
            "repealed_on": _iso(i.repealed_on),
            "attachments": [a.filename for a in i.attachments], "body": i.body,
        }
        for i in items
    ]


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _flat(value: Any) -> Any:
    if isinstance(value, list):
        return "、".join(value)
    return "" if value is None else value


def _csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    import csv
    import io

    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow([label for _, label in EXPORT_COLUMNS])
    for row in rows:
        writer.writerow([_flat(row[key]) for key, _ in EXPORT_COLUMNS])
    return buffer.getvalue().encode("utf-8")


def _jsonl_bytes(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows).encode("utf-8")


def _xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    import io

    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "主动公开"
    sheet.append([label for _, label in EXPORT_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        values = [_flat(row[key]) for key, _ in EXPORT_COLUMNS]
        sheet.append([v[:XLSX_CELL_LIMIT] if isinstance(v, str) else v for v in values])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
