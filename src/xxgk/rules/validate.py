"""Run the rules over a report and gather their findings with the parser's."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

from xxgk import parse_findings as parse_findings  # the parser's kinds, known to every check
from xxgk.findings import KINDS, Finding, FindingKind, Severity, register_kind
from xxgk.model.report import Report
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import RULES, matches, normalize_selectors
from xxgk.rules.settings import RuleSettings, RuleSettingsError
from xxgk.rules.validation import ValidationReport

UNKNOWN = register_kind(
    FindingKind(
        "finding-unknown",
        Severity.WARNING,
        "未知的发现代码",
        "报告中带有未知代码“{code}”的发现：{note}",
        "报告（例如从 JSON 读入的）带有本程序不认识的发现代码；保留它，以免丢失信息。",
        ("#meta",),
    )
)


def validate(
    report: Report,
    *,
    previous: Report | None = None,
    settings: RuleSettings | dict[str, Any] | None = None,
    select: Iterable[str] = (),
    ignore: Iterable[str] = (),
) -> ValidationReport:
    """Return the report's parse findings and every rule finding, filtered and sorted.

    ``select`` and ``ignore`` take codes (``requests-balance``), code prefixes ending in ``*``
    (``parse-*``) or tags (``#balance``); a comma-separated string works too. With ``select``
    only matching findings are kept; ``ignore`` then drops its matches. Rules whose findings
    would all be dropped are not run.
    """
    chosen = normalize_selectors(select)
    dropped = normalize_selectors(ignore)
    check_selectors(chosen + dropped)
    ctx = RuleContext(report, RuleSettings.resolve(settings), previous)
    filtered = bool(chosen or dropped)
    findings = [
        f for f in _known(report.findings) if not filtered or _wanted(f.kind, chosen, dropped)
    ]
    provenance = report.provenance
    append = findings.append
    for rule in RULES.values():
        if filtered and not _wanted(rule.kind, chosen, dropped):
            continue
        # a finding without a place is placed at its first cell (inline: no generator per rule)
        for finding in rule.check(report, ctx):
            if finding.location is None and finding.cells and finding.cells[0] in provenance:
                finding = dataclasses.replace(finding, location=provenance[finding.cells[0]])
            append(finding)
    return ValidationReport(findings, report)


_KNOWN_SELECTORS: set[str] = set()


def check_selectors(selectors: Iterable[str]) -> None:
    """Raise ``RuleSettingsError`` naming any selector that matches no finding kind.

    A mistyped code would otherwise select nothing (or ignore nothing) without a word.
    """
    unknown = [s for s in normalize_selectors(selectors) if not _known_selector(s)]
    if unknown:
        raise RuleSettingsError(
            f"未知的规则代码、前缀或标签：{', '.join(unknown)}（可用 xxgk rules 查看全部代码）",
            f"unknown rule code, prefix or tag: {', '.join(unknown)}",
        )


def _known_selector(selector: str) -> bool:
    if selector in _KNOWN_SELECTORS:
        return True
    if not any(matches(kind, selector) for kind in KINDS.values()):
        return False
    _KNOWN_SELECTORS.add(selector)
    return True


def _wanted(kind: FindingKind, chosen: tuple[str, ...], dropped: tuple[str, ...]) -> bool:
    if chosen and not any(matches(kind, s) for s in chosen):
        return False
    return not any(matches(kind, s) for s in dropped)


def _known(findings: list[Finding]) -> Iterator[Finding]:
    """Yield the findings; a code no module registered is wrapped as unknown."""
    for finding in findings:
        if finding.code in KINDS:
            yield finding
        else:
            yield _wrap_unknown(finding)


def _wrap_unknown(finding: Finding) -> Finding:
    note = finding.params.get("message") or "（无说明）"
    return dataclasses.replace(
        finding,
        code=UNKNOWN.code,
        params={**finding.params, "code": finding.code, "note": note},
        severity_override=None,
    )
