"""Fetching one URL politely: robots.txt, one or two requests per host with a pause, retries
with back-off, timeouts, a size limit, redirects with a loop limit, conditional requests.

httpx does the HTTP; this module only decides when to ask and when to give up. Every
exchange — robots.txt, each redirect hop, each failed attempt — is handed to ``on_exchange``
as it was received (the WARC archive), so the archive holds everything that was fetched.
Redirects are followed here rather than by httpx so that every hop is archived and checked
against robots.txt, and a loop is named as one.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.robotparser
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from xxgk.fetch.settings import FetchSettings

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


@dataclass
class Exchange:
    """One request and the response as received (body undecoded, headers in order)."""

    url: str
    request_headers: list[tuple[str, str]]
    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: dt.datetime
    http_version: str = "HTTP/1.1"

    def header(self, name: str) -> str | None:
        name = name.lower()
        return next((v for k, v in self.headers if k.lower() == name), None)


@dataclass
class FetchResult:
    """The outcome of fetching one URL: the last response's body and headers, or an error."""

    url: str
    final_url: str = ""
    status: int | None = None
    body: bytes = b""
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None
    fetched_at: dt.datetime | None = None
    error: str = ""
    exchanges: list[Exchange] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.error and self.status is not None and self.status < 300

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class FetchFailed(Exception):
    """A URL that cannot be fetched; the message is the one-line Chinese reason."""


class HostGate:
    """At most ``per_host`` requests in flight to one host and ``delay`` seconds between the
    starts of two of them."""

    def __init__(self, per_host: int, delay: float):
        self.per_host = per_host
        self.delay = delay
        self._lock = threading.Lock()
        self._hosts: dict[str, tuple[threading.Semaphore, threading.Lock, list[float]]] = {}
        self._delays: dict[str, float] = {}

    def _host(self, host: str) -> tuple[threading.Semaphore, threading.Lock, list[float]]:
        with self._lock:
            if host not in self._hosts:
                self._hosts[host] = (threading.Semaphore(self.per_host), threading.Lock(), [0.0])
            return self._hosts[host]

    def slow_down(self, host: str, delay: float) -> None:
        """Keep at least ``delay`` seconds between requests to ``host`` (robots Crawl-delay)."""
        with self._lock:
            self._delays[host] = max(delay, self.delay)

    def run(self, host: str, call: Callable[[], httpx.Response]) -> httpx.Response:
        slots, pace, next_start = self._host(host)
        with slots:
            with pace:
                wait = next_start[0] - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                next_start[0] = time.monotonic() + self._delays.get(host, self.delay)
            return call()


