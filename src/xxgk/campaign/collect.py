"""Collecting the units' annual reports into the report store: many files or ZIP packages at
once, one result per file, and matching by hand what no name matched.

The supervising office receives its units' reports each January as a pile of files (a ZIP
mailed by a township, a folder of DOCX, an old .doc). ``collect_reports`` expands the ZIP
packages within ``xxgk.limits`` (members, decompressed bytes, nesting), reads each file
through the ``read`` function it is given (the web runs it in the sandbox pool, the CLI in
this process under ``budgeted``), matches each report to a unit *of the collector's scope*
and writes the usable ones into the store as versions of their unit and year. Every file gets
a ``FileResult``: matched or not, year, version, errors, warnings, unreadable cells, late,
or the one clear reason it was not stored. One bad file never rejects the batch.

A report whose 报告主体 names no unit of the scope is stored unmatched (with who collected
it), and the person picks its unit from a list (``match_report``); the choice is kept on the
report and is remembered for the next file of the same name (``remembered_unit``).
"""

from __future__ import annotations

import hashlib
import os
import zipfile
import zlib
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from xxgk.batch import REPORT_SUFFIXES
from xxgk.corpus.crossyear import refresh_cross_year
from xxgk.corpus.models import StoredReport
from xxgk.corpus.names import UnitMatcher, name_key
from xxgk.corpus.prepare import Payload, kind_settings, prepare_report
from xxgk.corpus.queries import unit_report
from xxgk.corpus.writer import write_batch
from xxgk.db import audit
from xxgk.db.access import CORPUS_KEEPERS, AccessError, in_subtree, require
from xxgk.db.chain import lock_writes
from xxgk.db.models import Role, Unit, User
from xxgk.db.units import list_units
from xxgk.errors import InputError, XxgkError
from xxgk.limits import MB, LimitError, current_limits
from xxgk.model.cells import CELL_KEYS
from xxgk.model.report import Report

COLLECT_SUFFIXES = REPORT_SUFFIXES | {".doc", ".xls"}
"""Every format xxgk reads, the legacy Office ones included (converted by LibreOffice)."""
ZIP_SUFFIX = ".zip"
MAX_NESTING = 2
"""ZIP packages opened inside one another (a county's ZIP of townships' ZIPs); deeper is
refused: no real batch nests further, a ZIP bomb does."""
SKIPPED_PREFIXES = ("__MACOSX/", ".")
"""ZIP members that are an archiver's leftovers, not files somebody put in."""

Reader = Callable[[bytes, str], Report]
"""Reads one file's bytes (named for the messages) into a report or raises ``XxgkError``."""
Tick = Callable[[int, int], None]
"""Told (files done, files in all) as the batch goes."""


@dataclass(frozen=True)
class Upload:
    """One file as received: its name (a ZIP member: ``包.zip/成员名``) and bytes."""

    name: str
    data: bytes


@dataclass
class FileResult:
    """What became of one file of a batch."""

    file: str
    organization: str = ""
    unit_id: int | None = None
    unit: str = ""
    year: int | None = None
    version: int | None = None
    errors: int = 0
    warnings: int = 0
    unreadable: int = 0
    late: bool = False
    refused: str = ""
    """The one-line reason the file was not stored (empty when it was)."""
    note: str = ""
    """A remark on a stored or skipped file (a copy already in the store, matched by hand)."""
    report_id: int | None = None
    candidates: tuple[str, ...] = ()

    @property
    def stored(self) -> bool:
        return self.report_id is not None and not self.refused

    @property
    def matched(self) -> bool:
        return self.unit_id is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "organization": self.organization,
            "unit_id": self.unit_id,
            "unit": self.unit,
            "year": self.year,
            "version": self.version,
            "errors": self.errors,
            "warnings": self.warnings,
            "unreadable": self.unreadable,
            "late": self.late,
            "refused": self.refused,
            "note": self.note,
            "report_id": self.report_id,
            "candidates": list(self.candidates),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FileResult:
        """The result as ``to_dict`` wrote it (a batch's saved state)."""
        return cls(**{**data, "candidates": tuple(data.get("candidates") or ())})


def refused(name: str, reason: str) -> FileResult:
    return FileResult(file=name, refused=reason)


# --- the units a collector may fill -----------------------------------------------------------


def scope_units(session: Session, actor: User) -> list[Unit]:
    """Return the active units whose reports ``actor`` may put into the store, in tree
    order: every unit for an administrator, the own unit and those below it for a
    supervising office or a unit administrator, none for anybody else."""
    role = Role(actor.role)
    units = [u for _, u in list_units(session) if u.active]
    if role is Role.ADMIN:
        return units
    if role not in CORPUS_KEEPERS or actor.unit_id is None:
        return []
    return [u for u in units if in_subtree(u, actor.unit_id)]


