"""Helpers of the corpus tests: report files for fictional units."""

from __future__ import annotations

import random
from pathlib import Path

from xxgk.model.report import Report
from xxgk.render.text import render_text
from xxgk.synth import random_report


def write_report(folder: Path, name: str, report: Report, layout: str = "tabs") -> Path:
    """Write ``report`` as a text file (the parser reads it back) and return its path."""
    path = folder / name
    path.write_text(render_text(report, layout), encoding="utf-8")
    return path


def make_report(organization: str, year: int, seed: int, **kwargs: object) -> Report:
    """A consistent random report of ``organization`` for ``year``."""
    return random_report(random.Random(seed), organization=organization, year=year, **kwargs)
