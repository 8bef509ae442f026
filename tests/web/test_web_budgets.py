"""Uploads within budgets: the request body is bounded before it is read, hostile files are
refused with a clear 413 (never a 500), legacy Office content sent anonymously is refused, and
a slow parse in the worker pool does not hold up other requests."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx
import pytest
from web_support import new_client, settings, token

from xxgk.web import create_app
from xxgk.web.routes import check as check_route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "parse"))
from hostile_support import deep_html, far_cell_xlsx, legacy_doc  # noqa: E402


def _check(client, *files):
    return client.post(
        "/check",
        data={"csrf_token": token(client, "/check"), "text": ""},
        files=[("files", f) for f in files],
    )


def test_budgets_web_request_body_over_the_limit_by_content_length_is_413(demo):
    folder, _ = demo
    with new_client(folder, max_request_bytes=4000) as c:
        r = _check(c, ("big.txt", "年".encode() * 3000))
        assert r.status_code == 413
        assert "上限" in r.text
        api = c.post("/api/v1/check", files={"file": ("big.txt", b"x" * 5000)})
        assert api.status_code == 413
        assert api.json()["error"]["code"] == "http_413"


def test_budgets_web_streamed_body_over_the_limit_is_413_without_reading_the_rest(demo):
    folder, _ = demo
    sent = []

    def chunks():
        for _ in range(100):
            sent.append(1)
            yield b"x" * 1000

    with new_client(folder, max_request_bytes=4000) as c:
        r = c.post(
            "/api/v1/check",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=zz"},
        )
    assert r.status_code == 413


def test_budgets_web_api_hostile_file_is_413_with_the_budget_named(client):
    r = client.post("/api/v1/check", files={"file": ("deep.html", deep_html(5000))})
    assert r.status_code == 413
    body = r.json()["error"]
    assert body["code"] == "over_budget"
    assert "标记嵌套层数" in body["message"]


def test_budgets_web_check_page_over_a_budget_is_413_with_the_reason(client):
    r = _check(client, ("deep.html", deep_html(5000)))
    assert r.status_code == 413
    assert "deep.html" in r.text
    assert "标记嵌套层数" in r.text


def test_budgets_web_check_page_far_cell_xlsx_is_read_from_the_cells_present(client):
    r = _check(client, ("far.xlsx", far_cell_xlsx()))
    assert r.status_code == 200
    assert "不是政府信息公开工作年度报告" in r.text  # read (two cells), then judged


def test_budgets_web_check_page_far_cell_in_a_table_is_refused_by_the_cells_budget(client):
    r = _check(client, ("far.xlsx", far_cell_xlsx(rows=20, far="XFD20", columns=2)))
    assert r.status_code == 413
    assert "单元格数" in r.text


def test_budgets_web_anonymous_doc_renamed_txt_is_refused_not_converted(client):
    r = _check(client, ("报告.txt", legacy_doc()))
    assert r.status_code == 200
    assert "旧版 Office" in r.text
    assert "另存为 .docx" in r.text


def test_budgets_web_slow_parse_in_the_pool_does_not_block_other_requests(
    demo, monkeypatch, tmp_path
):
    import slow_support

    folder, _ = demo
    monkeypatch.setattr(
        check_route, "check_data", slow_support.wait_for_file
    )  # the API checks through it
    app = create_app(settings(folder))
    signal = tmp_path / "go"

    async def scenario() -> tuple[int, bool, int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            files = {"file": ("slow.txt", str(signal).encode())}
            slow = asyncio.create_task(client.post("/api/v1/check", files=files))
            await asyncio.wait_for(_appears(signal.with_suffix(".started")), 60)
            other = await asyncio.wait_for(client.get("/check"), 60)
            slow_still_running = not slow.done()
            signal.write_text("go")
            response = await asyncio.wait_for(slow, 120)
        return other.status_code, slow_still_running, response.status_code

    other, slow_still_running, slow_status = asyncio.run(scenario())
    assert other == 200
    assert slow_still_running, "the other request was answered only after the slow parse"
    assert slow_status == 400  # the job's outcome: unusable, reported as such


async def _appears(path: Path) -> None:
    while not path.exists():
        await asyncio.sleep(0.05)


@pytest.mark.parametrize("workers", [0])
def test_budgets_web_without_pool_parses_in_a_thread_within_the_budgets(demo, workers):
    folder, _ = demo
    with new_client(folder, parse_workers=workers) as c:
        r = c.post("/api/v1/check", files={"file": ("deep.html", deep_html(5000))})
    assert r.status_code == 413
