"""Reading legacy binary Office files (.doc, .xls): converted by LibreOffice, then read.

An OLE2 compound document is recognised by its magic bytes and told apart (Word or Excel) by
its stream names; LibreOffice turns it into DOCX or XLSX, which the ordinary readers read.
"""

from __future__ import annotations

from xxgk import office
from xxgk.errors import InputError, RenderError
from xxgk.parse.document import SourceDocument
from xxgk.parse.docx import read_docx
from xxgk.parse.xlsx import read_xlsx


def read_ole2(data: bytes, name: str | None = None) -> SourceDocument:
    """Read a legacy .doc or .xls by converting it with LibreOffice to DOCX or XLSX."""
    kind = _ole2_kind(data)
    if kind is None or office.soffice_path() is None:
        raise InputError(
            "这是旧版 Office 二进制文件（.doc 或 .xls），本机没有 LibreOffice 无法转换读取；"
            "请在 Word 或 Excel 中另存为 .docx 或 .xlsx 后再试",
            "legacy binary Office file (.doc/.xls) and no LibreOffice to convert it; save it "
            "as .docx/.xlsx first",
            path=name,
        )
    suffix, target = kind
    try:
        converted = office.convert([data], suffix=suffix, to=target)[0]
    except RenderError as exc:
        raise InputError(
            f"旧版 Office 文件无法转换：{exc.message_zh}",
            f"cannot convert the legacy Office file: {exc.message_en}",
            path=name,
        ) from exc
    read = read_docx if target == "docx" else read_xlsx
    doc = read(converted, name)
    doc.format_name = suffix.lstrip(".")
    return doc


def _ole2_kind(data: bytes) -> tuple[str, str] | None:
    """Return (suffix, target) from the OLE2 directory's stream names, or None."""
    if "WordDocument".encode("utf-16-le") in data:
        return ".doc", "docx"
    if any(n.encode("utf-16-le") in data for n in ("Workbook", "Book")):
        return ".xls", "xlsx"
    return None
