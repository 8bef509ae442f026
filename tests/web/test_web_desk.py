"""工作台: login lands on the desk; each role sees its own units' work only."""

from __future__ import annotations

import pytest


def test_login_lands_on_the_desk(client, demo):
    from web_support import token

    _, passwords = demo
    r = client.post(
        "/login",
        data={
            "username": "qinghe-clerk",
            "password": passwords["qinghe-clerk"],
            "csrf_token": token(client),
            "next": "",
        },
        follow_redirects=False,
    )
    assert r.headers["location"] == "/desk"
    page = client.get("/desk").text
    assert "工作台" in page
    assert 'id="desk-report"' in page
    assert client.get("/", follow_redirects=False).headers["location"] == "/desk"


@pytest.mark.parametrize("user", ["qinghe-clerk", "jiaotong-clerk", "county-supervisor", "admin"])
def test_desk_shows_only_the_units_in_scope(as_user, user):
    c = as_user(user)
    desk = c.get("/api/v1/desk").json()
    units = {line["unit"] for key in ("overdue", "due_soon", "findings") for line in desk[key]}
    if user == "qinghe-clerk":
        assert units <= {"示例县清河镇人民政府"}
    if user == "jiaotong-clerk":
        assert units <= {"示例县交通运输局"}
    assert desk["badge"] == sum(
        len(desk[k])
        for k in (
            "overdue",
            "due_soon",
            "letters_to_send",
            "corrections_ending",
            "consultations_unanswered",
            "disclosure_waiting",
        )
    )
    assert c.get("/desk").status_code == 200


def test_desk_requires_login(client):
    assert client.get("/desk", follow_redirects=False).status_code == 303
    assert client.get("/api/v1/desk").status_code == 401
