"""Findings as data: every problem the parser or a rule sees has a stable code.

A ``FindingKind`` is the catalogue entry (code, severity, Chinese title and message template,
why it matters, tags). A ``Finding`` is one occurrence: the kind's code, the cells involved,
expected and actual values, where in the source it was seen, and the template parameters.
The message is rendered from the kind's template, so the wording lives once, in the catalogue,
and the CLI, the web application and the JSON export all show the same text.
"""

from __future__ import annotations

import copyreg
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How bad a finding is: an error breaks the law or the format; info is a remark."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def label(self) -> str:
        return {"error": "错误", "warning": "警告", "info": "提示"}[self.value]

    @property
    def rank(self) -> int:
        return {"error": 0, "warning": 1, "info": 2}[self.value]


@dataclass(frozen=True)
class Location:
    """Where in the source something was read.

    Text sources fill ``line`` and ``column`` (1-based); HTML/DOCX fill ``table``, ``row`` and
    ``cell`` (0-based indexes); PDF fills ``page`` (1-based) and ``bbox`` (x0, top, x1, bottom).
    ``text`` is the raw source text of the place, for people to recognise it. ``confidence``
    (0…1) is the text recogniser's certainty for a place read by OCR from a page image, else
    None: a reading below the threshold of ``parse.ocr_doubt`` is flagged, never trusted.
    """

    line: int | None = None
    column: int | None = None
    page: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    table: int | None = None
    row: int | None = None
    cell: int | None = None
    sheet: str | None = None
    text: str | None = None
    confidence: float | None = None

    def describe(self) -> str:
        """Return the place in Chinese, e.g. ``第12行第3列`` or ``第2页``."""
        parts = []
        if self.sheet is not None:
            parts.append(f"工作表“{self.sheet}”")
        if self.page is not None:
            parts.append(f"第{self.page}页")
        if self.table is not None:
            parts.append(f"第{self.table + 1}个表格")
        if self.row is not None:
            parts.append(f"第{self.row + 1}行")
        if self.cell is not None:
            parts.append(f"第{self.cell + 1}格")
        if self.line is not None:
            parts.append(f"第{self.line}行")
        if self.column is not None:
            parts.append(f"第{self.column}列")
        return "".join(parts) or "全文"

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Location:
        data = dict(data)
        if data.get("bbox") is not None:
            data["bbox"] = tuple(data["bbox"])
        return cls(**data)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle a text place (line, column, text) as three values.

        Batches send a few hundred places per report back from worker processes; the
        default pickle writes and reads a ten-entry state dict for each.
        """
        state = self.__dict__
        if (
            len(state) == 10
            and state["page"] is None
            and state["bbox"] is None
            and state["table"] is None
            and state["row"] is None
            and state["cell"] is None
            and state["sheet"] is None
            and state["confidence"] is None
            and type(self) is Location
        ):
            return _text_location, (state["line"], state["column"], state["text"])
        return copyreg.__newobj__, (type(self),), dict(state)  # type: ignore[attr-defined]


def _text_location(line: int | None, column: int | None, text: str | None) -> Location:
    """Unpickle a text place (see ``Location.__reduce__``)."""
    return quick_location(line=line, column=column, text=text)


_NO_PLACE = {f.name: f.default for f in fields(Location)}
"""Every field of a ``Location`` with its default (all None): what ``quick_location`` fills."""


def quick_location(**given: Any) -> Location:
    """Return ``Location(**given)``, built by filling its ``__dict__``: the very same object
    (equal, same hash, pickled the same), without the frozen dataclass's per-field
    ``object.__setattr__``. The readers build hundreds of places a page, and the generated
    ``__init__`` was a fifth of the text reader's time."""
    loc = object.__new__(Location)
    state = loc.__dict__
    state.update(_NO_PLACE)
    state.update(given)
    return loc


@dataclass(frozen=True)
class FindingKind:
    """A catalogue entry: what a code means, how bad it is and how to say it in Chinese."""

    code: str
    severity: Severity
    title: str
    template: str
    description: str = ""
    tags: tuple[str, ...] = ()
    basis: str = ""


KINDS: dict[str, FindingKind] = {}
"""Every finding kind, by code: parser kinds and rule kinds alike."""


def register_kind(kind: FindingKind) -> FindingKind:
    """Add ``kind`` to the catalogue; a code may be registered only once."""
    if kind.code in KINDS and KINDS[kind.code] != kind:
        raise ValueError(f"finding code registered twice: {kind.code}")
    KINDS[kind.code] = kind
    return kind


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


@dataclass(frozen=True)
class Finding:
    """One thing a parser or a rule saw in one report."""

    code: str
    cells: tuple[str, ...] = ()
    expected: Any = None
    actual: Any = None
    location: Location | None = None
    params: dict[str, Any] = field(default_factory=dict)
    severity_override: Severity | None = None

    @property
    def kind(self) -> FindingKind:
        return KINDS[self.code]

    @property
    def severity(self) -> Severity:
        return self.severity_override or self.kind.severity

    @property
    def message(self) -> str:
        values = _SafeDict(self.params)
        values.setdefault("expected", _show(self.expected))
        values.setdefault("actual", _show(self.actual))
        values.setdefault("place", self.location.describe() if self.location else "")
        return self.kind.template.format_map(values)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "cells": list(self.cells),
        }
        if self.expected is not None:
            out["expected"] = _jsonable(self.expected)
        if self.actual is not None:
            out["actual"] = _jsonable(self.actual)
        if self.location is not None:
            out["location"] = self.location.to_dict()
        if self.params:
            out["params"] = {k: _jsonable(v) for k, v in self.params.items()}
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        severity = data.get("severity")
        kind = KINDS.get(data["code"])
        override = None
        if severity and kind is not None and severity != kind.severity.value:
            override = Severity(severity)
        loc = data.get("location")
        return cls(
            code=data["code"],
            cells=tuple(data.get("cells", ())),
            expected=data.get("expected"),
            actual=data.get("actual"),
            location=Location.from_dict(loc) if loc else None,
            params=dict(data.get("params", {})),
            severity_override=override,
        )


def _show(value: Any) -> str:
    if value is None:
        return "空"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _jsonable(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    return value


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Return findings ordered by severity, then by their place in the source."""

    def key(f: Finding) -> tuple[int, int, str]:
        line = f.location.line if f.location and f.location.line is not None else 10**9
        return (f.severity.rank, line, f.code)

    return sorted(findings, key=key)
