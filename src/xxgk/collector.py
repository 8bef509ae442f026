"""Pausing Python's cyclic garbage collector around work that makes many short-lived objects.

One mechanism for the parser (a report's cells, tokens and lines) and for the batch and the
command line (importing the parser and the rules): see ``gc_paused``.
"""

from __future__ import annotations

import gc


class gc_paused:  # noqa: N801 - used like the function it was (``with gc_paused():``)
    """Pause the cyclic garbage collector inside the block.

    Reading a report allocates thousands of short-lived objects (cells, tokens, regions)
    that reference counting frees, and importing the parser and the rules makes tens of
    thousands that live as long as the process; with the collector running they push its
    generations over their thresholds and set off collections that free nothing (about a
    third of the reading time; 3 % of ``xxgk check FILE``). The previous state is restored,
    so a caller that disabled the collector keeps it disabled. (A class: a generator-based
    context manager costs a few microseconds per report more.)
    """

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        if self.enabled:
            gc.disable()

    def __exit__(self, *_exc: object) -> None:
        if self.enabled:
            gc.enable()
