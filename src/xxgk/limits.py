"""Budgets for every input xxgk reads, in one place.

A report file comes from anyone: an anonymous visitor of 年报检查, a crawler's download, a
colleague's USB stick. Every reader checks the budget that bounds its own work *before* doing
that work (the bytes of the upload, the decompressed bytes of each zip member and PDF stream,
pages, sheets, rows and cells actually present, characters of text, nesting depth of markup),
and the whole parse runs under a wall-time and memory ceiling (``xxgk.sandbox``). A file over
any budget is refused with ``LimitError``: one line naming the budget, never a traceback.

The defaults serve real reports with a wide margin (a real report is < 5 MB and < 60 pages,
its tables a few hundred cells). Each budget can be changed with an environment variable
``XXGK_LIMIT_<NAME>`` (``XXGK_LIMIT_PAGES=500``), read once per process; tests and the worker
pool pass a ``Limits`` object explicitly with ``use_limits``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, fields
from typing import Any, Final

from xxgk.errors import InputError

MB: Final = 1024 * 1024


def _budget(default: float, description: str) -> Any:
    """A budget field: its default and what it bounds (positive, checked on construction)."""
    return field(default=default, metadata={"description": description})


@dataclass(frozen=True)
class Limits:
    """The budgets of one parse; every field can be set by ``XXGK_LIMIT_<FIELD>``.

    A frozen dataclass, not a pydantic model: importing pydantic was a fifth of the start-up
    of ``xxgk check FILE``, and the only validation needed is "a positive number".
    """

    upload_bytes: int = _budget(20 * MB, "bytes of one input file")
    member_bytes: int = _budget(64 * MB, "decompressed bytes of one zip member or PDF stream")
    unpacked_bytes: int = _budget(
        256 * MB, "decompressed bytes of all members or streams of one file"
    )
    members: int = _budget(10_000, "entries of one zip package")
    pages: int = _budget(300, "pages of one PDF")
    sheets: int = _budget(50, "worksheets of one workbook")
    rows: int = _budget(50_000, "rows present in one workbook")
    cells: int = _budget(200_000, "cells present (or merged) in one workbook")
    text_chars: int = _budget(2_000_000, "characters of text of one file")
    depth: int = _budget(256, "nesting depth of HTML or XML markup")
    parse_seconds: float = _budget(20.0, "wall time of one parse")
    ocr_seconds: float = _budget(
        30.0, "wall time of one parse that recognises a scan or image (OCR)"
    )
    memory_bytes: int = _budget(1024 * MB, "memory one parse may add")

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
                raise ValueError(f"budget {spec.name} must be a positive number, not {value!r}")

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """Return the budgets with every ``XXGK_LIMIT_<FIELD>`` set (any case) applied."""
        source = os.environ if environ is None else environ
        kinds = {spec.name: spec.type for spec in fields(cls)}
        values: dict[str, Any] = {}
        for name, text in source.items():
            if not name.upper().startswith(ENV_PREFIX):
                continue
            budget = name[len(ENV_PREFIX) :].lower()
            if budget in kinds:  # unknown names are ignored, as before
                values[budget] = _number(name, text, float if kinds[budget] == "float" else int)
        return cls(**values)


def _number(name: str, text: str, kind: type) -> float:
    """Return the environment value ``text`` of ``name`` as ``kind``; a clear error else."""
    try:
        return kind(text.strip())
    except ValueError:
        raise ValueError(f"{name} must be a positive number, not {text!r}") from None


ENV_PREFIX: Final = "XXGK_LIMIT_"

LABELS: Final[dict[str, tuple[str, str]]] = {
    "upload_bytes": ("文件大小", "字节"),
    "member_bytes": ("压缩包内单个部件（或 PDF 数据流）解压后的大小", "字节"),
    "unpacked_bytes": ("解压后的总大小", "字节"),
    "members": ("压缩包内的部件数", "个"),
    "pages": ("页数", "页"),
    "sheets": ("工作表数", "个"),
    "rows": ("表格行数", "行"),
    "cells": ("单元格数", "个"),
    "text_chars": ("文字字数", "字"),
    "depth": ("标记嵌套层数", "层"),
    "parse_seconds": ("解析时间", "秒"),
    "ocr_seconds": ("扫描件文字识别时间", "秒"),
    "memory_bytes": ("解析内存", "字节"),
}
"""What an officer reads for each budget: its name and its unit."""


class LimitError(InputError):
    """A file over one of the budgets; ``budget`` is the field name of ``Limits``."""

    def __init__(
        self,
        budget: str,
        limit: float,
        found: float | None = None,
        *,
        path: str | None = None,
        message_zh: str | None = None,
    ) -> None:
        self.budget = budget
        self.limit = limit
        self.found = found
        label, unit = LABELS[budget]
        shown = f"（本文件{_amount(found, unit)}）" if found is not None else ""
        super().__init__(
            message_zh or f"文件超出“{label}”的上限{_amount(limit, unit)}{shown}，已拒绝读取",
            f"over the {budget} budget of {_plain(limit)}"
            + (f" (found {_plain(found)})" if found is not None else "")
            + f"; set XXGK_LIMIT_{budget.upper()} to change it",
            path=path,
        )


def _plain(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def _amount(value: float, unit: str) -> str:
    if unit == "字节":
        if value >= MB:
            return f"{value / MB:.0f}MB" if value % MB == 0 else f"{value / MB:.1f}MB"
        return f"{value:.0f}字节"
    return f"{value:.0f}{unit}" if float(value).is_integer() else f"{value:g}{unit}"


_CURRENT: Limits | None = None


def current_limits() -> Limits:
    """Return the budgets in force: those of ``use_limits``, else the environment's."""
    global _CURRENT
    if _CURRENT is None:
        _CURRENT = Limits.from_environment()
    return _CURRENT


