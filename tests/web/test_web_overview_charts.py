"""汇总与对比: the outcome-mix chart and the ranking of the subtree's units by a rate (table and
chart, units below the minimum sample named and left out), inside the user's scope."""

from __future__ import annotations

import html
import re

RANKING = re.compile(r'<table class="list" id="ranking">(.*?)</table>', re.S)
RANK_ROW = re.compile(r"<tr><td>(\d+)</td><td>([^<]+)</td><td>([\d.]+)%[^<]*</td><td>(\d+)</td>")


def _svg(client, url: str) -> bytes:
    response = client.get(html.unescape(url))
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml")
    assert b"<svg" in response.content
    return response.content


def test_web_overview_shows_the_outcome_mix_and_the_ranking_charts(as_user):
    sup = as_user("county-supervisor")
    page = sup.get("/overview?min_n=20").text
    assert 'id="chart-trend"' in page
    mix = re.search(r'<img src="(/overview/mix\.svg\?unit=\d+)"', page)[1]
    _svg(sup, mix)
    rows = RANK_ROW.findall(RANKING.search(page)[1])
    assert len(rows) >= 2
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    rates = [float(r[2]) for r in rows]
    assert rates == sorted(rates, reverse=True)
    assert all(int(r[3]) >= 20 for r in rows)
    chart = re.search(r'<img src="(/overview/ranking\.svg\?[^"]+)"', page)[1]
    assert "min_n=20" in html.unescape(chart)
    _svg(sup, chart)


def test_web_overview_ranking_leaves_out_small_samples_and_follows_the_form(as_user):
    sup = as_user("county-supervisor")
    strict = sup.get("/overview?min_n=1000").text
    assert RANKING.search(strict) is None
    assert "没有样本达到1000件的单位" in strict
    small = re.search(r'id="ranking-small">(.*?)</p>', strict, re.S)[1]
    assert "示例县交通运输局" in small
    page = sup.get("/overview?rank=corrected_rate&min_n=1").text
    assert '<option value="corrected_rate" selected>纠正率</option>' in page
    assert "纠正率排名" in page
    assert sup.get("/overview?rank=<script>&min_n=x").status_code == 200  # defaults instead


def test_web_overview_ranking_stays_in_the_chosen_subtree_and_scope(as_user):
    admin = as_user("county-admin")
    units = {u["name"]: u["id"] for u in admin.get("/api/v1/units").json()}
    page = admin.get(f"/overview?unit={units['示例县交通运输局']}&min_n=1").text
    ranked = [r[1] for r in RANK_ROW.findall(RANKING.search(page)[1])]
    assert ranked == ["示例县交通运输局"]
    assert admin.get("/overview/ranking.svg?unit=99999").status_code == 404
    clerk = as_user("qinghe-clerk")
    assert clerk.get("/overview/mix.svg").status_code == 403
    assert clerk.get("/overview/ranking.svg").status_code == 403
