"""CPU cost of the web pages, in-process (no server, no network): CPU ms per request.

Builds the demo database in a temporary folder, signs in as the demo clerk and requests the
register list and one application's detail page ``--requests`` times each through FastAPI's
test client. Figures are CPU time of this process (``time.process_time``: the app and the
client run in it), so they do not depend on what else the machine runs. Example:

    .venv/bin/python benchmarks/web_pages.py --requests 200
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from xxgk.demo import ensure_demo
from xxgk.demo.server import TOKEN
from xxgk.web import WebSettings, create_app

BEFORE_DETAIL_MS = 16.0  # issue #19: the detail page cost 16 ms CPU, 77 % in the calendar
CLERK = "qinghe-clerk"


def settings(folder: Path, migrate: bool = True) -> WebSettings:
    return WebSettings(
        database_url=f"sqlite:///{folder / 'web.db'}",
        data_dir=folder,
        secure_cookies=False,
        secret="bench-" + "x" * 40,
        demo=True,
        migrate=migrate,
    )


def demo_client(folder: Path) -> TestClient:
    """Return a test client signed in as the demo clerk."""
    app = create_app(settings(folder))
    with app.state.sessions() as session:
        lines = ensure_demo(session, folder)
    passwords = {ln.split("（")[0]: ln.rsplit("密码：", 1)[1] for ln in lines if "密码：" in ln}
    client = TestClient(app)
    match = TOKEN.search(client.get("/login").text)
    assert match, "no CSRF token on the login page"
    client.post(
        "/login",
        data={"username": CLERK, "password": passwords[CLERK], "csrf_token": match[1]},
        follow_redirects=False,
    )
    return client


def cpu_ms(client: TestClient, path: str, requests: int) -> float:
    """Return the CPU milliseconds per GET of ``path`` (after one warm-up request)."""
    assert client.get(path).status_code == 200, path
    start = time.process_time()
    for _ in range(requests):
        client.get(path)
    return (time.process_time() - start) * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        client = demo_client(Path(tmp))
        app_id = client.get("/api/v1/applications?state=open").json()[0]["id"]
        pages = {
            "register list": "/register",
            "application detail": f"/register/applications/{app_id}",
        }
        for name, path in pages.items():
            ms = cpu_ms(client, path, args.requests)
            before = f"   (issue #19 measured {BEFORE_DETAIL_MS:.0f} ms before the calendar cache)"
            target = before if name == "application detail" else ""
            print(f"{name:<20} {ms:6.2f} CPU ms/request{target}")


if __name__ == "__main__":
    main()
