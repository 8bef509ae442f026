"""``xxgk register …`` end to end on a temporary SQLite file."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from xxgk.cli import main

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))


@pytest.fixture
def cli(tmp_path, monkeypatch, capsys):
    """Run ``xxgk register …`` through ``main()``; return stdout and stderr together."""
    monkeypatch.setenv("XXGK_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.delenv("XXGK_USER", raising=False)

    def run(*args: str, user: str = "admin", code: int = 0) -> str:
        monkeypatch.setattr("sys.argv", ["xxgk", "register", "--as", user, *args])
        try:
            main()
            status = 0
        except SystemExit as exc:
            status = exc.code or 0
        out, err = capsys.readouterr()
        assert status == code, out + err
        return out + err

    run("init")
    run("units", "add", "shilixian", "示例县人民政府", "--kind", "county", "--division", "659999")
    run(
        "units",
        "add",
        "qinghe",
        "示例县清河镇人民政府",
        "--kind",
        "township",
        "--parent",
        "shilixian",
    )
    run(
        "users",
        "add",
        "clerk",
        "--role",
        "clerk",
        "-u",
        "qinghe",
        "--password",
        "qinghe-taizhang-2025",
    )
    return run


def _apply(cli, arrived: str, *extra: str, kind: str = "自然人", channel: str = "当面") -> str:
    """Register one application of 清河镇 as its clerk."""
    return cli(
        "applications",
        "add",
        "-u",
        "qinghe",
        "--channel",
        channel,
        "--type",
        kind,
        "--arrived",
        arrived,
        *extra,
        user="clerk",
    )


def _reply(cli, number: str, day: str, outcome: str) -> str:
    """Record the reply to application ``number`` of 清河镇 as its clerk."""
    return cli(
        "event", number, "答复", "-u", "qinghe", "-d", day, "--outcome", outcome, user="clerk"
    )


def test_deadline_prints_the_iso_date_first(cli):
    out = cli("deadline", "--received", "2025-01-20", "--extension")
    assert out.splitlines()[0] == "2025-03-21"
    assert "延长20个工作日" in out


def test_deadline_region_xj_skips_corban(cli):
    national = cli("deadline", "--received", "2025-05-26").splitlines()[0]
    xinjiang = cli("deadline", "--received", "2025-05-26", "--region", "XJ").splitlines()[0]
    assert xinjiang > national


def test_a_year_from_the_command_line(cli, tmp_path):
    out = _apply(cli, "2025-01-20", "--name", "张三")
    assert "2025-0001" in out
    assert "2025-02-21" in out
    _apply(cli, "2025-12-20", "--confirmed", "2025-12-22", kind="科研机构", channel="网络")
    _reply(cli, "2025-0001", "2025-02-10", "予以公开")
    assert "剩余" in cli("due", "-u", "qinghe", "--today", "2026-01-15", user="clerk")
    assert "已逾期" in cli("due", "--today", "2026-01-22", user="clerk")
    cli("check", "-u", "qinghe", "--today", "2025-12-31", user="clerk")
    report = json.loads(cli("report", "-u", "qinghe", "--year", "2025", user="clerk"))
    assert report["requests"]["new"] == [1, 0, 1, 0, 0, 0, 2]
    assert report["requests"]["carried_forward"][6] == 1
    assert not [f for f in report["findings"] if f["code"].startswith("requests-")]
    path = tmp_path / "t.xlsx"
    assert "已导出2件" in cli("export-xlsx", str(path), "-u", "qinghe", user="clerk")
    cli("publish", "-u", "qinghe", "--year", "2025", "-d", "2026-01-20", user="admin")
    out = cli(
        "event", "2025-0002", "撤回", "-u", "qinghe", "-d", "2025-12-29", user="clerk", code=2
    )
    assert "已锁定" in out


def test_errors_are_one_line_without_traceback(cli):
    out = cli(
        "applications",
        "add",
        "-u",
        "nowhere",
        "--channel",
        "当面",
        "--type",
        "自然人",
        "--arrived",
        "2025-01-20",
        code=2,
    )
    assert "Traceback" not in out
    assert out.count("\n") == 1
    assert "找不到单位“nowhere”" in out
    assert "no unit" in out


def test_check_reports_a_late_reply(cli):
    _apply(cli, "2025-01-20")
    _reply(cli, "2025-0001", "2025-03-10", "予以公开")
    out = cli("check", "-u", "qinghe", user="clerk", code=1)
    assert "register-reply-late" in out


def test_fee_calculator(cli):
    out = cli("fee", "--pages", "250")
    assert out.splitlines()[0] == "4700元"
    assert cli("fee", "--items", "31").splitlines()[0] == "200元"


def test_report_in_official_docx_reads_back_with_the_same_tables(cli, tmp_path):
    _apply(cli, "2025-03-03")
    _apply(cli, "2025-12-30", kind="其他")
    _reply(cli, "2025-0001", "2025-03-20", "属于四类过程性信息")
    cli("counts", "-u", "qinghe", "--year", "2025", "行政许可", "3", user="clerk")
    path = tmp_path / "2025.docx"
    cli("report", "-u", "qinghe", "--year", "2025", "--to", "docx", "-o", str(path), user="clerk")
    assert path.read_bytes()[:2] == b"PK"
    from xxgk.parse import parse_path

    parsed = parse_path(path)
    compiled = json.loads(cli("report", "-u", "qinghe", "--year", "2025", user="clerk"))
    assert parsed.to_dict()["requests"] == compiled["requests"]
    assert parsed.to_dict()["review_litigation"] == compiled["review_litigation"]
    assert parsed["active.licensing"] == 3


def test_fee_counts_the_applicants_month_from_the_register(cli):
    for day in ("2025-03-03", "2025-03-04", "2025-04-01"):
        _apply(cli, day, "--name", "示例公司", kind="商业企业")
    out = cli("fee", "--application", "2025-0002", "-u", "qinghe", user="clerk")
    assert "本月第2件" in out
    assert "本月第1件" in cli("fee", "--application", "2025-0003", "-u", "qinghe", user="clerk")


def test_uninitialised_or_unreachable_database_is_one_line(tmp_path, capsys, monkeypatch):
    for url, expected in (
        (f"sqlite:///{tmp_path / 'empty.db'}", "尚未初始化"),
        ("postgresql+psycopg://nobody@127.0.0.1:1/none", "无法"),
    ):
        for command in (["units", "list"], ["init"]):
            if command == ["init"] and "sqlite" in url:
                continue
            monkeypatch.setattr("sys.argv", ["xxgk", "register", "--db", url, *command])
            with pytest.raises(SystemExit) as info:
                main()
            err = capsys.readouterr().err
            assert info.value.code == 2
            assert expected in err
            assert err.count("\n") == 1


def test_appeals_and_users_from_the_command_line(cli):
    assert "clerk  录入员  示例县清河镇人民政府" in cli("users", "list")
    cli(
        "appeals",
        "add",
        "-u",
        "qinghe",
        "--kind",
        "行政复议",
        "--filed",
        "2025-04-01",
        user="clerk",
    )
    assert "尚未审结" in cli("appeals", "list", "-u", "qinghe", user="clerk")
    cli(
        "appeals",
        "decide",
        "1",
        "-u",
        "qinghe",
        "--decided",
        "2025-06-01",
        "--outcome",
        "结果纠正",
        user="clerk",
    )
    report = json.loads(cli("report", "-u", "qinghe", "--year", "2025", user="clerk"))
    assert report["review_litigation"]["review"] == {
        "upheld": 0,
        "corrected": 1,
        "other": 0,
        "pending": 0,
        "total": 1,
    }
    assert "没有编号为9" in cli(
        "appeals",
        "decide",
        "9",
        "-u",
        "qinghe",
        "--decided",
        "2025-06-01",
        "--outcome",
        "结果纠正",
        user="clerk",
        code=2,
    )


def test_calendar_change_void_and_audit_from_the_command_line(cli):
    _apply(cli, "2026-06-01")
    before = cli("applications", "list", "-u", "qinghe", user="clerk")
    assert "肉孜节" in cli("calendar", "list", "--region", "XJ")
    out = cli(
        "calendar",
        "add",
        "--region",
        "XJ",
        "-d",
        "2026-06-10",
        "--kind",
        "holiday",
        "--name",
        "古尔邦节",
        "--source",
        "示例通知",
        "--reason",
        "测试",
    )
    assert "期限1件" in out
    assert cli("applications", "list", "-u", "qinghe", user="clerk") != before
    cli(
        "calendar",
        "add",
        "--region",
        "XJ",
        "-d",
        "2026-06-11",
        "--kind",
        "holiday",
        "--name",
        "x",
        "--source",
        "y",
        "--reason",
        "z",
        user="clerk",
        code=2,
    )
    cli("applications", "void", "2026-0001", "-u", "qinghe", "--reason", "重复登记", user="clerk")
    log = cli("audit", "--entity", "application", "--id", "1")
    assert "recompute-deadline" in log
    assert "理由：重复登记" in log


def test_table_two_inputs_imported_from_files(cli, tmp_path):
    docs = tmp_path / "docs.csv"
    docs.write_text(
        "类型,名称,文号,制发日期,废止日期\n"
        "行政规范性文件,示例管理办法,示清政发〔2023〕1号,2023-02-01,2025-05-01\n"
        "行政规范性文件,示例实施细则,示清政发〔2025〕2号,2025-03-01,\n",
        encoding="utf-8",
    )
    counts = tmp_path / "counts.csv"
    counts.write_text(
        "年度,项目,数值\n2025,行政处罚,7\n2025,行政事业性收费,0.5\n", encoding="utf-8"
    )
    assert "已导入2件" in cli("import-documents", str(docs), "-u", "qinghe", user="clerk")
    assert "已导入2项" in cli("import-counts", str(counts), "-u", "qinghe", user="clerk")
    report = json.loads(cli("report", "-u", "qinghe", "--year", "2025", user="clerk"))
    assert report["active"]["normative_documents"] == {"issued": 1, "repealed": 1, "in_force": 1}
    assert report["active"]["punishment"] == 7
    assert report["active"]["fees"] == 0.5
    bad = tmp_path / "bad.csv"
    bad.write_text("年度,项目,数值\n2025,行政许可,1.5\n2025,行政许可,2\n", encoding="utf-8")
    out = cli("import-counts", str(bad), "-u", "qinghe", user="clerk", code=2)
    assert "第2行" in out


def test_law_cases_from_the_command_line(cli):
    """Issue 13 end to end: a case waiting for 补正 is lawful (no finding, art. 30) even long
    after; answers name their letter (arts. 32/34); 逾期未缴费 before the 20 working days is
    refused (109号); `register check` finds a late reply (art. 33)."""
    _apply(cli, "2026-03-02")
    cli("event", "2026-0001", "补正告知", "-u", "qinghe", "-d", "2026-03-04", "--due", "2026-03-20")
    listed = cli("applications", "list", "-u", "qinghe", user="clerk")
    assert "待补正（补正期限至2026-03-20）" in listed
    out = cli("check", "-u", "qinghe", "--today", "2026-03-19", user="clerk")
    assert "共0个问题" in out
    _apply(cli, "2026-04-01")
    cli("event", "2026-0002", "征求意见", "-u", "qinghe", "-d", "2026-04-02", "--party", "某公司")
    cli("event", "2026-0002", "征求意见", "-u", "qinghe", "-d", "2026-04-03", "--party", "县局")
    letters = cli("letters", "2026-0002", "-u", "qinghe", user="clerk")
    assert "某公司" in letters
    assert "待答复函件2份" in letters
    refused = cli("event", "2026-0002", "征求意见答复", "-u", "qinghe", "-d", "2026-04-08", code=2)
    assert "请指明对象或编号" in refused
    assert refused.count("\n") == 1
    cli("event", "2026-0002", "征求意见答复", "-u", "qinghe", "-d", "2026-04-08", "--party", "县局")
    assert "待答复函件1份" in cli("letters", "2026-0002", "-u", "qinghe", user="clerk")
    cli("event", "2026-0002", "收费通知", "-u", "qinghe", "-d", "2026-04-09", "--amount", "100")
    early = cli("event", "2026-0002", "逾期未缴费", "-u", "qinghe", "-d", "2026-04-20", code=2)
    assert "尚未逾期" in early
    _apply(cli, "2026-05-06")
    _reply(cli, "2026-0003", "2026-07-01", "予以公开")
    late = cli("check", "-u", "qinghe", "--today", "2026-07-02", user="clerk", code=1)
    assert "register-reply-late" in late
    waiting = [line for line in late.splitlines() if "2026-0001" in line]
    assert waiting == [line for line in waiting if "register-correction-period-passed" in line]
    assert waiting


def _xxgk(monkeypatch, capsys, *args: str, code: int = 0) -> str:
    """Run a top-level ``xxgk …`` command (not below ``register``)."""
    monkeypatch.setattr("sys.argv", ["xxgk", *args])
    try:
        main()
        status = 0
    except SystemExit as exc:
        status = exc.code or 0
    out, err = capsys.readouterr()
    assert status == code, out + err
    return out + err


def test_admin_commands_share_the_web_s_library_and_are_scoped(cli, tmp_path, monkeypatch, capsys):
    cli(
        "users",
        "add",
        "county-admin",
        "--role",
        "unit_admin",
        "-u",
        "shilixian",
        "--password",
        "Shilixian-guanli-2026",
    )
    cli("units", "add", "jt", "示例县交通局", "--kind", "department", "--parent", "shilixian")
    boss = {"user": "county-admin"}
    assert "已更名" in cli(
        "units", "rename", "jt", "示例县交通运输局", "--reason", "机构改革", **boss
    )
    moved = cli("units", "move", "jt", "--parent", "qinghe", "--reason", "划转", **boss)
    assert "调整到示例县清河镇人民政府之下" in moved
    out = cli("units", "set", "qinghe", "--kind", "subdistrict", "--reason", "撤镇设街道", **boss)
    assert "次年1月31日前（地方规定未设置，按默认）" in out
    local = cli("units", "set", "qinghe", "--deadline", "3月31日", "--reason", "市政府规定", **boss)
    assert "次年3月31日前（地方规定）" in local
    county = cli("units", "set", "shilixian", "--deadline", "2-28", "--reason", "x", code=2, **boss)
    assert "由条例第四十九条规定，不能另行设置" in county
    assert "已停用" in cli("units", "retire", "jt", "--reason", "撤并", **boss)
    assert "已调整" in cli("users", "role", "clerk", "--role", "审核人", "--reason", "轮岗", **boss)
    assert "一次性密码（仅显示一次）" in cli("users", "reset-password", "clerk", **boss)
    assert "已停用" in cli("users", "disable", "clerk", "--reason", "调离", **boss)
    assert "已启用" in cli("users", "disable", "clerk", "--enable", "--reason", "返岗", **boss)
    refused = cli("users", "reset-password", "admin", code=2, **boss)
    assert "系统级账号由系统管理员管理" in refused
    listing = _xxgk(
        monkeypatch, capsys, "audit", "list", "--as", "county-admin", "--action", "rename"
    )
    assert "共1条" in listing
    assert "机构改革" in listing
    target = tmp_path / "audit.csv"
    _xxgk(monkeypatch, capsys, "audit", "export", "--as", "county-admin", "-o", str(target))
    text = target.read_text(encoding="utf-8")
    assert text.startswith("\ufeff编号,")
    assert "设置密码" in text
    clerk = _xxgk(monkeypatch, capsys, "audit", "list", "--as", "clerk", code=2)
    assert "无权执行此操作" in clerk


HOSTILE_TABLES = {
    "far cell": ("far.xlsx", "表格行数"),
    "zip bomb": ("bomb.xlsx", "解压后的大小"),
}


@pytest.mark.parametrize("hostile", sorted(HOSTILE_TABLES))
@pytest.mark.parametrize(
    ("command", "user"),
    [
        (("import-counts",), "clerk"),
        (("import-documents",), "clerk"),
        (("units", "import"), "admin"),
    ],
)
def test_table_imports_refuse_a_hostile_workbook_with_exit_2(cli, tmp_path, hostile, command, user):
    """A few-KB workbook declaring a cell at XFD1048576 (walked up to the rows budget) and
    one whose sheet inflates past the member budget: one line naming the file and the budget,
    exit 2, nothing imported."""
    from hostile_support import far_cell_xlsx, xlsx_bomb

    name, budget = HOSTILE_TABLES[hostile]
    path = tmp_path / name
    data = far_cell_xlsx(rows=3, columns=3) if hostile == "far cell" else xlsx_bomb(70 << 20)
    path.write_bytes(data)
    unit = ("-u", "qinghe") if user == "clerk" else ()
    out = cli(*command, str(path), *unit, user=user, code=2)
    assert f"{path}: 文件超出" in out
    assert budget in out
    assert "Traceback" not in out
