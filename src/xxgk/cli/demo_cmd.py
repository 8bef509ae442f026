"""``xxgk demo``: check the bundled example reports and suggest what to try next."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from xxgk.batch import check_many, iter_report_paths
from xxgk.cli.app import app
from xxgk.cli.common import stdout_console
from xxgk.cli.show import print_outcomes

HINT = """\
接下来可以试试 / What to try next:
  xxgk check 你的报告.txt                      校验一份报告 (check your own report)
  xxgk check 2024年.txt --previous 2023年.txt   与上一年度比对 (compare with last year)
  xxgk parse 你的报告.txt --format json        输出规范 JSON (canonical JSON)
  xxgk rules                                   查看全部规则 (the rule catalogue)
示例报告位于 / the examples are in: {folder}"""


def examples_dir() -> Path:
    """Return the folder of the bundled example reports (``xxgk/examples``)."""
    return Path(str(resources.files("xxgk.examples")))


def example_paths() -> list[Path]:
    """Return the bundled example report files in name order."""
    return [p for p in iter_report_paths([examples_dir()]) if p.suffix != ".py"]


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
    folder = examples_dir()
    console.print(f"[bold]xxgk demo：校验 {folder} 中的示例报告[/]\n")
    print_outcomes(console, check_many(example_paths()))
    console.print()
    console.print(HINT.format(folder=folder))
