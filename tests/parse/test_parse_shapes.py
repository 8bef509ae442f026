"""Published shapes that were read wrong without a finding (found by
``benchmarks/shapes_sweep.py``): each is now read right, or flagged.

The small reports here are made up for the tests.
"""

from __future__ import annotations

from xxgk.model.report import Report
from xxgk.parse import parse_bytes, parse_text

TITLE = "示例市水务局2024年政府信息公开工作年度报告\n"
T2 = "二、主动公开政府信息情况\n"
T3 = "三、收到和处理政府信息公开申请情况\n"
T4 = "四、政府信息公开行政复议、行政诉讼情况\n"
SUBS = ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
NEW = "一、本年新收政府信息公开申请数量"
CARRIED = "二、上年结转政府信息公开申请数量"


def _codes(report: Report) -> set[str]:
    return {f.code for f in report.findings}


def _tabs(*cells: str) -> str:
    return "\t".join(cells) + "\n"


# --- Table 三's columns in another order ----------------------------------------------------


def test_total_printed_first_is_read_in_its_column() -> None:
    text = TITLE + T3
    text += _tabs("", "", "", "申请人情况")
    text += _tabs("", "", "", "总计", "自然人", "法人或其他组织")
    text += _tabs("", "", "", "", "", *SUBS)
    text += _tabs(NEW, "", "", "9", "4", "1", "2", "0", "0", "2")
    text += _tabs(CARRIED, "", "", "1", "1", "0", "0", "0", "0", "0")
    report = parse_text(text)
    assert report.row("requests", "new") == [4, 1, 2, 0, 0, 2, 9]
    assert report.row("requests", "carried_over") == [1, 0, 0, 0, 0, 0, 1]
    found = next(f for f in report.findings if f.code == "parse-columns-reordered")
    assert "总计、自然人、法人或其他组织" in found.message


def test_group_printed_first_one_cell_per_line() -> None:
    """A PDF viewer's copy: every cell on its own line, rows apart by a blank line."""
    header = ["申请人情况", "", "法人或其他组织", "自然人", "总计", "", *SUBS, ""]
    row = [NEW, "1", "2", "0", "0", "3", "5", "11", ""]
    text = TITLE + T3 + "\n".join(f"\t{cell}" if cell else "" for cell in header + row) + "\n"
    report = parse_text(text)
    assert report.row("requests", "new") == [5, 1, 2, 0, 0, 3, 11]
    assert "parse-columns-reordered" in _codes(report)


def test_natural_and_total_beside_the_sub_columns_keep_their_sides() -> None:
    """PDF text prints the two-row cells on the line of the sub-columns: 自然人 and 总计 are
    placed by their cells against the sub-columns, not by the line of the group label."""
    text = TITLE + T3 + "法人或其他组织\n"
    text += _tabs("自然人", *SUBS[:4], "总计")
    text += _tabs("", "", "", "", "", "其他")
    text += _tabs(NEW, "7", "1", "0", "0", "0", "2", "10")
    report = parse_text(text)
    assert report.row("requests", "new") == [7, 1, 0, 0, 0, 2, 10]
    assert "parse-columns-reordered" not in _codes(report)


def test_group_label_above_and_natural_after_the_sub_columns() -> None:
    text = TITLE + T3 + "法人或其他组织\n"
    text += _tabs(*SUBS[:4], "自然人", "总计")
    text += _tabs("", "", "", "", "其他")
    text += _tabs(NEW, "1", "0", "0", "0", "2", "7", "10")
    report = parse_text(text)
    assert report.row("requests", "new") == [7, 1, 0, 0, 0, 2, 10]
    assert "parse-columns-reordered" in _codes(report)


def test_without_a_header_a_blank_after_the_label_is_not_a_column() -> None:
    """No header: a merged label cell's blank and a column left out would shift six numbers
    by one; the row is flagged short instead of read by position."""
    text = TITLE + T3 + _tabs("", "（一）予以公开", "", "3", "1", "0", "0", "0", "4")
    report = parse_text(text)
    assert report.row("requests", "granted") == [None] * 7
    assert "parse-row-short" in _codes(report)


