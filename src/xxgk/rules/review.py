"""Table 四 (行政复议、行政诉讼情况): each group's 总计."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.labels import REVIEW_PARTS, TOTAL
from xxgk.rules.registry import rule
from xxgk.rules.relations import PARAMS, broken


@rule(
    code="review-group-total",
    severity=Severity.ERROR,
    title="表四某组总计不等于各项结果之和",
    template=f"表四“{{group}}”：{REVIEW_PARTS}之和（{{expected}}）不等于{TOTAL}（{{actual}}）",
    description=(
        f"表四行政复议、未经复议直接起诉、复议后起诉三组，每组的“{TOTAL}”应等于{REVIEW_PARTS}"
        "四项之和。"
    ),
    tags=("#review", "#relation", "#table"),
    basis="D09；国办公开办函〔2021〕30号表四",
)
def review_group_total(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    for b in broken(report, "review-group-total"):
        params = PARAMS[b.relation]
        yield Finding("review-group-total", b.cells, b.expected, b.actual, params=params)
