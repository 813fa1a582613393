"""The scoped installation of a network's stand-ins over the stdlib.

:func:`install` sets every stand-in of :data:`PATCHES` and returns what it
replaced; :func:`restore` puts those very objects back (a name that was not
there is removed again).  The stand-ins are module-level objects that ask
the active network (``_core.state.network``) at each call, so installing
them is a few ``setattr`` calls, and a stand-in called with no network
active (a reference kept past the scope) does what the original does.

The real objects are captured at import, before code under test may patch
anything.  Other parts of the network layer add their own stand-ins with
:func:`add`: one list, one restore.

TLS needs one stand-in of its own: :func:`load_default_certs` over
``ssl.SSLContext.load_default_certs``, so that client contexts that load the
default trust store (``ssl.create_default_context()``, urllib, http.client,
asyncio's ``ssl=True``, urllib3 without ``ca_certs``) trust the test CA too
while the network's ``trust_test_ca`` is on.  ``wrap_socket`` itself needs
none: the network's sockets are :class:`~mockselector.MockSocket` subclasses,
which the dispatcher of :mod:`mockselector.tls` already routes to
:class:`~mockselector.TLSSocket`.
"""

from __future__ import annotations

import asyncio
import os
import select
import selectors
import socket
import ssl
from typing import Any

from . import _core, _netloop, _netpoll
from .descriptors import SOCKET_FD_BASE
from .tls import CA_FILE

# -- the real objects, captured at import ---------------------------------------------------

_RealSocket = socket.socket
_AF_INET = int(socket.AF_INET)
_real_socketpair = socket.socketpair
_real_sendfile = getattr(os, "sendfile", None)
_real_load_default_certs = ssl.SSLContext.load_default_certs
_real: dict[str, Any] = {
    "getaddrinfo": socket.getaddrinfo,
    "gethostbyname": socket.gethostbyname,
    "gethostbyname_ex": socket.gethostbyname_ex,
    "gethostbyaddr": socket.gethostbyaddr,
    "getnameinfo": socket.getnameinfo,
}


def real_socket(family: int, type: int, proto: int) -> socket.socket:
    """A real socket, whatever is installed."""
    return _RealSocket(family, type, proto)


# -- socket.socket ------------------------------------------------------------------------


class _SocketType(type):
    """The metaclass of the stand-in: real and in-memory sockets are instances of it."""

    def __instancecheck__(cls, instance: Any) -> bool:
        return isinstance(instance, _RealSocket)

    def __subclasscheck__(cls, subclass: Any) -> bool:
        return issubclass(subclass, _RealSocket)


class NetworkSocket(_RealSocket, metaclass=_SocketType):
    """``socket.socket`` inside a network: in-memory sockets, real ones for a descriptor.

    ``socket.socket(family, type, proto)`` returns the network's in-memory
    socket; ``socket.socket(fileno=n)`` (how the socket module itself wraps
    real descriptors) and subclasses make real sockets.  ``isinstance(s,
    socket.socket)`` holds for both.
    """

    def __new__(cls, family: int = -1, type: int = -1, proto: int = -1,
                fileno: Any = None) -> Any:
        if cls is not NetworkSocket:  # a subclass: a real socket, initialized as usual
            return _RealSocket.__new__(cls)
        network = _core.state.network
        if network is None or fileno is not None:
            return _RealSocket(family, type, proto, fileno)
        if family == -1 and type == -1 and proto == -1:  # socket.socket(): TCP over IPv4
            return network._stream(_AF_INET, 0, socket.getdefaulttimeout())
        return network._socket(family, type, proto)


NetworkSocket.__module__ = "socket"
NetworkSocket.__name__ = NetworkSocket.__qualname__ = "socket"


def socketpair(family: int = socket.AF_UNIX, type: int = socket.SOCK_STREAM,
               proto: int = 0) -> tuple[Any, Any]:
    """``socket.socketpair`` inside a network: two connected in-memory sockets."""
    network = _core.state.network
    if network is None:
        return _real_socketpair(family, type, proto)
    return network._socketpair(family, type, proto)  # type: ignore[no-any-return]


# -- the resolver -------------------------------------------------------------------------


def getaddrinfo(host: Any, port: Any, family: int = 0, type: int = 0, proto: int = 0,
                flags: int = 0) -> list[Any]:
    """``socket.getaddrinfo`` answered by the network's DNS."""
    network = _core.state.network
    if network is None:
        return _real["getaddrinfo"](host, port, family, type, proto, flags)  # type: ignore[no-any-return]
    return network._getaddrinfo(host, port, family, type, proto, flags)  # type: ignore[no-any-return]


def gethostbyname(hostname: str) -> str:
    """``socket.gethostbyname`` answered by the network's DNS."""
    network = _core.state.network
    if network is None:
        return _real["gethostbyname"](hostname)  # type: ignore[no-any-return]
    return network._gethostbyname_ex(hostname)[2][0]  # type: ignore[no-any-return]


def gethostbyname_ex(hostname: str) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyname_ex`` answered by the network's DNS."""
    network = _core.state.network
    if network is None:
        return _real["gethostbyname_ex"](hostname)  # type: ignore[no-any-return]
    return network._gethostbyname_ex(hostname)  # type: ignore[no-any-return]


def gethostbyaddr(ip_address: str) -> tuple[str, list[str], list[str]]:
    """``socket.gethostbyaddr`` answered by the network's DNS."""
    network = _core.state.network
    if network is None:
        return _real["gethostbyaddr"](ip_address)  # type: ignore[no-any-return]
    return network._gethostbyaddr(ip_address)  # type: ignore[no-any-return]


