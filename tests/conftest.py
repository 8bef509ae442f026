"""Shared fixtures: where the seeds are, and the hypothesis profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parent.parent
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"

settings.register_profile(
    "default",
    max_examples=int(os.environ.get("XXGK_HYPOTHESIS_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("default")


def seed_paths() -> list[Path]:
    """Return the seed reports of ``../shared/seeds`` (empty where the folder is absent)."""
    if not SEEDS_DIR.is_dir():
        return []
    return sorted(SEEDS_DIR.glob("*.txt"))


needs_seeds = pytest.mark.skipif(
    not SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside this checkout"
)
