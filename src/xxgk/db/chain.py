"""The audit chain and the write lock that keeps it (and every running number) straight.

Each audit entry carries ``prev_hash`` (the hash of the entry before it) and ``hash``, the
sha256 of its own content and ``prev_hash`` in canonical JSON. Changing or deleting an entry
behind xxgk's back breaks the link to the next one; deleting the newest entries leaves the head
row (``audit_head``) pointing past the end. ``verify`` walks the chain and names the first break.

Walking the whole chain costs time in proportion to the log, so the audit page does not:
``verify_recent`` checks only the entries after the checkpoint (``audit_checkpoint``: the id
and hash of the newest entry a verification walked to), plus the checkpoint entry itself, and
moves the checkpoint on. A row changed behind xxgk's back *before* the checkpoint is found by
``verify_full`` (``xxgk audit verify``, the page's button, the daily task of ``xxgk serve``),
which records when it ran and what it found; after a break it puts the checkpoint just before
the broken entry, so every page view shows the break until it is dealt with.

Writers take :func:`lock_writes` before they read anything they will number or chain: an
UPDATE of the one head row, which on PostgreSQL holds that row's lock and on SQLite the
database write lock until the transaction ends. Two transactions therefore never read the same
"largest number so far" or the same chain end, and since it is the only lock xxgk takes, two
writers can never wait for each other in a cycle.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xxgk.db.base import utcnow
from xxgk.db.models import AuditCheckpoint, AuditEntry, AuditHead

HEAD_ID = 1
CHECKPOINT_ID = 1
HASHED_FIELDS = (
    "id",
    "at",
    "actor_id",
    "actor_name",
    "action",
    "entity",
    "entity_id",
    "before",
    "after",
    "reason",
)


def lock_writes(session: Session) -> AuditHead:
    """Take the write lock of this transaction and return the chain's head row, fresh.

    Held until commit or rollback. The head row is created on first use (a new or emptied
    database); two transactions creating it at once meet on its primary key and the loser
    simply takes the lock the winner made.
    """
    for _ in range(3):
        bumped = session.execute(
            update(AuditHead)
            .where(AuditHead.id == HEAD_ID)
            .values(writes=AuditHead.writes + 1)
            .execution_options(synchronize_session=False)
        )
        if bumped.rowcount:  # type: ignore[attr-defined]
            break
        try:
            with session.begin_nested():
                session.add(_new_head(session))
        except IntegrityError:
            continue
        break
    head = session.scalars(
        select(AuditHead).where(AuditHead.id == HEAD_ID).execution_options(populate_existing=True)
    ).one()
    return head


def _new_head(session: Session) -> AuditHead:
    """Return the head row of a chain without one: after its newest entry, if any."""
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1)).first()
    return AuditHead(
        id=HEAD_ID,
        last_id=last.id if last else 0,
        last_hash=last.hash if last else "",
        writes=1,
    )


def next_entry_id(session: Session, head: AuditHead) -> int:
    """Return the id of the next entry, given under the lock so its hash can cover it."""
    top = session.scalar(select(func.max(AuditEntry.id))) or 0
    return max(top, head.last_id) + 1


def canonical(fields: dict[str, Any]) -> str:
    """Return ``fields`` as canonical JSON: sorted keys, no spaces, UTF-8 text kept as is."""
    return json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def entry_fields(entry: AuditEntry) -> dict[str, Any]:
    """Return what the hash of ``entry`` covers, as plain JSON values."""
    fields = {name: getattr(entry, name) for name in HASHED_FIELDS}
    fields["at"] = _timestamp(entry.at)
    return fields


def entry_hash(fields: dict[str, Any], prev_hash: str) -> str:
    """Return the sha256 (hex) of ``fields`` and the previous entry's hash."""
    text = canonical({**fields, "prev_hash": prev_hash})
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _timestamp(value: dt.datetime | str | None) -> str | None:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="microseconds")
    return value


