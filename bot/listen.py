"""The server's listening socket, bound before anything starts so a busy port fails at once and loudly."""

from __future__ import annotations

import errno
import socket

WORKER_HEALTHCHECK_SECONDS = 60


class CannotListen(OSError):
    """The address cannot be bound; the message says why in one line."""


def bind_listener(host: str, port: int) -> socket.socket:
    """A TCP socket bound to host:port (port 0: any free port) and listening, or `CannotListen`."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Like uvicorn: a restart may reuse a port in TIME_WAIT, never one another process listens on.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        reason = "address already in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        raise CannotListen(f"cannot listen on {host}:{port}: {reason}") from None
    sock.set_inheritable(True)
    return sock


def served_port(sock: socket.socket) -> int:
    """The port a bound socket actually serves (the one chosen when 0 was asked for)."""
    return int(sock.getsockname()[1])


def run_workers(listener: socket.socket, app: str, workers: int, log_level: str) -> bool:
    """Serve the app factory `app` in `workers` processes on the bound `listener`; False if one cannot start.

    Uvicorn's supervisor is handed this socket rather than an address: the port is never free between
    the check and the serving, so no other process can take it from under a running `serve`.
    """
    from uvicorn import Config
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    config = Config(
        app,
        factory=True,
        workers=workers,
        log_level=log_level,
        access_log=False,
        # A worker answers the supervisor's pings from a thread, but building the bot holds the GIL in
        # native code (the language detector's models) for seconds on a busy machine: with uvicorn's
        # 5 s, healthy workers were killed and restarted in a loop before they ever served.
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
    )
    supervisor = Multiprocess(config, sockets=[listener])
    supervisor.run()
    return all(process.exitcode != STARTUP_FAILURE for process in supervisor.processes)
