"""Reading published annual reports into the canonical ``Report``.

``parse_path`` / ``parse_bytes`` detect the format by content, read it into a
``SourceDocument`` with the registered reader, and ``interpret`` it; a canonical JSON file
is read back with ``Report.from_dict``. Unusable input raises ``InputError``; everything
uncertain inside a usable report is a ``parse-*`` finding.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from xxgk import parse_findings as parse_findings  # registers the parse-* kinds
from xxgk.errors import InputError
from xxgk.model.report import Report
from xxgk.parse.debug import debug_parse
from xxgk.parse.interpret import gc_paused, interpret
from xxgk.parse.ocr import OCR_MODES, ocr_mode
from xxgk.parse.readers import READERS, detect_format, register_reader
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
        data = p.read_bytes()
    except OSError as exc:
        raise InputError(
            f"无法读取文件：{exc.strerror or exc}", f"cannot read the file: {exc}", path=str(p)
        ) from None
    return parse_bytes(data, source=str(p), name=p.name, ocr=ocr)


def parse_bytes(
    data: bytes, *, source: str | None = None, name: str | None = None, ocr: str = "auto"
) -> Report:
    """Read a report from ``data`` in any registered format (detected by content); ``ocr``
    as for ``parse_path``."""
    with ocr_mode(ocr):
        return _parse_bytes(data, source, name)


def _parse_bytes(data: bytes, source: str | None, name: str | None) -> Report:
    fmt = detect_format(data, name)
    if fmt == "json":
        return report_from_json(data, source)
    reader = READERS.get(fmt)
    if reader is None:
        raise InputError(
            f"暂不支持读取{fmt}格式的文件", f"reading {fmt} files is not supported yet", path=source
        )
    if fmt == "text":  # one collector pause for reading and interpreting (see gc_paused)
        with gc_paused():
            report = interpret(reader(data, source))
    else:
        report = interpret(reader(data, source))
    report.source = source
    return report


def clear_caches() -> None:
    """Forget everything the parser remembers between reports (lines, cells, labels, headings).

    The caches only make reading faster: a report reads the same with or without them (the
    tests compare both); benchmarks clear them to time a cold start.
    """
    import sys

    from xxgk.parse import labels, matching, sections, text, tokens, values

    interpret_module = sys.modules["xxgk.parse.interpret"]  # the name is the function here

    for cache in (
        text._LAYOUTS,
        text._PLACED,
        text._CELLS,
        tokens._PLANS,
        matching._EXACT,
        interpret_module._SQUEEZED_STARTERS,
        sections._CANDIDATES,
    ):
        cache.clear()
    for cached in (labels.squeeze, labels.normalise, values.read_cell, sections._matches):
        cached.cache_clear()


def parse_text(text: str, *, source: str | None = None) -> Report:
    """Read a report from already decoded text."""
    if not text.strip():
        raise InputError("文件为空", "the file is empty", path=source)
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
