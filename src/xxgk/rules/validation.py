"""The outcome of validating one report: its findings, sorted, with counts and exports."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from xxgk.findings import Finding, Severity
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report

_CELL_ORDER = {key: i for i, key in enumerate(CELL_KEYS)}


@dataclass
class ValidationReport:
    """Findings of the parser and the rules for one report.

    ``valid`` means no finding of severity error; warnings and infos do not make a report
    invalid. Findings are sorted by severity, then by their place (source line, else the printed
    order of the first cell involved), then by code.
    """

    findings: list[Finding] = field(default_factory=list)
    report: Report | None = None

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=_sort_key)

    @property
    def valid(self) -> bool:
        return not any(f.severity is Severity.ERROR for f in self.findings)

    @property
    def errors(self) -> list[Finding]:
        return self._of(Severity.ERROR)

    @property
    def warnings(self) -> list[Finding]:
        return self._of(Severity.WARNING)

    @property
    def infos(self) -> list[Finding]:
        return self._of(Severity.INFO)

    @property
    def codes(self) -> list[str]:
        """The codes of the findings, in order (with repeats)."""
        return [f.code for f in self.findings]

    def _of(self, severity: Severity) -> list[Finding]:
        return [f for f in self.findings if f.severity is severity]

    def __len__(self) -> int:
        return len(self.findings)

    def stats(self) -> dict[str, Any]:
        """Return counts: ``total``, ``error``/``warning``/``info`` and ``by_code``."""
        by_severity = Counter(f.severity.value for f in self.findings)
        out: dict[str, Any] = {"total": len(self.findings)}
        out.update({s.value: by_severity.get(s.value, 0) for s in Severity})
        out["by_code"] = dict(sorted(Counter(f.code for f in self.findings).items()))
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON shape of the CLI and the web API."""
        report = self.report
        return {
            "source": report.source if report else None,
            "organization": report.organization if report else None,
            "year": report.year if report else None,
            "valid": self.valid,
            "stats": self.stats(),
            "findings": [f.to_dict() for f in self.findings],
        }

    def flatten(self, fields: list[str] | tuple[str, ...] = ("code", "cell")) -> list[list[Any]]:
        """Return one list of the chosen fields per finding, for terse asserts and tables.

        Fields: any ``Finding`` attribute (``code``, ``severity``, ``cells``, ``expected``,
        ``actual``, ``message``), ``cell`` (the first cell), ``line`` and ``title``.
        """
        return [[_field(f, name) for name in fields] for f in self.findings]


def _field(finding: Finding, name: str) -> Any:
    if name == "cell":
        return finding.cells[0] if finding.cells else None
    if name == "line":
        return finding.location.line if finding.location else None
    if name == "title":
        return finding.kind.title
    if name == "severity":
        return finding.severity.value
    return getattr(finding, name)


def _sort_key(finding: Finding) -> tuple[int, int, int, str]:
    location = finding.location
    line = location.line if location and location.line is not None else 10**9
    if location and location.page is not None and location.line is None:
        line = location.page * 10**6
    cell = _CELL_ORDER.get(finding.cells[0], 10**6) if finding.cells else 10**6
    return (finding.severity.rank, line, cell, finding.code)
