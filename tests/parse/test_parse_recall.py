"""The parser's bounded caches keep what recurs and stay bounded (``parse.recall``)."""

from __future__ import annotations

from xxgk.recall import MISSING, Recall


def test_recurring_answers_survive_every_turn() -> None:
    cache: Recall[str, int] = Recall(4)
    cache.keep("template", 0)
    for n in range(100):  # one-off answers, with the template asked for in between
        if cache.lookup("template") is MISSING:
            raise AssertionError(f"the template was forgotten after {n} one-off answers")
        cache.keep(f"once-{n}", n)
        assert len(cache) + len(cache.previous) <= 2 * cache.size
    assert cache.lookup("once-0") is MISSING  # asked once: gone after two turns
    assert cache.lookup("once-99") == 99


def test_none_is_an_answer_and_clear_forgets_both_generations() -> None:
    cache: Recall[str, int | None] = Recall(2)
    cache.keep("blank", None)
    cache.keep("a", 1)
    cache.keep("b", 2)  # turns: "blank" and "a" move to the previous generation
    assert "blank" not in cache
    assert cache.lookup("blank") is None  # recalled, not MISSING
    assert "blank" in cache
    cache.clear()
    assert cache.lookup("a") is MISSING
    assert cache.lookup("b") is MISSING
