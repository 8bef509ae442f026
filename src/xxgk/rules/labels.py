"""Names used in messages, taken from ``model/cells.py`` so that no label is spelled twice."""

from __future__ import annotations

from xxgk.model.cells import (
    G_OTHER,
    OUTCOME_ROWS,
    REQUEST_COLUMNS,
    REQUEST_ROW_BY_KEY,
    REVIEW_COLUMNS,
    SECTION_BY_KEY,
)

HANDLED = REQUEST_ROW_BY_KEY["total_handled"].printed
"""（七）总计"""
CARRIED_FORWARD = REQUEST_ROW_BY_KEY["carried_forward"].label
CARRIED_OVER = REQUEST_ROW_BY_KEY["carried_over"].label
NEW = REQUEST_ROW_BY_KEY["new"].label
UNPAID = REQUEST_ROW_BY_KEY["other_no_fee"].label
TOTAL = REQUEST_COLUMNS[-1].label
FIRST_OUTCOME = OUTCOME_ROWS[0].printed
LAST_OUTCOME_GROUP = G_OTHER
REVIEW_PARTS = "、".join(c.label for c in REVIEW_COLUMNS[:4])


def section_name(key: str) -> str:
    """Return ``第五部分“存在的主要问题及改进情况”`` for a section key."""
    section = SECTION_BY_KEY[key]
    return f"第{section.number}部分“{section.title}”"
