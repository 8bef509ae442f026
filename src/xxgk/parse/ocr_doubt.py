"""Doubtful OCR readings: flagged with their candidates, never silently corrected.

A value read by OCR is doubted when the recogniser was unsure of it (its confidence is
below ``LOW_CONFIDENCE``), when a 勾稽 relation it takes part in does not hold, or when its
row came out with the wrong count of numbers. The relations may *confirm* an unsure reading
(every relation through it holds, with its other cells read surely) but never replace one:
the value stays as read, and the finding lists what it may be instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from xxgk import parse_findings as fk
from xxgk.findings import Finding, Location
from xxgk.model.cells import RELATIONS, Relation, cell_title
from xxgk.model.report import Report, Value
from xxgk.parse_findings import OCR_DOUBT, OCR_UNREAD

LOW_CONFIDENCE = 0.9
"""Below this confidence a reading is doubted unless the relations confirm it. Measured on
the fixtures (benchmarks/ocr.py): every misread digit scored under it, and a lone "0" in a
cell, often read correctly at 0.75–0.9, is confirmed by its row and column totals."""

LOOKALIKE = str.maketrans(
    {
        "O": "0",
        "o": "0",
        "D": "0",
        "l": "1",
        "I": "1",
        "|": "1",
        "Z": "2",
        "S": "5",
        "s": "5",
        "B": "8",
        "g": "9",
        "q": "9",
    }
)
"""Letters the recogniser gives for digits; offered as a candidate, never applied."""


@dataclass
class Doubt:
    key: str
    reasons: list[str] = field(default_factory=list)
    candidates: list[str] = field(default_factory=list)

    def add(self, reason: str, *candidates: str) -> None:
        if reason not in self.reasons:
            self.reasons.append(reason)
        for candidate in candidates:
            if candidate not in self.candidates:
                self.candidates.append(candidate)


def review_ocr(
    report: Report,
    findings: list[Finding],
    others: dict[Any, tuple[str, ...]] | None = None,
) -> None:
    """Append a ``parse-ocr-doubt`` finding for every OCR'd value that cannot be trusted;
    ``others`` are the recogniser's other readings by ``(page, bbox)`` of a cell."""
    others = others or {}
    confidence = {
        key: loc.confidence
        for key, loc in report.provenance.items()
        if loc.confidence is not None and key in report.values
    }
    if not confidence:
        return
    doubts: dict[str, Doubt] = {}

    def doubt(key: str) -> Doubt:
        if key not in doubts:
            loc = report.provenance.get(key)
            seen = others.get((loc.page, loc.bbox), ()) if loc else ()
            value = report.values.get(key)
            doubts[key] = Doubt(
                key, candidates=[*([str(value)] if value is not None else []), *seen]
            )
        return doubts[key]

    for key, score in confidence.items():
        if score < LOW_CONFIDENCE and not _confirmed(report, key, confidence):
            doubt(key).add(f"识别把握不足（置信度{score:.2f}）")
    for relation in RELATIONS:
        _check_relation(report, relation, confidence, doubt)
    for finding in list(findings):
        _check_row_finding(report, finding, doubt)
    _key_unread_marks(findings, doubt)
    for key, item in doubts.items():
        findings.append(
            Finding(
                OCR_DOUBT,
                (key,),
                actual=report.values.get(key),
                location=report.provenance.get(key),
                params={
                    "cell": cell_title(key),
                    "actual": _show(report.values.get(key)),
                    "reason": "，".join(item.reasons),
                    "candidates": "、".join(item.candidates) or "无法确定",
                },
            )
        )


def _show(value: Value) -> str:
    return "（空）" if value is None else str(value)


def _sides(report: Report, relation: Relation) -> tuple[Any, Any] | None:
    values = [report.values.get(k) for k in relation.total + relation.parts]
    if any(v is None for v in values):
        return None
    total = sum(report.values[k] or 0 for k in relation.total)
    parts = sum(report.values[k] or 0 for k in relation.parts)
    return total, parts


def _confirmed(report: Report, key: str, confidence: dict[str, float]) -> bool:
    """Return True when a relation through ``key`` holds and its other cells were read
    surely: the totals agree with this reading, so it stands."""
    for relation in RELATIONS:
        cells = relation.total + relation.parts
        if key not in cells:
            continue
        sides = _sides(report, relation)
        if sides is None or sides[0] != sides[1]:
            continue
        others = [k for k in cells if k != key]
        if all(confidence.get(k, 1.0) >= LOW_CONFIDENCE for k in others):
            return True
    return False


def _check_relation(
    report: Report,
    relation: Relation,
    confidence: dict[str, float],
    doubt: Callable[[str], Doubt],
) -> None:
    """Doubt the least sure OCR'd cell of a relation that does not hold, offering the value
    that would make it hold (a candidate only: the relation never writes a value)."""
    sides = _sides(report, relation)
    if sides is None or sides[0] == sides[1]:
        return
    read = [k for k in relation.total + relation.parts if k in confidence]
    if not read:
        return
    suspect = min(read, key=lambda k: (confidence[k], k not in relation.total))
    total, parts = sides
    value = report.values[suspect] or 0
    implied = value + (parts - total) if suspect in relation.total else value + (total - parts)
    candidates = [str(implied)] if implied >= 0 and implied != value else []
    doubt(suspect).add(f"与勾稽关系不符（{relation.description}）", *candidates)


def _check_row_finding(report: Report, finding: Finding, doubt: Callable[[str], Doubt]) -> None:
    """Doubt the cells of a row read with too few or too many numbers, or a number that is
    no number (a letter the recogniser gave for a digit)."""
    location: Location | None = finding.location
    if location is None or location.confidence is None:
        return
    if finding.code in (fk.ROW_SHORT, fk.ROW_SURPLUS):
        for key in finding.cells:
            if key in report.values:
                doubt(key).add("该行识别出的数字个数与列数不符")
    elif finding.code == fk.VALUE_INVALID:
        text = str(finding.params.get("text", ""))
        digits = text.translate(LOOKALIKE)
        for key in finding.cells:
            if key in report.values:
                candidates = [digits] if digits.isdigit() else []
                doubt(key).add(f"识别出的“{text}”不是数字", *candidates)


def _key_unread_marks(findings: list[Finding], doubt: Callable[[str], Doubt]) -> None:
    """Turn a mark the recogniser could not read (``parse-ocr-unread``, found by the reader
    without knowing the cell) into a doubt about the cell read blank at that place."""
    unread = {
        (f.location.page, f.location.bbox): f
        for f in findings
        if f.code == OCR_UNREAD and f.location is not None
    }
    for finding in findings:
        if finding.code != fk.CELL_BLANK or finding.location is None:
            continue
        mark = unread.get((finding.location.page, finding.location.bbox))
        if mark is None:
            continue
        for key in finding.cells:
            doubt(key).add("单元格中有字迹，但未能识别")
        if mark in findings:
            findings.remove(mark)
