"""Opening ZIP packages (DOCX, XLSX) within the budgets of ``xxgk.limits``.

A 4 MB DOCX can inflate to 8 GB. Before any member is read, the central directory is checked:
the number of entries, each member's declared size and their sum. The members are then read
through a stream that stops one byte past the budget, so a member whose real size is larger
than its declared one cannot slip through either (``zipfile`` also stops at the declared size
and checks the CRC).
"""

from __future__ import annotations

import io
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
