"""The WARC archive: every response of a run kept as fetched (ISO 28500, written by warcio).

Each exchange becomes a ``request`` and a ``response`` record with the URL, the time of the
fetch, the status line and the headers as received, so what a report said on the day it was
collected can be shown later, whatever the portal does with the page. A process writes its own
file (``warc/xxgk-<pass>-<time>-<pid>.warc.gz``) and flushes after every record: a run killed
mid-way leaves complete records behind, and the resumed run never appends to a torn file.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from xxgk.fetch.http import Exchange


class WarcArchive:
    """A WARC file open for appending records from several threads."""

    def __init__(self, folder: Path, run_pass: int):
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S")
        self.path = folder / f"xxgk-{run_pass:03d}-{stamp}-{os.getpid()}.warc.gz"
        self._handle = open(self.path, "ab")  # noqa: SIM115 - closed by close()
        self._writer = WARCWriter(self._handle, gzip=True)
        self._lock = threading.Lock()
        self.records = 0

    def write(self, exchange: Exchange) -> None:
        """Append the request and response records of ``exchange``."""
        date = exchange.fetched_at.strftime("%Y-%m-%dT%H:%M:%SZ")
        path = exchange.url.split("://", 1)[-1].partition("/")[2]
        request = self._writer.create_warc_record(
            exchange.url,
            "request",
            payload=BytesIO(b""),
            length=0,  # a known length: warcio then buffers nothing in a temporary file
            http_headers=StatusAndHeaders(
                f"GET /{path} {exchange.http_version}",
                exchange.request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {exchange.reason}",
                _stored_headers(exchange.headers),
                protocol=exchange.http_version,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        request.rec_headers.add_header(
            "WARC-Concurrent-To", response.rec_headers.get_header("WARC-Record-ID")
        )
        with self._lock:
            self._writer.write_record(response)
            self._writer.write_record(request)
            self._handle.flush()
            self.records += 2

    def close(self) -> None:
        with self._lock:
            self._handle.close()
        if self.records == 0:
            self.path.unlink(missing_ok=True)


def _stored_headers(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers as received, but a ``Transfer-Encoding`` renamed: httpx has already undone
    the chunking, and a reader would try to undo it again (the wget/warcio convention)."""
    return [
        ("X-Archive-Orig-" + k if k.lower() == "transfer-encoding" else k, v) for k, v in headers
    ]


def read_responses(path: Path) -> Iterator[tuple[str, int, str, bytes]]:
    """Yield ``(url, status, WARC-Date, body)`` of every response record of a WARC file."""
    with open(path, "rb") as handle:
        for record in ArchiveIterator(handle):
            if record.rec_type != "response":
                continue
            status = int(record.http_headers.get_statuscode())
            yield (
                record.rec_headers.get_header("WARC-Target-URI"),
                status,
                record.rec_headers.get_header("WARC-Date"),
                record.content_stream().read(),
            )
