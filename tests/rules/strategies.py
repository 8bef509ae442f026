"""Hypothesis strategies: random reports that satisfy every 勾稽 relation, with last year's.

``consistent_pair()`` draws (report, previous) from the relations as the printed 30号 format
states them, written out here by hand rather than read from ``xxgk.model.cells`` (so a changed
relation table in the model fails the property tests instead of changing the generator too):

- Table 三, for each applicant column: 三、本年度办理结果 （七）总计 is the sum of its items
  （一）to（六）; 一、本年新收 + 二、上年结转 = （七）总计 + 四、结转下年度继续办理;
  the 总计 column is 自然人 plus the five 法人或其他组织 columns.
- Table 四, for 行政复议, 未经复议直接起诉 and 复议后起诉: 总计 = 结果维持 + 结果纠正 + 其他结果
  + 尚未审结.
- Table 二 across years: 现行有效件数 = last year's 现行有效件数 + 本年制发件数 - 本年废止件数.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report

YEAR = 2024
SMALL = st.integers(min_value=0, max_value=40) | st.just(0)

OUTCOMES = (
    "granted",  # （一）予以公开
    "partially_granted",  # （二）部分公开
    "denied_state_secret",  # （三）不予公开 1.–8.
    "denied_prohibited_by_law",
    "denied_security_stability",
    "denied_third_party",
    "denied_internal_affairs",
    "denied_process_info",
    "denied_enforcement_file",
    "denied_inquiry",
    "unavailable_not_held",  # （四）无法提供 1.–3.
    "unavailable_needs_creation",
    "unavailable_unclear",
    "not_processed_petition",  # （五）不予处理 1.–5.
    "not_processed_duplicate",
    "not_processed_publication",
    "not_processed_excessive",
    "not_processed_confirmation",
    "other_no_correction",  # （六）其他处理 1.–3.
    "other_no_fee",
    "other_other",
)
"""The 21 items of 三、本年度办理结果 that （七）总计 adds up."""
APPLICANTS = (
    "natural_person",
    "commercial",
    "research",
    "social_welfare",
    "legal_service",
    "other",
)
"""自然人 and the five 法人或其他组织 columns that 总计 adds up."""
APPEALS = ("review", "litigation_direct", "litigation_after_review")
APPEAL_PARTS = ("upheld", "corrected", "other", "pending")
DOCUMENTS = ("rules", "normative_documents")
DECISIONS = ("active.licensing", "active.punishment", "active.enforcement")


@st.composite
def _applicant_column(draw: st.DrawFn) -> dict[str, int]:
    """One applicant column of Table 三: outcomes, carried in and out, new by balance."""
    column = {row: draw(SMALL) for row in OUTCOMES}
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
    columns = {c: draw(_applicant_column()) for c in APPLICANTS}
    for row in columns[APPLICANTS[0]]:
        for col, values in columns.items():
            report[f"requests.{row}.{col}"] = values[row]
        report[f"requests.{row}.total"] = sum(values[row] for values in columns.values())
    for col in (*APPLICANTS, "total"):
        previous[f"requests.carried_forward.{col}"] = report[f"requests.carried_over.{col}"]
    for group in APPEALS:
        parts = {p: draw(SMALL) for p in APPEAL_PARTS}
        for part, value in parts.items():
            report[f"review_litigation.{group}.{part}"] = value
        report[f"review_litigation.{group}.total"] = sum(parts.values())
    for row in DOCUMENTS:
        before, issued = draw(SMALL), draw(SMALL)
        repealed = draw(st.integers(min_value=0, max_value=before + issued))
        report[f"active.{row}.issued"] = issued
        report[f"active.{row}.repealed"] = repealed
        report[f"active.{row}.in_force"] = before + issued - repealed
        previous[f"active.{row}.in_force"] = before
    for key in DECISIONS:
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
