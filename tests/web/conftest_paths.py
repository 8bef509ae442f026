"""The seed reports, if ``../shared/seeds`` is beside this checkout (read, never copied)."""

from __future__ import annotations

from pathlib import Path

SEEDS_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEEDS = sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []
