"""The 主动公开 list in pages of 50, cut in the database, in the page and the API alike."""

from __future__ import annotations

import re


def _qinghe_category(client) -> int:
    cats = client.get("/api/v1/disclosure/catalogue").json()
    return next(c["id"] for c in cats if c["path"] == "规划计划")


def test_web_disclosure_list_comes_in_pages(as_user):
    c = as_user("qinghe-clerk")
    me = c.get("/api/v1/me").json()
    before = len(c.get("/api/v1/disclosure/items").json())
    unit_id = c.get("/api/v1/disclosure/items").json()[0]["unit_id"]
    category = _qinghe_category(c)
    for n in range(60):
        r = c.post(
            "/api/v1/disclosure/items",
            json={
                "unit_id": unit_id,
                "title": f"分页测试信息{n:02d}",
                "category_id": category,
                "body": "正文",
            },
            headers={"X-CSRF-Token": me["csrf_token"]},
        )
        assert r.status_code == 201, r.text
    total = before + 60
    assert total < 100
    first = c.get("/api/v1/disclosure/items").json()
    second = c.get("/api/v1/disclosure/items", params={"page": 2}).json()
    assert len(first) == 50
    assert len(second) == total - 50
    assert not {r["id"] for r in first} & {r["id"] for r in second}
    assert first[0]["id"] > second[0]["id"]  # newest first across pages

    html = c.get("/disclosure").text
    assert f"共{total}条，第1/2页" in html
    assert len(re.findall(r'<tr data-state="', html)) == 50
    page2 = c.get("/disclosure", params={"page": "2"}).text
    assert len(re.findall(r'<tr data-state="', page2)) == total - 50
    assert 'rel="prev"' in page2
    # a page past the end shows the last page; junk is the first page
    assert "第2/2页" in c.get("/disclosure", params={"page": "99"}).text
    assert "第1/2页" in c.get("/disclosure", params={"page": "x"}).text

    # a filter keeps its place in the pager links
    filtered = c.get("/disclosure", params={"q": "分页测试"}).text
    assert "共60条，第1/2页" in filtered
    assert 'href="/disclosure?q=%E5%88%86%E9%A1%B5%E6%B5%8B%E8%AF%95&amp;page=2"' in filtered
