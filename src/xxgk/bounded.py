"""Running a function in a forked child within a resident-memory ceiling and a deadline.

OCR (``parse.ocr``) cannot run under the address-space limit of ``xxgk.sandbox``: onnxruntime
reserves far more virtual memory than it touches. So the recognition runs in a child process
forked for it, and this process watches it: the child's resident memory (``/proc/PID/statm``)
is polled while it works, and the child is killed when it passes the ceiling or the deadline.
What the child returns (or raises) comes back pickled through a pipe; a generator's items
(``stream_watched``: OCR's pages) come back one by one as they are made, so the items made
before a child was stopped at its deadline are kept.

The parent only waits (in Python, between polls), so its own guard still works: the timer of
``sandbox.budgeted`` interrupts the wait, and the child is killed on the way out. The child
dies with its parent (``PR_SET_PDEATHSIG``), so a worker of the parse pool killed at its
timeout leaves no recognising orphan behind. Where there is no ``fork`` or no ``/proc`` the
function runs in this process (unwatched).
"""

from __future__ import annotations

import os
import resource
import select
import signal
import struct
import time
from collections.abc import Callable, Iterable, Iterator
from functools import cache
from typing import Any, TypeVar

from xxgk.errors import XxgkError

T = TypeVar("T")
POLL_SECONDS = 0.02
"""How often the child's resident memory is read (a read of /proc costs a few µs)."""


class ChildStopped(XxgkError):
    """The child was stopped: ``reason`` is ``memory`` (resident memory over ``limit``
    bytes, ``found`` bytes seen), ``time`` (running past ``limit`` seconds) or ``died``
    (killed by a signal or exited without an answer, ``found`` its exit status)."""

    def __init__(self, reason: str, limit: float, found: float) -> None:
        self.reason, self.limit, self.found = reason, limit, found
        super().__init__(
            "识别进程被中止", f"the child process was stopped ({reason}: {found:g} / {limit:g})"
        )


def can_watch() -> bool:
    """Return True when children can be forked and their memory read (Linux)."""
    return hasattr(os, "fork") and os.path.exists(f"/proc/{os.getpid()}/statm")


def _statm_bytes(field: int, pid: int | None) -> int:
    """Return field ``field`` of ``/proc/PID/statm`` (in pages) as bytes, 0 if unknown."""
    try:
        if pid is None:
            fields = os.pread(_own_statm(), 128, 0).split()
        else:
            with open(f"/proc/{pid}/statm", "rb") as statm:
                fields = statm.read().split()
        return int(fields[field]) * _PAGE_SIZE
    except (OSError, ValueError, IndexError):
        return 0


def _own_statm() -> int:
    """Return a descriptor of this process's ``/proc/self/statm``, opened once per process.

    The sandbox reads it before every file of a batch: opening it as a text file each time
    cost ~40 µs (3 % of reading a text report), one ``pread`` on a kept descriptor ~4 µs.
    ``/proc/self`` is resolved when opened, so a forked child opens its own."""
    pid = os.getpid()
    if _STATM[0] != pid:
        _STATM[:] = [pid, os.open("/proc/self/statm", os.O_RDONLY | os.O_CLOEXEC)]
    return _STATM[1]


_STATM: list[int] = [0, -1]  # (the process that opened it, the descriptor)
_PAGE_SIZE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def resident_bytes(pid: int | None = None) -> int:
    """Return the resident memory of process ``pid`` (this one by default), 0 if unknown."""
    return _statm_bytes(1, pid)


def address_space_bytes(pid: int | None = None) -> int:
    """Return the address space process ``pid`` (this one by default) uses, 0 if unknown."""
    return _statm_bytes(0, pid)


@cache
def _glibc() -> Any:
    """Return glibc's ``malloc`` controls, or None where the C library is another."""
    import ctypes

    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:
        return None
    return libc if hasattr(libc, "mallopt") and hasattr(libc, "malloc_trim") else None


def map_large_blocks(threshold: int) -> None:
    """Make glibc's ``malloc`` map every block of ``threshold`` bytes or more on its own, so
    that freeing it gives it back to the system at once (its threshold otherwise grows to
    the largest block freed, and such blocks then stay resident). For a child that exits
    after its work: the setting holds for the rest of the process."""
    libc = _glibc()
    if libc is not None:  # elsewhere the allocator's own habits hold
        libc.mallopt(-3, threshold)  # M_MMAP_THRESHOLD (fixed: no longer grows)
        libc.mallopt(-1, threshold)  # M_TRIM_THRESHOLD


