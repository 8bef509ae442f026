"""Small made-up reports for single oddities: group values, duplicates, order, metadata."""

from __future__ import annotations

from xxgk.parse import parse_text

TITLE = "示例市交通运输局2024年政府信息公开工作年度报告\n"
T3 = "三、收到和处理政府信息公开申请情况\n"


def _codes(text: str) -> list[str]:
    return [f.code for f in parse_text(text).findings]


def test_parse_oddities_group_row_with_its_own_numbers() -> None:
    text = TITLE + T3 + "（三）不予公开\t1\t0\t0\t0\t0\t0\t1\n1.属于国家秘密\t1\t0\t0\t0\t0\t0\t1\n"
    report = parse_text(text)
    assert report.row("requests", "denied_state_secret") == [1, 0, 0, 0, 0, 0, 1]
    group = next(f for f in report.findings if f.code == "parse-group-values")
    assert "不予公开" in group.message


def test_parse_oddities_duplicate_row_keeps_the_first() -> None:
    text = TITLE + T3 + "（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n"
    report = parse_text(text)
    assert report.values["requests.granted.total"] == 1
    assert "parse-row-duplicate" in {f.code for f in report.findings}


def test_parse_oddities_rows_out_of_order() -> None:
    text = TITLE + T3 + "（二）部分公开\t1\t0\t0\t0\t0\t0\t1\n（一）予以公开\t2\t0\t0\t0\t0\t0\t2\n"
    report = parse_text(text)
    assert report.values["requests.granted.total"] == 2
    assert report.values["requests.partially_granted.total"] == 1
    assert "parse-row-out-of-order" in {f.code for f in report.findings}


def test_parse_oddities_unknown_row_label_is_a_warning_with_its_place() -> None:
    text = TITLE + T3 + "（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n转交其他机关\t3\n"
    report = parse_text(text)
    found = next(f for f in report.findings if f.code == "parse-label-unmatched")
    assert found.location is not None
    assert found.location.line == 4
    assert "转交其他机关" in found.message


def test_parse_oddities_organization_and_year_from_the_body() -> None:
    text = (
        "示例市交通运输局认真贯彻政府信息公开条例，现将2024年度工作情况报告如下。\n"
        "一、总体情况\n2024年，本局主动公开信息120条。\n"
    )
    report = parse_text(text)
    assert report.organization == "示例市交通运输局"
    assert report.year == 2024
    assert report.title is None


def test_parse_oddities_signature_prefers_the_full_name() -> None:
    text = (
        "清河镇政府信息公开工作2024年度报告\n一、总体情况\n平稳。\n六、其他需要报告的事项\n无。\n"
        "示例县清河镇人民政府\n二〇二五年一月十日\n"
    )
    report = parse_text(text)
    assert report.organization == "示例县清河镇人民政府"
    assert str(report.published) == "2025-01-10"
    assert report.sections["other"].text == "无。"


def test_parse_oddities_signature_on_one_line() -> None:
    text = TITLE + "一、总体情况\n平稳。\n六、其他需要报告的事项\n无。\n"
    text += "示例市交通运输局 2025年1月9日\n"
    report = parse_text(text)
    assert str(report.published) == "2025-01-09"


def test_parse_oddities_decimal_in_a_count_cell() -> None:
    text = TITLE + "二、主动公开政府信息情况\n行政许可\t12.5\n行政事业性收费\t0.75\n"
    report = parse_text(text)
    assert report.values["active.licensing"] is None
    assert str(report.values["active.fees"]) == "0.75"
    assert "parse-value-invalid" in {f.code for f in report.findings}


def test_parse_oddities_placeholder_none_never_zero() -> None:
    text = TITLE + "二、主动公开政府信息情况\n规章\t/\t/\t/\n"
    report = parse_text(text)
    assert [report.values[f"active.rules.{c}"] for c in ("issued", "repealed", "in_force")] == [
        None,
        None,
        None,
    ]
    assert _codes(text).count("parse-cell-placeholder") == 3


def test_parse_oddities_table_four_rows_with_columns_in_another_order() -> None:
    text = (
        TITLE
        + "四、政府信息公开行政复议、行政诉讼情况\n"
        + "\n".join(
            [
                "| | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 |",
                "|---|---|---|---|---|---|",
                "| 行政复议 | 2 | 1 | 0 | 0 | 1 |",
                "| 未经复议直接起诉 | 1 | 0 | 1 | 0 | 0 |",
                "| 复议后起诉 | 0 | 0 | 0 | 0 | 0 |",
            ]
        )
    )
    report = parse_text(text)
    assert report.row("review_litigation", "review") == [1, 0, 0, 1, 2]
    assert report.row("review_litigation", "litigation_direct") == [0, 1, 0, 0, 1]
    assert "parse-header-missing" not in {f.code for f in report.findings}


