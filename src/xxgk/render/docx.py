"""The report as a Word document in the official layout (A4, 公文 fonts, the three tables).

python-docx builds a base package once (A4 page, 公文 margins, font table with fallbacks);
each report then only writes a fresh ``word/document.xml`` into a copy of that package, which
keeps rendering well above a hundred reports per second.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import zipfile
from xml.sax.saxutils import escape

from docx import Document
from docx.shared import Mm

from xxgk.model.cells import SECTIONS
from xxgk.model.report import Report
from xxgk.render.docx_table import run_xml, table_xml
from xxgk.render.fonts import ALT_NAMES, OFFICIAL_FONTS, FontSet
from xxgk.render.layout import (
    chinese_date,
    paragraphs,
    report_title,
    signature_name,
    tables_for,
)

_NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
)
TITLE_SIZE = 44  # 二号, in half-points
TEXT_SIZE = 32  # 三号
LINE = 560  # fixed 28 pt line pitch of 公文 body text, in twips


@functools.cache
def _base_package() -> tuple[dict[str, bytes], str]:
    """Return the parts of the base package and its ``w:sectPr`` (A4, 公文 margins)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    document = parts["word/document.xml"].decode("utf-8")
    sect_pr = re.search(r"<w:sectPr[ >].*</w:sectPr>", document, re.S)
    assert sect_pr is not None, "python-docx template has no sectPr"
    parts["word/fontTable.xml"] = _with_fallbacks(parts["word/fontTable.xml"])
    return parts, sect_pr.group(0)


def _with_fallbacks(font_table: bytes) -> bytes:
    """Add the 公文 faces with ``w:altName`` fallbacks to the package's font table."""
    entries = "".join(
        f'<w:font w:name="{name}"><w:altName w:val="{alt}"/><w:charset w:val="86"/>'
        '<w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        for name, alt in ALT_NAMES.items()
    )
    text = font_table.decode("utf-8")
    return text.replace("</w:fonts>", entries + "</w:fonts>").encode("utf-8")


def _paragraph(
    text: str,
    font: str,
    latin: str,
    *,
    size: int = TEXT_SIZE,
    align: str = "both",
    indent: bool = True,
    bold: bool = False,
    after: int = 0,
) -> str:
    indent_xml = f'<w:ind w:firstLineChars="200" w:firstLine="{size * 20}"/>' if indent else ""
    return (
        f'<w:p><w:pPr><w:spacing w:before="0" w:after="{after}" w:line="{LINE}" '
        f'w:lineRule="exact"/>{indent_xml}<w:jc w:val="{align}"/></w:pPr>'
        f"{run_xml(text, font, latin, size, bold)}</w:p>"
    )


def _title(report: Report, fonts: FontSet) -> str:
    return _paragraph(
        report_title(report),
        fonts.title,
        fonts.latin,
        size=TITLE_SIZE,
        align="center",
        indent=False,
        after=LINE,
    )


def _body_paragraphs(text: str, fonts: FontSet) -> list[str]:
    return [_paragraph(p, fonts.body, fonts.latin) for p in paragraphs(text)]


def _signature(report: Report, fonts: FontSet) -> list[str]:
    lines = [t for t in (signature_name(report), chinese_date(report)) if t]
    out = [_paragraph("", fonts.body, fonts.latin, indent=False)] if lines else []
    out += [_paragraph(t, fonts.body, fonts.latin, align="right", indent=False) for t in lines]
    return [_keep_with_next(p) for p in out[:-1]] + out[-1:]


def _keep_with_next(paragraph: str) -> str:
    """Return ``paragraph`` marked to stay on the page of the paragraph after it."""
    return paragraph.replace("<w:pPr>", "<w:pPr><w:keepNext/>", 1)


def document_xml(report: Report, fonts: FontSet = OFFICIAL_FONTS) -> str:
    """Return ``word/document.xml`` for ``report``: title, six sections, tables, 落款."""
    body = [_title(report, fonts)]
    preamble = report.sections.get("preamble")
    if preamble:
        body += _body_paragraphs(preamble.text, fonts)
    tables = tables_for(report)
    for section in SECTIONS:
        body.append(_paragraph(section.heading, fonts.heading, fonts.latin))
        body += _body_paragraphs(report.section_text(section.key), fonts)
        layout = tables.get(section.key)
        if layout is not None:
            body.append(table_xml(layout, report, fonts))
            body.append(_paragraph("", fonts.body, fonts.latin, indent=False))
    signature = _signature(report, fonts)
    if signature and body:
        # The 落款 never stands alone on a page: the last paragraph goes with it.
        body[-1] = _keep_with_next(body[-1])
    body += signature
    _, sect_pr = _base_package()
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f"<w:document {_NS}><w:body>{''.join(body)}{sect_pr}</w:body></w:document>"
    )


def _core_xml(report: Report) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(report_title(report))}</dc:title>"
        f"<dc:creator>{escape(report.organization or 'xxgk')}</dc:creator>"
        "<dc:language>zh-CN</dc:language>"
        f'<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>'
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>'
        "</cp:coreProperties>"
    )


def render_docx(report: Report, *, fonts: FontSet = OFFICIAL_FONTS) -> bytes:
    """Return the report as DOCX bytes in the layout of the 30号 template."""
    parts, _ = _base_package()
    replaced = {
        "word/document.xml": document_xml(report, fonts).encode("utf-8"),
        "docProps/core.xml": _core_xml(report).encode("utf-8"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        for name, data in parts.items():
            package.writestr(name, replaced.get(name, data))
    return buffer.getvalue()
