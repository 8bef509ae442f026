"""Against last year's report of the same body: carried-over counts (D12), documents in force,
and text copied from last year (D13). Every rule here is silent without ``previous``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.findings import Finding, Location, Severity
from xxgk.model.cells import ACTIVE_BLOCKS, REQUEST_COLUMNS, cell_title, request_key
from xxgk.model.report import Report
from xxgk.model.units import normalize_name
from xxgk.rules import text as tx
from xxgk.rules.context import RuleContext
from xxgk.rules.labels import CARRIED_FORWARD, CARRIED_OVER, section_name
from xxgk.rules.registry import rule

_DOCUMENT_ROWS = next(b for b in ACTIVE_BLOCKS if b.key == "documents").rows
_COPY_SECTIONS = ("overview", "problems", "other")
_FEE_SENTENCE = re.compile(r"处理费")
_TABLE_LINE = tx.compiled_later(r"^[\s\d.,，/|—-]*$")


def _comparable(ctx: RuleContext) -> Report | None:
    """The previous report when it is the year before (else None: nothing to compare)."""
    previous = ctx.previous
    report = ctx.report
    if previous is None or report.year is None or previous.year != report.year - 1:
        return None
    return previous


@rule(
    code="previous-not-prior-year",
    severity=Severity.WARNING,
    title="上年度报告的年度不对",
    template="作为上年度报告比对的报告是{actual}年度的，应为{expected}年度，跨年度检查未进行",
    description="跨年度比对只对同一机关相邻两个年度有意义；年度不相邻时不做比对，以免误报。",
    tags=("#previous",),
    basis="D12",
)
def previous_not_prior_year(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = ctx.previous
    if previous is None or report.year is None:
        return
    if previous.year != report.year - 1:
        yield Finding(
            "previous-not-prior-year", expected=report.year - 1, actual=previous.year or "未知"
        )


@rule(
    code="previous-other-organization",
    severity=Severity.WARNING,
    title="上年度报告不是同一机关的",
    template="作为上年度报告比对的报告主体为“{actual}”，与本报告“{expected}”不同",
    description=(
        "跨年度比对（结转件数、现行有效件数、雷同）针对同一机关相邻两年的报告；"
        "主体名称互不包含时，多半是选错了文件。比对照常进行，但结果可能没有意义。"
    ),
    tags=("#previous",),
    basis="D12；D13",
)
def previous_other_organization(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = ctx.previous
    if previous is None or not report.organization or not previous.organization:
        return
    now, before = normalize_name(report.organization), normalize_name(previous.organization)
    if now not in before and before not in now:
        yield Finding(
            "previous-other-organization",
            expected=report.organization,
            actual=previous.organization,
        )


@rule(
    code="previous-carried-over",
    severity=Severity.WARNING,
    title="上年结转与上年度结转下年度不符",
    template=f"{{name}}为{{actual}}，而上年度报告“{CARRIED_FORWARD}”为{{expected}}",
    description=(
        f"本年“{CARRIED_OVER}”，就是上一年度报告中“{CARRIED_FORWARD}”的申请，两数应当相等。"
    ),
    tags=("#previous", "#requests"),
    basis="D12",
)
def previous_carried_over(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = _comparable(ctx)
    if previous is None:
        return
    for column in REQUEST_COLUMNS:
        key = request_key("carried_over", column.key)
        before = previous.values.get(request_key("carried_forward", column.key))
        now = report.values.get(key)
        if before is not None and now is not None and before != now:
            yield Finding(
                "previous-carried-over", (key,), before, now, params={"name": cell_title(key)}
            )


@rule(
    code="previous-in-force",
    severity=Severity.WARNING,
    title="现行有效件数与上年度不衔接",
    template="{name}为{actual}，而上年度现行有效件数加本年制发、减本年废止应为{expected}",
    description=(
        "现行有效件数通常等于上年度现行有效件数加本年制发件数、减本年废止件数。"
        "文件也可能因修改、失效而变动，故只作警告。"
    ),
    tags=("#previous", "#active"),
    basis="D12",
)
def previous_in_force(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = _comparable(ctx)
    if previous is None:
        return
    for row in _DOCUMENT_ROWS:
        keys = [f"active.{row.key}.{c}" for c in ("in_force", "issued", "repealed")]
        before = previous.values.get(keys[0])
        now, issued, repealed = (report.values.get(k) for k in keys)
        if before is None or now is None or issued is None or repealed is None:
            continue
        expected = before + issued - repealed
        if now != expected:
            params = {"name": cell_title(keys[0])}
            yield Finding("previous-in-force", tuple(keys), expected, now, params=params)


def narrative_for_copy(report: Report) -> str:
    """Sections 一, 五, 六 without table lines and without the standard fee sentence."""
    kept: list[str] = []
    for key in _COPY_SECTIONS:
        for sentence in tx.sentences(report.section_text(key)):
            if not _FEE_SENTENCE.search(sentence) and not _TABLE_LINE().match(sentence):
                kept.append(sentence)
    return "\n".join(kept)


@rule(
    code="previous-copied",
    severity=Severity.WARNING,
    title="正文与上年度报告雷同",
    template="第一、五、六部分正文与上年度报告的相似度为{actual}，达到雷同阈值{expected}",
    description=(
        "30号格式把“雷同”列为追责情形；评估发现有的报告逐年重复约九成文字。"
        "以6字片段（不含表格和标准的信息处理费说明）计算与上年度报告的相似度，阈值可在设置中调整。"
    ),
    tags=("#previous", "#text", "#copy"),
    basis="D13；国办公开办函〔2021〕30号",
)
def previous_copied(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = _comparable(ctx)
    if previous is None or not ctx.has_text:
        return
    size = ctx.settings.shingle_size
    now = tx.shingles(narrative_for_copy(report), size)
    before = tx.shingles(narrative_for_copy(previous), size)
    if len(now) < 20 or len(before) < 20:
        return
    similarity = tx.jaccard(now, before)
    if similarity >= ctx.settings.similarity_threshold:
        yield Finding(
            "previous-copied",
            expected=f"{ctx.settings.similarity_threshold:.0%}",
            actual=f"{similarity:.0%}",
        )


@rule(
    code="previous-problems-identical",
    severity=Severity.ERROR,
    title="第五部分与上年度完全相同",
    template=section_name("problems") + "与上年度报告一字不差",
    description=(
        "第五部分应写本年度的问题和对上年度问题的改进；与上年度一字不差，说明照抄了旧报告，"
        "属于30号格式所列的“雷同”。"
    ),
    tags=("#previous", "#text", "#copy"),
    basis="D13；国办公开办函〔2021〕30号",
)
def previous_problems_identical(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    previous = _comparable(ctx)
    if previous is None:
        return
    now = tx.compact(tx.normalize(report.section_text("problems")))
    before = tx.compact(tx.normalize(previous.section_text("problems")))
    if now and now == before:
        yield Finding("previous-problems-identical", location=_location(report, "problems"))


def _location(report: Report, key: str) -> Location | None:
    section = report.sections.get(key)
    return section.location if section else None
