"""Soak of the web application under concurrent writers, on SQLite and PostgreSQL.

Starts ``xxgk serve`` (a live uvicorn in a subprocess) on a fresh SQLite file and on a fresh
schema of the PostgreSQL database ``test`` at 127.0.0.1:5432, and lets 20 writers register
applications (form and API), record replies and sign in again for 60 s. Prints the requests,
the 5xx count (target 0), unexpected answers, p50/p99 latencies per kind of write, whether
every application number is unique and whether the audit chain verifies; exits 1 when a
target is missed. See ``xxgk.demo.soak`` for the options (``--writers``, ``--seconds``,
``--workers``, ``--database sqlite|postgresql|both``, ``--postgres URL``). Example:

    .venv/bin/python benchmarks/soak.py --seconds 60
"""

import sys

from xxgk.demo.soak import main

if __name__ == "__main__":
    sys.exit(main())