def give_back_freed_memory() -> None:
    """Give the free pages inside glibc's heap back to the system (``malloc_trim``).

    Blocks under the mapping threshold that were freed stay resident in the heap, and a
    large allocation mapped afresh comes on top of them; trimming before it keeps them out
    of the peak. Costs about a millisecond."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


def run_watched(
    function: Callable[..., T], *args: Any, memory_bytes: int, seconds: float | None
) -> T:
    """Return ``function(*args)`` computed in a forked child whose resident memory may not
    pass ``memory_bytes`` and which may not run longer than ``seconds`` (None: no deadline
    here, the caller's guard holds). Raise ``ChildStopped`` when it was stopped, and what
    the function raised otherwise."""
    if not can_watch():
        return function(*args)
    items, stopped = stream_watched(
        _once, function, *args, memory_bytes=memory_bytes, seconds=seconds
    )
    if stopped is not None:
        raise stopped
    result: T = items[0]
    return result


def _once(function: Callable[..., T], *args: Any) -> Iterator[T]:
    yield function(*args)


def stream_watched(
    function: Callable[..., Iterable[T]], *args: Any, memory_bytes: int, seconds: float | None
) -> tuple[list[T], ChildStopped | None]:
    """Run the generator ``function(*args)`` in a watched child as ``run_watched`` does, each
    item sent to this process as soon as the child made it; return the items. A child
    stopped at its deadline returns the items sent before with ``ChildStopped("time")``, so
    the work already done is kept (OCR keeps the pages recognised); a child over the memory
    ceiling or dead raises ``ChildStopped``, and what the generator raised is raised."""
    if not can_watch():
        return list(function(*args)), None
    import pickle  # noqa: F401 - the answers' format, imported once before the fork (not at start-up)

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(write_end, function, args)
    os.close(write_end)
    frames: list[tuple[str, Any]] = []
    stopped: ChildStopped | None = None
    try:
        _watch(pid, read_end, memory_bytes, seconds, frames)
    except ChildStopped as exc:
        stopped = exc
    finally:
        os.close(read_end)
        ended = bool(frames) and frames[-1][0] != "item"
        status, peak = _reap(pid, kill=not ended)
    if peak > memory_bytes:  # over the ceiling between two polls: refused all the same
        raise ChildStopped("memory", memory_bytes, peak)
    items = [value for kind, value in frames if kind == "item"]
    if stopped is not None:
        if stopped.reason != "time":
            raise stopped
        return items, stopped
    if not ended:  # the pipe closed without an end: killed (out of memory?) or crashed
        raise ChildStopped("died", 0, status)
    kind, value = frames[-1]
    if kind == "error":
        raise value
    return items, None


HEADER = struct.Struct(">Q")
"""Each answer of the child goes through the pipe as its length and its pickle."""


def _child(write_end: int, function: Callable[..., Any], args: tuple[Any, ...]) -> None:
    """Run in the forked child: send each item made, then the end (or the error), and exit
    without cleanup."""
    code = 1
    try:
        _die_with_parent()
        try:  # the parent's guard raises in the parent, not here
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        except ValueError:  # not the main thread (Python keeps none after some forks)
            pass
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        resource.setrlimit(resource.RLIMIT_AS, (hard, hard))  # the parent watches instead
        with os.fdopen(write_end, "wb") as pipe:
            try:
                for item in function(*args):
                    _send(pipe, ("item", item))
                end: tuple[str, Any] = ("done", None)
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
                end = ("error", exc)
            _send(pipe, end)
        code = 0
    finally:
        os._exit(code)


def _send(pipe: Any, frame: tuple[str, Any]) -> None:
    import pickle

    try:
        data = pickle.dumps(frame, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception as exc:  # noqa: BLE001 - an answer that cannot be sent
        data = pickle.dumps(("error", RuntimeError(f"unpicklable answer: {exc!r}")))
    pipe.write(HEADER.pack(len(data)) + data)
    pipe.flush()


def _die_with_parent() -> None:
    """Ask Linux to kill this process when its parent dies (a worker killed at timeout)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the parent's kill on the way out holds
        pass


def _watch(
    pid: int, read_end: int, memory_bytes: int, seconds: float | None, frames: list[Any]
) -> None:
    """Read the child's answers into ``frames`` until the pipe closes, while polling its
    memory and the deadline."""
    buffer = b""
    deadline = None if seconds is None else time.monotonic() + seconds
    while True:
        ready, _, _ = select.select([read_end], [], [], POLL_SECONDS)
        if ready:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            buffer = _frames(buffer + chunk, frames)
        rss = resident_bytes(pid)
        if rss > memory_bytes:
            raise ChildStopped("memory", memory_bytes, rss)
        if deadline is not None and time.monotonic() > deadline:
            raise ChildStopped("time", float(seconds or 0), time.monotonic() - deadline)


def _frames(buffer: bytes, frames: list[Any]) -> bytes:
    """Unpickle the whole answers at the start of ``buffer`` into ``frames``; return the rest."""
    import pickle

    while len(buffer) >= HEADER.size:
        (size,) = HEADER.unpack_from(buffer)
        if len(buffer) < HEADER.size + size:
            break
        frames.append(pickle.loads(buffer[HEADER.size : HEADER.size + size]))
        buffer = buffer[HEADER.size + size :]
    return buffer


def _reap(pid: int, kill: bool) -> tuple[int, int]:
    """Collect the child (no zombie is left), killed first when it was stopped; return its
    wait status and its peak resident memory in bytes."""
    if kill:
        os.kill(pid, signal.SIGKILL)
    _, status, usage = os.wait4(pid, 0)
    return status, usage.ru_maxrss * 1024