def require_in_scope(session: Session, actor: User, unit: Unit) -> None:
    """Refuse unless ``actor`` may store reports of ``unit`` (see ``scope_units``)."""
    require(actor, CORPUS_KEEPERS)
    if unit.id not in {u.id for u in scope_units(session, actor)}:
        raise AccessError(
            f"“{unit.name}”不在您管辖的单位范围内，不能把报告归入该单位",
            f"unit {unit.code!r} is outside the user's scope",
        )


# --- expanding the upload -------------------------------------------------------------------


def expand(uploads: Iterable[Upload | FileResult]) -> list[Upload | FileResult]:
    """Return the files of ``uploads`` with every ZIP package opened (members in order), or
    the refusal of what cannot be read: a type xxgk does not read, a broken or oversized
    package, a package nested deeper than ``MAX_NESTING``. A result given (a file refused
    on receipt, e.g. too large) is kept in its place."""
    out: list[Upload | FileResult] = []
    budget = _Budget()
    for upload in uploads:
        if isinstance(upload, FileResult):
            out.append(upload)
        else:
            _expand_one(upload, 0, out, budget)
    return out


@dataclass
class _Budget:
    """What the whole batch has unpacked so far, against the budgets of one package."""

    members: int = 0
    unpacked: int = 0

    def take(self, name: str, size: int) -> None:
        limits = current_limits()
        self.members += 1
        self.unpacked += size
        if self.members > limits.members:
            raise LimitError("members", limits.members, path=name)
        if self.unpacked > limits.unpacked_bytes:
            raise LimitError("unpacked_bytes", limits.unpacked_bytes, path=name)


def _is_zip(upload: Upload) -> bool:
    return PurePath(upload.name).suffix.lower() == ZIP_SUFFIX


def _expand_one(
    upload: Upload, depth: int, out: list[Upload | FileResult], budget: _Budget
) -> None:
    if _is_zip(upload):
        if depth >= MAX_NESTING:
            out.append(refused(upload.name, f"压缩包嵌套超过{MAX_NESTING}层，未打开"))
            return
        try:
            members = _members(upload, budget)
        except XxgkError as exc:
            out.append(refused(upload.name, exc.message_zh))
            return
        if not members:
            out.append(refused(upload.name, "压缩包中没有文件"))
        for member in members:
            if isinstance(member, FileResult):
                out.append(member)
            else:
                _expand_one(member, depth + 1, out, budget)
        return
    suffix = PurePath(upload.name).suffix.lower()
    if suffix not in COLLECT_SUFFIXES:
        allowed = "、".join(sorted(COLLECT_SUFFIXES | {ZIP_SUFFIX}))
        out.append(refused(upload.name, f"文件类型不受支持，可上传：{allowed}"))
        return
    out.append(upload)


def _members(upload: Upload, budget: _Budget) -> list[Upload | FileResult]:
    """Return the files in a ZIP package within the budgets (directory checked first); a
    member that cannot be unpacked (damaged, encrypted, an unknown compression) is refused
    alone."""
    from xxgk.ooxml import open_package, read_member

    found: list[Upload | FileResult] = []
    with open_package(upload.data, upload.name, "ZIP 压缩包") as package:
        for info in package.infolist():
            name = member_name(info)
            if info.is_dir() or name.startswith(SKIPPED_PREFIXES) or "/." in name:
                continue
            budget.take(upload.name, info.file_size)
            where = f"{upload.name}/{name}"
            try:
                found.append(Upload(where, read_member(package, info.filename, upload.name)))
            except LimitError:
                raise
            except (
                zipfile.BadZipFile,
                OSError,
                EOFError,
                RuntimeError,
                ValueError,
                NotImplementedError,
                zlib.error,
            ):
                found.append(
                    refused(where, "压缩包中的此文件已损坏、加密或压缩方式不受支持，无法解压")
                )
    return found


def member_name(info: zipfile.ZipInfo) -> str:
    """Return a member's name as its author wrote it: a ZIP made on a Chinese Windows stores
    names in GBK without the UTF-8 flag, which ``zipfile`` reads as cp437."""
    name = info.filename
    if info.flag_bits & 0x800:
        return name
    try:
        return name.encode("cp437").decode("gbk")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return name