def test_parse_oddities_header_repeated_inside_table_three() -> None:
    header = "自然人\t法人或其他组织\t总计\n商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\n"
    rows = "（一）予以公开\t1\t0\t0\t0\t0\t0\t1\n" + header
    rows += "（二）部分公开\t2\t0\t0\t0\t0\t0\t2\n"
    rows += "3.其他\t4\t0\t0\t0\t0\t0\t4\n（七）总计\t7\t0\t0\t0\t0\t0\t7\n"
    report = parse_text(TITLE + T3 + header + rows)
    assert report.values["requests.other_other.total"] == 4
    assert report.values["requests.total_handled.total"] == 7
    assert report.values["requests.partially_granted.total"] == 2
    codes = {f.code for f in report.findings}
    assert "parse-row-duplicate" not in codes
    assert "parse-label-unmatched" not in codes


def test_parse_oddities_old_mac_line_ends_in_parse_text() -> None:
    text = TITLE + "二、主动公开政府信息情况\n规章\t1\t0\t3\n"
    report = parse_text(text.replace("\n", "\r"))
    assert report.values["active.rules.in_force"] == 3


def _merged_fixture() -> str:
    from parse_support import FIXTURES

    return (FIXTURES / "text" / "legal_persons_merged.txt").read_text(encoding="utf-8")


def test_parse_oddities_merged_legal_persons_in_any_column_order() -> None:
    text = _merged_fixture()
    swapped = []
    for line in text.split("\n"):
        cells = line.split("\t")
        if len(cells) >= 3 and ("自然人" in cells or cells[-1].isdigit()):
            values = [c for c in cells if c]
            if "自然人" in cells:  # header: 法人或其他组织 first
                swapped.append("\t\t\t法人或其他组织\t自然人\t总计")
                continue
            if len(values) >= 3 and all(v.isdigit() for v in values[-3:]):
                head = cells[: len(cells) - 3]
                swapped.append("\t".join([*head, cells[-2], cells[-3], cells[-1]]))
                continue
        swapped.append(line)
    plain, turned = parse_text(text), parse_text("\n".join(swapped))
    assert turned.canonical()["requests"] == plain.canonical()["requests"]
    assert turned.legacy == plain.legacy


def test_parse_oddities_merged_legal_persons_not_adding_up() -> None:
    text = _merged_fixture().replace(
        "一、本年新收政府信息公开申请数量\t\t\t7\t19\t26",
        "一、本年新收政府信息公开申请数量\t\t\t7\t19\t27",
    )
    report = parse_text(text)
    wrong = [f for f in report.findings if f.code == "parse-merged-total-mismatch"]
    assert len(wrong) == 1
    assert "自然人（7）加法人或其他组织（19）不等于总计（27）" in wrong[0].message


def test_parse_oddities_merged_legal_persons_in_web_and_pdf_copies() -> None:
    text = _merged_fixture()
    pipes = "\n".join(
        "\n".join(f"{c} |" for c in line.split("\t")) if "\t" in line else line
        for line in text.split("\n")
    )
    cells = "\n".join(
        "\n".join(c for c in line.split("\t") if c) if "\t" in line else line
        for line in text.split("\n")
    )
    plain = parse_text(text)
    for copy in (pipes, cells):
        report = parse_text(copy)
        assert report.canonical()["requests"] == plain.canonical()["requests"]
        assert report.legacy == plain.legacy
        assert "parse-legal-persons-merged" in {f.code for f in report.findings}


def _with_subtotal_column(text: str, label: str = "小计") -> str:
    """Add a column ``label`` after 其他 in Table 三 of a tab-separated report, holding the sum
    of the five legal-person columns (as some reports print it)."""
    out, inside = [], False
    for line in text.split("\n"):
        if line.startswith("三、收到和处理"):
            inside = True
        elif line.startswith("四、政府信息公开行政复议"):
            inside = False
        cells = line.split("\t")
        numbers = [c for c in cells if c.isdigit()]
        if inside and "商业企业" in cells:
            at = cells.index("其他") + 1
            out.append("\t".join([*cells[:at], label, *cells[at:]]))
        elif inside and len(numbers) == 7:
            head, n = cells[: len(cells) - 7], list(map(int, numbers))
            out.append("\t".join([*head, *map(str, n[:6]), str(sum(n[1:6])), str(n[6])]))
        else:
            out.append(line)
    return "\n".join(out)


def test_parse_oddities_extra_subtotal_column_is_read_in_its_place() -> None:
    import random

    from xxgk.render.text import render_text
    from xxgk.synth import random_report

    original = random_report(random.Random(11))
    report = parse_text(_with_subtotal_column(render_text(original, "tabs")))
    assert report.canonical()["requests"] == original.canonical()["requests"]
    codes = [f.code for f in report.findings]
    assert codes.count("parse-extra-column") == 1
    assert "parse-label-unmatched" not in codes
    assert "parse-row-surplus" not in codes
    subs = ("commercial", "research", "social_welfare", "legal_service", "other")
    assert report.legacy["requests.new.extra_1"] == sum(original[f"requests.new.{c}"] for c in subs)


def test_parse_oddities_a_stray_header_label_is_no_column_without_the_numbers() -> None:
    import random

    from xxgk.render.text import render_text
    from xxgk.synth import random_report

    original = random_report(random.Random(12))
    text = render_text(original, "tabs").replace("\t其他\t", "\t其他\t（单位：件）\t", 1)
    assert "商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t（单位：件）" in text
    report = parse_text(text)
    assert report.canonical()["requests"] == original.canonical()["requests"]
    assert "parse-extra-column" not in {f.code for f in report.findings}
