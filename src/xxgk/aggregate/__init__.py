"""Roll-up across units, as pure functions over ``Report`` objects (no database here).

    combine(reports, organization=..., year=...) -> Report     the cell-by-cell sum
    member_status(members, submissions) -> [MemberStatus]     reported / missing / late / errors
    compare(own, computed) -> [Finding]                        cells where a unit's report differs
    compare_scoped(own, computed, scope) -> [Finding]         the same, 本级 / 全口径 aware

The corpus store (``xxgk.corpus.rollup``) finds the members and their reports and calls these.
"""

from xxgk.aggregate.combine import combine, named, summary_sections
from xxgk.aggregate.compare import compare
from xxgk.aggregate.kinds import DIFFERS, MISSING, PARTIAL
from xxgk.aggregate.scope import (
    DEFAULT_SCOPE,
    ReportScope,
    ScopedCell,
    compare_scoped,
    scope_of,
    scoped_cells,
)
from xxgk.aggregate.status import (
    Member,
    MemberStatus,
    Status,
    Submission,
    count_by_status,
    member_status,
)

__all__ = [
    "DEFAULT_SCOPE",
    "DIFFERS",
    "MISSING",
    "PARTIAL",
    "ReportScope",
    "ScopedCell",
    "Member",
    "MemberStatus",
    "Status",
    "Submission",
    "combine",
    "compare",
    "compare_scoped",
    "count_by_status",
    "member_status",
    "named",
    "scope_of",
    "scoped_cells",
    "summary_sections",
]
