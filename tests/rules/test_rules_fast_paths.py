"""Every shortcut of the validator gives what the plain computation gives.

The rules take shortcuts (issue #19): the 勾稽 sums fetch their cells with one
``itemgetter``, the report's year is looked for by its usual spelling first, three value
rules share one scan of the cells' types, and the fee and 文号 rules read the text only
when a cheap test says a match could matter. Each is compared here with the plain form it
replaced, written out below, over generated reports with defects (``synth.spoil_report``,
``spoil_text``) and the bundled examples.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from decimal import Decimal
from functools import cache

import pytest

from xxgk.examples import example_paths
from xxgk.findings import Finding
from xxgk.model.cells import CELL_KEYS, cell_title
from xxgk.model.report import Report, SectionText
from xxgk.parse import parse_path, parse_text
from xxgk.render.text import LAYOUTS, render_text
from xxgk.rules import RuleSettings, validate
from xxgk.rules import text as tx
from xxgk.rules.content import citation_number_format, citation_title_marks
from xxgk.rules.context import RuleContext
from xxgk.rules.narrative import fee_statement_contradiction
from xxgk.rules.relations import ABSENT_IN_FORMAT, BY_CODE, Broken, _sum, broken
from xxgk.rules.values import _COUNT_KEYS, _WHOLE_TYPES, _complete, cell_types
from xxgk.synth import random_report, spoil_report, spoil_text

REPORTS = 240


@cache
def reports() -> tuple[Report, ...]:
    """Generated reports in every text layout, two thirds spoiled, parsed; and the examples."""
    rng = random.Random(19)
    out = [parse_path(path) for path in example_paths()]
    for index in range(REPORTS):
        report = random_report(rng, zero_share=rng.choice((0.2, 0.5, 0.9)))
        if index % 3:
            spoil_report(report, rng)
        text = render_text(report, LAYOUTS[index % len(LAYOUTS)])
        if index % 3 == 2:
            text = spoil_text(text, rng)
        out.append(parse_text(text))
    return tuple(out)


def context(report: Report) -> RuleContext:
    return RuleContext(report, RuleSettings.resolve(None))


def test_the_corpus_has_the_defects_the_shortcuts_skip():
    codes = {f.code for report in reports() for f in validate(report).findings}
    wanted = {"requests-row-total", "value-missing", "year-mismatch", "citation-number-format"}
    assert wanted <= codes
    assert any(None in r.values.values() for r in reports())


# The 勾稽 sums


def plain_broken(report: Report, code: str) -> list[Broken]:
    absent = ABSENT_IN_FORMAT.get(report.format, frozenset())
    out = []
    for relation in BY_CODE[code]:
        total = _sum(report.values, relation.total, absent)
        parts = _sum(report.values, relation.parts, absent)
        if total is not None and parts is not None and total != parts:
            out.append(Broken(relation, parts, total))
    return out


def test_relations_summed_by_itemgetter_break_where_summed_one_by_one():
    for report in reports():
        for code in BY_CODE:
            assert broken(report, code) == plain_broken(report, code)


def test_relations_of_a_report_without_some_cells():
    report = reports()[0]
    partial = Report(values={k: v for k, v in report.values.items() if "granted" not in k})
    for code in BY_CODE:
        assert broken(partial, code) == plain_broken(partial, code)
    decimals = Report(
        values={k: Decimal(v) if v is not None else None for k, v in report.values.items()}
    )
    for code in BY_CODE:
        assert broken(decimals, code) == plain_broken(decimals, code)


# The year of section 一


@pytest.mark.parametrize(
    "text",
    [
        "2024年，本机关",
        "２０２４年，本机关",
        "二〇二四年全年",
        "2024 年",
        "12024年",
        "202024年",
        "1920 2024年",
        "2023年和2024年",
        "2024年度",
        "报告2024",
        "",
    ],
)
@pytest.mark.parametrize("year", [2023, 2024, 1899, 2100, 999])
def test_mentions_year_is_year_in_years_in(text, year):
    assert tx.mentions_year(text, year) == (year in tx.years_in(text))


def test_mentions_year_over_every_overview():
    for report in reports():
        overview = report.section_text("overview")
        for year in {report.year or 2024, 2022, 2023, 2024, 2025}:
            assert tx.mentions_year(overview, year) == (year in tx.years_in(overview))


# One scan of the cells' types


def test_complete_and_whole_as_scanned_cell_by_cell():
    for report in reports():
        ctx, values = context(report), report.values
        assert _complete(report, ctx) == (None not in map(values.get, CELL_KEYS))
        if _WHOLE_TYPES.issuperset(cell_types(report, ctx)):
            assert _WHOLE_TYPES.issuperset(map(type, map(values.get, _COUNT_KEYS)))
    lacking = Report(values={})
    assert not _complete(lacking, context(lacking))


# Text read only when it matters

_FEE_CHARGED = re.compile(
    r"(?<![未没不无])(?<!没有)(?:收取|产生|收缴)了?[^。；;，,]{0,10}?处理费[^。；;\d]{0,8}?(\d+(?:\.\d+)?)\s*(万?元)"
)
_NO_FEE_NOTICE = re.compile(r"(?:未|没有)(?:发出|出具|下达|送达)[^。；;]{0,6}?收费通知")
_INNER_TITLE = re.compile(r"《[^》]*?([<＜][^》<>＜＞]+[>＞])[^》]*》")


def plain_fee_statement_contradiction(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    """The rule as it was: both patterns searched in every report."""
    if not ctx.has_text:
        return
    text = ctx.text("other")
    handled = report.values.get("requests.total_handled.total")
    unpaid = report.values.get("requests.other_no_fee.total")
    charged = _FEE_CHARGED.search(text)
    if charged and float(charged.group(1)) > 0 and handled == 0:
        why = f"第六部分称“{charged.group(0)}”，但表三本年没有办理任何申请"
        yield Finding(
            "fee-statement-contradiction", ("requests.total_handled.total",), params={"why": why}
        )
    notice = _NO_FEE_NOTICE.search(text)
    if notice and unpaid:
        name = cell_title("requests.other_no_fee.total")
        why = f"第六部分称“{notice.group(0)}”，但{name}为{unpaid}"
        yield Finding(
            "fee-statement-contradiction", ("requests.other_no_fee.total",), params={"why": why}
        )


def plain_inner_titles(report: Report) -> list[str]:
    seen: list[str] = []
    for section in report.sections.values():
        for match in _INNER_TITLE.finditer(section.text):
            if match.group(1) not in seen:
                seen.append(match.group(1))
    return seen


def with_claims(report: Report, other: str) -> Report:
    sections = dict(report.sections)
    heading = sections["other"].heading if "other" in sections else "六、其他需要报告的事项"
    sections["other"] = SectionText(heading, other)
    values = dict(report.values)
    return Report(
        organization=report.organization, year=report.year, values=values, sections=sections
    )


def test_fee_contradictions_as_when_every_text_was_searched():
    claims = (
        "本年度收取信息处理费200元。",
        "本年度未发出收费通知。",
        "本机关未收取信息处理费。",
        "",
    )
    checked = 0
    for report in reports():
        for claim in claims:
            for handled, unpaid in ((0, 0), (0, 3), (5, 0), (None, None)):
                changed = with_claims(report, claim + report.section_text("other"))
                changed.values["requests.total_handled.total"] = handled
                changed.values["requests.other_no_fee.total"] = unpaid
                ctx = context(changed)
                fast = list(fee_statement_contradiction(changed, ctx))
                assert fast == list(plain_fee_statement_contradiction(changed, ctx))
                checked += bool(fast)
    assert checked > REPORTS  # the claims were found


def test_inner_title_marks_as_when_every_section_was_searched():
    found = 0
    for report in reports():
        for other in ("《关于<政府信息公开>的通知》", "《关于＜条例＞的说明》", "<p>", ""):
            changed = with_claims(report, other + report.section_text("other"))
            fast = [f.actual for f in citation_title_marks(changed, context(changed))]
            assert fast == plain_inner_titles(changed)
            found += bool(fast)
    assert found


def test_citation_numbers_still_found():
    report = with_claims(reports()[0], "依据国办函[2020]109号规定。依据国办函〔2020〕109号规定。")
    found = list(citation_number_format(report, context(report)))
    assert [f.actual for f in found] == ["国办函[2020]109号"]


# Cheaper forms of the same tests


def test_compact_removes_what_the_whitespace_pattern_removes():
    every = "".join(chr(c) for c in range(0x3100)) + "\u3000\u205f\ufeff\U0001f600 a\tb\n"
    assert tx.compact(every) == re.sub(r"\s+", "", every)
    for report in reports():
        text = report.section_text("problems")
        assert tx.compact(text) == re.sub(r"\s+", "", text)


def test_negative_values_found_as_when_blanks_were_skipped_one_by_one():
    from xxgk.rules.values import value_negative

    for report in reports()[:40]:
        for change in ({}, {"requests.new.research": -1}, {"active.fees": Decimal("-0.5")}):
            changed = Report(values={**report.values, **change})
            fast = list(value_negative(changed, context(changed)))
            plain = [k for k, v in changed.values.items() if v is not None and v < 0]
            assert [f.cells[0] for f in fast] == plain


@pytest.mark.parametrize(
    ("words", "pattern"),
    [
        ("xxgk.rules.content._IMPROVEMENT", r"改进|整改|措施|下一步|将进一步|提升|加强"),
        ("xxgk.rules.metadata._TITLE_LIKE", r"年度?报告|工作报告"),
        ("xxgk.rules.narrative._OTHER_PROCEDURES", r"复议|诉讼|许可|信访|投诉|举报"),
    ],
)
def test_word_lists_find_what_the_alternations_found(words, pattern):
    module, name = words.rsplit(".", 1)
    listed = getattr(__import__(module, fromlist=[name]), name)
    texts = [s.text for report in reports() for s in report.sections.values()]
    texts += [line for text in texts for line in text.splitlines()]
    texts += [report.title or "" for report in reports()] + ["年报告", "年度报告", "工作报", ""]
    for text in texts:
        assert any(word in text for word in listed) == bool(re.search(pattern, text))
