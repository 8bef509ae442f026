"""``debug_parse``: every intermediate of a parse, for ``xxgk parse --debug``."""

from __future__ import annotations

from typing import Any

from xxgk.errors import XxgkError
from xxgk.limits import LimitError, check, current_limits
from xxgk.parse.document import SourceDocument
from xxgk.parse.interpret import interpret_with_trace
from xxgk.parse.reader_common import damaged
from xxgk.parse.readers import READERS, detect_format


def debug_parse(data: bytes, *, source: str | None = None, name: str | None = None) -> dict:
    """Return the format, lines, sections, label matches, values and findings of ``data``.

    Within the budgets of ``xxgk.limits``, and a library's error on a damaged file is one
    ``InputError``, as for ``parse_bytes``."""
    check("upload_bytes", len(data), path=source)
    try:
        return _debug_parse(data, source, name)
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


def _debug_parse(data: bytes, source: str | None, name: str | None) -> dict:
    fmt = detect_format(data, name)
    out: dict[str, Any] = {"format": fmt}
    reader = READERS.get(fmt)
    if reader is None:
        return out
    doc: SourceDocument = reader(data, source)
    report, trace = interpret_with_trace(doc)
    out["lines"] = len(doc.lines)
    out["sections"] = [
        {
            "key": s.key,
            "heading": s.heading,
            "place": s.location.describe() if s.location else "",
            "lines": [s.start, s.end],
        }
        for s in trace.segments
    ]
    out["tables"] = {key: result.debug() for key, result in trace.tables.items()}
    out["metadata"] = {
        "title": trace.metadata.title,
        "organization": report.organization,
        "year": report.year,
        "published": report.published.isoformat() if report.published else None,
        "report_format": report.format,
    }
    out["findings"] = [f.to_dict() for f in report.findings]
    out["report"] = report.to_dict(extras=False)
    return out
