"""``xxgk disclosure …`` end to end on SQLite and PostgreSQL, through ``main()`` as a user runs
it: the review chain by several users, the refusals, search, export and the year's figures."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import load_workbook

from xxgk.cli import main

USERS = (
    ("author", "clerk"),
    ("rev", "reviewer"),
    ("rev2", "reviewer"),
    ("sec", "secrecy"),
    ("lead", "leader"),
    ("mgr", "unit_admin"),
)
TITLE = "示例县农村公路养护管理办法"
BODY = "为加强农村公路养护管理，全面提升路况水平，制定本办法。"


class Cli:
    """Run ``xxgk …`` through ``main()``; check the exit status, return stdout and stderr."""

    def __init__(self, monkeypatch, capsys):
        self.monkeypatch = monkeypatch
        self.capsys = capsys

    def __call__(self, *args: object, user: str = "admin", code: int = 0) -> tuple[str, str]:
        argv = ["xxgk", *[str(a) for a in args]]
        if args and args[0] in ("disclosure", "register") and args[1] != "init":
            argv[2:2] = ["--as", user]
        self.monkeypatch.setattr("sys.argv", argv)
        try:
            main()
            status = 0
        except SystemExit as exc:
            status = exc.code or 0
        out, err = self.capsys.readouterr()
        assert status == code, out + err
        assert "Traceback" not in out + err
        return out, err

    def d(self, *args: object, user: str = "admin", code: int = 0) -> str:
        """Run ``xxgk disclosure --as user …``; return stdout (stderr when failing)."""
        out, err = self("disclosure", *args, user=user, code=code)
        return err if code else out


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path) -> str:
    """Each test on a fresh SQLite file and on an emptied PostgreSQL schema (search differs)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'disclosure.db'}"
    request.getfixturevalue("clean_pg_engine")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def cli(database_url, monkeypatch, capsys) -> Cli:
    """A transport office with a user for every step of the chain and the default catalogue."""
    monkeypatch.setenv("XXGK_DATABASE_URL", database_url)
    monkeypatch.delenv("XXGK_USER", raising=False)
    run = Cli(monkeypatch, capsys)
    run("register", "init")
    run("register", "units", "add", "jiaotong", "示例县交通运输局", "--kind", "政府部门")
    run("register", "units", "add", "qinghe", "示例县清河镇人民政府", "--kind", "township")
    for name, role in USERS:
        run("register", "users", "add", name, "--role", role, "-u", "jiaotong")
    run("register", "users", "add", "stranger", "--role", "reviewer", "-u", "qinghe")
    assert "37个栏目" in run.d("catalogue", "init", "-u", "jiaotong")
    return run


def draft(cli: Cli, tmp_path, user: str = "author", title: str = TITLE) -> int:
    body = tmp_path / "正文.txt"
    body.write_text(BODY, encoding="utf-8")
    attachment = tmp_path / "办法.pdf"
    attachment.write_bytes(b"%PDF-1.4 test")
    out = cli.d(
        "add",
        title,
        "-c",
        "法规文件/行政规范性文件",
        "--doc-kind",
        "行政规范性文件",
        "--doc-number",
        "示交发〔2025〕3号",
        "--date",
        "2025-02-20",
        "--body-file",
        body,
        "--channel",
        "网站",
        "--channel",
        "新媒体",
        "--attach",
        attachment,
        user=user,
    )
    assert "已添加附件：办法.pdf" in out
    return int(out.split("已起草：#")[1].split()[0])


def publish(cli: Cli, item: int, on: str = "2025-03-01") -> None:
    cli.d("submit", item, user="author")
    cli.d("approve", item, user="rev")
    cli.d("approve", item, user="sec")
    assert f"已发布（{on}）" in cli.d("approve", item, "--on", on, user="lead")


