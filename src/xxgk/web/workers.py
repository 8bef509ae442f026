"""Several server processes for ``xxgk serve --workers N``, each with its own listening socket.

uvicorn's own ``workers=N`` lets all processes accept from one shared socket; whichever is idle
at that moment takes the connection, and with keep-alive the connection stays there. Measured
here, 50 clients opening their connections at once ended up 38/12 or 42/8 on two processes, so
one process did most of the work. With ``SO_REUSEPORT`` every process listens on a socket of its
own and the kernel spreads new connections evenly over them. Where the option does not exist
the caller falls back to uvicorn's workers.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from multiprocessing.connection import wait

from xxgk.errors import InputError

BACKLOG = 2048


def available() -> bool:
    """Return True when this system can give each worker its own socket on one port."""
    return hasattr(socket, "SO_REUSEPORT")


def _resolve(host: str, port: int) -> tuple[socket.socket, tuple]:
    """Return an unbound TCP socket of the family of ``host`` and the address to bind it to."""
    family, kind, proto, _, address = socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
    )[0]
    return socket.socket(family, kind, proto), address


def listening_socket(host: str, port: int) -> socket.socket:
    """Return a socket bound to ``host:port`` with ``SO_REUSEPORT``, listening."""
    sock, address = _resolve(host, port)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind(address)
    sock.listen(BACKLOG)
    return sock


def ensure_free(host: str, port: int) -> None:
    """Refuse to start when another program already listens on ``host:port``."""
    probe, address = _resolve(host, port)
    with probe:
        try:
            probe.bind(address)
        except OSError as exc:
            raise InputError(
                f"无法在 {host}:{port} 上监听（端口已被占用？）：{exc}",
                f"cannot listen on {host}:{port}: {exc}",
            ) from exc


def _worker(host: str, port: int, log_level: str) -> None:
    import uvicorn

    sock = listening_socket(host, port)
    config = uvicorn.Config(
        "xxgk.web.app:app_from_environment",
        factory=True,
        log_level=log_level,
        access_log=False,
    )
    uvicorn.Server(config).run(sockets=[sock])


def serve(count: int, host: str, port: int, log_level: str = "warning") -> None:
    """Run ``count`` worker processes until one of them ends or the user presses Ctrl+C.

    The workers build their application with ``app_from_environment``: the caller has put the
    database, the data folder and the settings into the environment.
    """
    ensure_free(host, port)
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(host, port, log_level), name=f"xxgk-web-{i + 1}")
        for i in range(count)
    ]
    for process in processes:
        process.start()
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        wait([p.sentinel for p in processes])
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
        for process in processes:
            process.join(15)
        signal.signal(signal.SIGTERM, previous)


def _stop(_signum: int, _frame: object) -> None:
    """Turn SIGTERM into an orderly end: the workers are stopped before this process ends."""
    raise SystemExit(0)
