"""Opening Office Open XML packages (DOCX, XLSX) within the budgets of ``xxgk.limits``.

A 4 MB DOCX can inflate to 8 GB. Before any member is read, the central directory is checked:
the number of entries, each member's declared size and their sum. The members are then read
through a stream that stops one byte past the budget, so a member whose real size is larger
than its declared one cannot slip through either (``zipfile`` also stops at the declared size
and checks the CRC).

``check_workbook`` counts what a workbook's sheets really hold before openpyxl builds them.
It lives here, below both ``xxgk.parse`` (reports in Excel) and ``xxgk.db`` (table imports),
so every reader of an uploaded workbook checks it the same way.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile

from xxgk.errors import InputError
from xxgk.limits import LimitError, check, current_limits

_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22


def declared_entries(data: bytes) -> int | None:
    """Return the entry count of the end-of-central-directory record, read without zipfile
    (which builds one object per entry: a hostile directory of a million entries costs GBs)."""
    at = data.rfind(_EOCD, max(0, len(data) - 65_536 - _EOCD_SIZE))
    if at < 0 or at + _EOCD_SIZE > len(data):
        return None
    (total,) = struct.unpack_from("<H", data, at + 10)
    return int(total)


def open_package(data: bytes, name: str | None, what: str) -> zipfile.ZipFile:
    """Return the ZIP package of ``data`` after checking its directory against the budgets.

    ``what`` names the format for the error of an unreadable package (``Word（DOCX）``).
    """
    entries = declared_entries(data)
    if entries is not None:
        check("members", entries, path=name)
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise InputError(
            f"不是可读的 {what} 文件", f"not a readable package: {exc}", path=name
        ) from exc
    infos = package.infolist()
    check("members", len(infos), path=name)
    for info in infos:
        check("member_bytes", info.file_size, path=name)
    check("unpacked_bytes", sum(info.file_size for info in infos), path=name)
    return package


def read_member(package: zipfile.ZipFile, member: str, name: str | None) -> bytes:
    """Return the decompressed bytes of ``member``, read through a size-limited stream."""
    budget = current_limits().member_bytes
    with package.open(member) as stream:
        data = stream.read(budget + 1)
    if len(data) > budget:  # read no further: the real size is not known
        raise LimitError("member_bytes", budget, path=name)
    return data


_MERGE = re.compile(
    rb"<(?:\w+:)?mergeCell\b[^>]*?\bref=\"\$?([A-Z]{1,3})\$?(\d{1,7})"
    rb"(?::\$?([A-Z]{1,3})\$?(\d{1,7}))?\""
)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merged_area(xml: bytes) -> int:
    """Return the number of cells the sheet's merged ranges cover (openpyxl makes one object
    for each of them)."""
    if b"mergeCell" not in xml:
        return 0
    area = 0
    for c1, r1, c2, r2 in _MERGE.findall(xml):
        if c2:
            width = abs(_column_number(c2) - _column_number(c1)) + 1
            area += width * (abs(int(r2) - int(r1)) + 1)
    return area


def check_workbook(data: bytes, name: str | None) -> None:
    """Check a workbook against the budgets before openpyxl builds it: the package, the
    number of sheets, and the rows, cells and merged cells the sheets actually hold
    (counted in the XML; the declared ``<dimension>`` is never trusted)."""
    with open_package(data, name, "Excel（XLSX）") as package:
        sheets = [
            n
            for n in package.namelist()
            if n.startswith(("xl/worksheets/", "xl/chartsheets/")) and n.endswith(".xml")
        ]
        check("sheets", len(sheets), path=name)
        rows = cells = 0
        for member in sheets:
            xml = read_member(package, member, name)
            rows += xml.count(b"<row ") + xml.count(b"<row>") + xml.count(b":row ")
            cells += xml.count(b"<c ") + xml.count(b"<c>") + xml.count(b":c ")
            cells += _merged_area(xml)
            check("rows", rows, path=name)
            check("cells", cells, path=name)
