"""The corpus: many reports of many units and years in one store, and what is read from it.

``ingest_paths`` fills the store; ``queries`` reads it back; ``stats``, ``similarity``,
``export`` and ``charts`` work on what is stored. The tables live in ``models`` and are created
by the Alembic revision ``c0001`` of ``xxgk.db``.
"""

from xxgk.corpus.ingest import IngestSummary, Unmatched, ingest_paths
from xxgk.corpus.models import StoredFinding, StoredReport
from xxgk.corpus.names import UnitMatcher, name_key

__all__ = [
    "IngestSummary",
    "StoredFinding",
    "StoredReport",
    "UnitMatcher",
    "Unmatched",
    "ingest_paths",
    "name_key",
]
