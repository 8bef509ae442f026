"""年报数据 in the web and the API: Table 二 figures with sources, Excel import, Table 四 cases;
reach by role and unit; the compiled report then has no missing value in Table 二."""

from __future__ import annotations

import io

import openpyxl
import pytest
from web_support import token


def _unit(c, name="示例县清河镇人民政府") -> int:
    return next(u["id"] for u in c.get("/api/v1/units").json() if u["name"] == name)


def _csrf(c) -> str:
    return c.get("/api/v1/me").json()["csrf_token"]


def test_api_figures_fill_table_two_of_the_compiled_report(as_user):
    c = as_user("qinghe-clerk")
    unit = _unit(c)
    r = c.put(
        f"/api/v1/units/{unit}/yearly/2026",
        json={
            "values": {"licensing": "120", "punishment": "3", "enforcement": "0", "fees": "1.5"},
            "sources": {"licensing": "政务服务平台统计"},
        },
        headers={"X-CSRF-Token": _csrf(c)},
    )
    assert r.status_code == 200, r.text
    rows = {f["key"]: f for f in r.json()}
    assert rows["licensing"]["value"] == "120"
    assert rows["licensing"]["source"] == "政务服务平台统计"
    compiled = c.get(f"/compile/export?unit={unit}&year=2026&to=json").json()
    assert compiled["active"]["licensing"] == 120
    assert compiled["active"]["fees"] == 1.5
    bad = c.put(
        f"/api/v1/units/{unit}/yearly/2026",
        json={"values": {"licensing": "-1"}},
        headers={"X-CSRF-Token": _csrf(c)},
    )
    assert bad.status_code == 400


def test_page_form_and_excel_import(as_user):
    c = as_user("qinghe-clerk")
    unit = _unit(c)
    page = f"/compile/inputs?unit={unit}&year=2026"
    assert "未填报" in c.get(page).text
    r = c.post(
        "/compile/inputs/yearly",
        data={
            "csrf_token": token(c, page),
            "unit": unit,
            "year": "2026",
            "licensing": "7",
            "source_licensing": "审批台账",
        },
        follow_redirects=True,
    )
    assert "已保存1项年度数据" in r.text
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["年度", "项目", "数值", "来源"])
    sheet.append([2026, "行政处罚", 4, "执法系统"])
    sheet.append([2026, "行政事业性收费", "0", "财务报表"])
    buffer = io.BytesIO()
    book.save(buffer)
    r = c.post(
        "/compile/inputs/import",
        data={"csrf_token": token(c, page), "unit": unit, "year": "2026"},
        files={"file": ("年度数据.xlsx", buffer.getvalue(), "application/octet-stream")},
        follow_redirects=True,
    )
    assert "已导入2项年度数据" in r.text
    assert "执法系统" in r.text


def test_appeals_recorded_and_decided(as_user):
    c = as_user("qinghe-clerk")
    unit = _unit(c)
    csrf = _csrf(c)
    r = c.post(
        f"/api/v1/units/{unit}/appeals",
        json={"kind": "行政复议", "filed_on": "2026-05-06", "case_number": "示复〔2026〕1号"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    appeal = r.json()["id"]
    r = c.post(
        f"/api/v1/appeals/{appeal}/decision",
        json={"decided_on": "2026-04-01", "outcome": "upheld"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 400
    r = c.post(
        f"/api/v1/appeals/{appeal}/decision",
        json={"decided_on": "2026-07-01", "outcome": "结果维持"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.json()["outcome"] == "upheld"
    listed = c.get(f"/api/v1/units/{unit}/appeals").json()
    assert listed[0]["outcome_label"] == "结果维持"


@pytest.mark.parametrize(
    ("user", "read", "write"),
    [
        ("qinghe-clerk", 200, 200),
        ("jiaotong-clerk", 404, 404),
        ("county-supervisor", 200, 403),
        ("county-admin", 200, 200),
    ],
)
def test_role_by_unit_reach_of_annual_inputs(as_user, user, read, write):
    qinghe = as_user("qinghe-clerk")
    unit = _unit(qinghe)
    appeal = qinghe.post(
        f"/api/v1/units/{unit}/appeals",
        json={"kind": "review", "filed_on": "2026-05-06"},
        headers={"X-CSRF-Token": _csrf(qinghe)},
    ).json()["id"]
    c = as_user(user)
    csrf = _csrf(c)
    assert c.get(f"/api/v1/units/{unit}/yearly/2026").status_code == read
    assert c.get(f"/api/v1/units/{unit}/appeals").status_code == read
    assert c.get(f"/compile/inputs?unit={unit}").status_code == read
    put = c.put(
        f"/api/v1/units/{unit}/yearly/2026",
        json={"values": {"licensing": "1"}},
        headers={"X-CSRF-Token": csrf},
    )
    assert put.status_code == write
    decision = c.post(
        f"/api/v1/appeals/{appeal}/decision",
        json={"decided_on": "2026-07-01", "outcome": "upheld"},
        headers={"X-CSRF-Token": csrf},
    )
    assert decision.status_code == write
