"""Schemathesis against the OpenAPI document: no operation of the JSON API answers with a
server error, whatever schemathesis generates from the declared parameters and bodies (valid
and invalid values alike).

The schema is loaded from the ASGI app itself (``/api/v1/openapi.json``). The run is signed in
as the county's unit administrator (who may read and write the registers of the whole county)
and sends the API's CSRF header, so that the operations behind the login are reached and not
just refused with 401/403. Each operation gets a fresh copy of the demo database.

One pytest test per operation (parametrized here rather than with ``schema.parametrize()``,
whose lazy fixture loading does not work with this pytest), each a hypothesis test with a
bounded number of examples.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from web_support import SECRET, login, new_client

from xxgk.register.vocab import APPLICANT_TYPES, Channel, EventKind
from xxgk.web import WebSettings, create_app

USER = "county-admin"
EXAMPLES = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
    database=None,
)
SCHEMA = schemathesis.openapi.from_asgi(
    "/api/v1/openapi.json",
    create_app(
        WebSettings(database_url="sqlite://", data_dir=Path("."), secret=SECRET, migrate=False)
    ),
)
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}


TODAY = dt.date.today()
DAYS = st.just(TODAY.isoformat())
OPTIONAL_DAYS = st.sampled_from(["", TODAY.isoformat()])
VOCABULARY = {
    "kind": st.sampled_from([k.value for k in EventKind]),
    "channel": st.sampled_from([c.value for c in Channel]),
    "applicant_type": st.sampled_from(sorted(APPLICANT_TYPES)),
    "on": DAYS,
    "arrived_on": DAYS,
    "signed_on": DAYS,
    "confirmed_on": DAYS,
    "approved_on": OPTIONAL_DAYS,
    "notified_on": OPTIONAL_DAYS,
    "due_on": OPTIONAL_DAYS,
    "days": st.sampled_from(["", "10", "20"]),
    "amount": st.sampled_from(["", "0", "25.5"]),
    "year": st.integers(2023, 2026),
}


def _cases(label: str, ids: dict[str, int]) -> st.SearchStrategy:
    """Positive and negative cases as schemathesis makes them, and positive cases whose ids
    and vocabulary are pinned to what exists in the demo, so that the fuzz reaches the code
    behind "not found" and "unknown kind" (events added, applications registered)."""
    operation = OPERATIONS[label]
    pinned = st.tuples(
        operation.as_strategy(GenerationMode.POSITIVE),
        st.fixed_dictionaries(VOCABULARY),
    ).map(lambda pair: _pin(pair[0], ids, pair[1]))
    return st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
        pinned,
        pinned,
    )


def _pin(case, ids: dict[str, int], words: dict[str, object]):
    for part in (case.path_parameters, case.query, case.body):
        if not isinstance(part, dict):
            continue
        for key in list(part):
            if key in ids:
                part[key] = ids[key]
            elif key in words:
                part[key] = words[key]
    return case


@pytest.fixture
def signed_in(demo):
    """The app of a fresh demo copy, its session cookie, the CSRF token of that session and
    ids that exist (an open application, a writable unit, a published report)."""
    folder, passwords = demo
    with new_client(folder) as client:
        login(client, USER, passwords[USER])
        csrf = client.get("/api/v1/me").json()["csrf_token"]
        ids = {
            "app_id": client.get("/api/v1/applications?state=open").json()[0]["id"],
            "unit_id": client.get("/api/v1/units").json()[-1]["id"],
            "report_id": client.get("/api/v1/public/reports").json()[0]["id"],
        }
        yield client.app, {"xxgk_session": client.cookies["xxgk_session"]}, csrf, ids


def test_web_schemathesis_sees_every_operation():
    assert len(OPERATIONS) >= 12
    assert "POST /api/v1/applications/{app_id}/events" in OPERATIONS
    assert "POST /api/v1/check" in OPERATIONS


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_web_schemathesis_no_server_error(label, signed_in):
    app, cookies, csrf, ids = signed_in

    @EXAMPLES
    @given(case=_cases(label, ids))
    def run(case):
        response = case.call(app=app, cookies=cookies, headers={"X-CSRF-Token": csrf})
        case.validate_response(response, checks=[not_a_server_error])

    run()
