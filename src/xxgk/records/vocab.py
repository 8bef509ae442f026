"""Reading an officer's input: a choice named by its key or its label, a date; the kinds of
normative document that Table 二 counts (both the register and disclosure items name them)."""

from __future__ import annotations

import datetime as dt

from xxgk.errors import RegisterError
from xxgk.model.cells import ACTIVE_BLOCKS

DOCUMENT_KINDS = {row.key: row.label for row in ACTIVE_BLOCKS[0].rows}
"""规章 and 行政规范性文件: the rows of Table 二's first block."""


def pick(
    value: str | None,
    choices: dict[str, str],
    what: str,
    names: dict[str, tuple[str, ...]] | None = None,
) -> str:
    """Return the key of ``choices`` named by ``value`` (its key, label or one of ``names``)."""
    text = (value or "").strip()
    for key, label in choices.items():
        if text in (key, label, *(names or {}).get(key, ())):
            return key
    shown = "、".join(choices.values())
    raise RegisterError(f"{what}“{text}”无法识别，可选：{shown}", f"unknown {what}: {text!r}")


def parse_date(value: str | dt.date | None, what: str) -> dt.date | None:
    """Return ``value`` as a date (ISO text, or a date), None when empty."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise RegisterError(
            f"{what}“{value}”不是有效日期，应为YYYY-MM-DD", f"{what}: not a date: {value!r}"
        ) from None
