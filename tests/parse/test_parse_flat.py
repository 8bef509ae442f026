"""Flattened page text (issue 14): glued labels and numbers, inline headings, the decoder."""

from __future__ import annotations

import random

from flat_support import flatten_report
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.model.cells import REQUEST_COLUMNS
from xxgk.parse import parse_text
from xxgk.render.text import render_text
from xxgk.synth import random_report

AMBIGUOUS = "parse-split-ambiguous"


def _flagged(report, code: str = AMBIGUOUS) -> set[str]:
    return {key for f in report.findings if f.code == code for key in f.cells}


def _right_or_flagged(truth, parsed) -> list[str]:
    """Return the cells that are neither the truth nor None with an ambiguity finding."""
    flagged = _flagged(parsed)
    wrong = []
    for key, value in truth.values.items():
        got = parsed.values[key]
        if got == value:
            continue
        if got is None and key in flagged:
            continue
        wrong.append(f"{key}: {got!r} != {value!r}")
    return wrong


def test_whole_report_on_one_line_reads_every_cell() -> None:
    truth = random_report(random.Random(4))
    parsed = parse_text(flatten_report(truth))
    assert parsed.values == truth.values
    assert parsed.organization == truth.organization
    assert parsed.year == truth.year
    assert parsed.published == truth.published
    codes = {f.code for f in parsed.findings}
    assert "parse-section-missing" not in codes
    assert "parse-table-missing" not in codes
    assert "parse-split-decoded" in codes
    assert set(parsed.sections) >= {
        "overview",
        "active",
        "requests",
        "review_litigation",
        "problems",
        "other",
    }
    assert "信息处理费" in parsed.section_text("other")


def test_tables_on_one_line_each_read_every_cell() -> None:
    truth = random_report(random.Random(5))
    parsed = parse_text(flatten_report(truth, whole=False))
    assert parsed.values == truth.values


def _with_new_row(numbers: list[int]):
    """Return a consistent report whose 本年新收 row is ``numbers`` (结转下年度 absorbs it)."""
    columns = [c.key for c in REQUEST_COLUMNS]
    for seed in range(100):
        truth = random_report(random.Random(seed), zero_share=0.95)
        forward = [
            truth.values[f"requests.carried_forward.{c}"]
            + numbers[i]
            - truth.values[f"requests.new.{c}"]
            for i, c in enumerate(columns)
        ]
        if min(forward) >= 0:
            for i, c in enumerate(columns):
                truth.values[f"requests.new.{c}"] = numbers[i]
                truth.values[f"requests.carried_forward.{c}"] = forward[i]
            return truth
    raise AssertionError("no seed fits")


def test_issue_example_splits_by_the_relations_and_gives_the_ordinal_back() -> None:
    truth = _with_new_row([12, 0, 1, 0, 0, 1, 14])
    text = flatten_report(truth)
    assert "一、本年新收政府信息公开申请数量120100114二、" in text
    parsed = parse_text(text)
    # the row alone also allows 1,2,0,10,0,1,14: the column balance decides
    assert parsed.row("requests", "new") == [12, 0, 1, 0, 0, 1, 14]
    assert parsed.values == truth.values
    assert "00000002.其他法律" in text or "2.其他法律" in text


def test_row_ambiguous_when_the_report_does_not_balance_is_flagged_not_guessed() -> None:
    truth = random_report(random.Random(8))
    for column, number in zip(
        ("natural_person", "commercial", "research", "social_welfare", "legal_service", "other"),
        (12, 0, 1, 0, 0, 1),
        strict=True,
    ):
        truth.values[f"requests.new.{column}"] = number
    truth.values["requests.new.total"] = 14
    parsed = parse_text(flatten_report(truth))
    assert parsed.values["requests.new.natural_person"] is None
    assert parsed.values["requests.new.total"] == 14  # every split agrees on it
    finding = next(f for f in parsed.findings if f.code == AMBIGUOUS)
    assert "12、0、1、0、0、1、14" in finding.message
    assert "1、2、0、10、0、1、14" in finding.message


