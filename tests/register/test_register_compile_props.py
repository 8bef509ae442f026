"""Random registers compile into reports that satisfy every 勾稽 relation and the validator."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xxgk.model.cells import APPLICANT_COLUMNS, RELATIONS
from xxgk.register import add_event, compile_report, register_application
from xxgk.register.inputs import add_appeal
from xxgk.register.vocab import APPEAL_KINDS, APPEAL_OUTCOMES, OUTCOMES

CLOSINGS = [("答复", key) for key in OUTCOMES] + [("撤回", None)]

applications = st.lists(
    st.tuples(
        st.dates(dt.date(2023, 6, 1), dt.date(2025, 12, 31)),
        st.sampled_from([c.key for c in APPLICANT_COLUMNS]),
        st.one_of(st.none(), st.tuples(st.integers(0, 500), st.sampled_from(CLOSINGS))),
    ),
    max_size=12,
)
appeals = st.lists(
    st.tuples(
        st.dates(dt.date(2023, 6, 1), dt.date(2025, 12, 31)),
        st.sampled_from(list(APPEAL_KINDS)),
        st.one_of(
            st.none(), st.tuples(st.integers(0, 400), st.sampled_from(list(APPEAL_OUTCOMES)))
        ),
    ),
    max_size=5,
)


def relation_breaks(report) -> list[str]:
    return [
        rel.description
        for rel in RELATIONS
        if sum(report[k] for k in rel.total) != sum(report[k] for k in rel.parts)
    ]


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(apps=applications, cases=appeals, year=st.sampled_from([2024, 2025]))
def test_random_register_compiles_to_a_balanced_report(sqlite_world, apps, cases, year):
    w = sqlite_world
    s = w.session
    for received, applicant, closing in apps:
        app = register_application(
            session=s,
            unit=w.town,
            actor=w.clerk,
            channel_name="当面",
            arrived_on=received,
            applicant_type=applicant,
        )
        if closing:
            delay, (kind, outcome) = closing
            add_event(
                session=s,
                actor=w.clerk,
                application=app,
                kind=kind,
                on=received + dt.timedelta(days=delay),
                outcome_name=outcome,
            )
    for filed, kind, decision in cases:
        decided, outcome = (
            (filed + dt.timedelta(days=decision[0]), decision[1]) if decision else (None, None)
        )
        add_appeal(
            session=s,
            unit=w.town,
            actor=w.clerk,
            kind=kind,
            filed_on=filed,
            decided_on=decided,
            outcome=outcome,
        )
    report = compile_report(s, w.town, year)
    previous = compile_report(s, w.town, year - 1)
    assert relation_breaks(report) == []
    assert report["requests.carried_over.total"] == previous["requests.carried_forward.total"]
    from xxgk.rules import validate

    relation_codes = {r.code for r in RELATIONS}
    result = validate(report, previous=previous)
    assert [f.code for f in result.findings if f.code in relation_codes] == []
    s.rollback()
