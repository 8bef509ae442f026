"""The register (台账) of disclosure applications, its statutory clock and the annual tables.

The clock (``calendar``, ``deadline``) and the fee calculator (``fees``) are pure; everything
else works on a database session through keyword-only repository functions that check rights,
respect the year lock and write the audit log.
"""

from xxgk.register.applications import (
    get_application,
    list_applications,
    register_application,
    update_application,
    void_application,
)
from xxgk.register.calendar import Calendar
from xxgk.register.checks import check_register, check_report
from xxgk.register.compile import compile_report
from xxgk.register.deadline import ApplicationFacts, Deadline, compute_deadline
from xxgk.register.events import add_event
from xxgk.register.publish import publish_report, reopen_year

# Every session raises the revision of each application it writes (imported with the package,
# so before any module of it can write one: the desk's and the badge's kept answers rely on it).
from xxgk.register import revision as _revision  # noqa: E402,F401  isort: skip

__all__ = [
    "ApplicationFacts",
    "Calendar",
    "Deadline",
    "add_event",
    "check_register",
    "check_report",
    "compile_report",
    "compute_deadline",
    "get_application",
    "list_applications",
    "publish_report",
    "register_application",
    "reopen_year",
    "update_application",
    "void_application",
]
