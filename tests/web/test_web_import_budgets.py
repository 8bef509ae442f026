"""Table uploads of the web within the budgets: the yearly-figures import reads the workbook in
the worker pool, after the same package check as a report (zip members, decompressed size,
rows and cells present); a hostile file is refused in one line naming the file and the budget,
nothing is written, and the site answers the next request."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from web_support import token

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import far_cell_xlsx, xlsx_bomb  # noqa: E402

HOSTILE = {
    "far cell": (lambda: far_cell_xlsx(rows=3, columns=3), "表格行数"),
    "zip bomb": (lambda: xlsx_bomb(70 << 20), "解压后的大小"),
    "merged range": (None, "单元格数"),
}


def _unit(c, name="示例县清河镇人民政府") -> int:
    return next(u["id"] for u in c.get("/api/v1/units").json() if u["name"] == name)


def _merged() -> bytes:
    from hostile_support import merged_xlsx

    return merged_xlsx("A1:XFD1048576")


@pytest.mark.parametrize("hostile", sorted(HOSTILE))
def test_yearly_figures_import_refuses_a_hostile_workbook(as_user, hostile):
    c = as_user("qinghe-clerk")
    unit = _unit(c)
    page = f"/compile/inputs?unit={unit}&year=2026"
    build, budget = HOSTILE[hostile]
    data = build() if build else _merged()
    r = c.post(
        "/compile/inputs/import",
        data={"csrf_token": token(c, page), "unit": unit, "year": "2026"},
        files={"file": ("年度数据.xlsx", data, "application/octet-stream")},
        follow_redirects=True,
    )
    assert r.status_code == 200
    assert "年度数据.xlsx：文件超出" in r.text
    assert budget in r.text
    assert "已导入" not in r.text
    figures = c.get(f"/api/v1/units/{unit}/yearly/2026").json()
    assert all(f["value"] == "" for f in figures)


def test_yearly_figures_import_over_the_upload_limit_is_refused_unread(demo):
    from web_support import login, new_client

    folder, passwords = demo
    with new_client(folder, max_upload_bytes=2000) as c:
        login(c, "qinghe-clerk", passwords["qinghe-clerk"])
        unit = _unit(c)
        page = f"/compile/inputs?unit={unit}&year=2026"
        r = c.post(
            "/compile/inputs/import",
            data={"csrf_token": token(c, page), "unit": unit, "year": "2026"},
            files={"file": ("年度数据.csv", "年度,项目,数值\n".encode() * 200, "text/csv")},
            follow_redirects=True,
        )
    assert "超过" in r.text
    assert "已导入" not in r.text


def test_register_import_of_a_hostile_workbook_is_refused_by_its_budget(as_user):
    """The 台账 import reads in the pool too: the worker's refusal comes back whole (the
    budget named), not as a broken pool and an HTTP 500."""
    c = as_user("qinghe-clerk")
    r = c.post(
        "/register/import",
        data={"csrf_token": token(c, "/register"), "unit": str(_unit(c))},
        files={"file": ("台账.xlsx", _merged(), "application/octet-stream")},
    )
    assert r.status_code == 413
    assert "单元格数" in r.text
