"""``xxgk register letter|attach|file|remind``: the officer's casework from the command line,
through the same library functions as the web, acting as the person of ``--as``."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from docx import Document
from sqlalchemy.orm import Session
from tests.register.test_register_cli import _apply, cli  # noqa: F401 (the fixture)
from tests.register.test_register_desk import smtp_server  # noqa: F401 (the fixture)

from xxgk.db import make_engine
from xxgk.db.units import get_unit
from xxgk.db.users import get_user
from xxgk.register.letters import update_settings

YEAR = 2025
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def case(cli, tmp_path, monkeypatch):  # noqa: F811 (the fixture of the same name)
    """One application of 清河镇 received on 2025-03-03; returns its number."""
    monkeypatch.setenv("XXGK_FILE_STORE", str(tmp_path / "files"))
    out = _apply(cli, "2025-03-03")
    return re.search(r"\d{4}-\d{4}", out).group(0)


def test_letters_issue_list_deliver_reissue_and_download(cli, case, tmp_path):  # noqa: F811
    out = cli(
        "letter",
        "issue",
        case,
        "correction",
        "-u",
        "qinghe",
        "-d",
        "2025-03-05",
        "-v",
        "items=写明所需文件的名称和文号",
        "-v",
        "correction_days=10",
        user="clerk",
    )
    number = re.search(r"已出具([^（\s]+号)", out).group(1)
    assert "补〔2025〕1号" in number
    listed = cli("letter", "list", case, "-u", "qinghe", user="clerk")
    assert number in listed
    assert "待送达" in listed
    assert "共1份文书" in listed
    refused = cli(
        "letter", "deliver", number, "-u", "qinghe", "-d", "2025-03-06", "--method", "post",
        user="clerk", code=2,
    )  # fmt: skip
    assert "邮寄送达须填写邮件号码" in refused
    cli(
        "letter", "deliver", number, "-u", "qinghe", "-d", "2025-03-07", "--method", "post",
        "--tracking", "EMS1234567", user="clerk",
    )  # fmt: skip
    listed = cli("letter", "list", case, "-u", "qinghe", user="clerk")
    assert "邮寄送达2025-03-07" in listed
    assert "期限届满" in listed  # the 补正 period counted from the delivery
    out = cli(
        "letter", "reissue", number, "-u", "qinghe", "-d", "2025-03-08", "--reason", "地址有误",
        user="clerk",
    )  # fmt: skip
    new_number = re.search(r"已重新出具为([^，\s]+号)", out).group(1)
    assert new_number != number
    assert "补〔2025〕2号" in new_number
    assert "已重新出具（地址有误）" in cli("letter", "list", case, "-u", "qinghe", user="clerk")
    target = tmp_path / "letter.docx"
    cli("letter", "get", new_number, "-u", "qinghe", "-o", str(target), user="clerk")
    text = "\n".join(p.text for p in Document(str(target)).paragraphs)
    assert new_number in text
    assert "写明所需文件的名称和文号" in text


def test_letters_refuse_another_units_user_and_unknown_numbers(cli, case):  # noqa: F811
    cli("units", "add", "jiaotong", "示例县交通运输局", "--kind", "department",
        "--parent", "shilixian")  # fmt: skip
    cli("users", "add", "other", "--role", "clerk", "-u", "jiaotong", "--password",
        "jiaotong-taizhang-2025")  # fmt: skip
    out = cli(
        "letter", "issue", case, "receipt", "-u", "qinghe", "-d", "2025-03-03", user="other",
        code=2,
    )  # fmt: skip
    assert "不属于单位“示例县清河镇人民政府”" in out
    assert "没有文号为“无此号”的文书" in cli(
        "letter", "deliver", "无此号", "-u", "qinghe", "-d", "2025-03-07", "--method",
        "electronic", user="clerk", code=2,
    )  # fmt: skip
    assert "字段=内容" in cli(
        "letter", "issue", case, "receipt", "-u", "qinghe", "-d", "2025-03-03", "-v", "oops",
        user="clerk", code=2,
    )  # fmt: skip


def test_attachments_add_list_get(cli, case, tmp_path):  # noqa: F811
    envelope = tmp_path / "信封.png"
    envelope.write_bytes(PNG)
    out = cli("attach", "add", case, str(envelope), "-u", "qinghe", "--kind", "envelope",
              user="clerk")  # fmt: skip
    file_id = re.search(r"附件(\d+)", out).group(1)
    listed = cli("attach", "list", case, "-u", "qinghe", user="clerk")
    assert "信封（邮戳）" in listed
    assert "信封.png" in listed
    assert "共1个附件" in listed
    target = tmp_path / "back.png"
    cli("attach", "get", case, file_id, "-u", "qinghe", "-o", str(target), user="clerk")
    assert target.read_bytes() == PNG
    fake = tmp_path / "fake.pdf"
    fake.write_bytes(b"not a pdf")
    assert "内容与扩展名.pdf不符" in cli(
        "attach", "add", case, str(fake), "-u", "qinghe", user="clerk", code=2
    )
    assert "无法读取文件" in cli(
        "attach", "add", case, str(tmp_path / "missing.pdf"), "-u", "qinghe", user="clerk", code=2
    )


def _complete_report(cli, tmp_path):  # noqa: F811
    for key in ("行政许可", "行政处罚", "行政强制", "行政事业性收费"):
        cli("counts", "-u", "qinghe", "--year", str(YEAR), key, "0", user="clerk")
    texts = {
        "overview": "本镇坚持以公开为常态，全年主动公开政府信息，依法办理政府信息公开申请。",
        "problems": "存在的主要问题是公开内容不够全面，改进措施是加强培训和审核。",
        "other": "本年度没有产生信息处理费。无其他需要报告的事项。",
    }
    for section, text in texts.items():
        path = tmp_path / f"{section}.txt"
        path.write_text(text, encoding="utf-8")
        cli("narrative", "-u", "qinghe", "--year", str(YEAR), section, str(path), user="clerk")


def test_filing_blocked_returned_accepted_published(cli, tmp_path):  # noqa: F811
    cli("users", "add", "reviewer", "--role", "reviewer", "-u", "qinghe", "--password",
        "qinghe-shenhe-2025")  # fmt: skip
    cli("users", "add", "duban", "--role", "supervisor", "-u", "shilixian", "--password",
        "xian-dudu-2025-x")  # fmt: skip
    y = str(YEAR)
    blocked = cli("file", "submit", "-u", "qinghe", "-y", y, user="clerk", code=2)
    assert "个错误，改正后才能报送" in blocked
    status = cli("file", "status", "-u", "qinghe", "-y", y, user="clerk")
    assert "编制中" in status
    assert "错误：" in status
    _complete_report(cli, tmp_path)
    cli("file", "submit", "-u", "qinghe", "-y", y, "--acknowledge-warnings", user="clerk")
    assert "已报送，待审核" in cli("file", "status", "-u", "qinghe", "-y", y, user="clerk")
    assert "不是“示例县清河镇人民政府”的上级督查" in cli(
        "file", "accept", "-u", "qinghe", "-y", y, user="clerk", code=2
    )
    assert "退回报告必须说明理由" in cli(
        "file", "return", "-u", "qinghe", "-y", y, user="duban", code=2
    )
    cli("file", "return", "-u", "qinghe", "-y", y, "--reason", "请核对表二", user="duban")
    assert "已退回" in cli("file", "status", "-u", "qinghe", "-y", y, user="clerk")
    assert "须经上级审核通过后才能发布" in cli(
        "file", "publish", "-u", "qinghe", "-y", y, user="reviewer", code=2
    )
    cli("file", "submit", "-u", "qinghe", "-y", y, "--acknowledge-warnings", user="clerk")
    assert "已审核通过" in cli("file", "accept", "-u", "qinghe", "-y", y, user="duban")
    out = cli("file", "publish", "-u", "qinghe", "-y", y, user="reviewer")
    assert f"发布日期{dt.date.today()}" in out
    cli("users", "add", "lingdao", "--role", "leader", "-u", "qinghe", "--password",
        "qinghe-fenguan-2025")  # fmt: skip
    cli("reopen", "-u", "qinghe", "--year", y, "--reason", "漏登一件申请", user="lingdao")
    assert "已重新打开，更正中" in cli("file", "status", "-u", "qinghe", "-y", y, user="clerk")
    cli("file", "submit", "-u", "qinghe", "-y", y, "--acknowledge-warnings", user="clerk")
    cli("file", "accept", "-u", "qinghe", "-y", y, user="duban")
    assert "更正后重新发布必须说明理由" in cli(
        "file", "publish", "-u", "qinghe", "-y", y, user="reviewer", code=2
    )
    out = cli("file", "publish", "-u", "qinghe", "-y", y, "--correction", "补登", user="reviewer")
    assert f"已发布{YEAR}年度报告第2版" in out
    status = cli("file", "status", "-u", "qinghe", "-y", y, user="clerk")
    assert "已发布" in status
    assert "第3次报送" in status


def _configure_smtp(tmp_path, port: int) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session:
        update_settings(
            session=session,
            actor=get_user(session, "clerk"),
            unit=get_unit(session, "qinghe"),
            changes={
                "smtp_host": "127.0.0.1",
                "smtp_port": str(port),
                "digest_to": "officer@example.invalid",
            },
        )
        session.commit()
    engine.dispose()


def test_remind_sends_once_a_day(cli, case, tmp_path, smtp_server):  # noqa: F811
    inbox, port = smtp_server
    assert "共0个单位发送了提醒" in cli("remind", "--today", "2025-03-20")
    _configure_smtp(tmp_path, port)
    out = cli("remind", "--today", "2025-03-20")
    assert "示例县清河镇人民政府：已向1个地址发送" in out
    assert "共1个单位发送了提醒" in out
    again = cli("remind", "--today", "2025-03-20")
    assert "今日提醒已发送，不再重复" in again
    assert "共0个单位" in again
    cli("remind", "--today", "2025-03-21")
    assert len(inbox.messages) == 2
    assert "不属于单位" in cli("remind", "-u", "shilixian", user="clerk", code=2)


def test_letter_issue_with_a_template_over_the_time_budget_exits_2(
    cli,  # noqa: F811
    case,
    tmp_path,
    monkeypatch,
):
    """A template kept before rendering had a time budget (nested loops) is refused when a
    letter is issued, within ``XXGK_LIMIT_PARSE_SECONDS``, and no letter is recorded."""
    import sys
    from pathlib import Path

    from xxgk.limits import reset_limits
    from xxgk.register.casework_models import LetterTemplate

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
    from hostile_support import nested_loop_template

    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as session:
        unit = get_unit(session, "qinghe")
        session.add(
            LetterTemplate(
                unit_id=unit.id,
                kind="receipt",
                data=nested_loop_template("receipt"),
                filename="回执.docx",
                actor_name="clerk",
                active=True,
            )
        )
        session.commit()
    engine.dispose()
    monkeypatch.setenv("XXGK_LIMIT_PARSE_SECONDS", "1")
    reset_limits()
    try:
        out = cli(
            "letter", "issue", case, "receipt", "-u", "qinghe", "-d", "2025-03-05",
            user="clerk", code=2,
        )  # fmt: skip
    finally:
        monkeypatch.delenv("XXGK_LIMIT_PARSE_SECONDS")
        reset_limits()
    assert "文书模板填写超出处理时限（1秒）" in out
    assert "共0份文书" in cli("letter", "list", case, "-u", "qinghe", user="clerk")
