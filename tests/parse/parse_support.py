"""Helpers of the parser tests: flattening a canonical report to ``{path: value}``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SEEDS_DIR = ROOT.parent / "shared" / "seeds"
FIXTURES = ROOT / "tests" / "fixtures"


def seed_paths() -> list[Path]:
    """Return the seed reports beside this checkout (empty where the folder is absent)."""
    return sorted(SEEDS_DIR.glob("*.txt")) if SEEDS_DIR.is_dir() else []


def flatten(obj: Any, prefix: str = "") -> dict[str, Any]:
    """Return ``{"requests.new[0]": 3, "active.fees": 1.5, …}`` for a canonical dict."""
    out: dict[str, Any] = {}
    if isinstance(obj, dict):
        for key, value in obj.items():
            out.update(flatten(value, f"{prefix}{key}."))
    elif isinstance(obj, list):
        for i, value in enumerate(obj):
            out[f"{prefix[:-1]}[{i}]"] = value
    else:
        out[prefix[:-1]] = obj
    return out


def differing(actual: dict[str, Any], expected: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Return only the keys whose values differ, as ``{key: (actual, expected)}``."""
    a, e = flatten(actual), flatten(expected)
    return {k: (a.get(k), e.get(k)) for k in sorted(a.keys() | e.keys()) if a.get(k) != e.get(k)}


def load_truth(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))
