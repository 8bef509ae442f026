"""A page does not hold a database connection while it waits for a thread: with fewer threads
and connections than requests at once, pages still answer. Before, each request took a
connection in its first dependency and then queued for the thread of the next one while the
threads queued for connections, until the pool's timeout ended them with a server error.

(An API route still holds its connection while FastAPI validates what it returned in another
hop to the thread pool; the pool therefore has room for every thread and then some, see
``xxgk.web.app.create_app``.)"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import anyio.to_thread
from fastapi.testclient import TestClient
from web_support import login, settings

from xxgk.db import make_engine
from xxgk.db.engine import make_session_factory
from xxgk.web import create_app

AT_ONCE = 8


def _one_thread() -> None:
    anyio.to_thread.current_default_thread_limiter().total_tokens = 1


def test_pages_answer_with_one_thread_and_one_connection(demo):
    folder, passwords = demo
    app = create_app(settings(folder, migrate=False))
    app.state.engine.dispose()
    app.state.engine = make_engine(
        str(app.state.engine.url), pool_size=1, max_overflow=0, pool_timeout=5
    )
    app.state.sessions = make_session_factory(app.state.engine)
    with TestClient(app) as client:
        login(client, "qinghe-clerk", passwords["qinghe-clerk"])
        assert client.portal is not None
        client.portal.call(_one_thread)
        paths = ["/register", "/desk", "/register/new", "/disclosure"] * 4
        with ThreadPoolExecutor(AT_ONCE) as pool:
            statuses = list(pool.map(lambda path: client.get(path).status_code, paths))
    assert statuses == [200] * len(paths)
