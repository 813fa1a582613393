"""What the TLS tests share: TLS pairs on the kernel's loopback and in memory."""

from __future__ import annotations

import re
import select
import socket
import ssl
from typing import Any, Callable

from mockselector import TLSSocket, client_context, server_context, socketpair


def raw_pair(kind: str) -> tuple[Any, Any]:
    """``(client, server)`` plain stream sockets: loopback TCP ("kernel") or ours ("memory")."""
    if kind.startswith("memory"):
        # "memory-seed-N": reads and writes split at random places, reproducibly.
        seed = int(kind.rsplit("-", 1)[1]) if kind.startswith("memory-seed-") else None
        server, client = socketpair(socket.AF_INET, seed=seed)
        return client, server
    listener = socket.create_server(("127.0.0.1", 0))
    try:
        client = socket.create_connection(listener.getsockname())
        server, _ = listener.accept()
    finally:
        listener.close()
    return client, server


def wrap(kind: str, *, hostname: str = "localhost", client_ctx: ssl.SSLContext | None = None,
         server_ctx: ssl.SSLContext | None = None, **options: Any) -> tuple[Any, Any]:
    """``(client, server)`` TLS sockets over a :func:`raw_pair`, no handshake done yet."""
    raw_client, raw_server = raw_pair(kind)
    server = (server_ctx or server_context()).wrap_socket(
        raw_server, server_side=True, do_handshake_on_connect=False, **options)
    client = (client_ctx or client_context()).wrap_socket(
        raw_client, server_hostname=hostname, do_handshake_on_connect=False, **options)
    return client, server


def settle(sock: Any) -> None:
    """Give a real socket's bytes time to arrive (ours are there at once)."""
    if not isinstance(sock, TLSSocket) and sock.fileno() >= 0:
        select.select([sock], [], [], 1.0)


def handshake(client: Any, server: Any) -> list[str]:
    """Run both handshakes in turn, non-blocking; return what each turn did."""
    turns: list[str] = []
    for tls in (client, server):
        tls.setblocking(False)
    pending = [client, server]
    for turn in range(20):
        for tls in list(pending):
            name = "server" if tls.server_side else "client"
            if turn or tls.server_side:  # the client speaks first
                settle(tls)
            try:
                tls.do_handshake()
            except ssl.SSLWantReadError:
                turns.append(f"{name} wants to read")
                continue
            turns.append(f"{name} done")
            pending.remove(tls)
        if not pending:
            break
    for tls in (client, server):
        tls.setblocking(True)
    return turns


def tls_pair_of(kind: str, **kwargs: Any) -> tuple[Any, Any]:
    """``(client, server)`` with the handshake done."""
    client, server = wrap(kind, **kwargs)
    handshake(client, server)
    return client, server


def outcome(action: Callable[[], Any]) -> Any:
    """What an action gives: its value, or the type of what it raises and its reason."""
    try:
        return action()
    except ssl.SSLError as error:
        return (type(error).__name__, getattr(error, "reason", None))
    except (OSError, ValueError, NotImplementedError) as error:
        if isinstance(error, socket.timeout):
            # The real handshake timeout names the line of _ssl.c that raised it.
            return (type(error).__name__, re.sub(r"^_ssl\.c:\d+: ", "", str(error)))
        return (type(error).__name__, None)
