"""Drafting, editing, listing and showing items (the work before and around the review chain)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from xxgk.cli.dbsession import acting_session
from xxgk.cli.disclosure.base import (
    ItemId,
    UnitOpt,
    day_text,
    get_item,
    new_table,
    parse_day,
    require_reader,
    unit_of,
    units_to_list,
    where,
    wide_console,
)
from xxgk.disclosure.vocab import (
    ACTIONS,
    ATTRIBUTES,
    CHANNELS,
    STATE_LABELS,
    WITHHELD_REASONS,
    State,
    step_label,
)
from xxgk.errors import InputError, RegisterError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xxgk.db.models import User
    from xxgk.disclosure.models import Item

STATES_HELP = "、".join(f"{s.value} {label}" for s, label in STATE_LABELS.items())
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

    \b
    Example:
        xxgk disclosure add 养护办法 -c 行政规范性文件 --doc-kind 行政规范性文件 \\
            --doc-number 示交发〔2025〕3号 --date 2025-02-20 --body-file 正文.txt
    """
    from xxgk.disclosure.catalogue import find_category
    from xxgk.disclosure.items import create_item

    text = _body(body, body_file)
    files = _read_attachments(attach)
    with acting_session(ctx) as (s, actor):
        home = unit_of(s, actor, unit)
        item = create_item(
            s,
            actor,
            home,
            title=title,
            category=find_category(s, home, category) if category else None,
            body=text or "",
            doc_kind=doc_kind,
            doc_number=doc_number or "",
            document_date=parse_day(date, "印发日期"),
            channels=channel or ("website",),
            attribute=attribute or "proactive",
            withheld_reason=reason or "",
        )
        _attach(s, actor, item, files)
        typer.echo(f"已起草：#{item.id} {item.title}")
        typer.echo(f"下一步：xxgk disclosure submit {item.id}")


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
    detach: Annotated[
        list[str] | None,
        typer.Option("--detach", metavar="NAME", help="删除草稿的附件（文件名，可重复）"),
    ] = None,
) -> None:
    """修改草稿（含退回修改的信息）：只改给出的字段，附件为追加，--detach 删除附件。

    Example:
        xxgk disclosure edit 3 --body-file 修改稿.txt --detach 错传.pdf
    """
    from xxgk.disclosure.catalogue import find_category
    from xxgk.disclosure.items import remove_attachment, update_item

    changes: dict[str, Any] = {}
    text = _body(body, body_file)
    if (
        not attach
        and not detach
        and all(
            v is None
            for v in (title, category, text, doc_kind, doc_number, date, attribute, reason)
        )
        and not channel
    ):
        raise RegisterError("没有要修改的内容", "nothing to change")
    given = {
        "title": title,
        "body": text,
        "doc_kind": doc_kind,
        "doc_number": doc_number,
        "attribute": attribute,
        "withheld_reason": reason,
    }
    changes.update({k: v for k, v in given.items() if v is not None})
    if channel:
        changes["channels"] = channel
    if date is not None:
        changes["document_date"] = parse_day(date, "印发日期")
    files = _read_attachments(attach)
    with acting_session(ctx) as (s, actor):
        item = get_item(s, item_id)
        if category is not None:
            changes["category"] = find_category(s, item.unit, category)
        if changes:
            update_item(s, actor, item, **changes)
        for name in detach or ():
            found = [a for a in item.attachments if a.filename == name]
            if not found:
                have = "、".join(a.filename for a in item.attachments) or "无"
                raise RegisterError(
                    f"信息#{item.id}没有名为“{name}”的附件（现有：{have}）",
                    f"item {item.id} has no attachment named {name!r}",
                )
            remove_attachment(s, actor, item, found[0])
        _attach(s, actor, item, files)
        typer.echo(f"已修改：#{item.id} {item.title}")


# --- listing -------------------------------------------------------------------------------


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
    from xxgk.disclosure.workflow import waiting_for

    with acting_session(ctx) as (s, actor):
        units = units_to_list(s, actor, unit)
        wanted = find_category(s, units[0], category) if category else None
        items = list_items(s, units, state=_state(state), category=wanted, text=text, year=year)
        if mine:
            items = [i for i in items if i.author_id == actor.id]
        if todo:
            items = [i for i in items if waiting_for(i, actor)]
        table = new_table("编号", "标题", "栏目", "状态", "起草人", "发布日期")
        for item in items:
            table.add_row(
                f"#{item.id}",
                item.title,
                category_path(item.category),
                item.status.label,
                item.author.username,
                day_text(item.published_on),
            )
        wide_console().print(table)
        typer.echo(f"共{len(items)}条")


def show(ctx: typer.Context, item_id: ItemId) -> None:
    """显示一条信息的全部内容、附件、审核经过和当前用户可以执行的操作。

    Example:
        xxgk disclosure show 3
    """
    from xxgk.disclosure.workflow import allowed_actions

    with acting_session(ctx) as (s, actor):
        item = get_item(s, item_id)
        if item.status is not State.PUBLISHED:
            require_reader(actor, item.unit)
        for line in _detail_lines(item):
            typer.echo(line)
        table = new_table("时间", "操作人", "操作", "状态变化", "理由")
        for step in item.steps:
            table.add_row(
                f"{step.at:%Y-%m-%d %H:%M}",
                step.actor_name,
                step_label(step.action, step.from_state),
                _change(step.from_state, step.to_state),
                step.reason,
            )
        wide_console().print(table)
        actions = [ACTIONS.get(a, a) for a in allowed_actions(item, actor)]
        typer.echo(f"{actor.username}可执行：{'、'.join(actions) if actions else '无'}")


# --- helpers -------------------------------------------------------------------------------


def _detail_lines(item: Item) -> list[str]:
    from xxgk.disclosure.catalogue import category_path
    from xxgk.disclosure.items import DOC_KINDS

    lines = [
        f"#{item.id} {item.title}",
        f"单位：{item.unit.name}",
        f"栏目：{category_path(item.category) or '（未选择）'}",
        f"状态：{where(item)}",
        f"起草人：{item.author.username}",
        f"公开属性：{item.attribute_label}"
        + (f"（{WITHHELD_REASONS[item.withheld_reason]}）" if item.withheld_reason else ""),
        f"发布渠道：{'、'.join(item.channel_labels) or '—'}",
    ]
    if item.doc_kind:
        lines.append(
            f"文件：{DOC_KINDS.get(item.doc_kind, item.doc_kind)}  {item.doc_number}  "
            f"印发{day_text(item.document_date)}"
            + (f"  废止{item.repealed_on}" if item.repealed_on else "")
        )
    if item.withdrawn_on:
        lines.append(f"撤回日期：{item.withdrawn_on}")
    for attachment in item.attachments:
        lines.append(f"附件：{attachment.filename}（{attachment.size}字节）")
    lines += ["正文：", item.body or "（无）"]
    return lines


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
