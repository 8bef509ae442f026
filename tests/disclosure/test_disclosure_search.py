"""Chinese full-text search over published items, on SQLite (FTS5) and PostgreSQL (GIN)."""

from __future__ import annotations

import pytest
from disclosure_support import publish
from hypothesis import given
from hypothesis import strategies as st

from xxgk.disclosure import search, workflow
from xxgk.disclosure.items import create_item


@pytest.fixture
def published(office):
    items = {
        "budget": publish(
            office,
            "示例县交通运输局2025年部门预算公开说明",
            category="财政预算",
            body="本部门2025年收支总预算为1234.5万元。",
        ),
        "road": publish(
            office,
            "关于农村公路养护工作的通知",
            body="各乡镇要做好冬季道路除雪保畅工作，确保群众安全出行。",
        ),
        "permit": publish(
            office,
            "道路运输经营许可办理指南",
            category="行政许可",
            body="申请人应提交营业执照复印件。Permit ABC-2025",
        ),
    }
    office.session.commit()
    return items


def titles(hits):
    return sorted(h.item.title for h in hits)


def test_a_two_character_word_is_found_inside_a_title(office, published):
    assert titles(search.search(office.session, "预算")) == [published["budget"].title]


def test_a_word_inside_the_body_is_found(office, published):
    assert titles(search.search(office.session, "除雪")) == [published["road"].title]
    assert titles(search.search(office.session, "营业执照")) == [published["permit"].title]


def test_characters_not_side_by_side_do_not_match(office, published):
    # 公路 and 养护 are both in a title, but "路养" only where they touch: 公路养护
    assert titles(search.search(office.session, "路养")) == [published["road"].title]
    assert search.search(office.session, "预护") == []


def test_every_term_must_match(office, published):
    assert titles(search.search(office.session, "道路 许可")) == [published["permit"].title]
    assert titles(search.search(office.session, "道路")) == sorted(
        [published["road"].title, published["permit"].title]
    )


def test_latin_words_numbers_and_full_width_forms(office, published):
    assert titles(search.search(office.session, "permit")) == [published["permit"].title]
    assert titles(search.search(office.session, "２０２５年")) == [published["budget"].title]
    assert titles(search.search(office.session, "2025")) == sorted(
        [published["budget"].title, published["permit"].title]
    )


def test_a_single_character_falls_back_to_substring_search(office, published):
    assert titles(search.search(office.session, "雪")) == [published["road"].title]


def test_titles_rank_before_bodies(office, published):
    publish(office, "冬季安全出行提示", body="注意防滑。")
    office.session.commit()
    hits = search.search(office.session, "出行")
    assert hits[0].item.title == "冬季安全出行提示"
    assert len(hits) == 2


def test_drafts_and_withdrawn_items_are_not_found(office, published):
    create_item(
        office.session,
        office.author,
        office.unit,
        title="未发布的预算草稿",
        category=office.category("财政预算"),
        body="草稿",
    )
    workflow.withdraw(office.session, office.leader, published["budget"], "数据有误，更正后重发")
    office.session.commit()
    assert search.search(office.session, "预算") == []


def test_search_is_limited_to_units_when_asked(office, published):
    assert search.search(office.session, "预算", unit_ids=[office.other.id]) == []
    assert len(search.search(office.session, "预算", unit_ids=[office.unit.id])) == 1


def test_queries_with_search_syntax_are_harmless(office, published):
    for query in ('"预算', "预算 AND", "NOT 预算", "预算*", "(道路", "a:b", "''", "—"):
        search.search(office.session, query)  # no error, whatever the result


def test_reindex_rebuilds_from_published_items(office, published):
    assert search.reindex(office.session) == 3
    office.session.commit()
    assert len(search.search(office.session, "道路")) == 2


def test_excerpt_marks_the_first_word():
    before, match, after = search.excerpt("甲" * 50 + "除雪保畅" + "乙" * 50, "除雪", width=20)
    assert match == "除雪"
    assert before.startswith("…")
    assert after.endswith("…")
    assert search.excerpt("正文", "无关") == ("正文", "", "")


@given(st.text(alphabet="公开预算道路许可abc12 ，。", max_size=30))
def test_tokens_of_any_substring_appear_in_the_text_tokens(text):
    whole = search.tokens(text)
    for word in text.split():
        for token in search.tokens(word):
            assert token in whole or len(token) == 1