def test_table_two_run_without_a_relation_is_flagged_with_its_candidates() -> None:
    truth = random_report(random.Random(3))
    truth.values["active.normative_documents.issued"] = 3
    truth.values["active.normative_documents.repealed"] = 1
    truth.values["active.normative_documents.in_force"] = 23
    parsed = parse_text(flatten_report(truth))
    keys = [f"active.normative_documents.{c}" for c in ("issued", "repealed", "in_force")]
    assert [parsed.values[k] for k in keys] == [None, None, None]
    finding = next(f for f in parsed.findings if f.code == AMBIGUOUS)
    assert set(finding.cells) == set(keys)
    assert "3、1、23" in finding.message
    assert "31、2、3" in finding.message
    assert "3123" in finding.message


def test_short_row_with_separated_numbers_is_not_filled_by_position() -> None:
    truth = random_report(random.Random(11))
    lines = render_text(truth, "tabs").split("\n")
    index = next(i for i, line in enumerate(lines) if "（一）予以公开" in line)
    # a PDF-style copy where two blank cells of the row vanished: 3 _ 1 _ _ _ 4
    lines[index : index + 1] = ["三、本年度办理结果", "（一）予以公开  3  1  4"]
    parsed = parse_text("\n".join(lines))
    keys = [f"requests.granted.{c.key}" for c in REQUEST_COLUMNS]
    assert [parsed.values[k] for k in keys] == [None] * 7
    assert set(keys) <= _flagged(parsed, "parse-row-short")
    assert parsed.values["requests.new.total"] == truth.values["requests.new.total"]


def test_heading_glued_to_the_previous_line_is_found() -> None:
    truth = random_report(random.Random(6))
    text = flatten_report(truth, whole=False)
    title, _, rest = text.partition("\n")
    glued = title + "。一、总体情况" + rest.split("一、总体情况", 1)[1]
    parsed = parse_text(glued)
    assert "parse-section-missing" not in {f.code for f in parsed.findings}
    assert parsed.values == truth.values


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=10**9),
    zero_share=st.floats(min_value=0.0, max_value=0.9),
    whole=st.booleans(),
)
def test_flattened_report_decodes_to_identical_cells_or_flags(
    seed: int, zero_share: float, whole: bool
) -> None:
    truth = random_report(random.Random(seed), zero_share=zero_share)
    parsed = parse_text(flatten_report(truth, whole=whole))
    assert _right_or_flagged(truth, parsed) == []
    flagged = _flagged(parsed)
    # a flagged cell is one that is really ambiguous: its finding lists several splits
    for finding in parsed.findings:
        if finding.code == AMBIGUOUS:
            assert "；" in finding.message or "过多" in finding.message
    assert all(parsed.values[k] is None for k in flagged)


def test_table_two_without_rules_row_is_zero_with_an_info() -> None:
    truth = random_report(random.Random(3))
    text = render_text(truth, "tabs")
    lines = [line for line in text.split("\n") if not line.startswith("规章\t")]
    parsed = parse_text("\n".join(lines))
    keys = [f"active.rules.{c}" for c in ("issued", "repealed", "in_force")]
    assert [parsed.values[k] for k in keys] == [0, 0, 0]
    assert "parse-rules-row-absent" in {f.code for f in parsed.findings}


def test_other_handling_printed_as_one_zero_row_gives_zero_to_its_items() -> None:
    truth = random_report(random.Random(3), zero_share=1.0)
    text = render_text(truth, "tabs")
    lines = text.split("\n")
    start = next(i for i, line in enumerate(lines) if "（六）其他处理" in line)
    lines[start : start + 3] = ["\t（六）其他处理\t\t0\t0\t0\t0\t0\t0\t0"]
    parsed = parse_text("\n".join(lines))
    assert parsed.format == "2021"
    assert parsed.values == truth.values
    codes = {f.code for f in parsed.findings}
    assert "parse-other-one-row" in codes
    assert "parse-format-2019" not in codes


