"""What the text says against what the tables say (D11), and the fee statement in 六 (D15)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from xxgk.findings import Finding, Severity
from xxgk.model.cells import (
    LEGAL_PERSON_COLUMNS,
    LEGAL_PERSON_GROUP,
    REQUEST_COLUMNS,
    cell_title,
    request_key,
)
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.labels import UNPAID, section_name
from xxgk.rules.registry import rule
from xxgk.rules.text import compiled_later

_NATURAL = REQUEST_COLUMNS[0]
_STOP = r"[^。；;，,\d]"
_NONE_RECEIVED = re.compile(r"(?:未|没有)(?:收到|受理|接到|接收)[^。；;]{0,24}?申请")
_RECEIVED = re.compile(
    rf"(?<![未没])(?:收到|受理|接收|新收)[^。；;，,\d]{{0,24}}?申请{_STOP}{{0,6}}?(\d+)\s*件"
)
_SPLIT = {
    _NATURAL.key: re.compile(rf"{_NATURAL.label}{_STOP}{{0,6}}?(\d+)\s*件"),
    "legal": re.compile(rf"{LEGAL_PERSON_GROUP}{_STOP}{{0,6}}?(\d+)\s*件"),
}
_OTHER_PROCEDURES = ("复议", "诉讼", "许可", "信访", "投诉", "举报")
"""Words of a sentence about other procedures than disclosure applications (any one)."""
_FEE_CHARGED = compiled_later(
    r"(?<![未没不无])(?<!没有)(?:收取|产生|收缴)了?[^。；;，,]{0,10}?处理费[^。；;\d]{0,8}?(\d+(?:\.\d+)?)\s*(万?元)"
)
_NO_FEE_NOTICE = compiled_later(r"(?:未|没有)(?:发出|出具|下达|送达)[^。；;]{0,6}?收费通知")
_ALL_CLOSED = compiled_later(r"(?:均|全部|均已|已全部|全部予以)(?:已)?(?:办结|答复完毕)")
FIRST_FEE_YEAR = 2021
"""109号 fees are charged from 2021-01-01 (domain-rules §2.7, S6): the first report year asked."""
_FEE_STATEMENT = re.compile(r"处理费|[1１][0０][9９]\s*号")
_NEW, _CARRIED = "new", "carried_over"


def _narrative(ctx: RuleContext) -> str:
    return ctx.text("preamble", "overview", "requests")


def _sentence(text: str, match: re.Match[str]) -> str:
    """Return the sentence (between 。；or line breaks) around ``match``."""
    start = max(text.rfind(c, 0, match.start()) for c in "。；;\n") + 1
    ends = [i for i in (text.find(c, match.end()) for c in "。；;\n") if i >= 0]
    return text[start : min(ends, default=len(text))]


def _about_applications(text: str, pattern: re.Pattern[str]) -> re.Match[str] | None:
    """Return the first match of ``pattern`` whose sentence speaks of disclosure applications,
    not of 复议, 诉讼, 信访 and the like."""
    for match in pattern.finditer(text):
        sentence = _sentence(text, match)
        if "申请" in sentence and not any(word in sentence for word in _OTHER_PROCEDURES):
            return match
    return None


@rule(
    code="narrative-requests-none",
    severity=Severity.WARNING,
    title="正文称未收到申请，表三却有新收申请",
    template="正文称“{quote}”，但{name}为{actual}",
    description="正文对依申请公开的叙述应与表三一致；两处说法矛盾，至少有一处错误。",
    tags=("#narrative", "#text", "#requests"),
    basis="D11",
)
def narrative_requests_none(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    key = request_key(_NEW, "total")
    new = report.values.get(key)
    if not new or not ctx.has_text:
        return
    match = _about_applications(_narrative(ctx), _NONE_RECEIVED)
    if match:
        yield Finding(
            "narrative-requests-none",
            (key,),
            expected=0,
            actual=new,
            params={"quote": match.group(0), "name": cell_title(key)},
        )


@rule(
    code="narrative-requests-count",
    severity=Severity.WARNING,
    title="正文所述申请件数与表三不符",
    template="正文称{who}申请{actual}件，而表三本年新收为{new}件、加上年结转为{both}件，均不相符",
    description=(
        "正文所说“收到申请N件”可以指本年新收，也可以指新收加上年结转（办理总数），"
        "两者之一相符即可；自然人、法人或其他组织的分项同样核对。都不相符说明正文或表格有误。"
    ),
    tags=("#narrative", "#text", "#requests"),
    basis="D11",
)
def narrative_requests_count(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.has_text:
        return
    text = _narrative(ctx)
    match = _about_applications(text, _RECEIVED)
    if match:
        yield from _compare_count(report, match, ("total",), "")
    for who, pattern in _SPLIT.items():
        match = pattern.search(text)
        if match:
            columns = (who,) if who == _NATURAL.key else tuple(c.key for c in LEGAL_PERSON_COLUMNS)
            label = _NATURAL.label if who == _NATURAL.key else LEGAL_PERSON_GROUP
            yield from _compare_count(report, match, columns, label)


def _compare_count(
    report: Report, match: re.Match[str], columns: tuple[str, ...], who: str
) -> Iterator[Finding]:
    new_keys = tuple(request_key(_NEW, c) for c in columns)
    carried_keys = tuple(request_key(_CARRIED, c) for c in columns)
    found = [report.values.get(k) for k in new_keys + carried_keys]
    values = [v for v in found if v is not None]
    if len(values) < len(found):
        return
    new = sum(values[: len(columns)])
    both = new + sum(values[len(columns) :])
    stated = int(match.group(1))
    if stated not in (new, both):
        yield Finding(
            "narrative-requests-count",
            new_keys + carried_keys,
            expected=new,
            actual=stated,
            params={"who": who, "new": str(new), "both": str(both)},
        )


@rule(
    code="narrative-all-closed",
    severity=Severity.WARNING,
    title="正文称全部办结，表三却有结转",
    template="正文称“{quote}”，但{name}为{actual}",
    description="若申请已全部办结，结转下年度继续办理应为0；两处不一致。",
    tags=("#narrative", "#text", "#requests"),
    basis="D11",
)
def narrative_all_closed(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    key = request_key("carried_forward", "total")
    carried = report.values.get(key)
    if not carried or not ctx.has_text:
        return
    match = _about_applications(_narrative(ctx), _ALL_CLOSED())
    if match:
        yield Finding(
            "narrative-all-closed",
            (key,),
            0,
            carried,
            params={"quote": match.group(0), "name": cell_title(key)},
        )


@rule(
    code="fee-statement-missing",
    severity=Severity.WARNING,
    title="第六部分未说明信息处理费",
    template=f"{section_name('other')}没有说明信息处理费的收取情况（按国办函〔2020〕109号收取的金额，或本年度没有产生信息处理费）",
    description=(
        "30号格式要求在第六部分报告依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）"
        "收取信息处理费的情况；没有收费也应写明。109号自2021年1月1日起收费，2020年及以前年度的报告不作要求。"
        "扫描件有页面未能在时限内识别时不作判断。"
    ),
    tags=("#narrative", "#text", "#fees"),
    basis="D15；国办函〔2020〕109号；国办公开办函〔2021〕30号",
)
def fee_statement_missing(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.text_whole or "other" not in report.sections:
        return
    if report.year is not None and report.year < FIRST_FEE_YEAR:
        return  # 109号 applies to fees from 2021-01-01: earlier reports have nothing to state
    if not _FEE_STATEMENT.search(ctx.text("other")):
        yield Finding("fee-statement-missing", location=report.sections["other"].location)


@rule(
    code="fee-statement-contradiction",
    severity=Severity.INFO,
    title="信息处理费说明与表三不符",
    template="{why}",
    description=(
        "信息处理费只在申请数量、频次明显超过合理范围时收取（条例第四十二条、国办函〔2020〕109号）。"
        f"本年没有办理任何申请却称收取了处理费，或表三有“{UNPAID}”的申请"
        "却称未发出收费通知，需要核对。"
    ),
    tags=("#narrative", "#text", "#fees"),
    basis="D16；条例第四十二条；国办函〔2020〕109号",
)
def fee_statement_contradiction(report: Report, ctx: RuleContext) -> Iterator[Finding]:
    if not ctx.has_text:
        return
    text = ctx.text("other")
    handled_key = request_key("total_handled", "total")
    unpaid_key = request_key("other_no_fee", "total")
    handled, unpaid = report.values.get(handled_key), report.values.get(unpaid_key)
    # The table is asked first, the text only when the table makes a statement contradict it.
    charged = _FEE_CHARGED().search(text) if handled == 0 and "处理费" in text else None
    if charged and float(charged.group(1)) > 0:
        why = f"第六部分称“{charged.group(0)}”，但表三本年没有办理任何申请"
        yield Finding("fee-statement-contradiction", (handled_key,), params={"why": why})
    notice = _NO_FEE_NOTICE().search(text) if unpaid and "收费通知" in text else None
    if notice:
        why = f"第六部分称“{notice.group(0)}”，但{cell_title(unpaid_key)}为{unpaid}"
        yield Finding("fee-statement-contradiction", (unpaid_key,), params={"why": why})
