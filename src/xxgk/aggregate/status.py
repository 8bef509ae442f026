"""Which member units reported for a year: reported, missing, late, with errors.

A unit without a report is *missing*: it is listed and left out of every sum, never counted as
zero. A unit can be late and have errors at once; both are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    """The state of a member's report for the year; the label is what people read."""

    REPORTED = "reported"
    MISSING = "missing"
    LATE = "late"
    ERRORS = "errors"

    @property
    def label(self) -> str:
        return {"reported": "已报送", "missing": "缺报", "late": "逾期", "errors": "有错误"}[
            self.value
        ]


@dataclass(frozen=True)
class Member:
    """A unit below the roll-up unit."""

    unit_id: int
    name: str
    kind: str = ""
    depth: int = 1


@dataclass(frozen=True)
class Submission:
    """What the store knows of a member's current report for the year."""

    errors: int = 0
    late: bool = False
    published: dt.date | None = None
    source: str = ""
    version: int = 1


@dataclass(frozen=True)
class MemberStatus:
    """A member, the states of its report and the report's facts (None when missing)."""

    member: Member
    statuses: tuple[Status, ...]
    submission: Submission | None

    @property
    def label(self) -> str:
        return "、".join(s.label for s in self.statuses)

    def to_dict(self) -> dict[str, object]:
        sub = self.submission
        return {
            "unit": self.member.name,
            "kind": self.member.kind,
            "status": [s.value for s in self.statuses],
            "label": self.label,
            "errors": sub.errors if sub else None,
            "published": sub.published.isoformat() if sub and sub.published else None,
            "source": sub.source if sub else None,
        }


def member_status(
    members: Sequence[Member], submissions: Mapping[int, Submission]
) -> list[MemberStatus]:
    """Return the status of every member, in the given order."""
    out = []
    for member in members:
        sub = submissions.get(member.unit_id)
        out.append(MemberStatus(member, _statuses(sub), sub))
    return out


def _statuses(sub: Submission | None) -> tuple[Status, ...]:
    if sub is None:
        return (Status.MISSING,)
    found = [Status.REPORTED]
    if sub.late:
        found.append(Status.LATE)
    if sub.errors:
        found.append(Status.ERRORS)
    return tuple(found)


def count_by_status(statuses: Sequence[MemberStatus]) -> dict[Status, int]:
    """Return how many members are in each state (a member may count in two)."""
    counts = dict.fromkeys(Status, 0)
    for item in statuses:
        for status in item.statuses:
            counts[status] += 1
    return counts
