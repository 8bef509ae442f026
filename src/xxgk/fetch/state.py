"""The job state: every URL of a run with what became of it, in a SQLite file beside the archive.

Each URL is written down before it is fetched (``pending``) and marked when its response is
archived (``done``, ``failed``, ``skipped``), one commit per URL, so a run killed at any moment
resumes with exactly the URLs it had not finished. The frontier lives on disk, not in memory:
a national run of tens of thousands of columns keeps a flat memory.

A finished job run again starts a new *pass*: its seeds and column pages go back to pending
and are asked for with ``If-None-Match``/``If-Modified-Since``; a 304, or a body with the hash
already stored, changes nothing; what failed is tried again; report pages and attachments
already fetched are not asked for again unless ``recheck`` is given, so a rerun fetches only
what is new, changed or not yet fetched.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

SEED, LIST, REPORT, FILE = "seed", "list", "report", "file"
PENDING, FETCHING, DONE, FAILED, SKIPPED = "pending", "fetching", "done", "failed", "skipped"

SCHEMA = """
CREATE TABLE IF NOT EXISTS urls (
    url TEXT PRIMARY KEY,
    host TEXT NOT NULL DEFAULT '',
    kind TEXT NOT NULL,
    parent TEXT,
    title TEXT NOT NULL DEFAULT '',
    unit_id INTEGER,
    depth INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL DEFAULT 'pending',
    pass INTEGER NOT NULL DEFAULT 1,
    http_status INTEGER,
    content_type TEXT NOT NULL DEFAULT '',
    etag TEXT,
    last_modified TEXT,
    sha256 TEXT,
    file TEXT,
    final_url TEXT,
    fetched_at TEXT,
    changed INTEGER NOT NULL DEFAULT 0,
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS ix_urls_status ON urls (status, host);
CREATE INDEX IF NOT EXISTS ix_urls_parent ON urls (parent);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass
class UrlRow:
    """One URL of the job as stored."""

    url: str
    kind: str
    parent: str | None
    title: str
    unit_id: int | None
    depth: int
    status: str
    http_status: int | None
    content_type: str
    etag: str | None
    last_modified: str | None
    sha256: str | None
    file: str | None
    final_url: str | None
    fetched_at: str | None
    changed: bool
    error: str


_COLUMNS = (
    "url, kind, parent, title, unit_id, depth, status, http_status, content_type, etag, "
    "last_modified, sha256, file, final_url, fetched_at, changed, error"
)


class JobState:
    """The URLs of one fetch job in ``folder/job.sqlite``; used by one thread only."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.path = folder / "job.sqlite"
        self.db = sqlite3.connect(self.path)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)
        self.db.commit()

    def close(self) -> None:
        self.db.close()

    # --- the pass ---------------------------------------------------------------------------

    @property
    def current_pass(self) -> int:
        row = self.db.execute("SELECT value FROM meta WHERE key = 'pass'").fetchone()
        return int(row[0]) if row else 1

    def recover(self) -> None:
        """Put back the URLs a killed run was fetching: their responses were never kept."""
        self.db.execute("UPDATE urls SET status = ? WHERE status = ?", (PENDING, FETCHING))
        self.db.commit()

    def begin(self, *, recheck: bool = False) -> bool:
        """Start a new pass when the last one finished (nothing pending); return True when a
        new pass began, False when an interrupted pass is resumed."""
        if self.count(PENDING) or not self.count():
            return False
        new = self.current_pass + 1
        kinds = (SEED, LIST, REPORT, FILE) if recheck else (SEED, LIST)
        marks = ",".join("?" * len(kinds))
        self.db.execute(
            f"UPDATE urls SET status = ?, pass = ?, changed = 0 WHERE kind IN ({marks}) "
            "OR status = ?",
            (PENDING, new, *kinds, FAILED),
        )
        self.db.execute("UPDATE urls SET changed = 0")
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('pass', ?)", (str(new),))
        self.db.commit()
        return True

    # --- adding and taking URLs -------------------------------------------------------------

    def add(
        self,
        url: str,
        kind: str,
        *,
        parent: str | None = None,
        title: str = "",
        unit_id: int | None = None,
        depth: int = 0,
    ) -> bool:
        """Write ``url`` down as pending unless the job knows it; return True when new."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO urls (url, host, kind, parent, title, unit_id, depth, pass) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (url, host_of(url), kind, parent, title, unit_id, depth, self.current_pass),
        )
        return cursor.rowcount == 1

    def commit(self) -> None:
        self.db.commit()

    def claim(self, limit: int, busy_hosts: Collection[str] = ()) -> list[UrlRow]:
        """Take up to ``limit`` pending URLs, the oldest of each host, none of ``busy_hosts``,
        and mark them ``fetching``: every host gets its turn, so one large portal does not
        hold the others back, and a URL in flight is never taken twice."""
        marks = ",".join("?" * len(busy_hosts))
        rows = [
            _row(r)
            for r in self.db.execute(
                f"SELECT {_COLUMNS} FROM urls WHERE rowid IN "
                "(SELECT min(rowid) FROM urls WHERE status = ? GROUP BY host) "
                f"AND host NOT IN ({marks}) ORDER BY rowid LIMIT ?",
                (PENDING, *busy_hosts, limit),
            )
        ]
        self.db.executemany(
            "UPDATE urls SET status = ? WHERE url = ?", [(FETCHING, r.url) for r in rows]
        )
        return rows

    def get(self, url: str) -> UrlRow | None:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM urls WHERE url = ?", (url,)).fetchone()
        return _row(row) if row else None

    def finish(
        self,
        url: str,
        *,
        status: str,
        kind: str | None = None,
        http_status: int | None = None,
        content_type: str = "",
        etag: str | None = None,
        last_modified: str | None = None,
        sha256: str | None = None,
        file: str | None = None,
        final_url: str | None = None,
        fetched_at: dt.datetime | None = None,
        changed: bool = False,
        error: str = "",
    ) -> None:
        """Record what became of ``url`` (validators and file kept when a 304 left them)."""
        self.db.execute(
            "UPDATE urls SET status = ?, kind = COALESCE(?, kind), http_status = ?, "
            "content_type = COALESCE(NULLIF(?, ''), content_type), "
            "etag = COALESCE(?, etag), last_modified = COALESCE(?, last_modified), "
            "sha256 = COALESCE(?, sha256), file = COALESCE(?, file), "
            "final_url = COALESCE(?, final_url), fetched_at = COALESCE(?, fetched_at), "
            "changed = ?, error = ? WHERE url = ?",
            (
                status,
                kind,
                http_status,
                content_type,
                etag,
                last_modified,
                sha256,
                file,
                final_url,
                fetched_at.isoformat(timespec="seconds") if fetched_at else None,
                int(changed),
                error,
                url,
            ),
        )
        self.db.commit()

    # --- reading the outcome ----------------------------------------------------------------

    def count(self, status: str | None = None) -> int:
        if status is None:
            return int(self.db.execute("SELECT count(*) FROM urls").fetchone()[0])
        query = "SELECT count(*) FROM urls WHERE status = ?"
        return int(self.db.execute(query, (status,)).fetchone()[0])

    def rows(
        self, *, kinds: tuple[str, ...] | None = None, status: str | None = None
    ) -> Iterator[UrlRow]:
        """The URLs in the order they were found, optionally of some kinds and one status."""
        where: list[str] = []
        args: list[object] = []
        if kinds is not None:
            where.append(f"kind IN ({','.join('?' * len(kinds))})")
            args += kinds
        if status is not None:
            where.append("status = ?")
            args.append(status)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        for r in self.db.execute(f"SELECT {_COLUMNS} FROM urls{clause} ORDER BY rowid", args):
            yield _row(r)

    def children(self, url: str, kind: str) -> list[UrlRow]:
        query = f"SELECT {_COLUMNS} FROM urls WHERE parent = ? AND kind = ? ORDER BY rowid"
        return [_row(r) for r in self.db.execute(query, (url, kind))]


def host_of(url: str) -> str:
    return urlsplit(url).netloc.lower()


def _row(values: tuple[Any, ...]) -> UrlRow:
    row = UrlRow(*values)
    row.changed = bool(row.changed)
    return row
