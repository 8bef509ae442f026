"""Cell values: every count a non-negative integer, no cell silently empty (D10)."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from operator import itemgetter

from xxgk.findings import Finding, Severity
from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS, FORMAT_2019, cell_title
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import rule
from xxgk.rules.relations import ABSENT_IN_FORMAT

_COUNT_KEYS = tuple(k for k in CELL_KEYS if CELL_BY_KEY[k].kind == "count")
_WHOLE_TYPES = frozenset({int, type(None)})
_RULE_CELLS = frozenset(k for k in CELL_KEYS if k.startswith("active.rules."))
_LEGACY_ABSENT = frozenset(
    k
    for k in CELL_KEYS
    if CELL_BY_KEY[k].table == "active"
    and CELL_BY_KEY[k].row not in ("licensing", "punishment", "enforcement")
)
"""Table 二 cells the 2019 trial format has no equivalent for."""


_PICK_CELLS = itemgetter(*CELL_KEYS)
_NONE_TYPE = type(None)


def cell_types(report: Report, ctx: RuleContext) -> frozenset[type]:
    """Return the types of the values of every canonical cell (``NoneType`` for a blank or
    absent one): worked out once per report, in C, for the three rules that would otherwise
    each scan the 200 cells (a tenth of the validation)."""
    types = ctx.memo.get("cell_types")
    if types is None:
        values = report.values
        try:
            cells = _PICK_CELLS(values)
        except KeyError:  # a report whose values lack some cells: those are blank
            cells = tuple(map(values.get, CELL_KEYS))
        types = ctx.memo["cell_types"] = frozenset(map(type, cells))
    return types


def _complete(report: Report, ctx: RuleContext) -> bool:
    """True when every canonical cell has a value: the usual report."""
    return _NONE_TYPE not in cell_types(report, ctx)


def expected_missing(report: Report, ctx: RuleContext) -> frozenset[str]:
    """Cells that may legitimately be empty: not printed by the format, or 规章 of a body
    that cannot make 规章 (printed as “/”)."""
    absent = set(ABSENT_IN_FORMAT.get(report.format, ()))
    if report.format == FORMAT_2019:
        absent |= _LEGACY_ABSENT
    if ctx.unit_kind is not None and not ctx.unit_kind.may_make_rules:
        absent |= _RULE_CELLS
    return frozenset(absent)


@rule(
    code="value-missing",
    severity=Severity.WARNING,
    title="表格单元格没有数值",
    template="{count}个单元格没有数值（{names}），报告不完整{consequence}",
    description=(
        "三张表的每个单元格都应填写数字（没有发生的填0）。空格、“/”或“—”使报告不完整，"
        "也使勾稽关系无法核对（涉及空格的勾稽关系不再判断），很可能有误，按警告列出"
        "（D10）；负数和小数则一定有误，另由 value-negative、value-not-integer 作为错误列出。"
        "例外：格式本身没有的单元格（2019年试行格式），以及无权制定规章的机关在“规章”行填写的“/”。"
    ),
    tags=("#values", "#table"),
    basis="D10；国办公开办函〔2021〕30号",
)
def value_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if _complete(report, ctx):
        return
    values = report.values
    allowed = expected_missing(report, ctx)
    missing = [k for k in CELL_KEYS if values.get(k) is None and k not in allowed]
    if not missing:
        return
    names = "、".join(cell_title(k) for k in missing[:3]) + ("等" if len(missing) > 3 else "")
    only_active = all(CELL_BY_KEY[k].table == "active" for k in missing)
    consequence = "" if only_active else "，相关勾稽关系无法核对"
    yield Finding(
        "value-missing",
        tuple(missing),
        params={"count": str(len(missing)), "names": names, "consequence": consequence},
    )


@rule(
    code="values-unreadable",
    severity=Severity.ERROR,
    title="大部分表格数值未能读出",
    template="{count}个单元格（共{total}个，占{share}）未能读出数值，超过{limit}，报告的表格无法核对",
    description=(
        "一份报告的表格如果大部分数值都读不出来（扫描页、乱码字体、表格被改成图片或文字），"
        "逐格的“数值缺失”警告之外，整份报告实际上无法核对，按错误列出，使 xxgk check 以1退出。"
        "比例由设置 unreadable_share 决定（默认10%）；格式本身没有的单元格不计入。"
    ),
    tags=("#values", "#table"),
    basis="D10；国办公开办函〔2021〕30号",
)
def values_unreadable(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if _complete(report, ctx):
        return
    values = report.values
    allowed = expected_missing(report, ctx)
    expected = [k for k in CELL_KEYS if k not in allowed]
    missing = [k for k in expected if values.get(k) is None]
    share = len(missing) / max(1, len(expected))
    if share <= ctx.settings.unreadable_share:
        return
    yield Finding(
        "values-unreadable",
        params={
            "count": str(len(missing)),
            "total": str(len(expected)),
            "share": f"{share:.0%}",
            "limit": f"{ctx.settings.unreadable_share:.0%}",
        },
    )


@rule(
    code="value-negative",
    severity=Severity.ERROR,
    title="数值为负数",
    template="{name}的数值为负数（{actual}）",
    description="件数、决定数量和收费金额都不可能小于0，负数必是填报或转换错误。",
    tags=("#values", "#table"),
    basis="D10",
)
def value_negative(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    # Blanks and zeros are dropped by ``filter(None, …)`` (in C): neither is negative.
    if min(filter(None, report.values.values()), default=0) >= 0:  # type: ignore[type-var,operator]
        return  # the usual report, checked in C
    for key, value in report.values.items():
        if value is not None and value < 0:
            yield Finding("value-negative", (key,), actual=value, params={"name": cell_title(key)})


@rule(
    code="value-not-integer",
    severity=Severity.ERROR,
    title="件数不是整数",
    template="{name}应为整数件数，实为{actual}",
    description="表二的件数、决定数量和表三、表四的申请件数都是整数；小数说明填错了栏目或单位。",
    tags=("#values", "#table"),
    basis="D10",
)
def value_not_integer(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if _WHOLE_TYPES.issuperset(cell_types(report, ctx)):
        return  # every cell (so every count) an int or blank: the usual report
    values = report.values
    if _WHOLE_TYPES.issuperset(map(type, map(values.get, _COUNT_KEYS))):
        return  # only ints and blanks among the counts (amounts may be decimals)
    for key in _COUNT_KEYS:
        value = values.get(key)
        if value is None or (type(value) is int):
            continue
        if isinstance(value, Decimal | float) and value == int(value):
            continue
        yield Finding("value-not-integer", (key,), actual=value, params={"name": cell_title(key)})
