"""Metadata: who and which year (D03, D23), title and 落款 (D21)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.report import Report
from xxgk.rules import text as tx
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import rule

_DATE_LINE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*(?:年|[-./])\s*[\d一二三四五六七八九十]{1,3}\s*(?:月|[-./])"
)
_TITLE_LIKE = ("年报告", "年度报告", "工作报告")
"""What a title line has (any one)."""


@rule(
    code="metadata-missing",
    severity=Severity.WARNING,
    title="未能确定报告主体或年度",
    template="未能确定{what}，依赖它的检查（公开期限、年度一致、主体类别）无法进行",
    description="报告主体和报告年度是判断公开期限、格式版本和跨年度比对的前提。",
    tags=("#metadata",),
    basis="D21",
)
def metadata_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    missing = [
        name
        for name, value in (("报告主体", report.organization), ("报告年度", report.year))
        if not value
    ]
    if missing:
        yield Finding("metadata-missing", params={"what": "和".join(missing)})


@rule(
    code="year-mismatch",
    severity=Severity.ERROR,
    title="年度前后不一致",
    template="报告年度前后不一致：{details}",
    description=(
        "标题中的年度、“统计期限”所写的年度和正文叙述的年度应当相同；不一致通常是套用了"
        "上一年的报告而没有改全。"
    ),
    tags=("#metadata", "#text"),
    basis="D03",
)
def year_mismatch(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    claims = _year_claims(report, ctx)
    years = {year for _, year in claims}
    if len(years) > 1:
        details = "；".join(f"{where}为{year}年" for where, year in claims)
        odd = next((y for _, y in claims if y != report.year), None)
        yield Finding(
            "year-mismatch", expected=report.year, actual=odd, params={"details": details}
        )


def years_disagree(report: Report, ctx: RuleContext) -> bool:
    """True when the title, the statistics period or the body name another year than the
    report's: which year the report is on is then unknown (a year-mismatch finding says so)."""
    key = "years_disagree"
    if key not in ctx.memo:
        ctx.memo[key] = len({year for _, year in _year_claims(report, ctx)}) > 1
    return bool(ctx.memo[key])


def _year_claims(report: Report, ctx: RuleContext) -> list[tuple[str, int]]:
    """Return where the report names which year (asked by two rules: worked out once)."""
    key = "year_claims"
    if key not in ctx.memo:
        ctx.memo[key] = _claims(report, ctx)
    return list(ctx.memo[key])


def _claims(report: Report, ctx: RuleContext) -> list[tuple[str, int]]:
    claims: list[tuple[str, int]] = []
    if report.year is not None:
        claims.append(("报告年度", report.year))
    title_year = tx.first_year(tx.normalize(report.title or ""))
    if title_year is not None:
        claims.append(("标题", title_year))
    period = _period(ctx.front_text)
    if period is not None:
        claims.append(("统计期限", period[0].year))
    overview = ctx.text("overview")
    if report.year is None or not tx.mentions_year(overview, report.year):
        body_year = tx.dominant_year(overview)
        if body_year is not None:
            claims.append(("总体情况正文", body_year))
    return claims


def _period(text: str) -> tuple[dt.date, dt.date] | None:
    match = tx.PERIOD.search(text)
    if not match:
        return None
    y1, m1, d1, y2, m2, d2 = (int(g) for g in match.groups())
    try:
        return dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    except ValueError:
        return None


@rule(
    code="period-not-calendar-year",
    severity=Severity.WARNING,
    title="统计期限不是完整的自然年度",
    template="统计期限写作{actual}，应为{expected}",
    description="年度报告统计的是报告年度1月1日至12月31日的数据；其他期限会使数据与其他单位不可比。",
    tags=("#metadata", "#text"),
    basis="D23",
)
def period_not_calendar_year(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    period = _period(ctx.front_text)
    if period is None:
        return
    start, end = period
    year = report.year or start.year
    if (start, end) != (dt.date(year, 1, 1), dt.date(year, 12, 31)):
        yield Finding(
            "period-not-calendar-year",
            expected=f"{year}年1月1日至{year}年12月31日",
            actual=f"{_fmt(start)}至{_fmt(end)}",
        )


def _fmt(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


@rule(
    code="title-missing",
    severity=Severity.WARNING,
    title="缺少标题",
    template="报告没有标题，应有写明报告主体和年度的标题，如“××县××镇人民政府{year}年政府信息公开工作年度报告”",
    description="没有标题的报告难以检索，也无从核对报告主体和年度。",
    tags=("#metadata", "#text"),
    basis="D21",
)
def title_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.has_text or (report.title or "").strip():
        return
    preamble = ctx.text("preamble").strip().splitlines()
    if preamble and any(words in preamble[0] for words in _TITLE_LIKE) and len(preamble[0]) <= 60:
        return
    yield Finding("title-missing", params={"year": str(report.year or "××××")})


@rule(
    code="signature-missing",
    severity=Severity.WARNING,
    title="缺少落款",
    template="报告末尾没有落款（报告主体名称和日期）",
    description=(
        "落款写明由谁、于何日发布报告；没有落款日期就无法核对是否按期公布。"
        "扫描件有页面未能在时限内识别时不作判断（落款多在末页）。"
    ),
    tags=("#metadata", "#text"),
    basis="D21",
)
def signature_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.text_whole or _has_signature(report, ctx):
        return
    yield Finding("signature-missing", location=ctx.location("other"))


def _has_signature(report: Report, ctx: RuleContext) -> bool:
    if (report.signature or "").strip() or ctx.text("signature").strip():
        return True
    tail = [line for line in ctx.text("other").splitlines() if line.strip()][-3:]
    return any(len(line.strip()) <= 30 and _DATE_LINE.search(line) for line in tail)
