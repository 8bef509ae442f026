"""Correcting or voiding an application with a reason kept in the record; an extension of 25
working days refused at entry; reach by role and unit."""

from __future__ import annotations

import pytest
from web_support import token


def _open_app(c) -> tuple[str, int]:
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    return csrf, c.get("/api/v1/applications?state=open").json()[0]["id"]


def test_correct_a_name_and_void_a_duplicate_with_reasons(as_user):
    c = as_user("qinghe-clerk")
    csrf, app_id = _open_app(c)
    r = c.patch(
        f"/api/v1/applications/{app_id}",
        json={"changes": {"applicant_name": "李 明"}, "reason": ""},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 422
    r = c.patch(
        f"/api/v1/applications/{app_id}",
        json={"changes": {"applicant_name": "李明"}, "reason": "姓名录入有误"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 200, r.text
    page = c.get(f"/register/applications/{app_id}/edit").text
    assert "姓名录入有误" in page
    assert 'value="李明"' in page
    r = c.post(
        f"/register/applications/{app_id}/void",
        data={
            "csrf_token": token(c, f"/register/applications/{app_id}/edit"),
            "reason": "重复登记",
        },
        follow_redirects=True,
    )
    assert "已作废申请" in r.text
    assert c.get(f"/api/v1/applications/{app_id}").json()["void"] is True


def test_extension_of_25_days_refused_in_the_step_form(as_user):
    c = as_user("qinghe-clerk")
    _, app_id = _open_app(c)
    page = f"/register/applications/{app_id}"
    r = c.post(
        f"{page}/events",
        data={"csrf_token": token(c, page), "kind": "extension", "on": "", "days": "25"},
        follow_redirects=True,
    )
    assert r.status_code == 200
    r = c.post(
        f"{page}/events",
        data={
            "csrf_token": token(c, page),
            "kind": "extension",
            "on": "2026-01-05",
            "days": "25",
            "approved_on": "2026-01-05",
            "notified_on": "2026-01-05",
        },
        follow_redirects=True,
    )
    assert "最长不得超过20个工作日" in r.text


@pytest.mark.parametrize(("user", "status"), [("jiaotong-clerk", 404), ("county-supervisor", 403)])
def test_other_units_and_readers_cannot_edit(as_user, user, status):
    _, app_id = _open_app(as_user("qinghe-clerk"))
    c = as_user(user)
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    r = c.patch(
        f"/api/v1/applications/{app_id}",
        json={"changes": {"applicant_name": "x"}, "reason": "x"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == status
    r = c.post(
        f"/api/v1/applications/{app_id}/void", json={"reason": "x"}, headers={"X-CSRF-Token": csrf}
    )
    assert r.status_code == status
    assert c.get(f"/register/applications/{app_id}/edit").status_code == status
