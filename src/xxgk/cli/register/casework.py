"""The officer's casework from the command line: letters (文书), case files (附件), filing the
year's report (报送) and the daily reminders — each command one call of the same library
function as the web page and the API, acting as the person of ``--as``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from xxgk.cli.register.base import Date_, Unit_, optional_date, register_app, session

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from xxgk.db.models import Unit
    from xxgk.register.casework_models import Letter

letter_app = typer.Typer(
    help="文书：出具（自动编文号并记录事件）、列表、重新出具、送达、下载。", no_args_is_help=True
)
attach_app = typer.Typer(help="申请的附件：上传、列表、下载。", no_args_is_help=True)
file_app = typer.Typer(
    help="年度报告报送：状态、报送、审核通过、退回、发布。", no_args_is_help=True
)
register_app.add_typer(letter_app, name="letter")
register_app.add_typer(attach_app, name="attach")
register_app.add_typer(file_app, name="file")

Number_ = Annotated[str, typer.Argument(help="申请编号")]
LetterNo_ = Annotated[str, typer.Argument(help="文书的文号，如 清政信补〔2026〕3号")]
Year_ = Annotated[int, typer.Option("--year", "-y", help="报告年度")]


def _parse_values(pairs: list[str]) -> dict[str, str]:
    """Turn ``key=value`` options into the letter's values (one-line error when malformed)."""
    from xxgk.errors import RegisterError

    values: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise RegisterError(
                f"--value 应写成 字段=内容，不能是“{pair}”", f"--value needs key=value: {pair!r}"
            )
        values[key.strip()] = value
    return values


def _letter(s: Session, unit: Unit, number: str) -> Letter:
    from sqlalchemy import select

    from xxgk.errors import RegisterError
    from xxgk.register.casework_models import Letter

    found = s.scalar(select(Letter).where(Letter.unit_id == unit.id, Letter.number == number))
    if found is None:
        raise RegisterError(f"{unit.name}没有文号为“{number}”的文书", f"no letter {number!r}")
    return found


def letter_issue(
    ctx: typer.Context,
    number: Number_,
    kind: Annotated[
        str,
        typer.Argument(help="文书类型：receipt/correction/consultation/extension/art35/fee/reply"),
    ],
    unit: Unit_,
    date: Date_,
    value: Annotated[
        list[str] | None,
        typer.Option("--value", "-v", help="文书字段 字段=内容（可多次），字段见文书模板页面"),
    ] = None,
) -> None:
    """出具文书：按单位的文号格式编号，记录相应的办理事件（补正告知、延期、答复……）。

    Example:
        xxgk register letter issue 2026-0001 correction -u qinghe -d 2026-03-02 \\
            -v items=写明文件名称 -v correction_days=10
    """
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.attachments import default_store
    from xxgk.register.letters import issue_letter

    with session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        letter = issue_letter(
            session=s,
            store=default_store(),
            actor=actor,
            application=app_,
            kind=kind,
            on=_date(date, "文书日期"),
            values=_parse_values(value or []),
        )
        due = f"，答复期限{app_.due_on}" if app_.due_on else ""
        typer.echo(f"已出具{letter.number}（申请{app_.number}）{due}")


def _date(text: str, what: str) -> dt.date:
    from xxgk.errors import RegisterError

    day = optional_date(text, what)
    if day is None:
        raise RegisterError(f"请用 -d 填写{what}", f"{what} is required")
    return day


