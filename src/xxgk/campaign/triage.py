"""Triage: the supervising office marks each finding 确认 (a real defect the unit must fix) or
驳回 (not a defect, e.g. a rule that does not fit the unit), with a reason.

A finding is named by its *key* (its code and the cells it points at) and what it saw by its
*fingerprint* (the values of those cells, its expected and actual values). A mark is stored
against the unit, the year, the key and the fingerprint — not against one stored version — so
when the unit sends a corrected report and the finding is still there on an unchanged cell, the
mark follows it into the new version; when the cell changed, the old mark no longer applies and
is shown as "需重新核对". Marks are never updated: a new mark supersedes the older one and both
stay, each with its audit entry (who, when, why).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.campaign.models import FindingMark
from xxgk.db import audit
from xxgk.db.access import in_subtree
from xxgk.db.models import Role, Unit, User
from xxgk.errors import RegisterError
from xxgk.findings import Finding
from xxgk.model.report import Report

TRIAGERS = frozenset({Role.SUPERVISOR, Role.ADMIN})
"""Who may mark findings: the supervising office (within its subtree) and administrators."""
MAX_REASON = 500


class Verdict(StrEnum):
    """A supervisor's decision on a finding; the label is what people read."""

    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"

    @property
    def label(self) -> str:
        return "确认" if self is Verdict.CONFIRMED else "驳回"

    @classmethod
    def parse(cls, text: str) -> Verdict:
        """Return the verdict named by ``text`` (its value or its Chinese label)."""
        for verdict in cls:
            if text.strip() in (verdict.value, verdict.label):
                return verdict
        raise RegisterError(f"标记只能是“确认”或“驳回”，收到“{text}”", f"unknown verdict {text!r}")


def finding_key(finding: Finding) -> str:
    """Return the name of ``finding`` that stays the same from one version to the next: its
    code and cells, or, for a finding on no cell, its code and parameters."""
    if finding.cells:
        return f"{finding.code}|{','.join(finding.cells)}"
    params = json.dumps(finding.params, sort_keys=True, ensure_ascii=False, default=str)
    return f"{finding.code}|@{hashlib.sha256(params.encode()).hexdigest()[:12]}"


def fingerprint(report: Report, finding: Finding) -> str:
    """Return a digest of what ``finding`` saw in ``report``: its cells' values and its
    expected and actual values (and, on no cell, its place in the text)."""
    seen: dict[str, Any] = {
        "cells": [str(report.values.get(key)) for key in finding.cells],
        "expected": str(finding.expected),
        "actual": str(finding.actual),
    }
    if not finding.cells:
        seen["place"] = finding.location.text if finding.location else None
        seen["params"] = {k: str(v) for k, v in sorted(finding.params.items())}
    body = json.dumps(seen, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(body.encode()).hexdigest()


def keyed(findings: Iterable[Finding]) -> list[tuple[str, Finding]]:
    """Return ``(key, finding)`` pairs; a key repeated within one report gets ``#2``, ``#3``…"""
    seen: dict[str, int] = {}
    out = []
    for finding in findings:
        key = finding_key(finding)
        seen[key] = seen.get(key, 0) + 1
        out.append((key if seen[key] == 1 else f"{key}#{seen[key]}", finding))
    return out


@dataclass(frozen=True)
class Triaged:
    """A finding of the current report with the mark that applies to it, if any."""

    key: str
    finding: Finding
    fingerprint: str
    mark: FindingMark | None
    """The newest mark on this finding, when it was made on what the finding still sees."""
    stale: FindingMark | None
    """The newest mark, when the finding's cells changed since: it no longer applies."""
    version: int | None

    @property
    def verdict(self) -> Verdict | None:
        return Verdict(self.mark.verdict) if self.mark else None

    @property
    def carried(self) -> bool:
        """True when the mark was made on an earlier version and follows the finding here."""
        return self.mark is not None and self.mark.version != self.version

    def describe(self) -> str:
        """Return the mark as a line for people (and the exports)."""
        if self.mark is not None:
            where = f"（沿用第{self.mark.version}版的标记）" if self.carried else ""
            return f"{Verdict(self.mark.verdict).label}{where}"
        if self.stale is not None:
            was = Verdict(self.stale.verdict).label
            return f"需重新核对（第{self.stale.version}版曾标记为{was}，单元格已变化）"
        return "未标记"


def marks(session: Session, unit: Unit, year: int) -> list[FindingMark]:
    """Return every mark on ``unit``'s findings of ``year``, oldest first."""
    query = select(FindingMark).where(FindingMark.unit_id == unit.id, FindingMark.year == year)
    return list(session.scalars(query.order_by(FindingMark.id)))


def triaged(
    session: Session,
    unit: Unit,
    year: int,
    report: Report,
    findings: Sequence[Finding],
    version: int | None,
) -> list[Triaged]:
    """Return ``findings`` of ``unit``'s report ``version`` for ``year`` with their marks."""
    newest = {m.finding_key: m for m in marks(session, unit, year)}
    out = []
    for key, finding in keyed(findings):
        seen = fingerprint(report, finding)
        mark = newest.get(key)
        same = mark is not None and mark.fingerprint == seen
        out.append(
            Triaged(key, finding, seen, mark if same else None, None if same else mark, version)
        )
    return out


def check_actor(actor: User | None, unit: Unit) -> User:
    """Return ``actor`` when they may mark ``unit``'s findings, else refuse."""
    if actor is None or not actor.active or Role(actor.role) not in TRIAGERS:
        raise RegisterError(
            "只有督查（政务公开办）和系统管理员可以标记问题", "only supervisors may triage findings"
        )
    if Role(actor.role) is not Role.ADMIN and not in_subtree(unit, actor.unit_id):
        raise RegisterError(
            f"单位“{unit.name}”不在您的督查范围内", f"unit {unit.code!r} is outside the scope"
        )
    return actor


def _check_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise RegisterError("请填写标记理由", "a reason is required")
    if len(text) > MAX_REASON:
        raise RegisterError(
            f"标记理由不能超过{MAX_REASON}字", f"reason longer than {MAX_REASON} characters"
        )
    return text


def record_mark(
    *,
    session: Session,
    actor: User | None,
    unit: Unit,
    year: int,
    item: Triaged,
    verdict: Verdict,
    reason: str,
    source: str = "",
) -> FindingMark:
    """Store ``actor``'s ``verdict`` on ``item`` (a finding of ``unit``'s current report for
    ``year``) with ``reason``; audited. Refused outside the actor's scope or without reason."""
    person = check_actor(actor, unit)
    mark = FindingMark(
        unit_id=unit.id,
        year=year,
        finding_key=item.key,
        fingerprint=item.fingerprint,
        verdict=verdict.value,
        reason=_check_reason(reason),
        marked_by=person.username,
        version=item.version,
        source=source[:100],
    )
    return audit.add_created(session=session, actor=person, entity="finding_mark", row=mark)
