"""Section findings as ``check`` prints them (issue 14 item 8): one finding when no heading
could be read at all, none when the headings are there in another form (inline, numbered
``1、``, a local section such as 信息处理费收取情况 as section 五)."""

from __future__ import annotations

import random

from xxgk.parse import parse_text
from xxgk.render.text import render_text
from xxgk.rules import validate
from xxgk.synth import random_report

SECTION_CODES = {"section-missing", "parse-section-missing", "parse-sections-unread"}


def _section_findings(text: str) -> list[str]:
    return sorted(f.code for f in validate(parse_text(text)).findings if f.code in SECTION_CODES)


def test_text_without_any_heading_gives_one_finding_not_six() -> None:
    text = "某某单位2024年政府信息公开工作年度报告\n今年工作很好，各项数字见附件：12 3 4 5。\n"
    report = validate(parse_text(text))
    assert _section_findings(text) == ["parse-sections-unread"]
    (finding,) = [f for f in report.findings if f.code == "parse-sections-unread"]
    assert finding.severity.name == "ERROR"
    assert "未找到六个部分中任何一个部分的标题" in finding.message


def test_each_missing_section_is_named_when_some_were_read() -> None:
    truth = random_report(random.Random(4))
    text = render_text(truth, "tabs")
    start = text.index("五、存在的主要问题及改进情况")
    end = text.index("六、其他需要报告的事项")
    text = text[:start] + text[end:]
    findings = validate(parse_text(text)).findings
    missing = [f for f in findings if f.code == "section-missing"]
    assert [f.params["number"] for f in missing] == ["五"]
    assert "parse-sections-unread" not in {f.code for f in findings}


def test_inline_numbered_and_local_headings_raise_no_section_finding() -> None:
    truth = random_report(random.Random(12))
    tabs = render_text(truth, "tabs")
    inline = tabs.replace("\n\n二、主动公开政府信息情况", "二、主动公开政府信息情况", 1)
    numbered = tabs
    for number, digit in zip("一二三四五六", "123456", strict=True):
        numbered = numbered.replace(f"\n{number}、", f"\n{digit}、", 1)
    local = tabs.replace("六、其他需要报告的事项", "七、其他需要报告的事项").replace(
        "五、存在的主要问题及改进情况",
        "五、信息处理费收取情况\n本年度未收取信息处理费。\n收费项目\t金额（元）\n信息处理费\t0\n\n"
        "六、存在的主要问题及改进情况",
    )
    assert "。二、主动公开政府信息情况" in inline
    assert "\n3、" in numbered
    assert "七、其他需要报告的事项" in local
    for text in (inline, numbered, local):
        assert _section_findings(text) == []
        assert parse_text(text).values == truth.values


def test_pages_left_unread_by_ocr_make_no_absence_findings() -> None:
    """A long scan whose recognition ran out of time (``parse-ocr-skipped``) says which pages
    were not read; sections, 落款 and the fee statement on them are unknown, not missing."""
    from xxgk.findings import Finding
    from xxgk.model.units import UnitKind
    from xxgk.parse.interpret import interpret
    from xxgk.parse.text import text_to_document
    from xxgk.parse_findings import OCR_SKIPPED
    from xxgk.rules.settings import RuleSettings

    text = render_text(random_report(random.Random(4)), "tabs")
    cut = text[: text.index("五、存在的主要问题及改进情况")]  # the pages after it not read
    absent = {"section-missing", "parse-section-missing", "signature-missing"}
    absent |= {"fee-statement-missing", "accountability-missing"}
    settings = RuleSettings(unit_kind=UnitKind.TOWNSHIP)
    whole = validate(parse_text(cut), settings=settings).findings
    assert {"section-missing", "signature-missing"} <= {f.code for f in whole}
    document = text_to_document(cut)  # as the OCR reader hands it over: with the finding
    document.findings.append(Finding(OCR_SKIPPED, params={"pages": "第5–6页", "budget": "30"}))
    found = {f.code for f in validate(interpret(document), settings=settings).findings}
    assert OCR_SKIPPED in found
    assert not found & absent