@contextmanager
def use_limits(limits: Limits) -> Iterator[Limits]:
    """Make ``limits`` the budgets in force inside the block (a worker job, a test)."""
    global _CURRENT
    previous = _CURRENT
    _CURRENT = limits
    try:
        yield limits
    finally:
        _CURRENT = previous


def reset_limits() -> None:
    """Forget the budgets read from the environment (after the environment changed)."""
    global _CURRENT
    _CURRENT = None


def check(budget: str, found: float, *, path: str | None = None) -> None:
    """Raise ``LimitError`` when ``found`` exceeds the budget ``budget`` in force."""
    limit = getattr(current_limits(), budget)
    if found > limit:
        raise LimitError(budget, limit, found, path=path)


_LIFTERS: list[Callable[[], float | None]] = []


def lift_ceilings() -> float | None:
    """Switch the enclosing guard (``xxgk.sandbox.budgeted``) to the OCR time budget for the
    rest of the parse: its timer now stops the parse ``ocr_seconds`` after it began (instead
    of ``parse_seconds``). Called by OCR of scans (``parse.ocr``), which also refuses up front
    a scan whose pages would take longer than ``ocr_seconds`` and recognises in a child
    process held to ``memory_bytes`` of resident memory (``xxgk.bounded``). The address-space
    limit of this process, the byte, page and cell budgets still hold, and the web's worker
    pool still kills a job at its timeout.

    Return the seconds the guard leaves the parse from now (None without a guard, as in a
    thread): OCR stops recognising pages in time to lay out and check the pages read."""
    left = [lift() for lift in list(_LIFTERS)]
    return min((s for s in left if s is not None), default=None)


@contextmanager
def lifter(lift: Callable[[], float | None]) -> Iterator[None]:
    """Register ``lift`` for ``lift_ceilings`` inside the block (the guard does this); it
    returns the seconds its timer leaves, None for no timer."""
    _LIFTERS.append(lift)
    try:
        yield
    finally:
        _LIFTERS.remove(lift)
