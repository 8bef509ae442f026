"""Outcomes travel from worker processes by pickle: they must arrive equal.

``Location`` pickles a text place as three values (``Location.__reduce__``); every other
place the default way.
"""

from __future__ import annotations

import copy
import pickle
import random

import pytest

from xxgk.batch import check_one
from xxgk.findings import Location
from xxgk.render.text import LAYOUTS, render_text
from xxgk.synth import random_report


@pytest.mark.parametrize(
    "place",
    [
        Location(line=3, column=7, text="规章"),
        Location(line=1),
        Location(),
        Location(page=2, bbox=(1.0, 2.5, 3.0, 4.0), text="0"),
        Location(table=0, row=4, cell=2, text="3"),
        Location(sheet="表三", row=1, cell=1, text="5", line=None),
    ],
)
def test_location_survives_pickle_and_copy(place: Location) -> None:
    for protocol in (2, 4, pickle.HIGHEST_PROTOCOL):
        back = pickle.loads(pickle.dumps(place, protocol=protocol))
        assert back == place
        assert vars(back) == vars(place)
        assert hash(back) == hash(place)
    assert copy.deepcopy(place) == place
    assert copy.copy(place) == place


def test_checked_outcomes_survive_pickle(tmp_path) -> None:
    rng = random.Random(5)
    paths = []
    for n, layout in enumerate(LAYOUTS * 2):
        path = tmp_path / f"r{n}.txt"
        path.write_text(render_text(random_report(rng), layout), encoding="utf-8")
        paths.append(path)
    outcomes = [check_one(p) for p in paths]
    back = pickle.loads(pickle.dumps(outcomes, protocol=pickle.HIGHEST_PROTOCOL))
    for got, want in zip(back, outcomes, strict=True):
        assert got.report == want.report
        assert got.validation.findings == want.validation.findings
        assert got.report.to_dict() == want.report.to_dict()
        assert all(
            vars(a) == vars(b)
            for a, b in zip(
                got.report.provenance.values(), want.report.provenance.values(), strict=True
            )
        )


@pytest.mark.parametrize(
    "given",
    [
        {"line": 3, "column": 7, "text": "规章"},
        {"page": 2, "bbox": (1.0, 2.5, 3.0, 4.0), "text": "0"},
        {"table": 0, "row": 4, "cell": 2, "text": "3", "line": 12},
        {},
    ],
)
def test_quick_constructors_build_what_the_dataclasses_build(given: dict) -> None:
    """The readers' fast constructors fill every field (a missing one would send a text place
    through pickle's slow path and make ``vars`` differ) and give equal, equally hashed and
    equally pickled objects."""
    from xxgk.findings import quick_location
    from xxgk.parse.document import SourceCell, quick_cell

    quick, plain = quick_location(**given), Location(**given)
    assert vars(quick) == vars(plain)
    assert hash(quick) == hash(plain)
    assert pickle.dumps(quick) == pickle.dumps(plain)
    assert vars(quick_cell("x", quick)) == vars(SourceCell("x", plain))
