"""The audit page's chain check: CPU ms of the full walk (what every view did before) against
the check since the checkpoint (what a view does now), on a log of ``--entries`` entries.

Fills a fresh SQLite database with audit entries through ``xxgk.db.audit.record`` (so the
chain is real), runs one full verification to set the checkpoint, writes ``--new`` more entries
(what other people did between two page views), then measures, interleaved and best of
``--repeats``, ``verify`` (the whole chain) and ``verify_recent`` (the new entries only) in CPU
time of this process (``time.process_time``), so the figure does not depend on the machine's
load. Target: a page view's check stays under 5 ms whatever the log's length.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from xxgk.db import make_engine, upgrade_to_head
from xxgk.db.audit import record
from xxgk.db.chain import verify, verify_full, verify_recent

TARGET_MS = 5.0


def fill(engine: Engine, count: int) -> None:
    with Session(engine) as session:
        for n in range(count):
            record(
                session=session,
                actor=None,
                action="update",
                entity="unit",
                entity_id=n % 50 + 1,
                before={"name": f"旧名称{n}"},
                after={"name": f"新名称{n}"},
                reason="基准测试",
            )
            if n % 500 == 499:
                session.commit()
        session.commit()


def cpu_ms(work: Callable[[], object]) -> float:
    start = time.process_time()
    work()
    return (time.process_time() - start) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--new", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(f"sqlite:///{Path(folder) / 'audit.db'}")
        upgrade_to_head(engine)
        fill(engine, args.entries)
        with Session(engine) as session:
            verify_full(session)

        def whole() -> object:
            with Session(engine) as session:
                return verify(session)

        def recent() -> object:
            with Session(engine) as session:
                return verify_recent(session)

        full_ms, recent_ms = [], []
        for _ in range(args.repeats):
            fill(engine, args.new)  # what others wrote since the last view (not timed)
            full_ms.append(cpu_ms(whole))
            recent_ms.append(cpu_ms(recent))
        engine.dispose()
    total = args.entries + args.new * args.repeats
    print(
        f"audit log of {total} entries, {args.new} new since the checkpoint (CPU ms, best of "
        f"{args.repeats})"
    )
    print(f"  full walk (every view before):      {min(full_ms):8.1f} ms")
    print(
        f"  check since checkpoint (view now):  {min(recent_ms):8.1f} ms   target ≤ {TARGET_MS} ms"
    )


if __name__ == "__main__":
    main()
