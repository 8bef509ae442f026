"""The annual report: metadata, the six sections, the 200 cells and where each was read.

Cells are kept flat, keyed by canonical cell key (``requests.granted.total``), because every
consumer (rules, renderers, exports, diffs, roll-ups) addresses cells that way. ``to_dict`` and
``from_dict`` convert to and from the nested interchange shape of canonical-report.md.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from xxgk.findings import Finding, Location
from xxgk.model.cells import (
    ACTIVE_BLOCKS,
    CELL_BY_KEY,
    CELL_KEYS,
    FORMAT_2021,
    REQUEST_COLUMNS,
    REQUEST_ROWS,
    REVIEW_COLUMNS,
    REVIEW_GROUPS,
    SECTIONS,
)

Value = int | Decimal | None


@dataclass
class SectionText:
    """The text of one section as printed, with the line its heading was read from."""

    heading: str
    text: str
    location: Location | None = None


@dataclass
class Report:
    """One 政府信息公开工作年度报告 in canonical form.

    ``values`` holds every canonical cell; ``None`` means the cell could not be read or is not
    part of the report's format (never a silent zero). ``provenance`` says where each value was
    read; ``findings`` are what the parser noticed; ``legacy`` keeps cells of the 2019 trial
    format that have no place in the 2021 canonical shape.
    """

    organization: str | None = None
    year: int | None = None
    published: dt.date | None = None
    format: str = FORMAT_2021
    source: str | None = None
    values: dict[str, Value] = field(default_factory=lambda: dict.fromkeys(CELL_KEYS))
    sections: dict[str, SectionText] = field(default_factory=dict)
    provenance: dict[str, Location] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    legacy: dict[str, Value] = field(default_factory=dict)
    title: str | None = None
    signature: str | None = None
    metadata_provenance: dict[str, Location] = field(default_factory=dict)
    page_published: dt.date | None = None
    """The date the web page says it was published (发布时间, ``<meta name="PubDate">``),
    kept beside ``published`` (the 落款 date) when both are known."""
    page_source: str | None = None
    """The page's 来源 (the office the CMS names as the source), when printed."""

    def __getitem__(self, key: str) -> Value:
        return self.values[key]

    def __setitem__(self, key: str, value: Value) -> None:
        if key not in CELL_BY_KEY:
            raise KeyError(f"not a canonical cell key: {key}")
        self.values[key] = value

    def row(self, table: str, row: str) -> list[Value]:
        """Return the values of a Table 三 row or Table 四 group in printed column order."""
        columns = REQUEST_COLUMNS if table == "requests" else REVIEW_COLUMNS
        return [self.values[f"{table}.{row}.{c.key}"] for c in columns]

    def section_text(self, key: str) -> str:
        """Return the text of section ``key`` (``overview`` … ``other``), or ``""``."""
        section = self.sections.get(key)
        return section.text if section else ""

    @property
    def is_complete(self) -> bool:
        return all(v is not None for v in self.values.values())

    # --- interchange -----------------------------------------------------------------------

    def to_dict(self, *, extras: bool = True) -> dict[str, Any]:
        """Return the canonical JSON shape; ``extras`` adds format, sections, provenance…"""
        out: dict[str, Any] = {
            "organization": self.organization,
            "year": self.year,
            "published": self.published.isoformat() if self.published else None,
            "active": _active_to_dict(self.values),
            "requests": {r.key: self.row("requests", r.key) for r in REQUEST_ROWS},
            "review_litigation": {
                g.key: {
                    c.key: self.values[f"review_litigation.{g.key}.{c.key}"] for c in REVIEW_COLUMNS
                }
                for g in REVIEW_GROUPS
            },
        }
        out = _to_json_numbers(out)
        if extras:
            out["format"] = self.format
            out["source"] = self.source
            if self.title is not None:
                out["title"] = self.title
            out["sections"] = {
                k: {"heading": s.heading, "text": s.text} for k, s in self.sections.items()
            }
            out["provenance"] = {k: loc.to_dict() for k, loc in self.provenance.items()}
            out["findings"] = [f.to_dict() for f in self.findings]
            if self.legacy:
                out["legacy"] = _to_json_numbers(dict(self.legacy))
            if self.page_published or self.page_source:
                out["page"] = {
                    "published": self.page_published.isoformat() if self.page_published else None,
                    "source": self.page_source,
                }
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Build a report from the canonical JSON shape (extra keys are read when present)."""
        report = cls(
            organization=data.get("organization"),
            year=_int_or_none(data.get("year")),
            published=_date_or_none(data.get("published")),
            format=str(data.get("format") or FORMAT_2021),
            source=data.get("source"),
            title=data.get("title"),
        )
        _active_from_dict(report.values, data.get("active") or {})
        for row in REQUEST_ROWS:
            values = (data.get("requests") or {}).get(row.key) or [None] * len(REQUEST_COLUMNS)
            for col, value in zip(REQUEST_COLUMNS, values, strict=False):
                report.values[f"requests.{row.key}.{col.key}"] = to_count(value)
        for group in REVIEW_GROUPS:
            values = (data.get("review_litigation") or {}).get(group.key) or {}
            for col in REVIEW_COLUMNS:
                key = f"review_litigation.{group.key}.{col.key}"
                report.values[key] = to_count(values.get(col.key))
        for key, sec in (data.get("sections") or {}).items():
            report.sections[key] = SectionText(sec.get("heading", ""), sec.get("text", ""))
        for key, loc in (data.get("provenance") or {}).items():
            report.provenance[key] = Location.from_dict(loc)
        report.findings = [Finding.from_dict(f) for f in data.get("findings") or []]
        report.legacy = {k: to_amount(v) for k, v in (data.get("legacy") or {}).items()}
        page = data.get("page") or {}
        report.page_published = _date_or_none(page.get("published"))
        report.page_source = page.get("source")
        return report

    def canonical(self) -> dict[str, Any]:
        """Return only the canonical keys: what must match a truth file exactly."""
        return self.to_dict(extras=False)


def section_keys() -> tuple[str, ...]:
    return tuple(s.key for s in SECTIONS)


def to_count(value: Any) -> int | None:
    """Return ``value`` as an int count, or None; floats with a fraction are refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a count: {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal) and value == int(value):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdecimal():
        return int(value.strip())
    raise ValueError(f"not a count: {value!r}")


