"""Roll-up across units, as pure functions over ``Report`` objects (no database here).

    combine(reports, organization=..., year=...) -> Report     the cell-by-cell sum
    member_status(members, submissions) -> [MemberStatus]     reported / missing / late / errors
    compare(own, computed) -> [Finding]                        cells where a unit's report differs

The corpus store (``xxgk.corpus.rollup``) finds the members and their reports and calls these.
"""

from xxgk.aggregate.combine import combine, named, summary_sections
from xxgk.aggregate.compare import compare
from xxgk.aggregate.kinds import DIFFERS, MISSING, PARTIAL
from xxgk.aggregate.status import (
    Member,
    MemberStatus,
    Status,
    Submission,
    count_by_status,
    member_status,
)

__all__ = [
    "DIFFERS",
    "MISSING",
    "PARTIAL",
    "Member",
    "MemberStatus",
    "Status",
    "Submission",
    "combine",
    "compare",
    "count_by_status",
    "member_status",
    "named",
    "summary_sections",
]
