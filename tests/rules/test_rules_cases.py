"""Every rule fires on a report made to break it and stays silent on a correct one.

``CASES`` maps each rule code to builders of passing and failing cases; a test asserts that
every registered rule has at least one of each, so a new rule cannot arrive untested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from rules_factories import (
    changed,
    good_report,
    previous_report,
    with_cells,
    with_text,
    without_section,
)

from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report
from xxgk.rules import RULES, validate

Case = Callable[[], tuple[Report, dict[str, Any]]]


def plain(build: Callable[[], Report], **kwargs: Any) -> Case:
    return lambda: (build(), kwargs)


def good() -> Report:
    return good_report()


def cells(values: dict[str, Any]) -> Callable[[], Report]:
    return lambda: with_cells(good_report(), values)


def text(key: str, value: str) -> Callable[[], Report]:
    return lambda: with_text(good_report(), key, value)


def meta(**attributes: Any) -> Callable[[], Report]:
    return lambda: changed(good_report(), **attributes)


NONE_RECEIVED = "2024年，清河镇未收到政府信息公开申请。"
NO_ACCOUNTABILITY = "2024年，清河镇稳步推进政府信息公开工作，主动公开政府信息126条。"
ONLY_ASSESSMENT = NO_ACCOUNTABILITY + "政务公开已纳入年度考核。"
ZERO_REQUESTS = {k: 0 for k in CELL_KEYS if k.startswith("requests.")}
UNPAID_ONE = {
    "requests.other_no_fee.natural_person": 1,
    "requests.other_no_fee.total": 1,
    "requests.total_handled.natural_person": 3,
    "requests.total_handled.total": 4,
    "requests.new.natural_person": 3,
    "requests.new.total": 4,
}
CARRIED_ONE = {
    "requests.new.natural_person": 3,
    "requests.new.total": 4,
    "requests.carried_forward.natural_person": 1,
    "requests.carried_forward.total": 1,
}


def with_previous(build: Callable[[], Report], previous: Callable[[], Report]) -> Case:
    return lambda: (build(), {"previous": previous()})


def previous_with(**attributes: Any) -> Callable[[], Report]:
    return lambda: changed(previous_report(), **attributes)


def previous_cells(values: dict[str, Any]) -> Callable[[], Report]:
    return lambda: with_cells(previous_report(), values)


def previous_text(key: str, value: str) -> Callable[[], Report]:
    return lambda: with_text(previous_report(), key, value)


def good_as_last_year() -> Report:
    return changed(good_report(), year=2023, published=dt.date(2024, 1, 20))


CASES: dict[str, dict[str, list[Case]]] = {
    "requests-row-total": {
        "pass": [plain(good)],
        "fail": [plain(cells({"requests.new.natural_person": 3}))],
    },
    "requests-column-total": {
        "pass": [
            plain(good),
            plain(cells({"requests.granted.natural_person": None})),  # not evaluated
        ],
        "fail": [plain(cells({"requests.granted.other": 1, "requests.granted.natural_person": 0}))],
    },
    "requests-balance": {
        "pass": [plain(good)],
        "fail": [
            plain(
                cells(
                    {
                        "requests.carried_forward.natural_person": 1,
                        "requests.carried_forward.total": 1,
                    }
                )
            )
        ],
    },
    "requests-group-subtotal": {
        "pass": [plain(good), plain(cells({"requests.total_handled.natural_person": 7}))],
        "fail": [plain(cells({"requests.total_handled.natural_person": 3}))],
    },
    "review-group-total": {
        "pass": [plain(good)],
        "fail": [plain(cells({"review_litigation.review.total": 2}))],
    },
    "value-missing": {
        "pass": [
            plain(good),
            plain(cells({"active.rules.issued": None, "active.rules.in_force": None})),
            plain(
                lambda: changed(
                    with_cells(
                        good_report(),
                        {
                            "requests.other_no_fee.total": None,
                            "requests.other_no_correction.total": None,
                        },
                    ),
                    format="2019",
                    year=2020,
                    published=dt.date(2021, 1, 20),
                )
            ),
        ],
        "fail": [
            plain(cells({"requests.granted.other": None})),
            plain(cells({"active.licensing": None})),
        ],
    },
    "values-unreadable": {
        "pass": [
            plain(good),
            plain(cells({"requests.granted.other": None, "active.licensing": None})),
            plain(cells(dict.fromkeys(CELL_KEYS[:20])), settings={"unreadable_share": 0.2}),
        ],
        "fail": [
            plain(cells(dict.fromkeys(CELL_KEYS[:-3]))),
            plain(cells(dict.fromkeys(CELL_KEYS[:40]))),
            plain(cells(dict.fromkeys(CELL_KEYS[:20])), settings={"unreadable_share": 0.05}),
        ],
    },
    "value-negative": {
        "pass": [plain(good)],
        "fail": [plain(cells({"active.licensing": -1})), plain(cells({"active.fees": -2}))],
    },
    "value-not-integer": {
        "pass": [plain(good), plain(cells({"active.punishment": Decimal("4")}))],
        "fail": [plain(cells({"active.punishment": Decimal("4.5")}))],
    },
    "rules-not-rulemaker": {
        "pass": [
            plain(good),
            plain(
                cells({"active.rules.issued": 1, "active.rules.in_force": 1}),
                settings={"unit_kind": "province"},
            ),
        ],
        "fail": [plain(cells({"active.rules.issued": 1, "active.rules.in_force": 1}))],
    },
    "fees-precision": {
        "pass": [plain(good), plain(cells({"active.fees": Decimal("12.34")}))],
        "fail": [plain(cells({"active.fees": Decimal("0.123")}))],
    },
    "fees-implausible": {
        "pass": [
            plain(good),
            plain(cells({"active.fees": Decimal("35000")}), settings={"unit_kind": "county"}),
        ],
        "fail": [plain(cells({"active.fees": Decimal("35000")}))],
    },
    "sections-unavailable": {
        "pass": [plain(good)],
        "fail": [plain(meta(sections={}))],
    },
    "section-missing": {
        "pass": [plain(good), plain(meta(sections={}))],
        "fail": [plain(lambda: without_section(good_report(), "problems"))],
    },
    "format-outdated": {
        "pass": [plain(good), plain(meta(format="2019", year=2020))],
        "fail": [plain(meta(format="2019"))],
    },
    "format-premature": {
        "pass": [plain(good)],
        "fail": [plain(meta(year=2020, published=dt.date(2021, 1, 20)))],
    },
    "published-late": {
        "pass": [
            plain(good),
            plain(meta(published=dt.date(2025, 1, 31))),
            plain(meta(published=dt.date(2025, 3, 31)), settings={"unit_kind": "county"}),
        ],
        "fail": [
            plain(meta(published=dt.date(2025, 2, 1)), settings={"township_deadline": "1-31"}),
            plain(meta(published=dt.date(2025, 4, 1)), settings={"unit_kind": "county"}),
        ],
    },
    "published-late-assumed": {
        "pass": [
            plain(good),
            plain(meta(published=dt.date(2025, 2, 1)), settings={"township_deadline": "1-31"}),
            plain(meta(published=dt.date(2025, 4, 1)), settings={"unit_kind": "county"}),
        ],
        "fail": [plain(meta(published=dt.date(2025, 2, 1)))],
    },
    "published-impossible": {
        "pass": [plain(good), plain(meta(published=dt.date(2025, 1, 1)))],
        "fail": [
            plain(meta(published=dt.date(2024, 12, 31))),
            plain(meta(published=dt.date(2026, 3, 1))),
        ],
    },
    "published-missing": {
        "pass": [plain(good)],
        "fail": [plain(meta(published=None))],
    },
    "metadata-missing": {
        "pass": [plain(good)],
        "fail": [plain(meta(organization=None)), plain(meta(year=None))],
    },
    "year-mismatch": {
        "pass": [plain(good)],
        "fail": [
            plain(meta(title="示例县清河镇人民政府2023年政府信息公开工作年度报告")),
            plain(text("preamble", "所列数据的统计期限自2023年1月1日至2023年12月31日。")),
            plain(text("overview", "2023年，清河镇主动公开信息。2023年，未发生复议。")),
        ],
    },
    "period-not-calendar-year": {
        "pass": [plain(good)],
        "fail": [plain(text("preamble", "数据统计期限自2024年1月1日至2024年11月30日。"))],
    },
    "title-missing": {
        "pass": [
            plain(good),
            plain(
                lambda: with_text(
                    changed(good_report(), title=None),
                    "preamble",
                    "示例县清河镇人民政府2024年政府信息公开工作年度报告\n本报告根据条例编制。",
                )
            ),
        ],
        "fail": [plain(meta(title=None))],
    },
    "signature-missing": {
        "pass": [
            plain(good),
            plain(
                lambda: with_text(
                    changed(good_report(), signature=None),
                    "other",
                    "本年度没有产生信息处理费。\n示例县清河镇人民政府\n2025年1月20日",
                )
            ),
        ],
        "fail": [plain(meta(signature=None))],
    },
    "narrative-requests-none": {
        "pass": [
            plain(good),
            plain(
                lambda: with_text(
                    with_cells(good_report(), ZERO_REQUESTS), "overview", NONE_RECEIVED
                )
            ),
            plain(text("overview", "清河镇收到政府信息公开申请3件。全年未收到行政复议申请。")),
        ],
        "fail": [plain(text("overview", NONE_RECEIVED))],
    },
    "narrative-requests-count": {
        "pass": [
            plain(good),
            plain(text("overview", "2024年，清河镇收到政府信息公开申请3件，受理行政复议申请2件。")),
        ],
        "fail": [
            plain(text("overview", "2024年，清河镇收到政府信息公开申请5件。")),
            plain(text("overview", "2024年，清河镇收到申请3件，其中自然人申请3件。")),
        ],
    },
    "narrative-all-closed": {
        "pass": [
            plain(good),
            plain(
                lambda: with_text(
                    with_cells(good_report(), CARRIED_ONE),
                    "overview",
                    "清河镇收到政府信息公开申请4件，1件结转下年度办理。行政复议案件均已办结。",
                )
            ),
        ],
        "fail": [plain(cells(CARRIED_ONE))],
    },
    "fee-statement-missing": {
        "pass": [plain(good), plain(text("other", "本年度未收取信息处理费。"))],
        "fail": [plain(text("other", "本年度无其他需要报告的事项。"))],
    },
    "fee-statement-contradiction": {
        "pass": [
            plain(good),
            plain(text("other", "本年度收取信息处理费200元。")),
            plain(
                lambda: with_text(
                    with_cells(good_report(), ZERO_REQUESTS), "other", "本年度没有产生处理费0元。"
                )
            ),
        ],
        "fail": [
            plain(
                lambda: with_text(
                    with_cells(good_report(), ZERO_REQUESTS), "other", "本年度收取信息处理费200元。"
                )
            ),
            plain(
                lambda: with_text(
                    with_cells(good_report(), UNPAID_ONE), "other", "本年度未发出收费通知。"
                )
            ),
        ],
    },
    "accountability-missing": {
        "pass": [
            plain(good),
            plain(text("overview", NO_ACCOUNTABILITY), settings={"unit_kind": "department"}),
        ],
        "fail": [
            plain(
                lambda: with_text(
                    with_text(good_report(), "overview", NO_ACCOUNTABILITY), "problems", "无。"
                )
            ),
        ],
    },
    "accountability-partial": {
        "pass": [plain(good), plain(text("overview", NO_ACCOUNTABILITY))],
        "fail": [plain(text("overview", ONLY_ASSESSMENT))],
    },
    "problems-thin": {
        "pass": [plain(good)],
        "fail": [
            plain(text("problems", "信息公开工作有待加强。")),
            plain(text("problems", "存在的问题是公开栏更新不及时。" * 10)),
        ],
    },
    "citation-number-format": {
        "pass": [plain(good)],
        "fail": [
            plain(text("other", "按照国办函[2020]109号规定，本年度没有产生信息处理费。")),
            plain(text("other", "按《通知》（国办函（2020）109号），没有产生信息处理费。")),
        ],
    },
    "citation-title-marks": {
        "pass": [plain(good)],
        "fail": [plain(text("other", "按照《关于印发<办法>的通知》没有产生处理费。"))],
    },
    "previous-not-prior-year": {
        "pass": [plain(good), with_previous(good, previous_report)],
        "fail": [with_previous(good, previous_with(year=2022))],
    },
    "previous-other-organization": {
        "pass": [
            plain(good),
            with_previous(good, previous_report),
            with_previous(good, previous_with(organization="清河镇")),
        ],
        "fail": [with_previous(good, previous_with(organization="示例县白杨乡人民政府"))],
    },
    "previous-carried-over": {
        "pass": [with_previous(good, previous_report)],
        "fail": [
            with_previous(
                good,
                previous_cells(
                    {
                        "requests.carried_forward.natural_person": 2,
                        "requests.carried_forward.total": 2,
                    }
                ),
            )
        ],
    },
    "previous-in-force": {
        "pass": [with_previous(good, previous_report)],
        "fail": [with_previous(good, previous_cells({"active.normative_documents.in_force": 8}))],
    },
    "previous-copied": {
        "pass": [plain(good), with_previous(good, previous_report)],
        "fail": [with_previous(good, good_as_last_year)],
    },
    "previous-problems-identical": {
        "pass": [with_previous(good, previous_report)],
        "fail": [
            with_previous(good, good_as_last_year),
            with_previous(good, previous_text("problems", good_report().section_text("problems"))),
        ],
    },
}


def _params(kind: str) -> list[Any]:
    return [
        pytest.param(code, case, id=f"{code}-{i}")
        for code, cases in CASES.items()
        for i, case in enumerate(cases[kind])
    ]


def test_rules_cases_cover_every_rule() -> None:
    assert set(CASES) == set(RULES)
    for code, cases in CASES.items():
        assert cases["pass"], code
        assert cases["fail"], code


def test_rules_every_rule_documented() -> None:
    for code, rule in RULES.items():
        assert rule.description.strip(), code
        assert rule.title.strip(), code
        assert rule.kind.template.strip(), code
        assert rule.tags, code


def test_rules_good_report_has_no_findings() -> None:
    result = validate(good_report(), previous=previous_report())
    assert result.findings == []
    assert result.valid


@pytest.mark.parametrize(("code", "case"), _params("fail"))
def test_rules_case_fails(code: str, case: Case) -> None:
    report, kwargs = case()
    found = [f for f in validate(report, **kwargs).findings if f.code == code]
    assert found, f"{code} did not fire"
    for finding in found:
        assert finding.message
        assert "{" not in finding.message, finding.message


@pytest.mark.parametrize(("code", "case"), _params("pass"))
def test_rules_case_passes(code: str, case: Case) -> None:
    report, kwargs = case()
    assert code not in validate(report, **kwargs).codes
