"""Two reports side by side: changed cells with their difference, section text as runs."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from xxgk.campaign.diff import diff_reports, sentences, text_runs
from xxgk.model.report import Report, SectionText

TEXT = st.text(alphabet="公开申请。；\n一二三政府信息年度", max_size=80)


@given(TEXT, TEXT)
def test_runs_rebuild_both_texts(before: str, after: str) -> None:
    runs = text_runs(before, after)
    assert "".join(r.text for r in runs if r.kind != "added") == before
    assert "".join(r.text for r in runs if r.kind != "removed") == after


@given(TEXT)
def test_sentences_join_back(text: str) -> None:
    assert "".join(sentences(text)) == text


def test_a_changed_sentence_is_compared_by_character() -> None:
    runs = text_runs("一是加强领导。二是完善制度。", "一是加强组织领导。二是完善制度。")
    assert [(r.kind, r.text) for r in runs] == [
        ("same", "一是加强"),
        ("added", "组织"),
        ("same", "领导。"),
        ("same", "二是完善制度。"),
    ]


def test_cells_that_differ_with_the_change_and_unreadable_cells() -> None:
    before, after = Report(), Report()
    before.values["requests.new.total"] = 10
    after.values["requests.new.total"] = 7
    after.values["active.licensing"] = 3  # unreadable before: shown, no difference computed
    before.sections["problems"] = SectionText("五、", "一是解读不够。")
    after.sections["problems"] = SectionText("五、", "一是解读不够。二是公开不及时。")
    diff = diff_reports(before, after, "第1版", "第2版")
    changed = {c.key: (c.before, c.after, c.delta) for c in diff.cells}
    assert changed == {"requests.new.total": ("10", "7", "-3"), "active.licensing": ("", "3", "")}
    assert [s.key for s in diff.sections] == ["problems"]
    assert not diff.same
    assert diff_reports(after, after, "a", "b").same
