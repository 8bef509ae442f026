"""Running a parse within its wall-time and memory budget.

Two ways, one budget (``xxgk.limits``):

- ``budgeted()`` guards a parse in the current process (the CLI, and each job of a worker):
  a timer raises ``LimitError`` when the parse takes longer than ``parse_seconds``
  (``ocr_seconds`` once OCR starts), and the address-space limit (``RLIMIT_AS``) is lowered
  to what the process uses now plus ``memory_bytes``, so an allocation past it raises
  ``MemoryError`` (reported as the memory budget) instead of swapping the machine. Both are
  undone afterwards. OCR runs in a child process watched against the same budgets
  (``xxgk.bounded``).
- ``ParsePool`` runs jobs in a bounded pool of worker processes (pebble) for the web
  application: each job has a timeout after which its worker is killed and replaced, and each
  worker has a memory ceiling. A hostile upload costs one worker slot, never the site; the
  handlers ``await`` the pool, so the event loop serves other requests meanwhile.
"""

from __future__ import annotations

import atexit
import importlib
import resource
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from xxgk.bounded import address_space_bytes
from xxgk.errors import InputError
from xxgk.limits import LimitError, Limits, current_limits, lifter, use_limits

if TYPE_CHECKING:  # the pool imports its modules when it starts; `xxgk check FILE` never does
    from concurrent.futures import Future

T = TypeVar("T")
GRACE_SECONDS = 5.0
"""The pool kills a job this long after its own timer should have stopped it (C code that
does not return to Python cannot be interrupted by the timer)."""
_ACTIVE = threading.local()


