"""When the report was published: on time (D01), a possible date (D02), a date at all."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.metadata import years_disagree
from xxgk.rules.registry import rule

_BASIS = "条例第四十九条"


def _fmt(date: dt.date) -> str:
    return f"{date.year}年{date.month}月{date.day}日"


def _a_year_after(date: dt.date) -> dt.date:
    if date.year >= dt.MAXYEAR:
        return dt.date.max
    try:
        return date.replace(year=date.year + 1)
    except ValueError:  # 29 February
        return date.replace(year=date.year + 1, day=28)


def _deadline_note(ctx: RuleContext, year: int) -> str:
    if year <= 2018 and ctx.settings.deadline is None:
        return "（2018年及以前年度适用2007年条例第三十一条：各级行政机关均于3月31日前公布）"
    kind = ctx.unit_kind
    if ctx.settings.deadline is None and kind is not None and kind.deadline_is_local_rule:
        return ctx.kind_note + "；乡镇、街道的公开期限按设置的当地规定"
    return ctx.kind_note


def _late(report: Report, ctx: RuleContext) -> tuple[dt.date, dt.date] | None:
    """Return (deadline, published) when the report was published late, else None.

    Nothing is judged when the report's year is itself in doubt (year-mismatch): a deadline
    reckoned from the wrong year gives a lateness of hundreds of days that is not real.
    """
    if report.year is None or report.published is None or years_disagree(report, ctx):
        return None
    deadline = ctx.deadline(report.year)
    if deadline < report.published <= _a_year_after(deadline):
        return deadline, report.published
    return None


@rule(
    code="published-late",
    severity=Severity.ERROR,
    title="报告逾期公布",
    template="报告发布日期{actual}晚于公开期限{expected}，逾期{days}天{note}",
    description=(
        "条例第四十九条：县级以上人民政府部门应于每年1月31日前公布上一年度报告，"
        "县级以上地方人民政府（及地区行署）于3月31日前公布；乡镇、街道的期限由当地规定，"
        "由政务公开主管部门在设置中填写后按此判断。2018年及以前年度的报告适用2007年条例："
        "各级行政机关均为3月31日。以网站发布日期为准，没有时以落款日期代替；"
        "报告年度前后不一致时不判断是否逾期。"
    ),
    tags=("#metadata", "#deadline", "#unit"),
    basis=f"D01；{_BASIS}；2007年条例第三十一条",
)
def published_late(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    late = _late(report, ctx)
    if late is None or ctx.deadline_is_assumed(report.year or 0):
        return
    deadline, published = late
    yield Finding(
        "published-late",
        expected=_fmt(deadline),
        actual=_fmt(published),
        params={
            "days": str((published - deadline).days),
            "note": _deadline_note(ctx, report.year or 0),
        },
    )


@rule(
    code="published-late-assumed",
    severity=Severity.WARNING,
    title="可能逾期公布（乡镇、街道期限未设置）",
    template=(
        "报告发布日期{actual}晚于通常的公开期限{expected}（{days}天）；乡镇、街道的公开期限由当地规定，"
        "尚未设置，请政务公开主管部门在设置中填写当地期限后再判断{note}"
    ),
    description=(
        "条例第四十九条没有规定乡镇人民政府和街道办事处的公开期限，由县级政务公开主管部门规定。"
        "未设置当地期限时按常见的1月31日估计，晚于此日只作警告；设置后按当地期限判断，逾期为错误。"
    ),
    tags=("#metadata", "#deadline", "#unit"),
    basis=f"D01；{_BASIS}",
)
def published_late_assumed(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    late = _late(report, ctx)
    if late is None or not ctx.deadline_is_assumed(report.year or 0):
        return
    deadline, published = late
    yield Finding(
        "published-late-assumed",
        expected=_fmt(deadline),
        actual=_fmt(published),
        params={"days": str((published - deadline).days), "note": ctx.kind_note},
    )


@rule(
    code="published-impossible",
    severity=Severity.ERROR,
    title="发布日期不可能",
    template="报告发布日期{actual}{why}，日期有误",
    description=(
        "年度报告只能在报告年度结束后发布：早于当年12月31日的日期不可能；"
        "比公开期限晚一年以上的日期多半是年份写错。"
    ),
    tags=("#metadata", "#deadline"),
    basis="D02",
)
def published_impossible(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if report.year is None or report.published is None or years_disagree(report, ctx):
        return
    published = report.published
    year_end = dt.date(report.year, 12, 31)
    deadline = ctx.deadline(report.year)
    if published <= year_end:
        why = f"不晚于报告年度的最后一天（{_fmt(year_end)}）"
        yield Finding("published-impossible", actual=_fmt(published), params={"why": why})
    elif published > _a_year_after(deadline):
        why = f"比公开期限{_fmt(deadline)}晚一年以上"
        yield Finding("published-impossible", actual=_fmt(published), params={"why": why})


@rule(
    code="published-missing",
    severity=Severity.INFO,
    title="没有发布日期",
    template="报告没有载明发布日期（落款日期），无法判断是否在{deadline}前按期公布",
    description=("没有日期就无法核对是否按期公布；可补充网站发布日期后再检查。"),
    tags=("#metadata", "#deadline"),
    basis="D02",
)
def published_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if report.published is not None:
        return
    deadline = _fmt(ctx.deadline(report.year)) if report.year is not None else "公开期限"
    yield Finding("published-missing", params={"deadline": deadline})