@dataclass(frozen=True)
class ChainBreak:
    """The first place where the chain does not hold, and why (Chinese, for people)."""

    entry_id: int | None
    message: str


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify` found: the number of entries checked and the first break, if any;
    ``last_id`` and ``last_hash`` are the last entry that held."""

    checked: int
    broken: ChainBreak | None
    last_id: int = 0
    last_hash: str = ""

    @property
    def ok(self) -> bool:
        return self.broken is None


@dataclass(frozen=True)
class ChainStatus:
    """What the audit page shows: the check of the entries since the checkpoint (``recent``,
    which started after entry ``since``) and the last full verification (None: never ran)."""

    recent: ChainReport
    since: int
    full_at: dt.datetime | None
    full_checked: int
    full_problem: str

    @property
    def ok(self) -> bool:
        return self.recent.ok and not self.full_problem


def verify(session: Session, batch: int = 2000) -> ChainReport:
    """Walk the audit chain from its first entry and return the first broken link, if any."""
    return _walk(session, 0, "", batch)


def _walk(session: Session, prev_id: int, prev_hash: str, batch: int = 2000) -> ChainReport:
    """Walk the chain after entry ``prev_id`` (whose hash is ``prev_hash``) to the head."""
    checked = 0
    while True:
        rows = list(
            session.scalars(
                select(AuditEntry)
                .where(AuditEntry.id > prev_id)
                .order_by(AuditEntry.id)
                .limit(batch)
            )
        )
        for entry in rows:
            problem = _link_problem(entry, prev_hash)
            if problem:
                return ChainReport(checked, ChainBreak(entry.id, problem), prev_id, prev_hash)
            prev_hash, prev_id, checked = entry.hash, entry.id, checked + 1
        session.expunge_all()
        if len(rows) < batch:
            break
    head = session.get(AuditHead, HEAD_ID)
    return ChainReport(checked, _head_problem(head, prev_id, prev_hash), prev_id, prev_hash)


def verify_recent(session: Session) -> ChainStatus:
    """Check the entries written since the checkpoint (and the checkpoint entry itself), move
    the checkpoint on when they hold, and return them with the last full verification.

    Commits ``session``: use one of its own (the walk empties it)."""
    point = session.get(AuditCheckpoint, CHECKPOINT_ID)
    since, since_hash = (point.verified_id, point.verified_hash) if point else (0, "")
    full = (point.full_at, point.full_checked, point.full_problem) if point else (None, 0, "")
    problem = _checkpoint_problem(session, since, since_hash)
    if problem is not None:
        recent = ChainReport(0, problem, since, since_hash)
    else:
        recent = _walk(session, since, since_hash)
        if recent.ok and recent.last_id > since:
            _save_checkpoint(session, recent.last_id, recent.last_hash, forward_only=True)
    session.commit()
    return ChainStatus(recent, since, *full)


def verify_full(session: Session, batch: int = 2000) -> ChainReport:
    """Walk the whole chain, record when and with what result in the checkpoint, and return
    the report; after a break the checkpoint stands just before the broken entry. Commits."""
    report = _walk(session, 0, "", batch)
    _save_checkpoint(session, report.last_id, report.last_hash, forward_only=False)
    point = session.get_one(AuditCheckpoint, CHECKPOINT_ID)
    point.full_at = utcnow()
    point.full_checked = report.checked
    point.full_problem = report.broken.message if report.broken else ""
    session.commit()
    return report


def _checkpoint_problem(session: Session, entry_id: int, entry_hash_: str) -> ChainBreak | None:
    """The break at the checkpoint entry itself: gone, or changed since it was checked."""
    if not entry_id:
        return None
    entry = session.get(AuditEntry, entry_id)
    if entry is None:
        return ChainBreak(entry_id, f"第{entry_id}条记录已被删除（该记录此前已校验）")
    if entry.hash != entry_hash_ or entry.hash != entry_hash(entry_fields(entry), entry.prev_hash):
        return ChainBreak(entry_id, f"第{entry_id}条记录的内容与其校验值不符（记录被修改）")
    return None


def _save_checkpoint(session: Session, last_id: int, last_hash: str, *, forward_only: bool) -> None:
    """Set the checkpoint to entry ``last_id`` (only forward when ``forward_only``: two views
    at once never move it back)."""
    query = update(AuditCheckpoint).where(AuditCheckpoint.id == CHECKPOINT_ID)
    if forward_only:
        query = query.where(AuditCheckpoint.verified_id < last_id)
    moved = session.execute(
        query.values(
            verified_id=last_id, verified_hash=last_hash, verified_at=utcnow()
        ).execution_options(synchronize_session=False)
    )
    if moved.rowcount or session.get(AuditCheckpoint, CHECKPOINT_ID) is not None:  # type: ignore[attr-defined]
        return
    try:
        with session.begin_nested():
            session.add(
                AuditCheckpoint(
                    id=CHECKPOINT_ID,
                    verified_id=last_id,
                    verified_hash=last_hash,
                    verified_at=utcnow(),
                    full_checked=0,
                    full_problem="",
                )
            )
    except IntegrityError:  # another view made it first; its checkpoint is as good
        pass


def _link_problem(entry: AuditEntry, prev_hash: str) -> str:
    if entry.prev_hash != prev_hash:
        return f"第{entry.id}条记录与前一条记录的链接不符（前一条记录被修改或删除）"
    if entry.hash != entry_hash(entry_fields(entry), entry.prev_hash):
        return f"第{entry.id}条记录的内容与其校验值不符（记录被修改）"
    return ""


def _head_problem(head: AuditHead | None, last_id: int, last_hash: str) -> ChainBreak | None:
    if head is None:
        return ChainBreak(None, "审计日志的链尾记录缺失") if last_id else None
    if head.last_id != last_id or head.last_hash != last_hash:
        return ChainBreak(
            head.last_id or None,
            f"审计日志最后一条应为第{head.last_id}条，实际为第{last_id}条（最新记录被删除或改动）",
        )
    return None
