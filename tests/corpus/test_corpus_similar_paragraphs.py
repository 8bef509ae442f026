"""雷同 at paragraph level (30号's accountability clause names 雷同; domain-rules D14): a copied
paragraph in otherwise own sections is found, with the passages side by side; the boilerplate
every report must contain (the 109号 fee sentence, the statutory formulae) is not copying."""

from __future__ import annotations

from pathlib import Path

import pytest
from corpus_support import make_report, write_report
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.corpus import ingest_paths
from xxgk.corpus.similarity import paragraphs, shared_parts, similar_sections
from xxgk.model.report import SectionText
from xxgk.rules import text as tx
from xxgk.synth import FEE_SENTENCE

SHARED = (
    "（三）政府信息管理。严格落实信息发布前保密审查制度，由经办人初审、分管领导复审、"
    "主要领导终审，全年审查拟公开信息四百余条，清理过期栏目六个，未发生泄密和错发事件。"
)
OWN = {
    "清河镇": (
        "（一）主动公开。围绕防汛抗旱和高标准农田建设公开项目资金、招标结果和验收情况，"
        "在十二个行政村公开栏同步张贴，全年更新村务公开栏四次。\n"
        "（二）依申请公开。全年收到申请三件，均在法定期限内答复，无行政复议和诉讼。\n"
    ),
    "石桥乡": (
        "（一）主动公开。重点公开易地搬迁安置点的分配方案、入住名单和后续扶持资金，"
        "安置点设立电子查询屏，群众可随时查阅。\n"
        "（二）依申请公开。本年度未收到政府信息公开申请，也没有因公开工作引起的复议诉讼。\n"
    ),
}
FORMULA = (
    "本报告根据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息公开工作年度报告格式要求编制本报告，"
    "本报告中所列数据的统计期限自2024年1月1日起至2024年12月31日止。"
)


def _township(name: str, seed: int, overview: str, other: str):  # type: ignore[no-untyped-def]
    report = make_report(f"示例县{name}人民政府", 2024, seed)
    report.sections["overview"] = SectionText("一、总体情况", overview)
    report.sections["other"] = SectionText("六、其他需要报告的事项", other)
    return report


@pytest.fixture
def copied(store: Engine, tmp_path: Path) -> Engine:
    folder = tmp_path / "reports"
    folder.mkdir()
    reports = [
        _township("清河镇", 61, OWN["清河镇"] + SHARED, FORMULA + "\n" + FEE_SENTENCE),
        _township(
            "石桥乡",
            62,
            OWN["石桥乡"] + SHARED.replace("四百余条", "三百余条"),
            FORMULA + "\n" + FEE_SENTENCE,
        ),
    ]
    for i, report in enumerate(reports):
        write_report(folder, f"{i}.txt", report)
    assert ingest_paths(store, [folder], jobs=1).added == 2
    return store


def test_a_copied_paragraph_in_own_sections_is_found_with_the_passages(copied: Engine) -> None:
    """Whole sections score low; the shared paragraph (0.85 on 6-character shingles) is found
    at the default threshold and reported with both passages."""
    section_a = tx.shingles(OWN["清河镇"] + SHARED, 6)
    section_b = tx.shingles(OWN["石桥乡"] + SHARED, 6)
    assert tx.jaccard(section_a, section_b) < 0.5
    with Session(copied) as session:
        pairs = similar_sections(session, 2024)
    assert len(pairs) == 1
    pair = pairs[0]
    assert {pair.first.name, pair.second.name} == {"示例县清河镇人民政府", "示例县石桥乡人民政府"}
    assert not pair.whole_section
    assert pair.section == "overview"
    assert [p.first_section for p in pair.passages] == ["overview"]
    passage = pair.passages[0]
    assert "保密审查制度" in passage.first
    assert "保密审查制度" in passage.second
    first, _ = passage.parts()
    assert any(shared and "保密审查制度" in text for text, shared in first)
    assert not any(shared and "四百余条" in text for text, shared in first)
    data = pair.to_dict()
    assert data["level"] == "段落"
    assert data["passages"][0]["first_parts"]


def test_the_fee_sentence_and_statutory_formulae_are_not_copying_109hao(copied: Engine) -> None:
    """Every report must carry the 109号 sentence and the format's formulae: never a pair."""
    assert paragraphs(FORMULA + "\n" + FEE_SENTENCE) == []
    with Session(copied) as session:
        pairs = similar_sections(session, 2024, threshold=0.3)
    assert all(p.section != "other" for p in pairs)
    assert all("处理费" not in passage.first for pair in pairs for passage in pair.passages)


def test_shared_parts_mark_only_common_stretches() -> None:
    first, second = shared_parts("甲乙丙丁戊己庚辛壬癸子丑", "天地甲乙丙丁戊己庚辛玄黄")
    assert ("甲乙丙丁戊己庚辛", True) in first
    assert ("天地", False) in second
