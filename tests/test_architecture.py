"""The layering holds: imports run one way (model → parse/rules/render →
corpus/register/disclosure → web/cli) and no module or package imports itself round a cycle.

The contracts are in pyproject.toml (``[tool.importlinter]``); docs/architecture.md explains them.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = ROOT / "pyproject.toml"


def test_import_contracts_are_kept(capsys: pytest.CaptureFixture[str]) -> None:
    status = lint_imports(config_filename=str(PYPROJECT), no_cache=True, no_logo=True)
    out = capsys.readouterr().out
    assert status == 0, out
    assert "2 kept, 0 broken" in out
