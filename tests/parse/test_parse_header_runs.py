"""Table 三's column order comes from one printed header, never pieced together from two.

When the header atop the first page has a misread sub-column label (OCR: 社会公益组织只) and
the header repeated atop the next page is read whole, the order is the second header's: the
sub-columns gathered from both would put the misread one last and shift three columns of
every row without a flag (seen on photographed pages)."""

from __future__ import annotations

import random

from xxgk import parse_findings as fk
from xxgk.parse import parse_text
from xxgk.render.text import render_text
from xxgk.synth import random_report

HEADER = (
    "\t\t\t自然人\t法人或其他组织\t\t\t\t\t总计\n"
    "\t\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
)
MISREAD = HEADER.replace("社会公益组织", "社会公益组织只")
SPLIT_BEFORE = "\t\t5.属于三类内部事务信息"


def _report_and_text(seed: int) -> tuple[dict, str]:
    report = random_report(random.Random(seed))
    text = render_text(report, "tabs")
    assert HEADER in text
    assert SPLIT_BEFORE in text
    return report.canonical(), text


def test_the_order_of_the_header_read_whole_wins_over_a_misread_one() -> None:
    truth, text = _report_and_text(5)
    text = text.replace(HEADER, MISREAD).replace(SPLIT_BEFORE, HEADER + SPLIT_BEFORE)
    report = parse_text(text)
    assert report.canonical()["requests"] == truth["requests"]
    assert fk.HEADER_MISSING not in {f.code for f in report.findings}


def test_no_header_read_whole_falls_back_to_the_standard_order_with_a_finding() -> None:
    truth, text = _report_and_text(6)
    text = text.replace(HEADER, MISREAD).replace(SPLIT_BEFORE, MISREAD + SPLIT_BEFORE)
    report = parse_text(text)
    assert report.canonical()["requests"] == truth["requests"]
    assert fk.HEADER_MISSING in {f.code for f in report.findings}
