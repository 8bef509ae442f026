"""``xxgk demo``: check the bundled example reports and suggest what to try next."""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from xxgk.batch import CheckOptions, check_many, load_report
from xxgk.cli.application import app
from xxgk.cli.common import stdout_console
from xxgk.cli.show import print_outcome, print_outcomes
from xxgk.examples import example_paths, examples_dir

PREVIOUS_PAIR = ("qinghe-town-2024.txt", "qinghe-town-2023.txt")

NEXT_STEPS: tuple[tuple[str, str], ...] = (
    ("xxgk check 报告.txt", "校验一份报告 (check your own report)"),
    ("xxgk check 2024.txt --previous 2023.txt", "与上一年度比对 (compare with last year)"),
    ("xxgk parse 报告.txt --format json", "输出规范 JSON (canonical JSON)"),
    ("xxgk rules", "查看全部规则 (the rule catalogue)"),
)


def _shown(path: Path) -> Path:
    """Return ``path`` relative to the working directory when it lies below it."""
    relative = os.path.relpath(path)
    return Path(relative) if not relative.startswith("..") else path


@app.command("demo")
def demo_command() -> None:
    """对随附的示例报告运行 xxgk check，展示发现的问题和汇总，并提示下一步可做什么。

    示例中有一份故意出错的报告（勾稽关系不平衡、发布逾期、缺少收费说明），因此会列出错误；
    demo 本身总是以 0 退出。

    \b
    Example:
        xxgk demo
        make run
    """
    console = stdout_console()
    paths = [_shown(p) for p in example_paths()]
    folder = paths[0].parent if paths else examples_dir()
    console.print(f"[bold]xxgk check {folder}/：校验随附的示例报告[/]\n")
    print_outcomes(console, check_many(paths))
    current, previous = (next(p for p in paths if p.name == n) for n in PREVIOUS_PAIR)
    console.print(f"\n[bold]xxgk check {current} --previous {previous}：与上一年度比对[/]\n")
    options = CheckOptions(previous=load_report(previous))
    print_outcome(console, check_many([current], options=options)[0])
    console.print("接下来可以试试 / What to try next:")
    width = max(_display_width(command) for command, _ in NEXT_STEPS) + 3
    for command, meaning in NEXT_STEPS:
        console.print(f"  {command}{' ' * (width - _display_width(command))}{meaning}")
    console.print(f"示例报告位于 / the examples are in: {folder}")


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
