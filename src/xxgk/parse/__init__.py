"""Reading published annual reports into the canonical ``Report``.

``parse_path`` / ``parse_bytes`` detect the format by content, read it into a
``SourceDocument`` with the registered reader, and ``interpret`` it; a canonical JSON file
is read back with ``Report.from_dict``. Unusable input raises ``InputError``; everything
uncertain inside a usable report is a ``parse-*`` finding.
"""

from __future__ import annotations

import json
import os
from itertools import chain
from operator import attrgetter
from pathlib import Path

from xxgk import parse_findings as parse_findings  # registers the parse-* kinds
from xxgk.collector import gc_paused
from xxgk.errors import InputError, XxgkError
from xxgk.limits import LimitError, check, current_limits
from xxgk.model.report import Report
from xxgk.parse.debug import debug_parse
from xxgk.parse.document import SourceLine
from xxgk.parse.interpret import interpret
from xxgk.parse.ocr_modes import OCR_MODES, ocr_mode
from xxgk.parse.reader_common import damaged
from xxgk.parse.readers import READERS, Reader, detect_format, register_reader
from xxgk.parse.text import text_to_document

__all__ = [
    "OCR_MODES",
    "READERS",
    "clear_caches",
    "debug_parse",
    "detect_format",
    "interpret",
    "ocr_mode",
    "parse_bytes",
    "parse_path",
    "parse_text",
    "register_reader",
]


def parse_path(path: str | os.PathLike, *, ocr: str = "auto") -> Report:
    """Read the report file at ``path``; raise ``InputError`` when it is unusable.

    ``ocr`` says when scans are recognised: ``auto`` (pages without a text layer, images),
    ``always`` (every page) or ``never`` (scans are refused), see ``parse.ocr``."""
    p = Path(path)
    try:
        check("upload_bytes", p.stat().st_size, path=str(p))  # before reading it whole
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(
            f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}", path=str(p)
        ) from None
    return parse_bytes(data, source=str(p), name=p.name, ocr=ocr)


def parse_bytes(
    data: bytes,
    *,
    source: str | None = None,
    name: str | None = None,
    convert_legacy: bool = True,
    ocr: str = "auto",
) -> Report:
    """Read a report from ``data`` in any registered format (detected by content).

    The content decides the reader, never the file name. Every budget of ``xxgk.limits`` is
    checked, and whatever a library raises on a damaged file (zlib, XML, PDFium, an index
    past the end…) becomes one ``InputError``: "文件已损坏或格式不受支持" with the reason.
    ``convert_legacy=False`` refuses legacy .doc/.xls content instead of handing it to
    LibreOffice (anonymous uploads: a .doc renamed .txt must not reach a converter).
    ``ocr`` says when scans are recognised (``auto``, ``always``, ``never``; ``parse.ocr``).
    """
    check("upload_bytes", len(data), path=source)
    try:
        with ocr_mode(ocr):
            return _parse_bytes(data, source, name, convert_legacy)
    except XxgkError as exc:
        if exc.path is None:
            exc.path = source
        raise
    except MemoryError:
        raise LimitError("memory_bytes", current_limits().memory_bytes, path=source) from None
    except RecursionError:
        raise LimitError("depth", current_limits().depth, path=source) from None
    except Exception as exc:  # any library error on a damaged file: one clear line
        raise damaged(exc, source) from exc


def _parse_bytes(data: bytes, source: str | None, name: str | None, convert: bool) -> Report:
    fmt = detect_format(data, name)
    if fmt == "json":
        return report_from_json(data, source)
    if fmt == "ole2" and not convert:
        raise legacy_refused(name)
    reader = READERS.get(fmt)
    if reader is None:
        raise InputError(
            f"暂不支持读取{fmt}格式的文件", f"reading {fmt} files is not supported yet", path=source
        )
    if fmt == "text":  # one collector pause for reading and interpreting (see gc_paused)
        with gc_paused():
            report = interpret(reader(data, source))
    elif fmt == "html":  # the same: the reader makes no cycles either (see read_html)
        with gc_paused():
            report = _read_and_interpret(reader, data, source)
    else:
        report = _read_and_interpret(reader, data, source)
    report.source = source
    return report


