"""The report as PDF: the official DOCX, converted by LibreOffice headless.

The DOCX is written with the CJK faces installed on this machine (``fonts.machine_fonts``),
so the PDF embeds real 仿宋/黑体-like glyphs instead of LibreOffice's last-resort substitute.
LibreOffice is installed by ``scripts/setup-system.sh``; without it, a ``RenderError`` says so.
"""

from __future__ import annotations

from collections.abc import Sequence

from xxgk.model.report import Report
from xxgk.office import convert, missing_office, soffice_path
from xxgk.render.docx import render_docx
from xxgk.render.fonts import machine_fonts

__all__ = ["convert_to_pdf", "render_pdf", "render_pdfs", "soffice_path"]


def convert_to_pdf(documents: Sequence[bytes], *, suffix: str = ".docx") -> list[bytes]:
    """Convert office documents to PDF with one LibreOffice run."""
    return convert(documents, suffix=suffix, to="pdf")


def render_pdf(report: Report) -> bytes:
    """Return the report as PDF bytes (DOCX in the official layout, through LibreOffice)."""
    return render_pdfs([report])[0]


def render_pdfs(reports: Sequence[Report]) -> list[bytes]:
    """Return several reports as PDF with a single LibreOffice start."""
    if soffice_path() is None:
        raise missing_office()
    fonts = machine_fonts()
    return convert_to_pdf([render_docx(r, fonts=fonts) for r in reports])