def to_amount(value: Any) -> Decimal | int | None:
    """Return ``value`` as a Decimal amount (an int when whole), or None."""
    if value is None:
        return None
    try:
        amount = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(f"not an amount: {value!r}") from exc
    return int(amount) if amount == amount.to_integral_value() else amount


def _active_to_dict(values: dict[str, Value]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for block in ACTIVE_BLOCKS:
        for row in block.rows:
            if block.key == "documents":
                out[row.key] = {c.key: values[f"active.{row.key}.{c.key}"] for c in block.columns}
            else:
                out[row.key] = values[f"active.{row.key}"]
    return out


def _active_from_dict(values: dict[str, Value], active: dict[str, Any]) -> None:
    for block in ACTIVE_BLOCKS:
        for row in block.rows:
            if block.key == "documents":
                sub = active.get(row.key) or {}
                for c in block.columns:
                    values[f"active.{row.key}.{c.key}"] = to_count(sub.get(c.key))
            elif row.key == "fees":
                values["active.fees"] = to_amount(active.get("fees"))
            else:
                values[f"active.{row.key}"] = to_count(active.get(row.key))


def _to_json_numbers(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {k: _to_json_numbers(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_to_json_numbers(v) for v in obj]
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    return obj


def _int_or_none(value: Any) -> int | None:
    return None if value is None else int(value)


def _date_or_none(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))
