"""Content the law asks for: 考核/评议/追究 (D17), a real section 五 (D18), 文号 (D20)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.report import Report
from xxgk.rules import text as tx
from xxgk.rules.context import RuleContext
from xxgk.rules.labels import section_name
from xxgk.rules.registry import rule

_ACCOUNTABILITY: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("工作考核", ("考核",)),
    ("社会评议", ("评议",)),
    ("责任追究", ("追究", "问责")),
)
"""Each item the law asks for and the words that name it."""
_IMPROVEMENT = ("改进", "整改", "措施", "下一步", "将进一步", "提升", "加强")
"""Words that show section 五 says what will be done (any one of them)."""
_OPENING = "〔\\[［【（(<〈"
_CLOSING = "〕\\]］】）)>〉"
_NUMBER = re.compile(
    rf"([{_OPENING}])\s*((?:19|20)\d{{2}})\s*([{_CLOSING}])\s*第?\s*(\d{{1,4}})\s*号"
)
_ISSUER = tx.compiled_later(r"([\u4e00-\u9fff]{1,8}(?:函|发|字|文|令))\s*$")
_LEAD_WORDS = re.compile(r"^(?:按照|依照|依据|根据|参照|执行|落实|贯彻|对照|关于|和|及|与|的)+")
_INNER_TITLE = tx.compiled_later(r"《[^》]*?([<＜][^》<>＜＞]+[>＞])[^》]*》")


def _accountability_named(ctx: RuleContext) -> tuple[list[str], list[str]]:
    text = ctx.text("overview", "problems")
    named = [name for name, words in _ACCOUNTABILITY if any(w in text for w in words)]
    missing = [name for name, _ in _ACCOUNTABILITY if name not in named]
    return named, missing


def _government(ctx: RuleContext) -> bool:
    """Art. 50 ¶1(四) names 各级人民政府: 街道办事处 and 地区行政公署 are not asked."""
    return ctx.text_whole and ctx.unit_kind is not None and ctx.unit_kind.is_peoples_government


@rule(
    code="accountability-missing",
    severity=Severity.WARNING,
    title="政府报告未报告考核、评议、追究情况",
    template="第一、五部分没有提及工作考核、社会评议和责任追究结果，人民政府的年度报告应当报告这些情况{note}",
    description=(
        "条例第五十条第一款第（四）项：各级人民政府的年度报告应当包括工作考核、社会评议和责任追究"
        "结果情况（30号格式放在总体情况的“监督保障”中）。三项都未提及为警告；"
        "只提及一部分为提示（accountability-partial）。街道办事处、地区行政公署不是人民政府，不适用。"
        "扫描件有页面未能在时限内识别时不作判断。"
    ),
    tags=("#content", "#text", "#unit"),
    basis="D17；条例第五十条",
)
def accountability_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if _government(ctx):
        named, _ = _accountability_named(ctx)
        if not named:
            yield Finding(
                "accountability-missing",
                params={"note": ctx.kind_note},
                location=ctx.location("overview"),
            )


@rule(
    code="accountability-partial",
    severity=Severity.INFO,
    title="政府报告只报告了部分考核、评议、追究情况",
    template="第一、五部分提及了{named}，未提及{missing}{note}",
    description=(
        "人民政府应当报告工作考核、社会评议和责任追究三项结果。只提及其中一部分（例如只说纳入考核）"
        "作为提示：可能只是措辞不同，需要人工确认。扫描件有页面未能在时限内识别时不作判断。"
    ),
    tags=("#content", "#text", "#unit"),
    basis="D17；条例第五十条",
)
def accountability_partial(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if _government(ctx):
        named, missing = _accountability_named(ctx)
        if named and missing:
            params = {"named": "、".join(named), "missing": "、".join(missing)}
            yield Finding(
                "accountability-partial",
                params={**params, "note": ctx.kind_note},
                location=ctx.location("overview"),
            )


@rule(
    code="problems-thin",
    severity=Severity.INFO,
    title="第五部分内容单薄",
    template=section_name("problems") + "{why}",
    description=(
        "第五部分应写明具体问题和改进措施；过短或没有改进内容的表述属于“不翔实”，"
        "是评估中常见的扣分项。长度下限可在设置中调整。"
    ),
    tags=("#content", "#text"),
    basis="D18；国办公开办函〔2021〕30号",
)
def problems_thin(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.has_text or "problems" not in report.sections:
        return
    text = tx.compact(ctx.text("problems"))
    location = report.sections["problems"].location
    if len(text) < ctx.settings.min_problems_chars:
        why = f"只有{len(text)}个字（少于{ctx.settings.min_problems_chars}字），内容单薄"
        yield Finding("problems-thin", actual=len(text), params={"why": why}, location=location)
    elif not any(word in text for word in _IMPROVEMENT):
        why = "没有写明改进或整改措施"
        yield Finding("problems-thin", params={"why": why}, location=location)


@rule(
    code="citation-number-format",
    severity=Severity.INFO,
    title="文号格式不规范",
    template="文号“{actual}”书写不规范，年份应使用六角括号，应为“{expected}”",
    description="公文文号的年份用六角括号〔〕括入（如国办函〔2020〕109号），不用方括号、圆括号或混用。",
    tags=("#content", "#text", "#citation"),
    basis="D20；GB/T 9704—2012",
)
def citation_number_format(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for key, section in report.sections.items():
        text = section.text
        if "号" not in text:
            continue  # no 文号 can be there
        for match in _NUMBER.finditer(text):
            opening, year, closing, number = match.groups()
            if (opening, closing) == ("〔", "〕"):
                continue
            issuer = _ISSUER().search(text, max(0, match.start() - 12), match.start())
            if issuer is None:
                continue
            prefix = _LEAD_WORDS.sub("", issuer.group(1))
            cited = prefix + text[issuer.end(1) : match.end()]
            if cited in seen:
                continue
            seen.add(cited)
            yield Finding(
                "citation-number-format",
                expected=f"{prefix}〔{year}〕{number}号",
                actual=cited,
                location=section.location,
                params={"section": key},
            )


@rule(
    code="citation-title-marks",
    severity=Severity.INFO,
    title="书名号内的书名号用法不规范",
    template="“{actual}”：书名号内再引书名应使用单书名号〈〉，不用尖括号<>",
    description="书名号中还要用书名号时，里面一层用单书名号〈〉（GB/T 15834—2011）。",
    tags=("#content", "#text", "#citation"),
    basis="D20；GB/T 15834—2011",
)
def citation_title_marks(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    seen: set[str] = set()
    for section in report.sections.values():
        if "<" not in section.text and "＜" not in section.text:
            continue  # no match can be there: most reports
        for match in _INNER_TITLE().finditer(section.text):
            inner = match.group(1)
            if inner not in seen:
                seen.add(inner)
                yield Finding("citation-title-marks", actual=inner, location=section.location)
