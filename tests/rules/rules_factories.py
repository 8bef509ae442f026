"""A correct report of a fictional township, and last year's, for the rule tests.

Every text here is written for these tests (示例县清河镇 does not exist). ``good_report()``
passes every rule; each case in ``test_rules_cases.py`` breaks one thing.
"""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal

from xxgk.model.cells import CELL_KEYS, SECTIONS, request_key, review_key
from xxgk.model.report import Report, SectionText

ORGANIZATION = "示例县清河镇人民政府"
YEAR = 2024

TEXTS = {
    "preamble": (
        "本报告根据《中华人民共和国政府信息公开条例》编制，所列数据的统计期限自2024年1月1日"
        "至2024年12月31日。"
    ),
    "overview": (
        "2024年，清河镇坚持以公开为常态、不公开为例外，稳步推进政府信息公开工作。\n"
        "（一）主动公开情况。2024年，清河镇通过政务公开栏和县政府门户网站主动公开政府信息126条。\n"
        "（二）依申请公开情况。2024年，清河镇收到政府信息公开申请3件，其中自然人申请2件、"
        "法人或其他组织申请1件，均已办结。\n"
        "（三）政府信息管理情况。落实信息发布审核和保密审查制度，每季度清理过时信息。\n"
        "（四）平台建设情况。完成镇村两级公开栏的改造，新增电子显示屏4块。\n"
        "（五）监督保障情况。把政务公开纳入年度绩效考核，组织群众代表开展社会评议1次，"
        "全年未发生责任追究情况。"
    ),
    "problems": (
        "（一）存在的主要问题。一是部分村的公开栏更新不及时，二是政策解读形式单一，"
        "三是工作人员业务培训不足。\n"
        "（二）改进情况。针对上年度指出的更新不及时问题，清河镇已建立月度检查台账。"
        "下一步将进一步加强对村级公开栏的督促检查，运用图解和短视频丰富政策解读，"
        "每半年组织一次业务培训，提升公开质量。"
    ),
    "other": (
        "本机关按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》"
        "（国办函〔2020〕109号）规定的按件、按量收费标准，本年度没有产生信息处理费。\n"
        "本年度按照县政务公开工作要点完成了各项任务。"
    ),
}
PREVIOUS_TEXTS = {
    "overview": (
        "2023年，清河镇认真落实上级部署，做好政府信息公开。\n"
        "（一）主动公开情况。全年在公开栏发布惠农补贴、低保名单等信息98条。\n"
        "（二）依申请公开情况。2023年，清河镇收到政府信息公开申请1件，已按期答复。\n"
        "（三）监督保障情况。年度考核中对政务公开单列评分，群众评议满意率较高，未发生问责。"
    ),
    "problems": (
        "主要问题是村级公开栏更新不及时、信息发布人员变动频繁。改进措施：明确专人负责，"
        "建立更新台账，定期开展检查，确保信息及时准确发布，并加强对新任人员的业务指导。"
    ),
    "other": "本年度没有产生信息处理费。2023年无其他需要报告的事项。",
}

# (row, column) -> value of Table 三; every cell not listed is 0.
REQUESTS = {
    ("new", "natural_person"): 2,
    ("new", "commercial"): 1,
    ("new", "total"): 3,
    ("granted", "natural_person"): 1,
    ("granted", "commercial"): 1,
    ("granted", "total"): 2,
    ("unavailable_not_held", "natural_person"): 1,
    ("unavailable_not_held", "total"): 1,
    ("total_handled", "natural_person"): 2,
    ("total_handled", "commercial"): 1,
    ("total_handled", "total"): 3,
}
ACTIVE = {
    "active.normative_documents.issued": 2,
    "active.normative_documents.repealed": 1,
    "active.normative_documents.in_force": 10,
    "active.licensing": 35,
    "active.punishment": 4,
}


def good_report() -> Report:
    """A complete, consistent 2024 report of 示例县清河镇人民政府 that passes every rule."""
    report = Report(
        organization=ORGANIZATION,
        year=YEAR,
        published=dt.date(2025, 1, 20),
        title=f"{ORGANIZATION}{YEAR}年政府信息公开工作年度报告",
        signature=f"{ORGANIZATION}\n2025年1月20日",
    )
    report.values = dict.fromkeys(CELL_KEYS, 0)
    report.values["active.fees"] = Decimal("0")
    for (row, column), value in REQUESTS.items():
        report[request_key(row, column)] = value
    report.values.update(ACTIVE)
    report[review_key("review", "upheld")] = 1
    report[review_key("review", "total")] = 1
    report.sections = {"preamble": SectionText("", TEXTS["preamble"])}
    for section in SECTIONS:
        report.sections[section.key] = SectionText(section.heading, TEXTS.get(section.key, ""))
    return report


def previous_report() -> Report:
    """Last year's report of the same township: nothing carried forward, 9 documents in force."""
    report = good_report()
    report.year = YEAR - 1
    report.published = dt.date(2024, 1, 25)
    report.title = f"{ORGANIZATION}{YEAR - 1}年政府信息公开工作年度报告"
    report.values["active.normative_documents.in_force"] = 9
    report.sections = {
        s.key: SectionText(s.heading, PREVIOUS_TEXTS.get(s.key, "")) for s in SECTIONS
    }
    return report


def changed(report: Report, **attributes: object) -> Report:
    """Return a deep copy of ``report`` with metadata attributes replaced."""
    out = copy.deepcopy(report)
    for name, value in attributes.items():
        setattr(out, name, value)
    return out


def with_cells(report: Report, values: dict[str, object]) -> Report:
    """Return a copy of ``report`` with the given cells replaced."""
    out = copy.deepcopy(report)
    out.values.update(values)
    return out


def with_text(report: Report, key: str, text: str) -> Report:
    """Return a copy of ``report`` with the text of section ``key`` replaced."""
    out = copy.deepcopy(report)
    heading = out.sections[key].heading if key in out.sections else ""
    out.sections[key] = SectionText(heading, text)
    return out


def without_section(report: Report, key: str) -> Report:
    out = copy.deepcopy(report)
    del out.sections[key]
    return out