# --- Table 四's litigation groups swapped ---------------------------------------------------


def test_litigation_groups_in_the_printed_order() -> None:
    parts = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    text = TITLE + T4
    text += _tabs("行政复议", "", "", "", "", "行政诉讼")
    text += _tabs("", "", "", "", "", "复议后起诉", "", "", "", "", "未经复议直接起诉")
    text += _tabs(*parts * 3)
    text += _tabs("1", "0", "0", "0", "1", "2", "0", "0", "0", "2", "0", "3", "0", "0", "3")
    report = parse_text(text)
    assert report.row("review_litigation", "review") == [1, 0, 0, 0, 1]
    assert report.row("review_litigation", "litigation_after_review") == [2, 0, 0, 0, 2]
    assert report.row("review_litigation", "litigation_direct") == [0, 3, 0, 0, 3]
    found = next(f for f in report.findings if f.code == "parse-columns-reordered")
    assert "复议后起诉、未经复议直接起诉" in found.message


# --- characters that print as nothing -------------------------------------------------------


def test_zero_width_space_and_soft_hyphen_in_text() -> None:
    text = TITLE + T2 + "行\u00ad政许可\t1\u200b309\n行政处罚\t\u200b12\u200b\n"
    report = parse_text(text)
    assert report.values["active.licensing"] == 1309
    assert report.values["active.punishment"] == 12
    assert not {"parse-label-fuzzy", "parse-value-invalid"} & _codes(report)


def test_zero_width_space_and_soft_hyphen_in_a_web_page() -> None:
    page = (
        "<html><body><h1>示例市水务局2024年政府信息公开工作年度报告</h1>"
        "<h2>二、主动公开政府信息情况</h2><table>"
        "<tr><td>行政\u00ad许可</td><td>1\u200b309</td></tr>"
        "<tr><td>行政处罚</td><td>\ufeff12</td></tr>"
        "</table></body></html>"
    )
    report = parse_bytes(page.encode("utf-8"), name="r.html")
    assert report.values["active.licensing"] == 1309
    assert report.values["active.punishment"] == 12


# --- numbers with remarks or footnote marks -------------------------------------------------


def test_circled_footnote_mark_is_not_a_digit() -> None:
    """NFKC makes ① a 1: ``11①`` read as 111."""
    text = TITLE + T2 + "行政许可\t11①\n行政处罚\t3¹\n行政强制\t5\n"
    report = parse_text(text)
    assert report.values["active.licensing"] is None
    assert report.values["active.punishment"] is None
    assert report.values["active.enforcement"] == 5
    invalid = [f for f in report.findings if f.code == "parse-value-invalid"]
    assert {c for f in invalid for c in f.cells} == {"active.licensing", "active.punishment"}


def test_number_with_a_remark_stays_in_its_row() -> None:
    """``25（注）`` as text ended the row: the numbers before it went by position into the
    wrong columns of the merged-label row. As an unreadable value it is flagged alone."""
    text = TITLE + T3
    text += _tabs("", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计")
    text += _tabs("", "", "", "", *SUBS, "")
    text += _tabs("三、本年度办理结果", "（七）总计", "", "9", "6", "2", "1", "0", "6", "24（注）")
    report = parse_text(text)
    assert report.row("requests", "total_handled") == [9, 6, 2, 1, 0, 6, None]
    invalid = next(f for f in report.findings if f.code == "parse-value-invalid")
    assert invalid.cells == ("requests.total_handled.total",)


def test_circled_footnote_mark_in_crawler_text_is_not_a_digit() -> None:
    """Crawler text is normalised as a whole before it is cut into cells: ``246①`` was 2461."""
    text = (
        "示例市水务局2024年政府信息公开工作年度报告一、总体情况平稳。二、主动公开政府信息情况"
        "第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件123"
        "第二十条第（六）项信息内容本年处理决定数量行政处罚246①行政强制5"
    )
    report = parse_text(text)
    assert report.values["active.punishment"] in (246, None)
    assert report.values["active.enforcement"] == 5
