"""工作台: login lands on the desk; each role sees its own units' work only."""

from __future__ import annotations

import datetime as dt

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


def _menu_badge(html: str) -> int | None:
    import re

    found = re.search(r'<span class="badge" id="menu-badge"[^>]*>(\d+)</span>', html)
    return int(found.group(1)) if found else None


@pytest.mark.parametrize("user", ["qinghe-clerk", "jiaotong-clerk", "admin"])
def test_every_page_shows_the_cases_due_on_the_menu(as_user, user):
    c = as_user(user)
    desk = c.get("/api/v1/desk").json()
    due = len(desk["overdue"]) + len(desk["due_soon"])
    for path in ("/desk", "/register", "/disclosure", "/compile", "/check", "/password"):
        html = c.get(path).text
        assert _menu_badge(html) == (due or None), path
    if due:
        assert f"已逾期或5个工作日内到期的申请{due}件" in c.get("/register").text


def test_the_badge_follows_a_reply_and_is_not_shown_to_readers(as_user):
    c = as_user("qinghe-clerk")
    before = _menu_badge(c.get("/register").text) or 0
    desk = c.get("/api/v1/desk").json()
    line = (desk["overdue"] + desk["due_soon"])[0]
    csrf = c.get("/api/v1/me").json()["csrf_token"]
    r = c.post(
        f"/api/v1/applications/{line['app_id']}/events",
        json={"kind": "reply", "on": dt.date.today().isoformat(), "outcome": "予以公开"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 201, r.text
    assert (_menu_badge(c.get("/register").text) or 0) == before - 1
    assert _menu_badge(as_user("county-supervisor").get("/register").text) is None
