"""Load benchmark of the web application: requests/s and p50/p99 on 127.0.0.1.

Starts ``xxgk serve --demo --workers N`` on a free loopback port and drives it for a bounded
time from one asyncio loop (one keep-alive connection per client): the register list in a
closed loop (saturation), the register list with a think time between requests, and the check
upload. See ``benchmarks/loadgen.py`` for the options (``--clients``, ``--seconds``,
``--think``, ``--workers``, ``--applications``). Example:

    .venv/bin/python benchmarks/web.py --clients 50 --seconds 10 --think 1
"""

from loadgen import main

if __name__ == "__main__":
    main()
