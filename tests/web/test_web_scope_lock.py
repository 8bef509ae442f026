"""Each request's Scope reads its unit tree without waiting for another request's."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest

from xxgk.web import deps


def test_a_slow_unit_tree_does_not_block_another_requests_scope(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release, first_inside, second_done = threading.Event(), threading.Event(), threading.Event()

    def list_units(session: object) -> list:
        if session == "first":
            first_inside.set()
            release.wait()
        return [(0, SimpleNamespace(id=1))]

    monkeypatch.setattr(deps, "list_units", list_units)
    user = SimpleNamespace(role="admin", unit_id=1)
    first = deps.Scope("first", user)  # type: ignore[arg-type]
    second = deps.Scope("second", user)  # type: ignore[arg-type]
    threading.Thread(target=lambda: first.tree, daemon=True).start()
    assert first_inside.wait(30)
    worker = threading.Thread(target=lambda: (second.tree, second_done.set()), daemon=True)
    worker.start()
    finished = second_done.wait(30)  # a shared lock would keep it waiting for `release`
    release.set()
    assert finished, "the second request waited for the first request's unit tree"
    assert second.unit_ids == frozenset({1})
    assert first.tree is first.tree  # read once per request
