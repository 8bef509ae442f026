"""A unit's own published report against the sum of its members: the cells that differ.

The comparison is how a roll-up is checked, so every difference is a warning, not an error.
Cells missing on either side are not compared (there is nothing to say about them here).
"""

from __future__ import annotations

from xxgk.aggregate.kinds import DIFFERS
from xxgk.findings import Finding
from xxgk.model.cells import CELL_KEYS, cell_title
from xxgk.model.report import Report


def compare(own: Report, computed: Report) -> list[Finding]:
    """Return one ``aggregate-differs`` warning per cell where ``own`` differs from the sum."""
    found = []
    for key in CELL_KEYS:
        mine, summed = own.values.get(key), computed.values.get(key)
        if mine is None or summed is None or mine == summed:
            continue
        location = own.provenance.get(key)
        found.append(
            Finding(DIFFERS.code, (key,), summed, mine, location, {"name": cell_title(key)})
        )
    return found
