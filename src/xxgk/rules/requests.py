"""Table 三 (收到和处理政府信息公开申请情况): the three printed 勾稽 relations, and D24."""

from __future__ import annotations

from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.cells import OUTCOME_ROWS, REQUEST_GROUPS, request_key
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.labels import FIRST_OUTCOME, HANDLED, LAST_OUTCOME_GROUP, TOTAL
from xxgk.rules.registry import rule
from xxgk.rules.relations import PARAMS, Broken, broken

_FORMAT = "国办公开办函〔2021〕30号表三"


@rule(
    code="requests-row-total",
    severity=Severity.ERROR,
    title="表三某行总计不等于各类申请人之和",
    template=f"表三“{{row}}”行：六类申请人之和（{{expected}}）不等于“{TOTAL}”列（{{actual}}）",
    description=(
        f"表三每一行的“{TOTAL}”应等于自然人与五类法人或其他组织六列之和。"
        "不相等说明有数字填错、漏填或错列。"
    ),
    tags=("#requests", "#relation", "#table"),
    basis=f"D06；{_FORMAT}",
)
def requests_row_total(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    for b in broken(report, "requests-row-total"):
        params = PARAMS[b.relation]
        yield Finding("requests-row-total", b.cells, b.expected, b.actual, params=params)


@rule(
    code="requests-column-total",
    severity=Severity.ERROR,
    title=f"表三“{HANDLED}”不等于各项办理结果之和",
    template=f"表三“{{col}}”列：21项办理结果之和（{{expected}}）不等于“{HANDLED}”（{{actual}}）",
    description=(
        f"“{HANDLED}”是“{FIRST_OUTCOME}”至“{LAST_OUTCOME_GROUP}”各项办理结果之和"
        "（各组标题本身没有数字，不另计小计）。不相等说明某项结果漏计、重复计入或填错。"
    ),
    tags=("#requests", "#relation", "#table"),
    basis=f"D07；{_FORMAT}",
)
def requests_column_total(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    for b in _column_totals(report, ctx):
        yield Finding(
            "requests-column-total", b.cells, b.expected, b.actual, params=PARAMS[b.relation]
        )


@rule(
    code="requests-balance",
    severity=Severity.ERROR,
    title="表三勾稽关系不成立",
    template="表三“{col}”列：第一项加第二项之和（{expected}）不等于第三项加第四项之和（{actual}）",
    description=(
        "表三左上角注明的勾稽关系：本年新收加上年结转，等于本年度办理结果总计加结转下年度继续办理。"
        "每一列都必须成立，否则申请件数前后对不上。"
    ),
    tags=("#requests", "#relation", "#balance", "#table"),
    basis=f"D08；{_FORMAT}（表内勾稽关系说明）",
)
def requests_balance(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    for b in broken(report, "requests-balance"):
        yield Finding("requests-balance", b.cells, b.expected, b.actual, params=PARAMS[b.relation])


def _column_totals(report: Report, ctx: RuleContext) -> list[Broken]:
    """The broken column totals, computed once for the two rules that read them."""
    if "requests-column-total" not in ctx.memo:
        ctx.memo["requests-column-total"] = broken(report, "requests-column-total")
    return ctx.memo["requests-column-total"]


_GROUP_ROWS: dict[str, tuple[str, ...]] = {
    group: tuple(r.key for r in OUTCOME_ROWS if r.group == group) for group in REQUEST_GROUPS
}


@rule(
    code="requests-group-subtotal",
    severity=Severity.WARNING,
    title="表三疑将分组小计重复计入总计",
    template=(
        f"表三“{{col}}”列：“{HANDLED}”（{{actual}}）比各项之和（{{expected}}）多出{{diff}}，"
        "恰等于“{group}”各项之和，疑将该组小计重复计入总计"
    ),
    description=(
        f"各组标题行（如“{LAST_OUTCOME_GROUP}”）不填数字。若“{HANDLED}”恰好比各项之和多出某一组的合计，"
        "多半是把该组小计也算了一遍。"
    ),
    tags=("#requests", "#relation", "#table"),
    basis="D24",
)
def requests_group_subtotal(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    values = report.values
    for b in _column_totals(report, ctx):
        diff = b.actual - b.expected
        column = b.relation.total[0].rsplit(".", 1)[1]
        for group, rows in _GROUP_ROWS.items():
            keys = tuple(request_key(row, column) for row in rows)
            subtotal = sum(values[k] or 0 for k in keys)
            if diff > 0 and subtotal == diff:
                params = {**PARAMS[b.relation], "group": group, "diff": str(diff)}
                yield Finding(
                    "requests-group-subtotal",
                    (b.relation.total[0], *keys),
                    b.expected,
                    b.actual,
                    params=params,
                )
                break
