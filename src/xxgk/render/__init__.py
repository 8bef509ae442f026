"""Writing a report: the official layout in DOCX, HTML, XLSX and PDF, and text for pasting.

``render(report, to)`` is the one entry point the CLI and the web application call; each format
lives in its own module and is imported only when asked for.
"""

from __future__ import annotations

from xxgk.errors import RenderError
from xxgk.model.report import Report

FORMATS: tuple[str, ...] = ("docx", "html", "md", "txt", "xlsx", "pdf")
"""Every format ``render`` writes, as accepted by ``xxgk render --to``."""
SUFFIXES: dict[str, str] = {f: f".{f}" for f in FORMATS}


def render(report: Report, to: str) -> bytes:
    """Return ``report`` written in format ``to`` (one of ``FORMATS``) as bytes."""
    fmt = to.lower().lstrip(".")
    if fmt == "docx":
        from xxgk.render.docx import render_docx

        return render_docx(report)
    if fmt in ("html", "htm"):
        from xxgk.render.html import render_html

        return render_html(report)
    if fmt in ("md", "markdown", "txt", "text"):
        from xxgk.render.text import render_text

        layout = "markdown" if fmt in ("md", "markdown") else "plain"
        return render_text(report, layout).encode("utf-8")
    if fmt == "xlsx":
        from xxgk.render.xlsx import render_xlsx

        return render_xlsx(report)
    if fmt == "pdf":
        from xxgk.render.pdf import render_pdf

        return render_pdf(report)
    raise RenderError(
        f"不支持的输出格式“{to}”，可选：{'、'.join(FORMATS)}",
        f"unknown output format {to!r}; expected one of {', '.join(FORMATS)}",
    )


__all__ = ["FORMATS", "SUFFIXES", "render"]