def _read_and_interpret(reader: Reader, data: bytes, source: str | None) -> Report:
    """Read ``data`` with ``reader``, check the text budget, interpret the document."""
    document = reader(data, source)
    check("text_chars", text_chars(document.lines))
    return interpret(document)


_CELLS = attrgetter("cells")
_TEXT = attrgetter("text")


def text_chars(lines: list[SourceLine]) -> int:
    """Return the characters of text in ``lines``, counted at C speed (a generator over
    every cell of a page cost as much as a tenth of an HTML parse)."""
    return sum(map(len, map(_TEXT, chain.from_iterable(map(_CELLS, lines)))))


def legacy_refused(name: str | None) -> InputError:
    """Return the refusal of legacy binary Office content where it is not converted."""
    suffix = Path(name).suffix if name else ""
    clothing = f"，与扩展名“{suffix}”不符" if suffix.lower() not in (".doc", ".xls") else ""
    return InputError(
        f"文件内容是旧版 Office 二进制格式（.doc 或 .xls）{clothing}，此处不转换此类文件；"
        "请在 Word 或 Excel 中另存为 .docx 或 .xlsx 后再上传",
        "legacy binary Office content is not converted here; save it as .docx/.xlsx",
        path=name,
    )


def clear_caches() -> None:
    """Forget everything the parser remembers between reports (lines, cells, labels, headings).

    The caches only make reading faster: a report reads the same with or without them (the
    tests compare both); benchmarks clear them to time a cold start.
    """
    import sys

    from xxgk.parse import flat, labels, matching, sections, table_plans, text, tokens, values

    interpret_module = sys.modules["xxgk.parse.interpret"]  # the name is the function here

    for cache in (
        text._LAYOUTS,
        text._PLACED,
        text._CELLS,
        tokens._PLANS,
        tokens._SHAPES,
        tokens._SHAPE_NUMBERS,
        matching._EXACT,
        interpret_module._SQUEEZED_STARTERS,
        sections._CANDIDATES,
        flat._SEEN,
        table_plans._PLANS,
    ):
        cache.clear()
    for cached in (
        labels.squeeze,
        labels.normalise,
        values.read_cell,
        sections._heading_matches,
        sections._local_number,
        sections.section_number,
    ):
        cached.cache_clear()
    html = sys.modules.get("xxgk.parse.html")  # imported when a page was first read
    if html is not None:
        html._SHARED.clear()
    pdf_pages = sys.modules.get("xxgk.parse.pdf_pages")  # imported when a PDF was first read
    if pdf_pages is not None:
        pdf_pages.GRIDS.clear()


def parse_text(text: str, *, source: str | None = None) -> Report:
    """Read a report from already decoded text."""
    if not text.strip():
        raise InputError("文件为空", "the file is empty", path=source)
    check("text_chars", len(text), path=source)
    report = interpret(text_to_document(text, source))
    report.source = source
    return report


def report_from_json(data: bytes, source: str | None = None) -> Report:
    """Read a canonical JSON report (the ``Report.to_dict()`` shape)."""
    try:
        obj = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"JSON格式错误：{exc}", f"invalid JSON: {exc}", path=source) from None
    if not isinstance(obj, dict) or not {"requests", "active"} & obj.keys():
        raise InputError(
            "JSON文件不是年度报告的标准结构（缺少active、requests等键）",
            "the JSON file is not a canonical report (no active/requests keys)",
            path=source,
        )
    try:
        report = Report.from_dict(obj)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise InputError(
            f"JSON中的数值无法读取：{exc}", f"the JSON values cannot be read: {exc}", path=source
        ) from None
    report.source = report.source or source
    return report
