"""Load benchmark of the web application: requests/s and p50/p99 on 127.0.0.1.

Starts ``xxgk serve --demo`` on a free loopback port and drives it for a bounded time; see
``xxgk.web.loadgen`` for the options (``--clients``, ``--seconds``). Example:

    .venv/bin/python benchmarks/web.py --clients 50 --seconds 10
"""

from xxgk.web.loadgen import main

if __name__ == "__main__":
    main()
