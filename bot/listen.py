"""The server's listening socket, bound before anything starts so a busy port fails at once and loudly."""

from __future__ import annotations

import errno
import socket


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
