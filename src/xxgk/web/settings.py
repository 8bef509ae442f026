"""Settings of the web application and the secret that signs its session cookies.

The secret is never in the repository: it is generated at first start into the data folder
(``secret.key``, readable by the owner only) and read back on every later start, so sessions
survive a restart.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from xxgk.limits import Limits, current_limits

DATA_DIR_ENV = "XXGK_DATA_DIR"
SECRET_FILE = "secret.key"


def default_data_dir() -> Path:
    """Return the data folder: ``XXGK_DATA_DIR`` or ``./data``."""
    return Path(os.environ.get(DATA_DIR_ENV) or "data")


@dataclass(frozen=True)
class WebSettings:
    """What ``create_app`` needs; every field has a safe default."""

    database_url: str | None = None
    data_dir: Path = field(default_factory=default_data_dir)
    secure_cookies: bool = True
    session_max_age: int = 8 * 3600
    max_upload_bytes: int = 20 * 1024 * 1024
    max_request_bytes: int = 64 * 1024 * 1024
    """Bytes of one request body, checked before it is read (Content-Length and the stream)."""
    parse_workers: int = 2
    """Worker processes that parse uploads (0: parse in a thread of this process, for tests)."""
    limits: Limits = field(default_factory=current_limits)
    """The budgets of every parse (``xxgk.limits``; ``XXGK_LIMIT_*`` in the environment)."""
    max_files: int = 20
    login_attempts: int = 5
    login_window_seconds: int = 300
    applications_per_hour: int = 20
    migrate: bool = True
    secret: str | None = None
    demo: bool = False
    """Demo mode: the generated demo passwords may be kept; outside it they must be changed."""
    trusted_proxies: tuple[str, ...] = ()
    """Addresses of reverse proxies whose X-Forwarded-For is believed (none by default)."""
    public_url: str | None = None
    """The site's address as the public reaches it (``https://xxgk.example.gov.cn``); links in
    RSS, mails and receipts are built from it, never from the request's Host header."""
    threads: int = 16
    """Requests a process works on at once (FastAPI's thread pool; the pages are CPU work that
    one process does one at a time anyway); the database pool keeps as many connections."""
    login_back_off_seconds: int = 30
    login_back_off_max_seconds: int = 3600


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """Return the client's address: the peer, or — only when the peer is a trusted proxy — the
    last address of X-Forwarded-For that is not itself a trusted proxy."""
    address = peer or "?"
    if not forwarded_for or address not in trusted:
        return address
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if hop not in trusted:
            return hop[:64]
    return address


def load_secret(data_dir: Path) -> str:
    """Return the cookie-signing secret of ``data_dir``, creating it on first start."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    if path.exists():
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    text = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(text + "\n")
    return text