def test_blank_cell_stays_null_with_a_finding() -> None:
    truth = random_report(random.Random(3))
    text = render_text(truth, "tabs")
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if "（一）予以公开" in line)
    cells = lines[index].split("\t")
    cells[4] = ""
    lines[index] = "\t".join(cells)
    parsed = parse_text("\n".join(lines))
    blank = {k for f in parsed.findings if f.code == "parse-cell-blank" for k in f.cells}
    assert len(blank) == 1
    assert parsed.values[next(iter(blank))] is None


def test_local_section_order_is_recognised() -> None:
    truth = random_report(random.Random(12))
    text = render_text(truth, "tabs")
    text = text.replace("六、其他需要报告的事项", "七、其他需要报告的事项")
    text = text.replace(
        "五、存在的主要问题及改进情况",
        "五、信息处理费收取情况\n本年度未收取信息处理费。\n收费项目\t金额（元）\n信息处理费\t0\n\n"
        "六、存在的主要问题及改进情况",
    )
    parsed = parse_text(text)
    codes = {f.code for f in parsed.findings}
    assert "parse-section-missing" not in codes
    assert parsed.values == truth.values
    assert "信息处理费收取情况" in parsed.section_text("other")
    assert "本年度未收取信息处理费" not in parsed.section_text("review_litigation")
    assert parsed.section_text("problems").startswith(truth.section_text("problems")[:10])


def test_section_headings_numbered_with_arabic_digits_are_found() -> None:
    truth = random_report(random.Random(13))
    text = render_text(truth, "tabs")
    for number, digit in zip("一二三四五六", "123456", strict=True):
        text = text.replace(f"\n{number}、", f"\n{digit}、", 1)
    parsed = parse_text(text)
    assert "parse-section-missing" not in {f.code for f in parsed.findings}


def _leaky_pdf_text(truth) -> str:
    """Table 三 as PDF text whose vertical 三、本年度办理结果 leaked into the row labels."""
    leak = iter(["三、本", "年度", "办理", "结果"])
    out = []
    for line in render_text(truth, "tabs").split("\n"):
        cells = line.split("\t")
        if len(cells) > 3 and cells[0] == "三、本年度办理结果":
            cells[0] = ""
        if len(cells) > 3 and cells[0] == "" and (cells[1] or cells[2]):
            label = next(leak, "") + (cells[2] or cells[1])
            out.append("  ".join([label, *[c for c in cells[3:] if c]]))
            continue
        out.append(line)
    return "\n".join(out)


def test_characters_of_a_vertical_group_label_are_stripped_from_row_labels() -> None:
    truth = random_report(random.Random(21))
    text = _leaky_pdf_text(truth)
    assert "年度（二）部分公开" in text
    parsed = parse_text(text)
    assert parsed.values == truth.values
    assert "parse-label-unmatched" not in {f.code for f in parsed.findings}


def test_sentence_naming_table_labels_is_not_read_as_a_flattened_table() -> None:
    truth = random_report(random.Random(22))
    sentence = (
        "本年度共收到政府信息公开申请37件，其中予以公开12件，部分公开3件，"
        "不予公开2件，无法提供5件，不予处理1件，其他处理0件；全年办理行政许可5件。"
    )
    text = render_text(truth, "tabs").replace(
        "一、总体情况\n", "一、总体情况\n" + sentence + "\n", 1
    )
    parsed = parse_text(text)
    assert sentence in parsed.section_text("overview")
    assert parsed.values == truth.values


def test_unreadable_table_gives_one_finding_not_one_per_row() -> None:
    truth = random_report(random.Random(3))
    lines = [
        line
        for line in render_text(truth, "tabs").split("\n")
        if not ("\t" in line and any(w in line for w in ("申请", "公开", "处理", "属于", "总计")))
    ]
    parsed = parse_text("\n".join(lines))
    codes = [f.code for f in parsed.findings]
    assert codes.count("parse-table-unreadable") == 1
    per_row = [f for f in parsed.findings if f.code == "parse-cell-missing" and "表三" in f.message]
    assert per_row == []
    unreadable = next(f for f in parsed.findings if f.code == "parse-table-unreadable")
    assert "requests.granted.total" in unreadable.cells
