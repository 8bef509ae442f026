"""The per-file work of ingest, run in worker processes: read, hash, parse, match, check.

Everything that does not need the database happens here, so the main process only writes.
The unit list is handed to each worker once (``init_worker``), not with every file.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, Protocol

from xxgk.corpus.codec import cells_to_json, extra_to_json, finding_row, sections_to_json
from xxgk.corpus.names import UnitMatcher, name_key
from xxgk.errors import XxgkError
from xxgk.findings import Severity
from xxgk.model.report import Report

LATE_CODE = "published-late"
LATE_CODES = frozenset({LATE_CODE, "published-late-assumed"})
"""Late by the statutory deadline, or by the assumed 1月31日 of a township-level body."""


class UnitInfo(NamedTuple):
    """What the per-file work needs of a unit of the tree: its name (to match reports to
    it) and what its reports are validated by, its kind and local 年报 deadline."""

    id: int
    name: str
    kind: str | None
    report_deadline: str | None = None


class UnitLike(Protocol):
    """A unit of the tree as the validator settings need it (``UnitInfo`` or ``db.models.Unit``)."""

    @property
    def id(self) -> int: ...
    @property
    def kind(self) -> str | None: ...
    @property
    def report_deadline(self) -> str | None: ...


_UNITS: dict[int, UnitInfo] = {}
_MATCHER: UnitMatcher | None = None
_OCR = "auto"  # when scans are recognised in this process (see ``parse.ocr``)


@dataclass
class Payload:
    """A parsed and checked report ready to be written, or the reason it could not be read."""

    path: str
    source_hash: str
    error: str | None = None
    row: dict[str, Any] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)
    candidates: tuple[str, ...] = ()


def init_worker(units: dict[int, UnitInfo], ocr: str = "auto") -> None:
    """Remember the units ``{id: UnitInfo}`` for matching and validating in this process, and
    the OCR mode for reading."""
    global _MATCHER, _OCR
    _OCR = ocr
    _UNITS.clear()
    _UNITS.update(units)
    _MATCHER = UnitMatcher({i: unit.name for i, unit in units.items()})


def file_hash(path: str | os.PathLike[str]) -> str:
    """Return the SHA-256 of the file's bytes: the identity of a source file in the store."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_file(item: tuple[str, str]) -> Payload:
    """Return the payload of one ``(path, hash)``; an unusable file gives a one-line error."""
    from xxgk.batch import load_report

    path, digest = item
    try:
        report = load_report(path, _OCR)
        return prepare_report(report, path, digest)
    except XxgkError as exc:
        if exc.path is None:
            exc.path = path
        return Payload(path, digest, error=exc.describe())
    except Exception as exc:  # a bug must not stop a batch of thousands of files
        reason = f"处理时发生内部错误 (internal error {type(exc).__name__}: {exc})"
        return Payload(path, digest, error=f"{path}: {reason}")


def prepare_many(items: list[tuple[str, str]]) -> list[Payload]:
    return [prepare_file(item) for item in items]


def prepare_report(report: Report, path: str, digest: str, unit: UnitLike | None = None) -> Payload:
    """Match ``report`` to a unit, validate it with that unit's kind and local deadline and
    build its rows.

    ``unit`` is given when the report's unit is known already (a report published through
    the register, or collected for a unit): no name matching then.
    """
    from xxgk.rules import validate

    match = _MATCHER.match(report.organization) if _MATCHER and unit is None else None
    if unit is None and match is not None and match.unit_id is not None:
        unit = _UNITS.get(match.unit_id)
    unit_id = unit.id if unit is not None else (match.unit_id if match else None)
    settings = unit_settings(unit) if unit is not None else None
    validation = validate(report, settings=settings)
    findings = [finding_row(f) for f in validation.findings]
    report.source = report.source or path
    row = {
        "unit_id": unit_id,
        "organization": (report.organization or "")[:200],
        "name_key": name_key(report.organization)[:200],
        "year": report.year,
        "published": report.published,
        "format": report.format,
        "source": str(Path(path)),
        "source_hash": digest,
        "cells": cells_to_json(report.values),
        "sections": sections_to_json(report),
        "extra": extra_to_json(report),
        "errors": sum(1 for f in validation.findings if f.severity is Severity.ERROR),
        "warnings": sum(1 for f in validation.findings if f.severity is Severity.WARNING),
        "late": any(f.code in LATE_CODES for f in validation.findings),
    }
    candidates = match.candidates if match else ()
    return Payload(path, digest, row=row, findings=findings, candidates=candidates)


def unit_settings(unit: UnitLike) -> dict[str, Any] | None:
    """The validator settings of a unit of the tree: its kind and, for a township-level unit
    with a local rule, its 年报 deadline (``Unit.report_deadline``)."""
    settings = kind_settings(unit.kind)
    local = unit.report_deadline
    if settings is not None and local:
        settings["township_deadline"] = local
    return settings


def kind_settings(kind: str | None) -> dict[str, Any] | None:
    """The validator settings naming a unit's kind; None for a kind the validator does not
    know (the tree may hold a newer kind), so the validator guesses it from the name."""
    from xxgk.model.units import UnitKind

    try:
        return {"unit_kind": UnitKind.parse(kind)} if kind else None
    except ValueError:
        return None
