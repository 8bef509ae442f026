"""Importing Table 二 inputs from CSV or XLSX: the documents register and yearly figures.

Documents: 类型 (规章/行政规范性文件), 名称, 文号, 制发日期, 废止日期. Yearly figures: 年度,
项目 (行政许可/行政处罚/行政强制/行政事业性收费), 数值. Every row is checked; nothing is written
when any row is wrong (the session is rolled back), and each error names its row.

An uploaded table is read apart from the writing: ``read_counts`` / ``read_documents`` take
the file's bytes and are what the web runs in its worker pool (``xxgk.sandbox``); the import
functions then take the rows. From the command line a file is read under the same time and
memory ceiling (``read_bounded``).
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from xxgk.db.models import Unit, User
from xxgk.db.unit_import import all_or_nothing, read_table, read_table_data
from xxgk.errors import RegisterError
from xxgk.records.vocab import parse_date
from xxgk.register.inputs import add_document, set_yearly_count

DOCUMENT_HEADERS = {
    "类型": "kind",
    "名称": "title",
    "文件名称": "title",
    "文号": "doc_number",
    "制发日期": "issued_on",
    "印发日期": "issued_on",
    "废止日期": "repealed_on",
}
COUNT_HEADERS = {
    "年度": "year",
    "项目": "key",
    "数值": "value",
    "数量": "value",
    "来源": "source",
    "数据来源": "source",
}


DOCUMENT_REQUIRED = ("kind", "title", "issued_on")
COUNT_REQUIRED = ("year", "key", "value")
Rows = list[dict[str, str]]


def read_bounded(path: Path, headers: dict[str, str], required: tuple[str, ...]) -> Rows:
    """Return the rows of the table file at ``path`` read within the time and memory ceiling
    of ``xxgk.sandbox.budgeted`` (the command line; a web upload is read in the pool)."""
    from xxgk.sandbox import budgeted

    with budgeted():
        return read_table(path, headers, required)


def read_documents(data: bytes, name: str) -> Rows:
    """Return the rows of an uploaded documents table (a job for the worker pool)."""
    return read_table_data(data, name, DOCUMENT_HEADERS, DOCUMENT_REQUIRED)


def read_counts(data: bytes, name: str) -> Rows:
    """Return the rows of an uploaded yearly-figures table (a job for the worker pool)."""
    return read_table_data(data, name, COUNT_HEADERS, COUNT_REQUIRED)


def import_documents(
    *, session: Session, unit: Unit, actor: User, path: Path, rows: Rows | None = None
) -> int:
    """Add the documents listed in ``path`` (or its ``rows``, read already) to ``unit``'s
    register; return how many."""
    if rows is None:
        rows = read_bounded(path, DOCUMENT_HEADERS, DOCUMENT_REQUIRED)

    def add(row: dict[str, str]) -> None:
        add_document(
            session=session,
            unit=unit,
            actor=actor,
            kind=row["kind"],
            title=row["title"],
            doc_number=row.get("doc_number", ""),
            issued_on=_required(row.get("issued_on"), "制发日期"),
            repealed_on=parse_date(row.get("repealed_on") or None, "废止日期"),
        )

    all_or_nothing(session, rows, add, path)
    return len(rows)


def import_counts(
    *, session: Session, unit: Unit, actor: User, path: Path, rows: Rows | None = None
) -> int:
    """Enter the yearly figures listed in ``path`` (or its ``rows``, read already from an
    upload named ``path``); return how many."""
    if rows is None:
        rows = read_bounded(path, COUNT_HEADERS, COUNT_REQUIRED)

    def add(row: dict[str, str]) -> None:
        if not row["year"].strip().isdecimal():
            raise RegisterError(f"年度“{row['year']}”应为四位数字", "year must be a number")
        set_yearly_count(
            session=session,
            unit=unit,
            actor=actor,
            year=int(row["year"]),
            key=row["key"],
            value=row["value"].strip(),
            source=row.get("source", "") or f"导入：{path.name}",
        )

    all_or_nothing(session, rows, add, path)
    return len(rows)


def _required(text: str | None, what: str):  # type: ignore[no-untyped-def]
    day = parse_date(text or None, what)
    if day is None:
        raise RegisterError(f"{what}未填写", f"{what} is empty")
    return day
