"""The validator: named rules that judge a report, and ``validate`` that runs them.

    validate(report, previous=None, settings=None, select=(), ignore=()) -> ValidationReport

Each rule is a generator registered with ``@rule`` (``registry.py``); its catalogue entry is a
``FindingKind`` in ``xxgk.findings.KINDS``. Rule modules are grouped by table or topic and
imported here explicitly, in documentation order. ``catalogue()`` lists every finding kind
(rules and the parser's ``parse-*``) for the docs and the CLI.
"""

from __future__ import annotations

# The rule modules, imported for their @rule registrations, in documentation order.
# isort: off
from xxgk.rules import (  # noqa: F401
    requests,
    review,
    values,
    active,
    sections,
    deadline,
    metadata,
    narrative,
    content,
    previous,
)

# isort: on
from xxgk.rules.context import RuleContext
from xxgk.rules.registry import RULES, Rule, catalogue, rule
from xxgk.rules.settings import RuleSettings, RuleSettingsError
from xxgk.rules.validate import check_selectors, validate
from xxgk.rules.validation import ValidationReport

__all__ = [
    "RULES",
    "Rule",
    "RuleContext",
    "RuleSettings",
    "RuleSettingsError",
    "ValidationReport",
    "catalogue",
    "check_selectors",
    "rule",
    "validate",
]