@contextmanager
def memory_ceiling(extra_bytes: int) -> Iterator[None]:
    """Lower the soft ``RLIMIT_AS`` to the current use plus ``extra_bytes`` for the block.

    OCR keeps it: the recogniser runs in a child process (``xxgk.bounded``) that lifts the
    limit for itself (its runtime maps far more than it touches) and whose resident memory
    this process watches against the same budget."""
    used = address_space_bytes()
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    ceiling = used + extra_bytes
    if not used or hard != resource.RLIM_INFINITY and ceiling > hard:
        yield
        return
    lowered = soft == resource.RLIM_INFINITY or ceiling < soft
    if lowered:
        resource.setrlimit(resource.RLIMIT_AS, (ceiling, hard))
    try:
        yield
    finally:
        if lowered:
            resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def time_limit(seconds: float, ocr_seconds: float | None = None) -> Iterator[None]:
    """Raise ``LimitError`` (parse_seconds) in the block once ``seconds`` have passed; after
    ``lift_ceilings`` (OCR), ``LimitError`` (ocr_seconds) once ``ocr_seconds`` have passed
    since the block began (no later timer without ``ocr_seconds``)."""
    began = time.monotonic()
    budget: dict[str, float] = {"parse_seconds": seconds}

    def expired(_signum: int, _frame: object) -> None:
        ((name, limit),) = budget.items()
        raise LimitError(name, limit)

    def extend() -> float | None:
        if ocr_seconds is None:
            signal.setitimer(signal.ITIMER_REAL, 0)
            return None
        budget.clear()
        budget["ocr_seconds"] = ocr_seconds
        left = max(ocr_seconds - (time.monotonic() - began), 0.001)
        signal.setitimer(signal.ITIMER_REAL, left)
        return left

    previous = _set_handler(_SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        with lifter(extend):
            yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        _set_handler(_SIGALRM, previous)


def _raw_signal_function() -> Any:
    """Return ``_signal.signal``: ``signal.signal`` without its enum conversions, which cost
    more than the system call when the handler handed back is a function (~4 µs per file
    of a batch, ``Handlers(function)`` raising and catching a ValueError)."""
    try:
        return importlib.import_module("_signal").signal
    except (ImportError, AttributeError):
        return signal.signal


_set_handler = _raw_signal_function()
_SIGALRM = int(signal.SIGALRM) if hasattr(signal, "SIGALRM") else 0


@contextmanager
def budgeted(limits: Limits | None = None) -> Iterator[None]:
    """Run the block within the time and memory budget of ``limits`` (those in force).

    Only the main thread can receive the timer's signal; elsewhere, and inside an outer
    ``budgeted`` block, this does nothing (the outer guard or the pool's timeout holds).
    """
    limits = limits or current_limits()
    main = threading.current_thread() is threading.main_thread()
    if not main or getattr(_ACTIVE, "on", False) or not hasattr(signal, "setitimer"):
        yield
        return
    _ACTIVE.on = True
    try:
        with (
            use_limits(limits),
            memory_ceiling(limits.memory_bytes),
            time_limit(limits.parse_seconds, limits.ocr_seconds),
        ):
            yield
    except MemoryError:
        raise LimitError("memory_bytes", limits.memory_bytes) from None
    finally:
        _ACTIVE.on = False


def _job(function: Callable[..., T], args: tuple[Any, ...], limits: Limits) -> T:
    """Run one job in a worker under the budgets of the pool."""
    with budgeted(limits):
        return function(*args)


class ParsePool:
    """A bounded pool of worker processes for parsing uploads.

    ``workers`` processes at most; a job running past ``parse_seconds`` (plus a grace) is
    killed with its worker, which pebble replaces; a worker that dies (out of memory, a
    crash in a C library) fails only its own job.
    """

    def __init__(self, workers: int, limits: Limits) -> None:
        import multiprocessing

        from pebble import ProcessPool

        self.limits = limits
        context = multiprocessing.get_context("forkserver")
        # the fork server imports the parser and the rules once; every worker forks from it
        context.set_forkserver_preload(["xxgk.parse", "xxgk.rules", "xxgk.batch"])
        self._pool = ProcessPool(max_workers=max(1, workers), context=context)

    def submit(
        self, function: Callable[..., T], *args: Any, budget: str = "parse_seconds"
    ) -> Future[T]:
        """Start ``function(*args)`` in a worker; return its future. ``budget`` names the
        time budget of ``Limits`` after which the job is killed: ``parse_seconds``, or
        ``ocr_seconds`` for a file that may be a scan (OCR lifts the parse's own timer and
        keeps its per-page budget; this is the outer bound of the whole job)."""
        timeout = float(getattr(self.limits, budget)) + GRACE_SECONDS
        return self._pool.schedule(_job, args=(function, args, self.limits), timeout=timeout)

    async def run(self, function: Callable[..., T], *args: Any, budget: str = "parse_seconds") -> T:
        """Await ``function(*args)`` in a worker; a killed or dead job raises ``InputError``."""
        import asyncio  # here, not at the top: ``xxgk check FILE`` should not pay its import

        future = self.submit(function, *args, budget=budget)
        with self._refusals(budget):
            return await asyncio.wrap_future(future)

    def call(self, function: Callable[..., T], *args: Any, budget: str = "parse_seconds") -> T:
        """Wait for ``function(*args)`` in a worker, blocking this thread (a fetch job reads
        its downloads so); a killed or dead job raises ``InputError`` as in ``run``."""
        future = self.submit(function, *args, budget=budget)
        with self._refusals(budget):
            return future.result()

    @contextmanager
    def _refusals(self, budget: str) -> Iterator[None]:
        """Turn a job killed at its timeout into ``LimitError`` and a worker that died (out of
        memory, a crash in a C library) into ``InputError``."""
        from pebble import ProcessExpired

        try:
            yield
        except TimeoutError:
            raise LimitError(budget, float(getattr(self.limits, budget))) from None
        except ProcessExpired as exc:
            raise InputError(
                "文件已损坏或格式不受支持（解析进程异常终止，可能超出内存上限）",
                f"the parsing process died: {exc}",
            ) from None

    def close(self) -> None:
        """Stop the workers (running jobs are abandoned)."""
        self._pool.stop()
        self._pool.join(timeout=10)


_POOLS: dict[tuple[int, Limits], ParsePool] = {}
_POOLS_LOCK = threading.Lock()


def shared_pool(workers: int, limits: Limits) -> ParsePool:
    """Return this process's pool for ``workers`` and ``limits``, started on first use and
    stopped when the process ends (applications made for tests share it)."""
    key = (workers, limits)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            if not _POOLS:
                atexit.register(close_pools)
            pool = _POOLS[key] = ParsePool(workers, limits)
        return pool


def close_pools() -> None:
    """Stop every pool of this process."""
    with _POOLS_LOCK:
        pools = list(_POOLS.values())
        _POOLS.clear()
    for pool in pools:
        pool.close()