class Fetcher:
    """A polite HTTP client shared by the worker threads of a run."""

    def __init__(
        self,
        settings: FetchSettings,
        on_exchange: Callable[[Exchange], None],
        *,
        transport: httpx.BaseTransport | None = None,
    ):
        self.settings = settings
        self.on_exchange = on_exchange
        self.gate = HostGate(settings.per_host, settings.delay)
        self.client = httpx.Client(
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=False,
            headers={"User-Agent": settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            transport=transport,
        )
        self._robots: dict[str, urllib.robotparser.RobotFileParser] = {}
        self._robots_lock = threading.Lock()
        self._reading: dict[str, threading.Lock] = {}
        self.requests = 0

    def close(self) -> None:
        self.client.close()

    # --- robots.txt -------------------------------------------------------------------------

    def allowed(self, url: str) -> bool:
        """Ask the host's robots.txt (read once per host, RFC 9309: a missing file allows
        everything, a server error forbids everything until the next run)."""
        if not self.settings.respect_robots:
            return True
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._robots_lock:
            parser = self._robots.get(origin)
            reading = self._reading.setdefault(origin, threading.Lock())
        if parser is None:
            with reading:  # one thread reads a host's robots.txt, the others wait for it
                with self._robots_lock:
                    parser = self._robots.get(origin)
                if parser is None:
                    parser = self._read_robots(origin)
                    with self._robots_lock:
                        self._robots[origin] = parser
                    wanted = parser.crawl_delay(self.settings.user_agent)
                    if wanted:  # Crawl-delay: the site's own wish, up to a minute
                        self.gate.slow_down(parts.netloc.lower(), min(float(wanted), 60.0))
        return parser.can_fetch(self.settings.user_agent, url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        try:
            exchange = self._attempt(origin + "/robots.txt", {})
        except (httpx.HTTPError, FetchFailed):
            parser.parse([])  # unreachable host: its pages will fail on their own
            return parser
        if exchange.status >= 500:
            parser.parse(["User-agent: *", "Disallow: /"])
        elif exchange.status >= 400 or exchange.status in REDIRECT_STATUSES:
            parser.parse([])
        else:
            try:
                text = _decoded(exchange, 1 << 20).decode("utf-8", "replace")
            except (zlib.error, ValueError):
                text = ""
            parser.parse(text.splitlines())
        return parser

    # --- one URL ----------------------------------------------------------------------------

    def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch ``url`` following redirects; a failure is ``FetchResult.error``, never raised."""
        result = FetchResult(url=url)
        conditional = {}
        if etag:
            conditional["If-None-Match"] = etag
        if last_modified:
            conditional["If-Modified-Since"] = last_modified
        try:
            exchange = self._follow(url, conditional, result)
        except FetchFailed as exc:
            result.error = str(exc)
            return result
        result.status = exchange.status
        result.fetched_at = exchange.fetched_at
        result.content_type = exchange.header("content-type") or ""
        result.etag = exchange.header("etag")
        result.last_modified = exchange.header("last-modified")
        if exchange.status >= 400:
            result.error = f"服务器返回HTTP {exchange.status}"
            return result
        try:
            result.body = _decoded(exchange, self.settings.max_bytes)
        except (zlib.error, ValueError) as exc:
            result.error = f"响应内容无法解压：{exc}"
        return result

    def _follow(self, url: str, headers: dict[str, str], result: FetchResult) -> Exchange:
        visited = {url}
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            if not self.allowed(current):
                raise FetchFailed("robots.txt不允许抓取此地址")
            exchange = self._with_retries(current, headers, result)
            location = exchange.header("location")
            if exchange.status not in REDIRECT_STATUSES or not location:
                result.final_url = current
                return exchange
            current = urljoin(current, location)
            if current in visited:
                raise FetchFailed(f"重定向循环（{current}）")
            visited.add(current)
            headers = {}
        raise FetchFailed(f"重定向超过{self.settings.max_redirects}次")

    def _with_retries(self, url: str, headers: dict[str, str], result: FetchResult) -> Exchange:
        pause = self.settings.backoff
        for attempt in range(self.settings.retries + 1):
            last = attempt == self.settings.retries
            try:
                exchange = self._attempt(url, headers)
            except httpx.TimeoutException:
                if last:
                    raise FetchFailed(f"超时（{self.settings.timeout:g}秒内无响应）") from None
            except httpx.TransportError as exc:
                if last:
                    raise FetchFailed(f"连接失败：{type(exc).__name__}") from None
            else:
                result.exchanges.append(exchange)
                if exchange.status not in RETRY_STATUSES or last:
                    return exchange
                pause = max(pause, _retry_after(exchange))
            time.sleep(pause)
            pause *= 2
        raise FetchFailed("重试后仍失败")  # not reached: the last attempt returns or raises

    def _attempt(self, url: str, headers: dict[str, str]) -> Exchange:
        """One request through the host gate; the response read up to the size limit."""
        host = urlsplit(url).netloc.lower()
        body: list[bytes] = []
        holder: dict[str, httpx.Response] = {}

        def call() -> httpx.Response:
            self.requests += 1
            with self.client.stream("GET", url, headers=headers) as response:
                holder["r"] = response
                self._read_limited(response, body)
            return response

        response = self.gate.run(host, call)
        exchange = Exchange(
            url=url,
            request_headers=list(response.request.headers.items()),
            status=response.status_code,
            reason=response.reason_phrase,
            headers=list(response.headers.items()),
            body=b"".join(body),
            fetched_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
            http_version=response.http_version,
        )
        self.on_exchange(exchange)
        return exchange

    def _read_limited(self, response: httpx.Response, body: list[bytes]) -> None:
        limit = self.settings.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            size_mb, limit_mb = int(declared) // 1048576, limit // 1048576
            raise FetchFailed(f"文件过大（{size_mb} MB，上限{limit_mb} MB）")
        size = 0
        deadline = time.monotonic() + self.settings.timeout * 20
        for chunk in response.iter_raw():
            size += len(chunk)
            if size > limit:
                raise FetchFailed(f"文件过大（超过上限{limit // 1048576} MB）")
            if time.monotonic() > deadline:
                raise FetchFailed("下载时间过长，已放弃")
            body.append(chunk)


MAX_RETRY_AFTER = 120.0
"""Longest wait a server's ``Retry-After`` may ask for (longer: the URL fails, retried next run)."""


def _retry_after(exchange: Exchange) -> float:
    """The seconds a 429/503 asks to wait (``Retry-After: 30``), capped; 0 when it says none."""
    value = (exchange.header("retry-after") or "").strip()
    return min(float(value), MAX_RETRY_AFTER) if value.isdigit() else 0.0


def _decoded(exchange: Exchange, limit: int = 1 << 62) -> bytes:
    """The body with its Content-Encoding (gzip, deflate) undone, at most ``limit`` bytes
    (a small compressed body must not unpack into gigabytes)."""
    encoding = (exchange.header("content-encoding") or "identity").lower().strip()
    if encoding in ("", "identity"):
        return exchange.body
    if encoding in ("gzip", "x-gzip"):
        wbits = 16 + zlib.MAX_WBITS
    elif encoding == "deflate":
        wbits = zlib.MAX_WBITS if exchange.body[:1] == b"\x78" else -zlib.MAX_WBITS
    else:
        raise ValueError(f"不支持的内容编码{encoding}")
    out = zlib.decompressobj(wbits).decompress(exchange.body, limit + 1)
    if len(out) > limit:
        raise ValueError(f"解压后超过上限{limit // 1048576} MB")
    return out
