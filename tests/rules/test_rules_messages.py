"""Golden messages: the Chinese text every failing case produces, reviewed in the diff.

Regenerate after a deliberate wording change with
``XXGK_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/rules/test_rules_messages.py``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from test_rules_cases import CASES

from xxgk.rules import validate

GOLDEN = Path(__file__).resolve().parent / "golden" / "messages.json"


def _messages() -> dict[str, list[list[str]]]:
    out: dict[str, list[list[str]]] = {}
    for code, cases in CASES.items():
        for i, case in enumerate(cases["fail"]):
            report, kwargs = case()
            found = [f for f in validate(report, **kwargs).findings if f.code == code]
            out[f"{code}-{i}"] = [[f.severity.value, ",".join(f.cells), f.message] for f in found]
    return out


def test_rules_messages_match_golden() -> None:
    messages = _messages()
    if os.environ.get("XXGK_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(messages, ensure_ascii=False, indent=1) + "\n", "utf-8")
    golden = json.loads(GOLDEN.read_text("utf-8"))
    changed = sorted(k for k in set(golden) | set(messages) if golden.get(k) != messages.get(k))
    assert not changed, f"messages differ from {GOLDEN.name}: {changed}"