def read_here(data: bytes, name: str) -> Report:
    """The ``Reader`` of the command line: parse in this process within the budgets."""
    from xxgk.parse import parse_bytes
    from xxgk.sandbox import budgeted

    with budgeted():
        return parse_bytes(data, source=name, name=name)


# --- collecting -------------------------------------------------------------------------------


def unreadable_cells(report: Report, kind: str | None) -> int:
    """Return how many cells of the fixed tables that the report should fill have no value
    (the format's absent cells and a body's impossible 规章 cells not counted)."""
    from xxgk.rules.context import RuleContext
    from xxgk.rules.settings import RuleSettings
    from xxgk.rules.values import expected_missing

    context = RuleContext(report, RuleSettings.resolve(kind_settings(kind)))
    allowed = expected_missing(report, context)
    return sum(1 for k in CELL_KEYS if k not in allowed and report.values.get(k) is None)


@dataclass
class _Matchers:
    """The units of the scope (by name) and of the whole tree (to say "outside the scope")."""

    scope: dict[int, Unit]
    inside: UnitMatcher
    everywhere: UnitMatcher

    @classmethod
    def of(cls, session: Session, units: Sequence[Unit]) -> _Matchers:
        every = {u.id: u.name for u in session.scalars(select(Unit).where(Unit.active))}
        return cls(
            {u.id: u for u in units},
            UnitMatcher({u.id: u.name for u in units}),
            UnitMatcher(every),
        )


def remembered_unit(session: Session, organization: str, scope: Collection[int]) -> int | None:
    """Return the unit a person chose earlier for a report of this 报告主体 name, when it is
    in ``scope`` (``match_report`` marks the choice on the report)."""
    key = name_key(organization)
    if not key:
        return None
    rows = session.execute(
        select(StoredReport.unit_id, StoredReport.extra).where(
            (StoredReport.name_key == key) & StoredReport.unit_id.is_not(None)
        )
    )
    for unit_id, extra in rows:
        if unit_id in scope and isinstance(extra, dict) and extra.get("matched_by"):
            return int(unit_id)
    return None


def collect_reports(
    session: Session,
    actor: User,
    uploads: Sequence[Upload | FileResult],
    *,
    read: Reader = read_here,
    default_year: int | None = None,
    progress: Tick | None = None,
) -> list[FileResult]:
    """Read, match, check and store ``uploads`` (ZIP packages opened) for ``actor``; return
    one result per file, in order. ``read`` parses one file (the web's runs in the sandbox
    pool). A report without a year takes ``default_year``. The batch is written in one
    transaction through ``write_batch`` (audited, naming ``actor``); the caller commits."""
    require(actor, CORPUS_KEEPERS)
    units = scope_units(session, actor)
    matchers = _Matchers.of(session, units)
    items = expand(uploads)
    results: list[FileResult] = []
    payloads: list[tuple[FileResult, Payload]] = []
    seen: dict[str, str] = {}
    for done, item in enumerate(items, start=1):
        if isinstance(item, FileResult):
            results.append(item)
        else:
            result, payload = _one(session, actor, item, read, matchers, seen, default_year)
            results.append(result)
            if payload is not None:
                payloads.append((result, payload))
        if progress is not None:
            progress(done, len(items))
    _store(session, actor, payloads)
    return results


def _one(
    session: Session,
    actor: User,
    upload: Upload,
    read: Reader,
    matchers: _Matchers,
    seen: dict[str, str],
    default_year: int | None,
) -> tuple[FileResult, Payload | None]:
    """Return one file's result and the payload to write (None: nothing to store)."""
    digest = hashlib.sha256(upload.data).hexdigest()
    if digest in seen:
        return refused(upload.name, f"与本批的“{seen[digest]}”内容相同，未重复存入"), None
    seen[digest] = upload.name
    known = session.scalar(select(StoredReport).where(StoredReport.source_hash == digest))
    if known is not None:
        return _already_stored(upload.name, known, matchers), None
    try:
        report = read(upload.data, upload.name)
    except XxgkError as exc:
        return refused(upload.name, exc.message_zh), None
    report.year = report.year or default_year
    result = FileResult(file=upload.name, organization=report.organization or "", year=report.year)
    if report.year is None:
        result.refused = "未能读出报告年度，请在上传时填写“报告年度”后重新上传"
        return result, None
    unit_id, how = _match(session, report, matchers)
    if unit_id is None and how == "outside":
        result.refused = f"报告主体“{result.organization}”不是您管辖范围内的单位，未存入"
        return result, None
    unit = matchers.scope.get(unit_id) if unit_id is not None else None
    payload = prepare_report(report, upload.name, digest, unit)
    payload.row["source"] = upload.name
    payload.row["extra"] = {**payload.row["extra"], "collected": _collector(actor)}
    if unit is None:  # never a unit outside the scope, whatever the process matched before
        payload.row["unit_id"] = None
        payload.candidates = matchers.inside.match(report.organization).candidates
    else:
        result.unit_id, result.unit = unit.id, unit.name
        if how == "remembered":
            result.note = "按此前人工指定的单位归入"
    row = payload.row
    result.errors, result.warnings, result.late = row["errors"], row["warnings"], row["late"]
    result.unreadable = unreadable_cells(report, unit.kind if unit else None)
    result.candidates = payload.candidates
    return result, payload