def getnameinfo(sockaddr: Any, flags: int) -> tuple[str, str]:
    """``socket.getnameinfo`` answered by the network's DNS."""
    network = _core.state.network
    if network is None:
        return _real["getnameinfo"](sockaddr, flags)  # type: ignore[no-any-return]
    return network._getnameinfo(sockaddr, flags)  # type: ignore[no-any-return]


# -- os.sendfile -------------------------------------------------------------------------


def sendfile(out_fd: int, in_fd: int, offset: int | None, count: int) -> int:
    """``os.sendfile`` inside a network: to an in-memory socket, the file goes by ``send``.

    Servers that send files with ``os.sendfile(sock.fileno(), ...)`` (pyftpdlib,
    say) would hand the kernel a virtual descriptor.  The socket's ``send``
    gives the kernel's outcomes: a count, ``BlockingIOError`` on a full
    window, ``BrokenPipeError``.
    """
    network = _core.state.network
    sock = network._sources.get(int(out_fd)) if network is not None \
        and isinstance(out_fd, int) and out_fd >= SOCKET_FD_BASE else None
    if sock is None:
        return _real_sendfile(out_fd, in_fd, offset, count)  # type: ignore[misc,no-any-return]
    data = os.pread(in_fd, count, offset) if offset is not None else os.read(in_fd, count)
    if not data:
        return 0
    try:
        sent: int = sock.send(data)
    except BaseException:
        if offset is None:
            os.lseek(in_fd, -len(data), os.SEEK_CUR)
        raise
    if offset is None and sent < len(data):
        os.lseek(in_fd, sent - len(data), os.SEEK_CUR)  # what was read but not sent
    return sent


# -- ssl: the test CA among the default ones ----------------------------------------------


def load_default_certs(self: ssl.SSLContext,
                       purpose: ssl.Purpose = ssl.Purpose.SERVER_AUTH) -> None:
    """``ssl.SSLContext.load_default_certs`` inside a network: the test CA is trusted too.

    The system's CA certificates are loaded as usual; a client context
    (``Purpose.SERVER_AUTH``) also trusts :data:`mockselector.tls.CA_FILE`
    while the active network's ``trust_test_ca`` is on, so that unmodified
    clients verify servers that use :func:`mockselector.tls.server_context`.
    """
    _real_load_default_certs(self, purpose)
    network = _core.state.network
    if network is not None and network.trust_test_ca and purpose == ssl.Purpose.SERVER_AUTH:
        self.load_verify_locations(cafile=CA_FILE)


# -- what is installed ----------------------------------------------------------------------

#: ``(owner, attribute, stand-in)``: what a network installs, in order.
PATCHES: list[tuple[Any, str, Any]] = [
    (socket, "socket", NetworkSocket),
    (socket, "socketpair", socketpair),
    (socket, "getaddrinfo", getaddrinfo),
    (socket, "gethostbyname", gethostbyname),
    (socket, "gethostbyname_ex", gethostbyname_ex),
    (socket, "gethostbyaddr", gethostbyaddr),
    (socket, "getnameinfo", getnameinfo),
    (select, "select", _netpoll.select),
    # The stdlib selectors bind their poller at import: replace it in the classes.
    (selectors.SelectSelector, "_select", staticmethod(_netpoll.select)),
    (selectors, "_fileobj_to_fd", _netpoll.fileobj_to_fd),
]
if hasattr(select, "poll"):
    PATCHES += [(select, "poll", _netpoll.poll),
                (selectors.PollSelector, "_selector_cls", _netpoll.poll)]
if hasattr(select, "epoll"):
    PATCHES += [(select, "epoll", _netpoll.epoll),
                (selectors.EpollSelector, "_selector_cls", _netpoll.epoll)]
if _real_sendfile is not None:
    PATCHES.append((os, "sendfile", sendfile))
PATCHES.append((ssl.SSLContext, "load_default_certs", load_default_certs))
# New event loops made through the default policy (asyncio.run, asyncio.Runner,
# asyncio.new_event_loop) are in-memory loops on the network.
_policy = asyncio.DefaultEventLoopPolicy
if "_loop_factory" in vars(_policy):
    PATCHES.append((_policy, "_loop_factory", _netloop.NetworkEventLoop))

_MISSING = object()


def add(owner: Any, name: str, stand_in: Any) -> None:
    """Install ``stand_in`` as ``owner.name`` inside every network from now on."""
    PATCHES.append((owner, name, stand_in))


def install() -> list[tuple[Any, str, Any]]:
    """Install every stand-in; return what was there, for :func:`restore`."""
    saved: list[tuple[Any, str, Any]] = []
    try:
        for owner, name, stand_in in PATCHES:
            saved.append((owner, name, vars(owner).get(name, _MISSING)))
            setattr(owner, name, stand_in)
    except BaseException:
        restore(saved)
        raise
    return saved


def restore(saved: list[tuple[Any, str, Any]]) -> None:
    """Put back what :func:`install` replaced, last first."""
    for owner, name, original in reversed(saved):
        if original is _MISSING:
            try:
                delattr(owner, name)
            except AttributeError:
                pass
        else:
            setattr(owner, name, original)


def originals() -> dict[str, Any]:
    """Every patched name (``module.attribute``) and the object it holds now."""
    return {f"{getattr(owner, '__name__', owner)}.{name}": vars(owner).get(name, _MISSING)
            for owner, name, _ in PATCHES}

