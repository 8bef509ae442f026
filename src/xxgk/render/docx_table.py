"""WordprocessingML for one official table: ``gridSpan`` and ``vMerge`` from the layout's spans.

The XML is written as text rather than through python-docx's object API: merging cells there
walks the whole table per call, which makes a 25-row table cost tens of milliseconds.
"""

from __future__ import annotations

from xml.sax.saxutils import escape

from xxgk.model.report import Report
from xxgk.render.fonts import FontSet
from xxgk.render.layout import GridCell, TableLayout, cell_value, format_value

TEXT_WIDTH = 8845
"""Width of the text block in twips: A4 (11906) less 28 mm and 26 mm margins."""

TABLE_FONT_HALF_POINTS = 21
"""五号 (10.5 pt) in half-points, the size officers use inside the tables."""


def run_xml(text: str, font: str, latin: str, half_points: int, bold: bool = False) -> str:
    """Return a ``w:r`` whose east-Asian face is ``font`` (set via ``w:eastAsia``)."""
    b = "<w:b/>" if bold else ""
    return (
        f'<w:r><w:rPr><w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{font}" '
        f'w:hint="eastAsia"/>{b}<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
        f'<w:lang w:eastAsia="zh-CN"/></w:rPr>'
        f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'
    )


def _cell_paragraph(text: str, fonts: FontSet, keep_next: bool = False) -> str:
    run = run_xml(text, fonts.table, fonts.latin, TABLE_FONT_HALF_POINTS) if text else ""
    keep = "<w:keepNext/>" if keep_next else ""
    return (
        f'<w:p><w:pPr>{keep}<w:spacing w:before="0" w:after="0" w:line="280" w:lineRule="auto"/>'
        f'<w:jc w:val="center"/></w:pPr>{run}</w:p>'
    )


def _tc(width: int, span: int, merge: str, body: str, shade: bool = False) -> str:
    props = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if merge:
        props += f'<w:vMerge w:val="{merge}"/>' if merge == "restart" else "<w:vMerge/>"
    if shade:
        props += '<w:shd w:val="diagStripe" w:color="A6A6A6" w:fill="FFFFFF"/>'
    props += '<w:vAlign w:val="center"/>'
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{body}</w:tc>"


def _cell_text(cell: GridCell, report: Report) -> tuple[str, bool]:
    """Return the printed text and whether the cell is a missing value to be marked."""
    if cell.key is None:
        return cell.text, False
    value = cell_value(report, cell.key)
    return format_value(value), value is None


def table_xml(layout: TableLayout, report: Report, fonts: FontSet) -> str:
    """Return the ``w:tbl`` of ``layout`` filled with ``report``'s values."""
    widths = [round(TEXT_WIDTH * w) for w in layout.column_widths()]
    starts: dict[tuple[int, int], GridCell] = {}
    covered: dict[tuple[int, int], GridCell] = {}
    for r, c, cell in layout.positions():
        starts[(r, c)] = cell
        for dr in range(1, cell.rowspan):
            covered[(r + dr, c)] = cell
    rows = []
    for r in range(len(layout.rows)):
        # Header rows repeat on every page and stay with the first body row (keepNext).
        header = r < layout.header_rows
        cells, c = [], 0
        while c < layout.columns:
            found = starts.get((r, c)) or covered.get((r, c))
            if found is None:  # inside a colspan: the starting cell already covers it
                c += 1
                continue
            cell = found
            width = sum(widths[c : c + cell.colspan])
            if (r, c) in starts:
                text, missing = _cell_text(cell, report)
                merge = "restart" if cell.rowspan > 1 else ""
                body = _cell_paragraph(text, fonts, header)
                cells.append(_tc(width, cell.colspan, merge, body, missing))
            else:
                body = _cell_paragraph("", fonts, header)
                cells.append(_tc(width, cell.colspan, "continue", body))
            c += cell.colspan
        # a row never breaks across pages; the header rows print again atop each page
        row_props = "<w:cantSplit/><w:tblHeader/>" if header else "<w:cantSplit/>"
        rows.append(f"<w:tr><w:trPr>{row_props}</w:trPr>" + "".join(cells) + "</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
    return (
        '<w:tbl><w:tblPr><w:tblW w:w="{}" w:type="dxa"/><w:jc w:val="center"/>'
        '<w:tblBorders>{}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        '<w:tblCellMar><w:top w:w="20" w:type="dxa"/><w:left w:w="40" w:type="dxa"/>'
        '<w:bottom w:w="20" w:type="dxa"/><w:right w:w="40" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr><w:tblGrid>{}</w:tblGrid>{}</w:tbl>"
    ).format(sum(widths), _borders(), grid, "".join(rows))


def _borders() -> str:
    sides = ("top", "left", "bottom", "right", "insideH", "insideV")
    return "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>' for s in sides)