def _collector(actor: User) -> dict[str, Any]:
    """Who collected a report and from which unit's scope (lets that scope match it later)."""
    return {"user": actor.id, "unit": actor.unit_id, "admin": Role(actor.role) is Role.ADMIN}


def _match(session: Session, report: Report, matchers: _Matchers) -> tuple[int | None, str]:
    """Return the unit of ``report`` in the scope and how it was found (``name``,
    ``remembered``), or None with ``outside`` (a unit of the tree outside the scope) or
    ``none``."""
    found = matchers.inside.match(report.organization)
    if found.unit_id is not None:
        return found.unit_id, "name"
    remembered = remembered_unit(session, report.organization or "", matchers.scope)
    if remembered is not None:
        return remembered, "remembered"
    if found.candidates:
        return None, "none"
    elsewhere = matchers.everywhere.match(report.organization)
    if elsewhere.unit_id is not None and elsewhere.unit_id not in matchers.scope:
        return None, "outside"
    return None, "none"


def _already_stored(name: str, known: StoredReport, matchers: _Matchers) -> FileResult:
    result = refused(name, "")
    result.note = "报告库中已有内容完全相同的文件，未重复存入"
    if known.unit_id in matchers.scope:
        unit = matchers.scope[known.unit_id]
        result.unit_id, result.unit = unit.id, unit.name
        result.organization, result.year, result.version = (
            known.organization,
            known.year,
            known.version,
        )
        result.errors, result.warnings, result.late = known.errors, known.warnings, known.late
    return result


def _store(session: Session, actor: User, payloads: list[tuple[FileResult, Payload]]) -> None:
    """Write the usable payloads in one batch and fill in each result's version and id."""
    if not payloads:
        return
    written = write_batch(session, [p for _, p in payloads], actor)
    query = select(StoredReport.id, StoredReport.version)
    rows = session.execute(query.where(StoredReport.id.in_(written.new_ids)))
    numbers = {row.id: row.version for row in rows}
    for (result, _), report_id in zip(payloads, written.new_ids, strict=True):
        result.report_id = report_id
        result.version = numbers.get(report_id)


# --- matching by hand -------------------------------------------------------------------------


def unmatched_in_scope(session: Session, actor: User) -> list[StoredReport]:
    """Return the current unmatched reports collected from within ``actor``'s scope (by a
    person of the same scope), by name and year: the list a person matches by hand."""
    require(actor, CORPUS_KEEPERS)
    scope = {u.id for u in scope_units(session, actor)}
    admin = Role(actor.role) is Role.ADMIN
    query = select(StoredReport).where(StoredReport.unit_id.is_(None) & StoredReport.current)
    rows = session.scalars(query.order_by(StoredReport.name_key, StoredReport.year))
    return [r for r in rows if admin or _collected_within(r, scope)]


def _collected_within(stored: StoredReport, scope: Collection[int]) -> bool:
    collected = (stored.extra or {}).get("collected")
    return isinstance(collected, dict) and collected.get("unit") in scope


