"""The rule registry: a rule is a generator function registered with ``@rule``.

The decorator records the rule's catalogue entry once, as a ``FindingKind`` in
``xxgk.findings.KINDS`` (so every finding renders its message from one template), and adds the
check to ``RULES``. Rule modules are imported explicitly by ``xxgk.rules``; nothing is found by
reflection.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from xxgk import parse_findings as parse_findings  # the parser's kinds, in the catalogue
from xxgk.findings import KINDS, Finding, FindingKind, Severity, register_kind

if TYPE_CHECKING:
    from xxgk.model.report import Report
    from xxgk.rules.context import RuleContext

Check = Callable[["Report", "RuleContext"], Iterator[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named check: its catalogue entry (``kind``) and the function that finds defects."""

    kind: FindingKind
    check: Check

    @property
    def code(self) -> str:
        return self.kind.code

    @property
    def severity(self) -> Severity:
        return self.kind.severity

    @property
    def title(self) -> str:
        return self.kind.title

    @property
    def description(self) -> str:
        return self.kind.description

    @property
    def tags(self) -> tuple[str, ...]:
        return self.kind.tags

    @property
    def basis(self) -> str:
        return self.kind.basis


RULES: dict[str, Rule] = {}
"""Every validator rule by code, in registration (documentation) order."""


def rule(
    *,
    code: str,
    severity: Severity,
    title: str,
    template: str,
    description: str,
    tags: Iterable[str] = (),
    basis: str = "",
) -> Callable[[Check], Check]:
    """Register the decorated generator as the rule ``code``; a code may be used only once."""
    kind = FindingKind(code, severity, title, template, description, tuple(tags), basis)

    def register(check: Check) -> Check:
        if code in RULES:
            raise ValueError(f"rule code registered twice: {code}")
        if not description:
            raise ValueError(f"rule {code} has no description")
        register_kind(kind)
        RULES[code] = Rule(kind, check)
        return check

    return register


def matches(kind: FindingKind, selector: str) -> bool:
    """True when ``selector`` (a code, a ``prefix*`` or a ``#tag``) names ``kind``."""
    if selector.startswith("#"):
        return selector in kind.tags
    if selector.endswith("*"):
        return kind.code.startswith(selector[:-1])
    return kind.code == selector


def normalize_selectors(selectors: Iterable[str] | str) -> tuple[str, ...]:
    """Return the selectors as a tuple, splitting comma-separated strings (as the CLI gives)."""
    if isinstance(selectors, str):
        selectors = (selectors,)
    out: list[str] = []
    for item in selectors:
        out += [s.strip() for s in str(item).split(",") if s.strip()]
    return tuple(out)


def catalogue() -> list[FindingKind]:
    """Return every finding kind: the rules in documentation order, then the others
    (the parser's ``parse-*`` kinds and the rest) by code."""
    rule_kinds = [r.kind for r in RULES.values()]
    others = sorted((k for k in KINDS.values() if k.code not in RULES), key=lambda k: k.code)
    return rule_kinds + others
