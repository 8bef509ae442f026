"""Write ``docs/cli.md`` from the live help: ``python -m xxgk.cli.docs [--check]``.

The help blocks in the docs are the ``--help`` output of the current code, so the docs cannot
drift: ``tests/test_docs.py`` compares the committed file with ``cli_markdown()``.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from xxgk.cli import load_commands

app = load_commands()
DOCS_PATH = Path(__file__).resolve().parents[3] / "docs" / "cli.md"

INTRO = """\
# 命令行 / Command line

`xxgk` 是本项目的命令行工具，安装后（`make install` 或 `pip install -e .`）即可使用，
也可以用 `python -m xxgk` 调用。所有面向人的输出为中文；无法使用的输入在标准错误输出
一行说明（中英文，带文件名），不会打印 Traceback。

退出码 / exit status:

| 退出码 | 含义 |
|---|---|
| 0 | 正常；`xxgk check` 未发现错误 |
| 1 | `xxgk check` 发现了错误级别的问题 |
| 2 | 有无法使用的输入（不是报告、无法读取、编码错误），或参数有误 |

批量处理超过 20 个文件时，`xxgk parse` 和 `xxgk check` 在标准错误输出显示进度条，并使用
全部 CPU 核心（`--jobs N` 指定进程数，`--jobs 1` 在本进程中运行）；结果总按输入顺序输出。

会修改数据的命令（`xxgk register …`、`xxgk disclosure …`、`xxgk corpus ingest`、
`xxgk corpus rematch`）必须用 `--as 用户名`（或环境变量 `XXGK_USER`）指明操作人：该用户必须
存在且有效，其角色和所属单位与网页中一样由程序库检查，审计日志记下其用户名。没有默认用户；
只有 `xxgk register init` 和在空数据库中创建第一个用户的 `xxgk register users add` 不需要。
`xxgk audit verify` 校验审计日志的哈希链：完整时退出码为 0，发现被改动或删除的记录时为 1。

本文件由 `python -m xxgk.cli.docs` 生成，帮助文本与代码一致（`tests/test_docs.py` 检查）。
"""


def command_names() -> list[str]:
    """Return every command path (``check``, ``register units add`` …), groups before members."""
    return [" ".join(path) for path, _ in _walk(typer.main.get_command(app), ())]


def leaf_command_names() -> list[str]:
    """Return the command paths that run something (not groups of subcommands)."""
    root = typer.main.get_command(app)
    return [" ".join(path) for path, cmd in _walk(root, ()) if not _subcommands(cmd)]


def _walk(group: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Any]]:
    commands = _subcommands(group)
    for name in sorted(commands):
        yield (*path, name), commands[name]
        yield from _walk(commands[name], (*path, name))


def _subcommands(command: Any) -> dict[str, Any]:
    """Return the subcommands of a group (typer vendors click, so duck typing is used)."""
    return dict(getattr(command, "commands", None) or {})


@functools.cache
def command_help(name: str | None = None) -> str:
    """Return the ``--help`` output of ``xxgk [name]`` as a user sees it (cached: the docs
    tests ask for each command's help several times in one process)."""
    args = [*name.split(), "--help"] if name else ["--help"]
    result = CliRunner().invoke(app, args, prog_name="xxgk")
    return result.output.rstrip() + "\n"


def cli_markdown() -> str:
    """Return the full text of ``docs/cli.md``."""
    parts = [INTRO, "## `xxgk`\n", _block(command_help())]
    for name in command_names():
        parts += [f"## `xxgk {name}`\n", _block(command_help(name))]
    return "\n".join(parts)


def _block(text: str) -> str:
    return f"```text\n{text}```\n"


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    text = cli_markdown()
    if "--check" in args:
        current = DOCS_PATH.read_text(encoding="utf-8") if DOCS_PATH.exists() else ""
        if current != text:
            print(f"{DOCS_PATH} 已过期，请运行 python -m xxgk.cli.docs (out of date)")
            sys.exit(1)
        return
    DOCS_PATH.parent.mkdir(parents=True, exist_ok=True)
    DOCS_PATH.write_text(text, encoding="utf-8")
    print(DOCS_PATH)


if __name__ == "__main__":
    main()
