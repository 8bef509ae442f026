"""Settings of the validator: the unit kind, deadlines and thresholds, with their defaults."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Any

from xxgk.errors import XxgkError
from xxgk.model.units import UnitKind


class RuleSettingsError(XxgkError, ValueError):
    """Raised when a validator setting is unknown or has an unusable value."""


MonthDay = tuple[int, int]


@dataclass(frozen=True)
class RuleSettings:
    """What the validator cannot read from a report and must be told (or assume).

    ``unit_kind`` is the kind of the 报告主体 (else guessed from the name). ``deadline`` replaces
    the publication deadline (month, day of the next year) for this report; ``township_deadline``
    is the local rule for 乡镇/街道 set by the supervising office (the 条例 fixes none); unset, the
    common 1月31日 is assumed and lateness by it is only a warning.
    ``roll_to_workday`` moves a deadline falling on a rest day to the next working day (off by
    default: the 条例 names a calendar date). Fee limits are in 万元, the unit of Table 二.
    """

    unit_kind: UnitKind | None = None
    deadline: MonthDay | None = None
    township_deadline: MonthDay | None = None
    roll_to_workday: bool = False
    similarity_threshold: float = 0.8
    shingle_size: int = 6
    min_problems_chars: int = 120
    fee_limit_township: float = 500.0
    fee_limit: float = 50_000.0
    fee_limit_province: float = 1_000_000.0
    unreadable_share: float = 0.1

    def __post_init__(self) -> None:
        if self.unit_kind is not None:
            object.__setattr__(self, "unit_kind", _parse_kind(self.unit_kind))
        for name in ("deadline", "township_deadline"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _parse_month_day(name, value))
        if not 0.0 < self.similarity_threshold <= 1.0:
            raise _bad("similarity_threshold", self.similarity_threshold, "0 < 阈值 ≤ 1")
        if self.shingle_size < 1:
            raise _bad("shingle_size", self.shingle_size, "≥ 1")
        if not 0.0 <= self.unreadable_share <= 1.0:
            raise _bad("unreadable_share", self.unreadable_share, "0 ≤ 比例 ≤ 1")

    @classmethod
    def resolve(cls, value: RuleSettings | dict[str, Any] | None) -> RuleSettings:
        """Return settings from None (defaults), a dict of field values, or settings."""
        if value is None:
            return _defaults() if cls is RuleSettings else cls()
        if isinstance(value, RuleSettings):
            return value
        if isinstance(value, dict):
            known = {f.name for f in dataclasses.fields(cls)}
            unknown = sorted(set(value) - known)
            if unknown:
                raise RuleSettingsError(
                    f"未知的校验设置：{', '.join(unknown)}",
                    f"unknown validator settings: {', '.join(unknown)}; "
                    f"known: {', '.join(sorted(known))}",
                )
            return cls(**value)
        raise RuleSettingsError(
            "校验设置应为字典或 RuleSettings", f"settings must be a dict or RuleSettings: {value!r}"
        )


@cache
def _defaults() -> RuleSettings:
    """The default settings, made once: every validation without settings asks for them,
    and they cannot change (frozen)."""
    return RuleSettings()


SETTINGS_HELP: dict[str, str] = {
    "unit_kind": (
        "报告主体类别（" + "、".join(k.value for k in UnitKind) + "）；不设置时根据名称推测"
    ),
    "deadline": "本报告的公开期限（次年的月-日，如 1-31），覆盖按主体类别确定的期限",
    "township_deadline": (
        "乡镇、街道的公开期限（由县级政务公开主管部门规定；未设置时按次年1月31日估计，逾期仅作警告）"
    ),
    "roll_to_workday": "期限遇休息日时顺延至下一个工作日（默认不顺延）",
    "similarity_threshold": "与上年度报告正文雷同的相似度阈值（0–1）",
    "shingle_size": "计算相似度所用的连续字数",
    "min_problems_chars": "第五部分的最少字数，少于此数提示内容单薄",
    "fee_limit_township": "乡镇、街道收费金额的合理上限（万元）",
    "fee_limit": "一般机关收费金额的合理上限（万元）",
    "fee_limit_province": "省级人民政府收费金额的合理上限（万元）",
    "unreadable_share": "表格单元格未能读出数值的比例超过此值（默认0.1即10%）时列为错误",
}
"""One line of Chinese help per setting, for the generated docs and the CLI."""


def _parse_kind(value: Any) -> UnitKind:
    try:
        return UnitKind.parse(value)
    except ValueError as exc:
        raise RuleSettingsError(f"设置 unit_kind 无效：{exc}", f"bad unit_kind {value!r}") from exc


def _parse_month_day(name: str, value: Any) -> MonthDay:
    """Accept (month, day) or a string "MM-DD" such as "1-31"."""
    try:
        if isinstance(value, str):
            month, day = (int(p) for p in value.replace("/", "-").split("-"))
        else:
            month, day = (int(p) for p in value)
        dt.date(2024, month, day)  # a leap year accepts every real month-day
    except (TypeError, ValueError) as exc:
        raise _bad(name, value, "月-日，例如 1-31") from exc
    return (month, day)


def _bad(name: str, value: Any, expected: str) -> RuleSettingsError:
    return RuleSettingsError(
        f"设置 {name} 的值“{value}”无效，应为：{expected}",
        f"setting {name} has an unusable value {value!r}",
    )
