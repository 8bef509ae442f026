"""汇总与对比 from the report store (``xxgk.corpus``): the roll-up of a unit's subtree with
each member's status, the trend over the years with its charts (applications, outcome mix),
the ranking of the subtree's units by a rate, and the near-identical sections of different
units — all limited to the units the user may see."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from xxgk.db.models import Unit
from xxgk.web import report_view


def store_context(session: Session, root: Unit, year: int, unit_ids: set[int]) -> dict[str, Any]:
    """Return what the page shows from the report store: roll-up, trend and copied pairs."""
    return {
        "corpus": rollup_view(session, root, year),
        "corpus_trend": trend(session, unit_ids),
        "pairs": similar_pairs(session, year, unit_ids),
    }


def rollup_view(session: Session, unit: Unit, year: int) -> dict[str, Any]:
    """Return the roll-up of ``unit``'s subtree for ``year`` as the page shows it."""
    from xxgk.corpus.rollup import rollup

    result = rollup(session, unit, year)
    findings = [*result.report.findings, *result.differences]
    return {
        "members": [s.to_dict() for s in result.statuses],
        "counts": {k.label: v for k, v in result.counts().items()},
        "tables": report_view.tables(result.report, findings),
        "findings": report_view.finding_rows(findings),
        "stored": any(s.submission is not None for s in result.statuses),
    }


def trend(session: Session, unit_ids: set[int]) -> list[Any]:
    """Return one ``Figures`` row per year over the current reports of ``unit_ids``."""
    from xxgk.corpus.stats import by_year

    return [f for f in by_year(session, unit_ids) if f.year is not None]


def trend_svg(session: Session, unit_ids: set[int]) -> bytes:
    """Return the yearly trend chart of ``unit_ids`` as SVG."""
    from xxgk.corpus.charts import trend_chart

    return trend_chart(trend(session, unit_ids), "svg")


def mix_svg(session: Session, unit_ids: set[int]) -> bytes:
    """Return the chart of the outcome mix per year of ``unit_ids`` as SVG."""
    from xxgk.corpus.charts import mix_chart

    return mix_chart(trend(session, unit_ids), "svg")


def ranking(
    session: Session, root: Unit, year: int, unit_ids: set[int], key: str, min_n: int
) -> dict[str, Any]:
    """Return the units of ``root``'s subtree (inside ``unit_ids``) ranked by rate ``key`` in
    ``year``: those with at least ``min_n`` cases in order, and the ones left out."""
    from xxgk.corpus.stats import RATES, rank

    ranked, small = rank(_ranking_rows(session, root, year, unit_ids), key, min_n)
    return {
        "key": key,
        "label": RATES[key],
        "min_n": min_n,
        "ranked": [
            {"unit": r.label, "rate": r.rate(key).text(), "sample": r.sample(key)} for r in ranked
        ],
        "small": [{"unit": r.label, "sample": r.sample(key)} for r in small],
    }


def ranking_svg(
    session: Session, root: Unit, year: int, unit_ids: set[int], key: str, min_n: int
) -> bytes:
    """Return the ranking chart of :func:`ranking` as SVG."""
    from xxgk.corpus.charts import ranking_chart

    rows = _ranking_rows(session, root, year, unit_ids)
    return ranking_chart(rows, key, "svg", min_n=min_n)


def _ranking_rows(session: Session, root: Unit, year: int, unit_ids: set[int]) -> list[Any]:
    from xxgk.corpus.stats import by_unit, scope

    return by_unit(session, year, scope(session, root) & unit_ids)


def similar_pairs(session: Session, year: int, unit_ids: set[int]) -> list[dict[str, Any]]:
    """Return the near-identical sections of ``year`` whose two reports are both in scope."""
    from xxgk.corpus.queries import report_owners
    from xxgk.corpus.similarity import similar_sections

    pairs = similar_sections(session, year)
    owner = report_owners(session, {side.report_id for p in pairs for side in (p.first, p.second)})
    return [
        p.to_dict()
        for p in pairs
        if owner.get(p.first.report_id) in unit_ids and owner.get(p.second.report_id) in unit_ids
    ]
