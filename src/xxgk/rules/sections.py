"""The six sections (D05) and the format version against the year (D04)."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.cells import FORMAT_2019, FORMAT_2021, SECTIONS
from xxgk.model.report import Report
from xxgk.parse_findings import SECTIONS_UNREAD
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import rule

FIRST_YEAR_OF_2021_FORMAT = 2021


@rule(
    code="sections-unavailable",
    severity=Severity.INFO,
    title="报告不含章节正文",
    template="报告只有表格数据，没有章节正文，未检查章节、标题、落款及正文与表格是否一致",
    description=(
        "从表格数据（如 JSON）读入的报告没有正文，依赖正文的规则无法判断；"
        "提示这一点，以免把“未检查”误当作“合格”。"
    ),
    tags=("#sections", "#text"),
    basis="D05",
)
def sections_unavailable(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.has_text:
        yield Finding("sections-unavailable")


@rule(
    code="section-missing",
    severity=Severity.ERROR,
    title="缺少规定的章节",
    template="报告缺少第{number}部分“{title}”",
    description=(
        "年度报告必须包括总体情况、主动公开、依申请公开、复议诉讼、存在的主要问题及改进情况、"
        "其他需要报告的事项六部分（条例第五十条；编号写作“1、”或“（一）”亦可）。"
        "一个部分的标题也没有读出时（如文字无法识别），只提示一次“未找到各部分标题”，"
        "不逐部分列出；扫描件有页面未能在时限内识别时不作判断。"
    ),
    tags=("#sections", "#text"),
    basis="D05；条例第五十条；国办公开办函〔2021〕30号",
)
def section_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.text_whole or _no_section_read(report):
        return
    for section in SECTIONS:
        if section.key not in report.sections:
            yield Finding(
                "section-missing",
                params={"number": section.number, "title": section.title},
            )


def _no_section_read(report: Report) -> bool:
    """True when the parser read none of the six headings and said so once
    (``parse-sections-unread``): six findings would only repeat that the text is unreadable."""
    return not any(s.key in report.sections for s in SECTIONS) and any(
        f.code == SECTIONS_UNREAD for f in report.findings
    )


@rule(
    code="format-outdated",
    severity=Severity.ERROR,
    title="沿用了已废止的试行格式",
    template="{year}年度报告应使用国办公开办函〔2021〕30号格式，却使用了2019年试行格式",
    description=(
        "国办公开办函〔2021〕30号印发的格式自2021年度报告起施行；2021年及以后的报告仍用"
        "国办公开办函〔2019〕60号试行格式，表二、表三的栏目都不符合要求。"
    ),
    tags=("#format",),
    basis="D04；国办公开办函〔2021〕30号",
)
def format_outdated(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if (
        report.format == FORMAT_2019
        and report.year is not None
        and report.year >= FIRST_YEAR_OF_2021_FORMAT
    ):
        yield Finding(
            "format-outdated",
            expected=FORMAT_2021,
            actual=FORMAT_2019,
            params={"year": str(report.year)},
        )


@rule(
    code="format-premature",
    severity=Severity.WARNING,
    title="早于施行时间使用了新格式",
    template="{year}年度报告使用了国办公开办函〔2021〕30号格式，而该格式自2021年度起施行",
    description=(
        "2019、2020年度报告按国办公开办函〔2019〕60号试行格式编制；30号格式于2021年9月印发。"
        "更早年度的报告出现新格式，可能是后来重新发布或年度填错。"
    ),
    tags=("#format",),
    basis="D04；国办公开办函〔2019〕60号",
)
def format_premature(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if (
        report.format == FORMAT_2021
        and report.year is not None
        and report.year < FIRST_YEAR_OF_2021_FORMAT
    ):
        yield Finding(
            "format-premature",
            expected=FORMAT_2019,
            actual=FORMAT_2021,
            params={"year": str(report.year)},
        )
