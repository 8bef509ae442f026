"""The public catalogue over the demo (no login): only published items appear (drafts and items
under review are not found, a withdrawn one is 410), the tree counts them, search finds Chinese
words inside titles and bodies and highlights them escaped, and the RSS feeds list only
published items (parsed with xml.etree)."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET


def _all_items(as_user) -> list[dict]:
    """Every demo item of 清河镇 and the transport bureau (as the county administrator sees)."""
    return as_user("county-admin").get("/api/v1/disclosure/items").json()


def test_web_public_catalogue_hides_drafts_and_withdrawn_items(as_user, client):
    items = _all_items(as_user)
    states = {i["state"] for i in items}
    assert states >= {
        "draft",
        "dept_review",
        "secrecy_review",
        "leader_approval",
        "published",
        "withdrawn",
        "recorded",
    }
    qinghe = next(i["unit_id"] for i in items if "清河镇" in i["unit"])
    unit_page = client.get(f"/public/catalogue/units/{qinghe}").text
    index = client.get("/public/catalogue").text
    for item in items:
        page = client.get(f"/public/catalogue/items/{item['id']}")
        if item["state"] == "published":
            assert page.status_code == 200
            if item["unit_id"] == qinghe:
                assert item["title"] in unit_page
        elif item["state"] == "withdrawn":
            assert page.status_code == 410
            assert "撤回" in page.text
            assert item["title"] not in unit_page
            assert item["title"] not in index
        else:
            assert page.status_code == 404, item["state"]
            assert item["title"] not in unit_page
            assert item["title"] not in index


def test_web_public_catalogue_tree_counts_published_items(as_user, client):
    items = _all_items(as_user)
    qinghe = next(i["unit_id"] for i in items if "清河镇" in i["unit"])
    published = [i for i in items if i["unit_id"] == qinghe and i["state"] == "published"]
    page = client.get(f"/public/catalogue/units/{qinghe}").text
    counts = dict(re.findall(r'category=\d+"[^>]*>([^<]+)</a> <span class="count">\((\d+)\)', page))
    documents = sum(1 for i in published if i["category"].startswith("法规文件"))
    assert documents >= 2
    assert counts["法规文件"] == str(documents)
    assert counts["行政规范性文件"] == str(
        sum(1 for i in published if i["category"] == "法规文件 / 行政规范性文件")
    )
    node = re.search(r'category=(\d+)"[^>]*>法规文件</a>', page)[1]
    listed = client.get(f"/public/catalogue/units/{qinghe}?category={node}").text
    rows = re.findall(r'<tr data-id="(\d+)">', listed)
    assert len(rows) == documents
    assert "已废止" in listed


def test_web_public_search_finds_words_in_titles_and_bodies(client):
    # in a title: 招标公告; only in a body: 硬化工程 (a two-character word too: 硬化)
    for query, title in (
        ("招标公告", "清河镇农村道路建设项目招标公告"),
        ("硬化工程", "清河镇农村道路建设项目招标公告"),
        ("硬化", "清河镇农村道路建设项目招标公告"),
        ("公路养护", "公路养护计划"),
    ):
        page = client.get("/public/catalogue/search", params={"q": query}).text
        results = re.search(r'<ol class="results".*?</ol>', page, re.S)[0]
        assert title in re.sub(r"</?mark>", "", results), query
        assert f"<mark>{query}</mark>" in results, query
    page = client.get("/public/catalogue/search", params={"q": "临时交通管制"}).text
    assert "没有找到相关的公开信息" in page  # withdrawn
    page = client.get("/public/catalogue/search", params={"q": "低保对象"}).text
    assert "没有找到相关的公开信息" in page  # under review


def _api(client) -> dict[str, str]:
    return {"X-CSRF-Token": client.get("/api/v1/me").json()["csrf_token"]}


def test_web_public_search_escapes_the_query_and_the_text(as_user, client):
    hostile = '<script>alert("x")</script>预算'
    page = client.get("/public/catalogue/search", params={"q": hostile}).text
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    admin = as_user("county-admin")
    units = admin.get("/api/v1/units").json()
    qinghe = next(u for u in units if "清河镇" in u["name"])
    cats = admin.get(f"/api/v1/disclosure/catalogue?unit_id={qinghe['id']}").json()
    body = {
        "unit_id": qinghe["id"],
        "title": "<b>桥梁</b>检测报告",
        "category_id": next(c["id"] for c in cats if c["name"] == "监督检查"),
        "body": '检测发现<img src=x onerror="alert(1)">桥梁裂缝三处。',
    }
    item = admin.post("/api/v1/disclosure/items", json=body, headers=_api(admin)).json()
    url = f"/api/v1/disclosure/items/{item['id']}"
    assert admin.post(f"{url}/submit", headers=_api(admin)).json()["state"] == "dept_review"
    secrecy = as_user("qinghe-secrecy")
    r = secrecy.post(f"{url}/approve", headers=_api(secrecy))
    assert r.status_code == 403  # not yet the confidentiality step
    assert r.json()["error"]["code"] == "forbidden"
    for name in ("qinghe-reviewer", "qinghe-secrecy", "qinghe-leader"):
        signer = as_user(name)
        r = signer.post(f"{url}/approve", headers=_api(signer))
        assert r.status_code == 200, r.text
    assert r.json()["state"] == "published"
    page = client.get("/public/catalogue/search", params={"q": "桥梁裂缝"}).text
    assert "&lt;b&gt;桥梁&lt;/b&gt;检测报告" in page
    assert "&lt;img src=x" in page
    assert "<img" not in page
    assert "<mark>桥梁裂缝</mark>" in page
    item_page = client.get(f"/public/catalogue/items/{item['id']}").text
    assert "<b>桥梁" not in item_page


def test_web_public_rss_lists_only_published_items(as_user, client):
    items = _all_items(as_user)
    published = {i["title"] for i in items if i["state"] == "published"}
    response = client.get("/public/catalogue/rss.xml")
    assert response.headers["content-type"].startswith("application/rss+xml")
    root = ET.fromstring(response.content)
    assert root.tag == "rss"
    assert root.get("version") == "2.0"
    entries = root.findall("./channel/item")
    titles = [e.findtext("title") for e in entries]
    assert set(titles) == published
    for entry in entries:
        link = entry.findtext("link")
        assert re.search(r"/public/catalogue/items/\d+$", link)
        assert entry.findtext("pubDate")
    qinghe = next(i["unit_id"] for i in items if "清河镇" in i["unit"])
    root = ET.fromstring(client.get(f"/public/catalogue/units/{qinghe}/rss.xml").content)
    assert "清河镇" in root.findtext("./channel/title")
    unit_titles = {e.findtext("title") for e in root.findall("./channel/item")}
    assert unit_titles == {
        i["title"] for i in items if i["state"] == "published" and i["unit_id"] == qinghe
    }
    assert client.get("/public/catalogue/units/999999/rss.xml").status_code == 404


def test_web_public_search_by_unit_and_empty_filters(client):
    index = client.get("/public/catalogue").text
    found = re.findall(r'/public/catalogue/units/(\d+)">([^<]+)<', index)
    units = {name: uid for uid, name in found}

    def search(unit: str) -> str:
        page = client.get("/public/catalogue/search", params={"q": "公路养护", "unit": unit})
        assert page.status_code == 200
        return re.sub(r"</?mark>", "", page.text)

    assert "公路养护计划" in search("")
    assert "没有找到相关的公开信息" in search(units["示例县清河镇人民政府"])
    assert "公路养护计划" in search(units["示例县交通运输局"])
    qinghe = units["示例县清河镇人民政府"]
    assert client.get(f"/public/catalogue/units/{qinghe}?category=").status_code == 200
    assert client.get(f"/public/catalogue/units/{qinghe}?category=abc").status_code == 200
    assert client.get("/public/catalogue/units/999999").status_code == 404


def test_web_public_catalogue_lists_units_as_a_tree(client):
    html = client.get("/public/catalogue").text
    units = html.split('id="units"')[1].split("</ul>")[0]
    names = re.findall(r">(示例县[^<]*)</a>", units)
    assert names[0] == "示例县人民政府"  # the county before its townships and departments
    assert set(names[1:]) >= {"示例县清河镇人民政府", "示例县交通运输局"}
    assert 'style="margin-left: 1.5em"' in units