def letter_list(ctx: typer.Context, number: Number_, unit: Unit_) -> None:
    """列出一件申请的文书：文号、日期、送达情况、所定期限的届满日。

    Example:
        xxgk register letter list 2026-0001 -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.letters import DELIVERY_METHODS, KIND_LABELS, letters_of, period_end

    with session(ctx) as (s, _):
        home = get_unit(s, unit)
        app_ = get_application(s, home, number)
        rows = letters_of(s, app_)
        for letter in rows:
            delivered = (
                f"{DELIVERY_METHODS.get(letter.delivery_method or '', '')}送达{letter.delivered_on}"
                if letter.delivered_on
                else "待送达"
            )
            end = period_end(letter, s, home)
            parts = [
                letter.number,
                KIND_LABELS.get(letter.kind, letter.kind),  # type: ignore[call-overload]
                str(letter.issued_on),
                delivered,
            ]
            if end:
                parts.append(f"期限届满{end}")
            if letter.superseded_by is not None:
                parts.append(f"已重新出具（{letter.superseded_reason}）")
            typer.echo("  ".join(parts))
        typer.echo(f"共{len(rows)}份文书")


def letter_reissue(
    ctx: typer.Context,
    letter_number: LetterNo_,
    unit: Unit_,
    date: Date_,
    reason: Annotated[str, typer.Option(help="重新出具的理由（必填）")] = "",
) -> None:
    """重新出具文书：新文号，原文书保留并注明已重新出具；已记录的事件不变。

    Example:
        xxgk register letter reissue 清政信补〔2026〕3号 -u qinghe -d 2026-03-05 \\
            --reason 申请人地址有误
    """
    from xxgk.db.units import get_unit
    from xxgk.register.attachments import default_store
    from xxgk.register.letters import reissue_letter
    from xxgk.register.models import Application

    with session(ctx) as (s, actor):
        old = _letter(s, get_unit(s, unit), letter_number)
        new = reissue_letter(
            session=s,
            store=default_store(),
            actor=actor,
            letter=old,
            application=s.get_one(Application, old.application_id),
            reason=reason,
            on=_date(date, "日期"),
        )
        typer.echo(f"已重新出具为{new.number}，原文书{old.number}保留")


def letter_deliver(
    ctx: typer.Context,
    letter_number: LetterNo_,
    unit: Unit_,
    date: Date_,
    method: Annotated[
        str, typer.Option(help="送达方式：post（邮寄）/in_person（当面）/electronic（电子）")
    ],
    tracking: Annotated[str, typer.Option(help="邮寄的邮件号码")] = "",
) -> None:
    """记录文书送达：方式与日期（当面送达为签收日期；邮寄须填邮件号码）。

    Example:
        xxgk register letter deliver 清政信补〔2026〕3号 -u qinghe -d 2026-03-04 \\
            --method post --tracking EMS1234567
    """
    from xxgk.db.units import get_unit
    from xxgk.register.letters import record_delivery
    from xxgk.register.models import Application

    with session(ctx) as (s, actor):
        letter = _letter(s, get_unit(s, unit), letter_number)
        app_ = s.get_one(Application, letter.application_id)
        record_delivery(
            session=s,
            actor=actor,
            letter=letter,
            application=app_,
            method=method,
            delivered_on=_date(date, "送达日期"),
            tracking_number=tracking,
        )
        due = f"，答复期限{app_.due_on}" if app_.due_on else ""
        typer.echo(f"已记录{letter.number}于{letter.delivered_on}送达{due}")


def letter_get(
    ctx: typer.Context,
    letter_number: LetterNo_,
    unit: Unit_,
    output: Annotated[Path, typer.Option("--output", "-o", help="保存为（.docx）")],
) -> None:
    """下载文书（DOCX）。

    Example:
        xxgk register letter get 清政信补〔2026〕3号 -u qinghe -o 补正告知书.docx
    """
    from xxgk.db.units import get_unit
    from xxgk.register.attachments import default_store

    with session(ctx) as (s, _):
        letter = _letter(s, get_unit(s, unit), letter_number)
        output.write_bytes(default_store().read(letter.file_sha256))
        typer.echo(f"已保存{letter.number}到{output}")


def attach_add(
    ctx: typer.Context,
    number: Number_,
    path: Annotated[Path, typer.Argument(help="要上传的文件")],
    unit: Unit_,
    kind: Annotated[
        str,
        typer.Option(
            help="类别：incoming（来信）/envelope（信封）/identity（身份证明）/reply（答复文书）"
            "/delivery（送达凭证）/letter（本机关文书）/other（其他）"
        ),
    ] = "other",
    event: Annotated[int | None, typer.Option(help="所属事件编号（可选）")] = None,
    note: Annotated[str, typer.Option(help="说明")] = "",
) -> None:
    """把文件附在申请（或其某一事件）上：按内容哈希保存在数据库之外。

    Example:
        xxgk register attach add 2026-0001 信封.jpg -u qinghe --kind envelope
    """
    from xxgk.db.units import get_unit
    from xxgk.errors import RegisterError
    from xxgk.register.applications import get_application
    from xxgk.register.attachments import MAX_FILE_BYTES, attach_file, default_store

    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RegisterError(f"无法读取文件“{path}”", f"cannot read {path}: {exc}") from exc
    with session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        row = attach_file(
            session=s,
            store=default_store(),
            actor=actor,
            application=app_,
            kind=kind,
            filename=path.name,
            data=data,
            event_id=event,
            note=note,
        )
        typer.echo(f"已附上“{row.filename}”（附件{row.id}，{row.size}字节）")


def attach_list(ctx: typer.Context, number: Number_, unit: Unit_) -> None:
    """列出申请的附件（身份证明只对本单位用户列出）。

    Example:
        xxgk register attach list 2026-0001 -u qinghe
    """
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.attachments import KINDS, case_files

    with session(ctx) as (s, actor):
        rows = case_files(s, get_application(s, get_unit(s, unit), number), actor)
        for row in rows:
            typer.echo(
                f"{row.id}  {KINDS.get(row.kind, row.kind)}  {row.filename}  {row.size}字节"
                f"  {row.actor_name}"
            )
        typer.echo(f"共{len(rows)}个附件")


def attach_get(
    ctx: typer.Context,
    number: Number_,
    file_id: Annotated[int, typer.Argument(help="附件编号（见 attach list）")],
    unit: Unit_,
    output: Annotated[Path, typer.Option("--output", "-o", help="保存为")],
) -> None:
    """下载附件（内容按哈希核对后才写出）。

    Example:
        xxgk register attach get 2026-0001 3 -u qinghe -o 信封.jpg
    """
    from xxgk.db.units import get_unit
    from xxgk.register.applications import get_application
    from xxgk.register.attachments import default_store, readable_file

    with session(ctx) as (s, actor):
        app_ = get_application(s, get_unit(s, unit), number)
        row, data = readable_file(s, default_store(), app_, file_id, actor)
        output.write_bytes(data)
        typer.echo(f"已保存“{row.filename}”到{output}")


def file_status(ctx: typer.Context, unit: Unit_, year: Year_) -> None:
    """年度报告的报送状态、阻止报送的问题和历次报送。

    Example:
        xxgk register file status -u qinghe -y 2025
    """
    from xxgk.db.units import get_unit
    from xxgk.register.filing import STATE_LABELS, filing_gate, filings, state_of

    with session(ctx) as (s, _):
        home = get_unit(s, unit)
        typer.echo(f"{home.name}{year}年度报告：{STATE_LABELS[state_of(s, home, year)]}")
        gate = filing_gate(s, home, year)
        for blocker in gate.errors:
            typer.echo(f"  错误：{blocker.message}（去处：{blocker.fix_label}）")
        for blocker in gate.warnings:
            typer.echo(f"  警告：{blocker.message}（去处：{blocker.fix_label}）")
        for row in filings(s, home, year):
            decided = f"，{row.decided_by}：{row.decision_reason}" if row.decided_by else ""
            typer.echo(
                f"  第{row.version}次报送 {STATE_LABELS[row.state]}（{row.submitted_by}{decided}）"
            )


def file_submit(
    ctx: typer.Context,
    unit: Unit_,
    year: Year_,
    acknowledge: Annotated[
        bool, typer.Option("--acknowledge-warnings", help="已逐一核实全部警告")
    ] = False,
) -> None:
    """向上级政务公开办报送年度报告（有错误时不能报送；有警告须确认）。

    Example:
        xxgk register file submit -u qinghe -y 2025 --acknowledge-warnings
    """
    from xxgk.db.units import get_unit
    from xxgk.register.filing import submit_report

    with session(ctx) as (s, actor):
        row = submit_report(
            session=s,
            actor=actor,
            unit=get_unit(s, unit),
            year=year,
            acknowledge_warnings=acknowledge,
        )
        typer.echo(f"已报送{year}年度报告（第{row.version}次报送）")


def _decide(ctx: typer.Context, unit: str, year: int, accept: bool, reason: str) -> None:
    from xxgk.db.units import get_unit
    from xxgk.errors import RegisterError
    from xxgk.register.filing import SUBMITTED, decide_filing, filings

    with session(ctx) as (s, actor):
        home = get_unit(s, unit)
        pending = [row for row in filings(s, home, year) if row.state == SUBMITTED]
        if not pending:
            raise RegisterError(
                f"{home.name}{year}年度报告没有待审核的报送", "no filing awaits a decision"
            )
        row = decide_filing(
            session=s, actor=actor, filing=pending[-1], unit=home, accept=accept, reason=reason
        )
        verdict = "审核通过" if accept else "退回"
        typer.echo(f"已{verdict}{home.name}{year}年度报告（第{row.version}次报送）")


def file_accept(
    ctx: typer.Context,
    unit: Unit_,
    year: Year_,
    reason: Annotated[str, typer.Option(help="审核意见（可选）")] = "",
) -> None:
    """上级督查审核通过报送的年度报告。

    Example:
        xxgk register file accept -u qinghe -y 2025
    """
    _decide(ctx, unit, year, True, reason)


def file_return(
    ctx: typer.Context,
    unit: Unit_,
    year: Year_,
    reason: Annotated[str, typer.Option(help="退回理由（必填）")] = "",
) -> None:
    """上级督查退回报送的年度报告（须说明理由）。

    Example:
        xxgk register file return -u qinghe -y 2025 --reason 表三数据与台账不一致
    """
    _decide(ctx, unit, year, False, reason)


def file_publish(
    ctx: typer.Context,
    unit: Unit_,
    year: Year_,
    date: Annotated[
        str | None,
        typer.Option("--date", "-d", help="实际发布日期（默认今天；早于今天须说明理由）"),
    ] = None,
    reason: Annotated[str, typer.Option(help="发布日期早于今天的理由")] = "",
    correction: Annotated[
        str, typer.Option(help="重新打开后发布更正版本时必填：更正了什么、为什么")
    ] = "",
) -> None:
    """发布审核通过的年度报告（无上级督查时直接发布完整的报告）；更正版本须说明更正理由。

    Example:
        xxgk register file publish -u qinghe -y 2025
    """
    from xxgk.campaign.store import publish_into_store
    from xxgk.db.units import get_unit

    with session(ctx) as (s, actor):
        published = publish_into_store(
            session=s,
            actor=actor,
            unit=get_unit(s, unit),
            year=year,
            today=dt.date.today(),
            published_on=optional_date(date, "发布日期"),
            date_reason=reason,
            correction_reason=correction,
        )
        typer.echo(f"已发布{year}年度报告第{published.version}版，发布日期{published.published_on}")


def remind(
    ctx: typer.Context,
    unit: Annotated[
        str | None, typer.Option("--unit", "-u", help="单位（默认全部可操作的单位）")
    ] = None,
    today: Annotated[str | None, typer.Option(help="以哪天为今天（默认今天）")] = None,
) -> None:
    """发送每日提醒邮件（含距答复期限5个和1个工作日的提醒），供 cron 或 systemd 定时器每天运行。

    同一天再次运行不会重复发送；已发过的期限提醒不再发送。只发给在文书设置中配置了邮件服务器和收件人的单位。

    Example:
        xxgk register --as admin remind
    """
    from xxgk.db.units import get_unit
    from xxgk.register.reminders import send_reminders

    with session(ctx) as (s, actor):
        units = [get_unit(s, unit)] if unit else None
        results = send_reminders(s, actor, optional_date(today) or dt.date.today(), units)
        for result in results:
            typer.echo(f"{result.unit}：{result.note}")
        sent = sum(1 for r in results if r.sent)
        typer.echo(f"共{sent}个单位发送了提醒")