def test_the_full_chain_from_draft_to_the_annual_figures(cli, tmp_path):
    item = draft(cli, tmp_path)
    assert "部门审核（待审核人或单位管理员办理）" in cli.d("submit", item, user="author")
    assert f"#{item}" in cli.d("list", "--todo", user="rev")
    assert "保密审查（待保密审查员办理）" in cli.d("approve", item, user="rev")
    assert "共0条" in cli.d("list", "--todo", user="rev")
    assert "领导审批（待分管领导办理）" in cli.d("approve", item, user="sec")
    assert "已发布（2025-03-01）" in cli.d("approve", item, "--on", "2025-03-01", user="lead")

    shown = cli.d("show", item, user="author")
    for signature in ("部门审核通过", "保密审查通过", "领导审批签发"):
        assert signature in shown
    assert "附件：办法.pdf" in shown
    assert BODY in shown

    listed = cli.d("list", "--state", "已发布", "--year", "2025", user="mgr")
    assert TITLE in listed
    assert "共1条" in listed
    assert "共0条" in cli.d("list", "--year", "2024", user="mgr")
    found = cli.d("search", "养护", user="stranger")  # public: anybody may search
    assert TITLE in found
    assert "找到1条" in found
    assert "找到1条" in cli.d("search", "路况 本办法")
    anonymous, _ = cli("disclosure", "search", "养护")  # no --as at all
    assert "找到1条" in anonymous
    assert "找到0条" in cli.d("search", "财政预算")

    text = cli.d("export", "--year", "2025", "-u", "jiaotong")
    assert text.startswith("\ufeff")  # a BOM, so that Excel and WPS read it as UTF-8
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert rows[0][:3] == ["编号", "单位", "标题"]
    assert rows[1][:3] == ["id", "unit", "title"]
    assert rows[2][2] == TITLE
    assert "网站、新媒体" in rows[2]
    lines = cli.d("export", "--year", "2025", "-u", "jiaotong", "--to", "jsonl").splitlines()
    record = json.loads(lines[0])
    assert (record["doc_number"], record["published_on"]) == ("示交发〔2025〕3号", "2025-03-01")
    book_path = tmp_path / "out.xlsx"
    cli.d("export", "--year", "2025", "-u", "jiaotong", "--to", "xlsx", "-o", book_path)
    sheet = load_workbook(book_path).active
    assert sheet.cell(2, 3).value == TITLE

    figures = json.loads(cli.d("summary", "--year", "2025", "-u", "jiaotong", "--json"))
    assert figures["summary"]["published"] == 1
    assert figures["documents"]["normative_documents"] == {
        "label": "行政规范性文件",
        "issued": 1,
        "repealed": 0,
        "in_force": 1,
    }
    assert "主动公开政府信息1条" in figures["paragraph"]
    text = cli.d("summary", "--year", "2025", "-u", "jiaotong")
    assert "表二（一）" in text
    assert "行政规范性文件" in text


def test_a_repeal_in_a_later_year_counts_in_that_year(cli, tmp_path):
    item = draft(cli, tmp_path)
    publish(cli, item)
    cli.d("repeal", item, "--on", "2026-06-30", user="author")
    year_2025 = json.loads(cli.d("summary", "--year", "2025", "-u", "jiaotong", "--json"))
    year_2026 = json.loads(cli.d("summary", "--year", "2026", "-u", "jiaotong", "--json"))
    assert year_2025["documents"]["normative_documents"]["in_force"] == 1
    assert year_2026["documents"]["normative_documents"] == {
        "label": "行政规范性文件",
        "issued": 0,
        "repealed": 1,
        "in_force": 0,
    }


def test_a_forbidden_step_is_one_bilingual_line(cli, tmp_path):
    item = draft(cli, tmp_path)
    err = cli.d("approve", item, user="rev", code=2)  # still a draft
    assert err.startswith("xxgk: 错误：")
    assert "处于“草稿”状态，不能执行“审核通过”" in err
    assert "approve is not allowed" in err
    assert len(err.strip().splitlines()) == 1
    cli.d("submit", item, user="author")
    err = cli.d("approve", item, user="sec", code=2)  # not the confidentiality step yet
    assert "无权执行此操作" in err
    assert "may not do this" in err
    err = cli.d("approve", item, user="stranger", code=2)
    assert "不属于单位" in err
    assert "does not belong" in err
    assert "部门审核" in cli.d("show", item, user="author")


def test_the_author_cannot_approve_their_own_item(cli, tmp_path):
    item = draft(cli, tmp_path, user="rev")
    cli.d("submit", item, user="rev")
    err = cli.d("approve", item, user="rev", code=2)
    assert "起草人不能审核自己的信息" in err
    assert "the author cannot review" in err
    assert "#" in cli.d("approve", item, user="rev2")
    err = cli.d("approve", item, user="rev2", code=2)
    assert "需要：保密审查员" in err  # the next step belongs to the confidentiality officer


