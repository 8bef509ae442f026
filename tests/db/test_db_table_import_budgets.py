"""The table imports (units, yearly figures, the register's other tables) read a workbook
within the budgets: a few-KB file declaring a cell at XFD1048576 is read from the cells it has
or refused by the rows budget, never walked to its declared 17 billion cells."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from xxgk.db.unit_import import read_table
from xxgk.limits import LimitError, Limits, use_limits

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import far_cell_xlsx  # noqa: E402


def test_far_cell_row_beyond_the_rows_budget_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "年度数据.xlsx"
    path.write_bytes(far_cell_xlsx(rows=3, far="XFD1048576", columns=2))
    with use_limits(Limits(rows=1000)), pytest.raises(LimitError) as refused:
        read_table(path, {}, ())
    assert refused.value.budget == "rows"


def test_far_column_is_not_walked(tmp_path: Path) -> None:
    path = tmp_path / "年度数据.xlsx"
    path.write_bytes(far_cell_xlsx(rows=3, far="XFD2", columns=2))
    rows = read_table(path, {}, ())
    assert [row["第1行"] for row in rows] == ["第2行", "第3行"]
