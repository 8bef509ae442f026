"""Table 二 (主动公开政府信息情况): who may report 规章, and a plausible fee amount."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from xxgk.findings import Finding, Severity
from xxgk.model.cells import ACTIVE_BLOCKS, cell_title
from xxgk.model.report import Report
from xxgk.model.units import UnitKind
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import rule

_DOCUMENTS = next(b for b in ACTIVE_BLOCKS if b.key == "documents")
_RULES_ROW = _DOCUMENTS.rows[0]
_RULE_KEYS = tuple(f"active.{_RULES_ROW.key}.{c.key}" for c in _DOCUMENTS.columns)
_FEES = "active.fees"


@rule(
    code="rules-not-rulemaker",
    severity=Severity.WARNING,
    title="无规章制定权的机关填报了规章件数",
    template=("表二“{row}”行填报了非零数值（{actual}），但{kind}无权制定规章，应填0或“/”{note}"),
    description=(
        "只有国务院部门、省级人民政府和设区的市、自治州人民政府可以制定规章（立法法第九十一条、"
        "第九十三条）。乡镇、县级政府、地区行署和地方政府部门填报规章件数，多半是把行政规范性"
        "文件填错了行。"
    ),
    tags=("#active", "#table", "#unit"),
    basis="D19；立法法第九十一条、第九十三条",
)
def rules_not_rulemaker(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    kind = ctx.unit_kind
    if kind is None or kind.may_make_rules:
        return
    nonzero = tuple(k for k in _RULE_KEYS if (report.values.get(k) or 0) > 0)
    if nonzero:
        yield Finding(
            "rules-not-rulemaker",
            nonzero,
            expected=0,
            actual="、".join(str(report.values[k]) for k in nonzero),
            params={"row": _RULES_ROW.label, "kind": kind.label, "note": ctx.kind_note},
        )


@rule(
    code="fees-precision",
    severity=Severity.WARNING,
    title="收费金额超过两位小数",
    template="{name}为{actual}万元，超过两位小数，疑为以“元”计的数字按“万元”换算时出错",
    description=(
        "表二收费金额以万元为单位，通常保留至多两位小数（即百元）。更多的小数位往往是单位换算"
        "出错的迹象。"
    ),
    tags=("#active", "#values", "#fees"),
    basis="D10",
)
def fees_precision(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    fee = report.values.get(_FEES)
    if isinstance(fee, Decimal | float) and _decimals(fee) > 2:
        yield Finding("fees-precision", (_FEES,), actual=fee, params={"name": cell_title(_FEES)})


@rule(
    code="fees-implausible",
    severity=Severity.WARNING,
    title="收费金额异常偏大",
    template="{name}为{actual}万元，对{kind}而言异常偏大（超过{expected}万元），疑将“元”误作“万元”{note}",
    description=(
        "收费金额的单位是万元。把以元计的金额直接填入，会使金额扩大一万倍；"
        "超出该类机关合理上限的金额应当复核。上限可在设置中调整。"
    ),
    tags=("#active", "#values", "#fees", "#unit"),
    basis="D10",
)
def fees_implausible(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    fee = report.values.get(_FEES)
    if fee is None or fee < 0:
        return
    limit = _fee_limit(ctx)
    if fee > limit:
        kind = ctx.unit_kind.label if ctx.unit_kind else "本机关"
        yield Finding(
            "fees-implausible",
            (_FEES,),
            expected=limit,
            actual=fee,
            params={"name": cell_title(_FEES), "kind": kind, "note": ctx.kind_note},
        )


def _fee_limit(ctx: RuleContext) -> float:
    kind = ctx.unit_kind
    settings = ctx.settings
    if kind is not None and kind.township_level:
        return settings.fee_limit_township
    if kind is UnitKind.PROVINCE:
        return settings.fee_limit_province
    return settings.fee_limit


def _decimals(value: Decimal | float) -> int:
    exponent = Decimal(str(value)).normalize().as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0
