"""The report model: the standard format as data (``cells``) and the ``Report`` itself."""

from xxgk.model.cells import CELL_BY_KEY, CELL_KEYS, CELLS, RELATIONS, SECTIONS
from xxgk.model.report import Report, SectionText

__all__ = ["CELLS", "CELL_BY_KEY", "CELL_KEYS", "RELATIONS", "SECTIONS", "Report", "SectionText"]