def test_a_return_stops_publication_until_revised(cli, tmp_path):
    item = draft(cli, tmp_path)
    cli.d("submit", item, user="author")
    cli.d("approve", item, user="rev")
    err = cli.d("return", item, "--reason", " ", user="sec", code=2)
    assert "须说明理由" in err
    out = cli.d("return", item, "--reason", "正文含有个人电话号码", user="sec")
    assert "已退回起草人修改：正文含有个人电话号码" in out
    assert "找到0条" in cli.d("search", "养护")
    assert f"#{item}" in cli.d("list", "--todo", user="author")
    cli.d("edit", item, "--body", "修改后的正文：加强养护。", user="author")
    assert "没有要修改的内容" in cli.d("edit", item, user="author", code=2)
    assert "没有名为“别的.pdf”的附件（现有：办法.pdf）" in cli.d(
        "edit", item, "--detach", "别的.pdf", user="author", code=2
    )
    cli.d("edit", item, "--detach", "办法.pdf", user="author")
    assert "删除附件“办法.pdf”" in cli.d("show", item, user="author")
    publish(cli, item, on="2025-04-01")
    assert "找到1条" in cli.d("search", "修改后")


def test_withdrawal_keeps_the_item_in_the_record(cli, tmp_path):
    item = draft(cli, tmp_path)
    publish(cli, item)
    cli.d("withdraw", item, "--reason", "内容已过时", "--on", "2025-09-01", user="mgr")
    assert "找到0条" in cli.d("search", "养护")
    shown = cli.d("show", item, user="author")
    assert "已撤回" in shown
    assert "内容已过时" in shown
    text = cli.d("export", "--year", "2025", "-u", "jiaotong").removeprefix("\ufeff")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[2][rows[0].index("状态")] == "已撤回"
    figures = json.loads(cli.d("summary", "--year", "2025", "-u", "jiaotong", "--json"))
    assert (figures["summary"]["published"], figures["summary"]["withdrawn"]) == (1, 1)


def test_drafts_are_seen_only_inside_the_unit(cli, tmp_path):
    item = draft(cli, tmp_path)
    err = cli.d("show", item, user="stranger", code=2)
    assert "不属于单位" in err
    assert "共0条" in cli.d("list", user="stranger")  # the stranger's own unit
    assert "共1条" in cli.d("list", "--mine", user="author")
    assert "共0条" in cli.d("list", "--mine", user="rev")
    assert "没有编号为999的公开信息" in cli.d("show", 999, code=2)


def test_the_catalogue_is_edited_from_the_command_line(cli):
    out = cli.d("catalogue", "add", "农村公路", "--parent", "重大建设项目", user="mgr")
    assert "重大建设项目 / 农村公路" in out
    cli.d("catalogue", "rename", "农村公路", "农村公路建设", user="mgr")
    cli.d("catalogue", "move", "农村公路建设", "--top", user="mgr")
    cli.d("catalogue", "deactivate", "行政事业性收费", user="mgr")
    tree = cli.d("catalogue", "show", user="mgr")
    assert "\n农村公路建设  #" in tree
    assert "行政事业性收费" not in tree
    assert "（已停用）" in cli.d("catalogue", "show", "--all", user="mgr")
    assert "已有公开目录" in cli.d("catalogue", "init", user="mgr")
    err = cli.d("catalogue", "add", "新栏目", user="author", code=2)
    assert "无权执行此操作" in err
    moved = cli.d("catalogue", "move", "统计信息", "--parent", "规划计划", user="mgr")
    assert "规划计划 / 统计信息" in moved
    assert "--parent 或 --top" in cli.d("catalogue", "move", "统计信息", user="mgr", code=2)


def test_an_item_not_to_be_published_is_recorded(cli):
    out = cli.d(
        "add",
        "内部请示",
        "-c",
        "规划计划",
        "--attribute",
        "不予公开",
        "--reason",
        "process_info",
        user="author",
    )
    item = int(out.split("#")[1].split()[0])
    cli.d("submit", item, user="author")
    cli.d("approve", item, user="rev")
    cli.d("approve", item, user="sec")
    assert "已审定（不公开）" in cli.d("approve", item, user="lead")
    assert "共0条" in cli.d("list", "--state", "published", user="lead")


def test_bad_options_are_refused_cleanly(cli, tmp_path):
    err = cli.d("export", "--year", "2025", "-u", "jiaotong", "--to", "xlsx", code=2)
    assert "需要用 -o 指定输出文件" in err
    assert "不支持的导出格式" in cli.d(
        "export", "--year", "2025", "-u", "jiaotong", "--to", "doc", code=2
    )
    assert "请用 -u 指定单位" in cli.d("summary", "--year", "2025", code=2)
    assert "状态“x”无法识别" in cli.d("list", "--state", "x", code=2)
    missing = tmp_path / "none.pdf"
    err = cli.d("add", "标题", "--attach", missing, user="author", code=2)
    assert str(missing) in err
    assert "类型不被接受" in cli.d("add", "标题", "--attach", __file__, user="author", code=2)
