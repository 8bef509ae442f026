"""Hypothesis strategies: random reports that satisfy every 勾稽 relation, with last year's.

``consistent_pair()`` draws (report, previous): the report's Table 三 and 四 hold every
relation of ``cells.RELATIONS``; its 上年结转 equals last year's 结转下年度 and its 现行有效
counts follow from last year's plus 制发 minus 废止, so the cross-year rules hold too.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    APPLICANT_COLUMNS,
    CELL_KEYS,
    OUTCOME_ROWS,
    REVIEW_GROUPS,
    REVIEW_PARTS,
    request_key,
    review_key,
)
from xxgk.model.report import Report

YEAR = 2024
SMALL = st.integers(min_value=0, max_value=40) | st.just(0)
_DOCUMENT_ROWS = next(b for b in ACTIVE_BLOCKS if b.key == "documents").rows


@st.composite
def _applicant_column(draw: st.DrawFn) -> dict[str, int]:
    """One applicant column of Table 三: outcomes, carried in and out, new by balance."""
    column = {row.key: draw(SMALL) for row in OUTCOME_ROWS}
    handled = sum(column.values())
    carried_forward = draw(SMALL)
    carried_over = draw(st.integers(min_value=0, max_value=handled + carried_forward))
    column.update(
        total_handled=handled,
        carried_forward=carried_forward,
        carried_over=carried_over,
        new=handled + carried_forward - carried_over,
    )
    return column


@st.composite
def consistent_pair(draw: st.DrawFn) -> tuple[Report, Report]:
    """Draw a consistent report for ``YEAR`` and the previous year's report it follows."""
    report = Report(year=YEAR)
    previous = Report(year=YEAR - 1)
    report.values = dict.fromkeys(CELL_KEYS, 0)
    columns = {c.key: draw(_applicant_column()) for c in APPLICANT_COLUMNS}
    for row in columns[APPLICANT_COLUMNS[0].key]:
        for col, values in columns.items():
            report[request_key(row, col)] = values[row]
        report[request_key(row, "total")] = sum(values[row] for values in columns.values())
    for key in (k for k in CELL_KEYS if k.startswith("requests.carried_over.")):
        previous[key.replace("carried_over", "carried_forward")] = report[key]
    for group in REVIEW_GROUPS:
        parts = {p: draw(SMALL) for p in REVIEW_PARTS}
        for part, value in parts.items():
            report[review_key(group.key, part)] = value
        report[review_key(group.key, "total")] = sum(parts.values())
    for row in _DOCUMENT_ROWS:
        before, issued = draw(SMALL), draw(SMALL)
        repealed = draw(st.integers(min_value=0, max_value=before + issued))
        report[f"active.{row.key}.issued"] = issued
        report[f"active.{row.key}.repealed"] = repealed
        report[f"active.{row.key}.in_force"] = before + issued - repealed
        previous[f"active.{row.key}.in_force"] = before
    for key in ("active.licensing", "active.punishment", "active.enforcement"):
        report[key] = draw(st.integers(min_value=0, max_value=10_000))
    cents = draw(st.integers(min_value=0, max_value=10_000_00))
    report["active.fees"] = Decimal(cents) / 100
    return report, previous


_WORDS = st.sampled_from(
    [
        "2024年",
        "二〇二四年",
        "统计期限自2024年1月1日至2024年12月31日",
        "收到申请",
        "未收到申请",
        "件",
        "85",
        "自然人申请3件",
        "法人或其他组织申请1件",
        "均已办结",
        "考核",
        "评议",
        "追究",
        "处理费",
        "国办函（2020）109号",
        "国办函〔2020]109号",
        "《关于<办法>的通知》",
        "收取信息处理费",
        "元",
        "。",
        "，",
        "\n",
        "１２",
        "２０２４年",
        "13月40日",
        "9999年",
        "{",
        "}",
        "{expected}",
    ]
)
TEXT = st.lists(_WORDS | st.text(max_size=5), max_size=30).map("".join)
VALUE = (
    st.none()
    | st.integers(min_value=-5, max_value=120)
    | st.decimals(min_value=-10, max_value=10**7, places=3, allow_nan=False, allow_infinity=False)
)


@st.composite
def arbitrary_report(draw: st.DrawFn) -> Report:
    """A report with any values and any text: the validator must judge it, never crash."""
    from xxgk.model.cells import SECTIONS
    from xxgk.model.report import SectionText

    report = Report(
        organization=draw(
            st.none()
            | st.sampled_from(["示例县清河镇人民政府", "示例市交通运输局"])
            | st.text(max_size=8)
        ),
        year=draw(st.none() | st.integers(min_value=1, max_value=9999) | st.just(9998)),
        published=draw(st.none() | st.dates()),
        format=draw(st.sampled_from(["2021", "2019"])),
        title=draw(st.none() | TEXT),
        signature=draw(st.none() | TEXT),
    )
    report.values = {key: draw(VALUE) for key in CELL_KEYS}
    keys = draw(st.lists(st.sampled_from([s.key for s in SECTIONS] + ["preamble"]), unique=True))
    report.sections = {key: SectionText(key, draw(TEXT)) for key in keys}
    return report