def match_report(session: Session, actor: User, report_id: int, unit: Unit) -> StoredReport:
    """File the unmatched stored report ``report_id`` (with its earlier versions) under
    ``unit``, as the newest version of that unit's report for its year; the choice is kept
    on the report (``matched_by``) so the next file of the same name goes to the same unit.
    Only reports collected within ``actor``'s scope, only into a unit of that scope."""
    require_in_scope(session, actor, unit)
    lock_writes(session)
    stored = session.get(StoredReport, report_id)
    visible = {r.id for r in unmatched_in_scope(session, actor)}
    if stored is None or stored.id not in visible:
        raise InputError("未找到该未匹配报告（可能已被归入单位）", "no such unmatched report")
    same_body = (
        StoredReport.unit_id.is_(None)
        & (StoredReport.name_key == stored.name_key)
        & (StoredReport.year == stored.year)
    )
    taken = unit_report(session, unit, stored.year or 0)
    offset = 0
    if taken is not None:
        offset = (
            session.scalar(
                select(func.max(StoredReport.version)).where(
                    (StoredReport.unit_id == unit.id) & (StoredReport.year == stored.year)
                )
            )
            or 0
        )
        taken.current = False
    ids = list(session.scalars(select(StoredReport.id).where(same_body)))
    session.execute(
        update(StoredReport)
        .where(StoredReport.id.in_(ids))
        .values(unit_id=unit.id, version=StoredReport.version + offset)
    )
    stored.extra = {
        **(stored.extra or {}),
        "matched_by": {"user": actor.id, "name": stored.organization},
    }
    session.flush()
    refresh_cross_year(session, [stored.id])
    audit.record(
        session=session,
        actor=actor,
        action="match_report",
        entity="corpus_report",
        entity_id=stored.id,
        before={"unit": None, "organization": stored.organization},
        after={"unit": unit.id, "unit_name": unit.name, "reports": ids},
        reason=f"人工指定“{stored.organization or '未注明报告主体'}”的报告属于{unit.name}",
    )
    session.refresh(stored)
    return stored


@dataclass
class Counts:
    """The totals shown above a batch's table."""

    files: int = 0
    stored: int = 0
    unmatched: int = 0
    refused: int = 0
    with_errors: int = 0
    late: int = 0
    notes: list[str] = field(default_factory=list)


def count_results(results: Sequence[FileResult]) -> Counts:
    counts = Counts(files=len(results))
    for r in results:
        counts.stored += r.stored
        counts.unmatched += r.stored and not r.matched
        counts.refused += bool(r.refused)
        counts.with_errors += r.stored and r.errors > 0
        counts.late += r.stored and r.late
    return counts


# --- the command line's side ------------------------------------------------------------------


def collected_files(paths: Iterable[str | os.PathLike[str]]) -> list[Upload | FileResult]:
    """Return the files named by ``paths`` for ``collect_reports``: named files as given,
    folders walked (hidden entries skipped) for every collected type and ZIP; a file that
    cannot be read, or one over the upload budget, is refused alone."""
    limit = current_limits().upload_bytes
    out: list[Upload | FileResult] = []
    for path in _walk_paths(paths):
        try:
            size = path.stat().st_size
            if size > limit:
                out.append(refused(str(path), f"文件超过{limit // MB}MB的上限，未读取"))
                continue
            out.append(Upload(str(path), path.read_bytes()))
        except OSError as exc:
            out.append(refused(str(path), f"无法读取文件（{exc.strerror or exc}）"))
    return out


def _walk_paths(paths: Iterable[str | os.PathLike[str]]) -> Iterable[Path]:
    wanted = COLLECT_SUFFIXES | {ZIP_SUFFIX}
    for raw in paths:
        path = Path(raw)
        if not path.is_dir():
            yield path
            continue
        for child in sorted(path.rglob("*")):
            hidden = any(part.startswith(".") for part in child.relative_to(path).parts)
            if child.is_file() and not hidden and child.suffix.lower() in wanted:
                yield child


RESULT_HEADERS = (
    "文件",
    "报告主体",
    "所属单位",
    "年度",
    "版本",
    "错误",
    "警告",
    "未读出单元格",
    "逾期",
    "结果",
)


def result_cells(r: FileResult) -> list[Any]:
    """One file's row of the result table, in ``RESULT_HEADERS`` order, as a person reads it."""
    checked = r.stored or r.version is not None
    if r.refused:
        outcome = f"未存入：{r.refused}"
    elif r.stored:
        outcome = "已存入" + (f"（{r.note}）" if r.note else "")
    else:
        outcome = r.note
    return [
        r.file,
        r.organization,
        r.unit or ("未匹配" if r.stored else ""),
        r.year or "",
        f"第{r.version}版" if r.version else "",
        r.errors if checked else "",
        r.warnings if checked else "",
        r.unreadable if r.stored else "",
        ("逾期" if r.late else "按时") if checked else "",
        outcome,
    ]


def result_lines(results: Sequence[FileResult]) -> list[str]:
    """The result table as tab-separated lines with a Chinese header and a closing count."""
    lines = ["\t".join(RESULT_HEADERS)]
    lines += ["\t".join(str(c) for c in result_cells(r)) for r in results]
    c = count_results(results)
    lines.append(
        f"共{c.files}份：存入{c.stored}份（未匹配单位{c.unmatched}份），未存入{c.refused}份，"
        f"有错误{c.with_errors}份，逾期{c.late}份。"
    )
    return lines
