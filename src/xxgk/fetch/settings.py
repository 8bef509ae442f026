"""The knobs of a fetch run, with the defaults a government portal expects from a polite robot.

Portals are small servers run by county IT offices: one or two requests at a time per host and
a pause between them is what their operators tolerate (and what 全国政府网站抽查 robots do).
The tests set every delay to almost nothing; nothing else changes between tests and real runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from xxgk.limits import current_limits


def upload_budget() -> int:
    """Largest response kept: the bytes budget of one input file (``upload_bytes`` of
    ``xxgk.limits``, 20 MB, ``XXGK_LIMIT_UPLOAD_BYTES``), as for an upload; a larger
    response is abandoned while it arrives (a report PDF with scanned pages is 5–20 MB)."""
    return current_limits().upload_bytes


@dataclass(frozen=True)
class FetchSettings:
    """How politely and how far a fetch run goes."""

    user_agent: str = "xxgk-fetch/1 (annual disclosure report collector; robots.txt respected)"
    per_host: int = 1
    """Requests in flight to one host at a time (1–2 is polite)."""
    workers: int = 8
    """Requests in flight over all hosts (threads)."""
    delay: float = 1.0
    """Seconds between two requests to the same host."""
    timeout: float = 30.0
    """Seconds to connect and between two bytes of a response."""
    retries: int = 3
    """Further attempts after a 5xx, 429, timeout or broken connection."""
    backoff: float = 2.0
    """First back-off pause in seconds; doubled after every failed attempt."""
    max_bytes: int = field(default_factory=upload_budget)
    max_redirects: int = 5
    max_list_pages: int = 30
    """Pages of one column followed through its pagination (a 年报 column has a few)."""
    respect_robots: bool = True

    def __post_init__(self) -> None:
        if not 1 <= self.per_host <= 2:
            raise ValueError("per_host must be 1 or 2 (polite crawling)")
