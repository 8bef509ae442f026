"""Twenty writers against a live server (``xxgk serve`` in a subprocess, uvicorn) for a few
seconds, on a SQLite file and on PostgreSQL: registrations through the form and the API,
replies, fresh sign-ins, all at once. No answer is a 5xx, every answer is the expected one,
the numbers are unique and the audit chain verifies. (``benchmarks/soak.py`` runs the same
for a minute and prints the latencies.)"""

from __future__ import annotations

import pytest

from xxgk.demo.soak import ACTIONS, soak

WRITERS = 20
SECONDS = 5.0


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_twenty_writers_against_a_live_server_get_no_server_error(kind, request):
    if kind == "postgresql":
        request.getfixturevalue("pg_schema_url")  # skips when the server is not reachable
    result = soak(kind, WRITERS, SECONDS)
    report = "\n".join(result.lines() + result.server_log[-40:])
    assert result.server_errors == 0, report
    assert result.unexpected == 0, report
    assert all(result.latencies[a] for a in ACTIONS), report  # every kind of write was made
    registered = result.statuses[("form", 303)] + result.statuses[("api", 201)]
    assert result.numbers == result.unique_numbers == registered, report
    assert result.chain_ok, report
