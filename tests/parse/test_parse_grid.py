"""``interpret`` on a grid-shaped SourceDocument, as an HTML or Word reader produces it.

Table rows are ``SourceLine(cells=[...], in_table=True)`` with merged cells once and empty
cells as ``""``; places are table/row/cell indexes, not lines and columns.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xxgk.findings import Location
from xxgk.model import cells
from xxgk.parse import interpret
from xxgk.parse.document import SourceCell, SourceDocument, SourceLine


def _para(text: str, row: int) -> SourceLine:
    return SourceLine([SourceCell(text, Location(row=row, text=text))])


def _row(table: int, row: int, texts: list[str]) -> SourceLine:
    return SourceLine(
        [
            SourceCell(t, Location(table=table, row=row, cell=i, text=t))
            for i, t in enumerate(texts)
        ],
        in_table=True,
    )


def _grid_document(
    blank_first: bool = False, table3: dict[str, list[int | None]] | None = None
) -> SourceDocument:
    lines = [_para("示例市交通运输局2024年政府信息公开工作年度报告", 0)]
    lines += [_para("一、总体情况", 1), _para("本年度工作平稳有序。", 2)]
    lines.append(_para("二、主动公开政府信息情况", 3))
    t2 = [
        ["第二十条第（一）项"],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "" if blank_first else "0", "0", "0"],
        ["行政规范性文件", "2", "1", "9"],
        ["第二十条第（五）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政许可", "88"],
        ["第二十条第（六）项"],
        ["信息内容", "本年处理决定数量"],
        ["行政处罚", "5"],
        ["行政强制", "0"],
        ["第二十条第（八）项"],
        ["信息内容", "本年收费金额（单位：万元）"],
        ["行政事业性收费", "1.25"],
    ]
    lines += [_row(0, i, r) for i, r in enumerate(t2)]
    lines.append(_para("三、收到和处理政府信息公开申请情况", 4))
    t3 = [
        [cells.REQUESTS_NOTE, "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    for row in cells.REQUEST_ROWS:
        values = ["2", "1", "0", "0", "0", "0", "3"] if row.key == "new" else ["0"] * 7
        if table3 is not None:
            values = ["" if v is None else str(v) for v in table3[row.key]]
        first = [row.group] if row.group and row.number in ("（一）", "1.") else []
        t3.append(first + [row.printed] + values)
    lines += [_row(1, i, r) for i, r in enumerate(t3)]
    lines.append(_para("四、政府信息公开行政复议、行政诉讼情况", 5))
    t4 = [
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
        ["1", "0", "0", "0", "1"] + ["0"] * 10,
    ]
    lines += [_row(2, i, r) for i, r in enumerate(t4)]
    lines += [_para("五、存在的主要问题及改进情况", 6), _para("培训不足。", 7)]
    lines += [_para("六、其他需要报告的事项", 8), _para("未收取信息处理费。", 9)]
    lines += [_para("示例市交通运输局", 10), _para("2025年1月20日", 11)]
    return SourceDocument(lines=lines, source="grid.html", format_name="html")


def test_parse_grid_reads_every_table() -> None:
    report = interpret(_grid_document())
    assert report.values["active.normative_documents.in_force"] == 9
    assert str(report.values["active.fees"]) == "1.25"
    assert report.row("requests", "new") == [2, 1, 0, 0, 0, 0, 3]
    assert report.row("requests", "carried_forward") == [0] * 7
    assert report.values["review_litigation.review.upheld"] == 1
    assert report.values["review_litigation.review.total"] == 1
    assert all(v is not None for v in report.values.values())
    assert [f.code for f in report.findings] == []


def test_parse_grid_metadata_and_places() -> None:
    report = interpret(_grid_document())
    assert (report.organization, report.year, str(report.published)) == (
        "示例市交通运输局",
        2024,
        "2025-01-20",
    )
    where = report.provenance["requests.new.total"]
    assert (where.table, where.row, where.cell) == (1, 3, 7)


def test_parse_grid_blank_first_value_stays_in_its_column() -> None:
    report = interpret(_grid_document(blank_first=True))
    assert report.values["active.rules.issued"] is None
    assert report.values["active.rules.repealed"] == 0
    blank = [f for f in report.findings if f.code == "parse-cell-blank"]
    assert [f.cells for f in blank] == [("active.rules.issued",)]


_cell = st.one_of(st.none(), st.integers(min_value=0, max_value=99999))
_table3 = st.fixed_dictionaries(
    {row.key: st.lists(_cell, min_size=7, max_size=7) for row in cells.REQUEST_ROWS}
)


@given(_table3)
def test_parse_grid_random_table_three_with_blanks(table3: dict[str, list[int | None]]) -> None:
    report = interpret(_grid_document(table3=table3))
    assert {r: report.row("requests", r) for r in table3} == table3
    blanks = {f.cells[0] for f in report.findings if f.code == "parse-cell-blank"}
    expected = {
        cells.request_key(r, c.key)
        for r, values in table3.items()
        for c, v in zip(cells.REQUEST_COLUMNS, values, strict=True)
        if v is None
    }
    assert blanks == expected


def test_parse_grid_blank_first_value_of_table_four_stays_in_its_column() -> None:
    doc = _grid_document()
    last = next(i for i, line in enumerate(doc.lines) if line.cells[0].text == "1")
    doc.lines[last].cells[0] = SourceCell("", Location(table=2, row=3, cell=0, text=""))
    report = interpret(doc)
    assert report.values["review_litigation.review.upheld"] is None
    assert report.values["review_litigation.review.total"] == 1
    assert report.values["review_litigation.litigation_after_review.total"] == 0
