"""Flattening a report the way crawlers and some portals do: every cell boundary lost.

``render_text`` prints a synthetic report (``xxgk.synth``) as Word-pasted text, one table
row per line with tab-separated cells; flattening joins the cells with nothing between
them, either the whole report on one line or each table on a line of its own.
"""

from __future__ import annotations

from xxgk.model.report import Report
from xxgk.render.text import render_text

_TABLE_HEADINGS = ("二、", "三、", "四、")


def flatten_text(text: str, *, whole: bool = True) -> str:
    """Return ``text`` (tab layout) with its cell boundaries removed.

    ``whole`` puts the whole report on one line; otherwise only the table rows of each
    table run together, and the other lines stay as they were.
    """
    lines = text.split("\n")
    if whole:
        return "".join(c for line in lines for c in line.split("\t") if c.strip()) + "\n"
    out: list[str] = []
    run: list[str] = []
    for line in lines:
        if "\t" in line:
            run.extend(c for c in line.split("\t") if c.strip())
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(line)
    if run:
        out.append("".join(run))
    return "\n".join(out)


def flatten_report(report: Report, *, whole: bool = True) -> str:
    """Return ``report`` rendered as text and flattened (see ``flatten_text``)."""
    return flatten_text(render_text(report, "tabs"), whole=whole)
