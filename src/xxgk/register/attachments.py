"""Files kept with a case: the incoming letter, the envelope, the applicant's 身份证明, the
reply and its proof of delivery, and the letters xxgk rendered.

The bytes live in a file store outside the database, under their sha256 (a second upload of
the same file is stored once); the database keeps name, type, size and hash. Only file types
an office works with are accepted, and they are always served as a download. Identity papers
(条例 art. 29) are shown to the unit's own users only and never exported. Nothing is deleted:
a voided case keeps its files.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from xxgk.db import audit
from xxgk.db.access import WRITERS, can_see_personal_data, require
from xxgk.db.models import User
from xxgk.errors import RegisterError
from xxgk.register.casework_models import CaseFile
from xxgk.register.models import Application

FILE_STORE_ENV = "XXGK_FILE_STORE"
MAX_FILE_BYTES = 20 * 1024 * 1024
KINDS: dict[str, str] = {
    "incoming": "来信（申请书）",
    "envelope": "信封（邮戳）",
    "identity": "身份证明",
    "reply": "答复文书",
    "delivery": "送达凭证",
    "letter": "本机关文书",
    "other": "其他材料",
}
PRIVATE_KINDS = frozenset({"identity"})
TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".doc": "application/msword",
    ".ofd": "application/ofd",
    ".txt": "text/plain",
    ".eml": "message/rfc822",
}
MAGIC: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".png": (b"\x89PNG",),
    ".tif": (b"II*\x00", b"MM\x00*"),
    ".tiff": (b"II*\x00", b"MM\x00*"),
    ".docx": (b"PK\x03\x04",),
    ".ofd": (b"PK\x03\x04",),
    ".doc": (b"\xd0\xcf\x11\xe0",),
}


@dataclass(frozen=True)
class FileStore:
    """A folder of files named by their sha256 (``ab/abcdef…``)."""

    root: Path

    def put(self, data: bytes) -> str:
        """Store ``data`` (once) and return its sha256."""
        digest = hashlib.sha256(data).hexdigest()
        path = self.path(digest)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_suffix(".part")
            partial.write_bytes(data)
            os.replace(partial, path)
        return digest

    def path(self, digest: str) -> Path:
        if len(digest) != 64 or not all(c in "0123456789abcdef" for c in digest):
            raise RegisterError("文件标识无效", f"bad file digest {digest!r}")
        return self.root / digest[:2] / digest

    def read(self, digest: str) -> bytes:
        """Return the stored bytes of ``digest``, checking they still hash to it."""
        path = self.path(digest)
        if not path.is_file():
            raise RegisterError("文件已不在文件库中，请联系管理员", f"file {digest} is missing")
        data = path.read_bytes()
        if hashlib.sha256(data).hexdigest() != digest:
            raise RegisterError("文件内容已被改动，无法提供", f"file {digest} is corrupt")
        return data


def default_store() -> FileStore:
    """Return the store of ``XXGK_FILE_STORE``, or ``files`` under ``XXGK_DATA_DIR``/``data``."""
    root = (
        os.environ.get(FILE_STORE_ENV) or Path(os.environ.get("XXGK_DATA_DIR") or "data") / "files"
    )
    return FileStore(Path(root))


def file_type(filename: str, data: bytes) -> str:
    """Return the content type of an accepted file, or refuse it with a one-line reason."""
    suffix = Path(filename).suffix.lower()
    if suffix not in TYPES:
        raise RegisterError(
            f"文件“{filename}”的类型不在允许之列（{'、'.join(TYPES)}）",
            f"file type {suffix!r} not accepted",
        )
    magic = MAGIC.get(suffix)
    if magic and not data.startswith(magic):
        raise RegisterError(
            f"文件“{filename}”的内容与扩展名{suffix}不符", f"{filename}: content is not {suffix}"
        )
    return TYPES[suffix]


def attach_file(
    *,
    session: Session,
    store: FileStore,
    actor: User,
    application: Application,
    kind: str,
    filename: str,
    data: bytes,
    event_id: int | None = None,
    letter_id: int | None = None,
    note: str = "",
    max_bytes: int = MAX_FILE_BYTES,
) -> CaseFile:
    """Keep ``data`` with ``application`` (or one of its events or letters)."""
    app = application
    require(actor, WRITERS, app.unit)
    if kind not in KINDS:
        raise RegisterError(f"附件类别“{kind}”无法识别，可选：{'、'.join(KINDS.values())}", kind)
    if not data:
        raise RegisterError(f"文件“{filename}”是空的", f"{filename} is empty")
    if len(data) > max_bytes:
        raise RegisterError(
            f"文件“{filename}”超过{max_bytes // (1024 * 1024)}MB上限", f"{filename} too large"
        )
    if event_id is not None and event_id not in {e.id for e in app.events}:
        raise RegisterError("所选事件不属于该申请", f"event {event_id} is not of {app.number}")
    name = Path(filename.replace("\\", "/")).name[:200] or "file"
    content_type = file_type(name, data)
    row = CaseFile(
        unit_id=app.unit_id,
        application_id=app.id,
        event_id=event_id,
        letter_id=letter_id,
        kind=kind,
        filename=name,
        content_type=content_type,
        size=len(data),
        sha256=store.put(data),
        note=note,
        actor_id=actor.id,
        actor_name=actor.username,
    )
    return audit.add_created(session=session, actor=actor, entity="case_file", row=row)


def case_files(session: Session, application: Application, viewer: User | None) -> list[CaseFile]:
    """Return the files of ``application`` that ``viewer`` may see (identity papers only to
    the unit's own users)."""
    rows = session.scalars(
        select(CaseFile).where(CaseFile.application_id == application.id).order_by(CaseFile.id)
    )
    personal = can_see_personal_data(viewer, application.unit)
    return [r for r in rows if personal or r.kind not in PRIVATE_KINDS]


def readable_file(
    session: Session, store: FileStore, application: Application, file_id: int, viewer: User | None
) -> tuple[CaseFile, bytes]:
    """Return the row and bytes of file ``file_id`` of ``application`` when ``viewer`` may
    read it; anything else is "not found"."""
    found = next((f for f in case_files(session, application, viewer) if f.id == file_id), None)
    if found is None:
        raise RegisterError("附件不存在", f"no file {file_id} on {application.number}")
    return found, store.read(found.sha256)
