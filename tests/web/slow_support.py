"""A parse job for the pool test that waits for a signal file (picklable by reference: the
worker imports this module from the test folder on its path)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from xxgk.batch import Outcome


def wait_for_file(data: bytes, name: str, *_args: Any, **_kwargs: Any) -> Outcome:
    """Hold a worker until the file named by ``data`` exists (at most a minute, so a broken
    test cannot hang the suite), then report the file as unusable."""
    signal = Path(data.decode())
    signal.with_suffix(".started").write_text("started")
    for _ in range(1200):
        if signal.exists():
            break
        time.sleep(0.05)
    return Outcome(name, error=f"{name}: waited for {signal.name}")
