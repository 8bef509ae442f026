"""A table header repeated atop the next page (Word's "repeat as header row", issue 15 §4)
in text converted from a PDF: the form feed starts the page, the header lines are dropped,
and the table reads as if printed once."""

from __future__ import annotations

import random

from xxgk.parse import parse_bytes
from xxgk.parse.text import text_to_document
from xxgk.render import render
from xxgk.synth import random_report

HEADER = [
    "                                         申请人情况",
    "                          自然人        法人或其他组织          总计",
    "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）",
    "               商业企业  科研机构  社会公益组织  法律服务机构  其他",
]
"""Table 三's header as a PDF-to-text converter lays out its merged cells: four lines."""


def _converted(seed: int, break_before: str, feed: bool = True) -> tuple[object, str]:
    """Return a report and its text with a multi-line Table 三 header, repeated (after a
    form feed, spaced differently as a converter lays each page anew) before the row
    ``break_before``."""
    report = random_report(random.Random(seed))
    lines = render(report, "txt").decode("utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("自然人"))
    lines[at : at + 1] = HEADER
    cut = next(i for i, line in enumerate(lines) if line.strip().startswith(break_before))
    repeat = [line.replace("  ", " ") for line in HEADER]
    repeat[0] = ("\f" if feed else "") + repeat[0]
    lines[cut:cut] = repeat
    return report, "\n".join(lines)


def test_a_header_repeated_after_a_page_break_is_read_once() -> None:
    for seed, row in ((2, "（四）无法提供"), (5, "3.危及"), (9, "四、结转下年度继续办理")):
        report, text = _converted(seed, row)
        lines = text_to_document(text).lines
        assert sum("申请人情况" in line.text for line in lines) == 1
        back = parse_bytes(text.encode("utf-8"), name="converted.txt")
        assert back.canonical() == report.canonical()
        codes = {f.code for f in back.findings}
        assert not codes & {"parse-row-duplicate", "parse-label-unmatched", "parse-header-missing"}


def test_without_a_page_break_the_lines_stay() -> None:
    """Only a page's first lines can be a repeated header: the same lines inside a page are
    left to the interpreter (they are the text's, not the converter's)."""
    _, text = _converted(2, "（四）无法提供", feed=False)
    lines = text_to_document(text).lines
    assert sum("申请人情况" in line.text for line in lines) == 2


def test_one_line_that_recurs_after_a_page_break_stays() -> None:
    """Table 二 prints 信息内容 | 本年处理决定数量 above two blocks: one recurring line at a page
    top is the next block's header, never dropped as a repeat."""
    report = random_report(random.Random(3))
    text = render(report, "txt").decode("utf-8")
    head = next(line for line in text.split("\n") if "本年处理决定数量" in line)
    second = text.index(head, text.index(head) + 1)
    paged = text[:second] + "\f" + text[second:]
    assert sum("本年处理决定数量" in ln.text for ln in text_to_document(paged).lines) == 2
    assert parse_bytes(paged.encode("utf-8"), name="paged.txt").canonical() == report.canonical()
