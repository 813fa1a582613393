"""The in-memory stream sockets against the kernel's, call by call.

Every method a connected stream socket has is called with each of its
arguments replaced, one at a time, by a bad kind of value (``None``, a
``str``, a float, a negative or huge int, NaN, infinities, ``-0.0``, a bool,
mutable and non-contiguous buffers, zero, unsupported flags, keywords the
real method refuses), and in the states a connection goes through (shut
down each way, closed at either end, a full window).  Each case runs on a
real connected pair of its family and on ours:

- ``tcp``: a loopback TCP connection (``create_server`` + ``create_connection``
  + ``accept``) against ``mockselector.socketpair(socket.AF_INET)``;
- ``unix``: ``socket.socketpair()`` against ``mockselector.socketpair()``.

A case passes when both raise the same exception type with the same
``errno``, or both return the same value.  The cases where ours differs
today are listed in :data:`KNOWN_DIFFERENCES` with what the kernel does;
they are strict xfails, so a fix turns them into failures that ask for
their removal from the table.  Running this file prints the differences
and the share of cases that match, per family::

    python tests/test_kernel_badinput.py
"""

from __future__ import annotations

import array
import fcntl
import io
import itertools
import math
import os
import select
import socket
import sys
import termios
import time
from collections.abc import Iterator
from typing import Any, Callable

import pytest

import mockselector
from mockselector import Stalled

FAMILIES = ("tcp", "unix")
# What a socket polls for once its peer sent a FIN or a reset.
_HANGUP = select.POLLRDHUP | select.POLLHUP | select.POLLERR
# A safety net: no kernel call of a case is expected to wait, and none may hang the suite.
TIMEOUT = 0.05
# How long the kernel is given to deliver what loopback TCP carries (it usually takes none).
DELIVERY = 2.0


# -- running one case on one pair ------------------------------------------------------------


class _Listener:
    """One loopback TCP listener for the whole module, made on first use."""

    sock: socket.socket | None = None

    @classmethod
    def address(cls) -> Any:
        if cls.sock is None:
            cls.sock = socket.create_server(("127.0.0.1", 0), backlog=64)
        return cls.sock.getsockname()


class Pairs:
    """Makes connected pairs of one family, on the kernel or in memory, and closes them all."""

    def __init__(self, family: str, kernel: bool) -> None:
        self.family, self.kernel = family, kernel
        self.made: list[Any] = []

    def raw(self, type: int = socket.SOCK_STREAM, proto: int = 0) -> tuple[Any, Any]:
        """A connected pair as the platform makes it, timeouts untouched."""
        if not self.kernel:
            family = socket.AF_INET if self.family == "tcp" else socket.AF_UNIX
            a, b = mockselector.socketpair(family, type, proto)
        elif self.family == "unix":
            a, b = socket.socketpair(socket.AF_UNIX, type, proto)
        else:
            address = _Listener.address()
            if type == socket.SOCK_STREAM and not proto:
                a = socket.create_connection(address)
            else:
                a = socket.socket(socket.AF_INET, type, proto)
                self.made.append(a)
                a.connect_ex(address)  # EINPROGRESS when SOCK_NONBLOCK is in type
            assert _Listener.sock is not None
            b, peer = _Listener.sock.accept()
            assert peer == a.getsockname(), "another connection waited to be accepted"
            select.select([], [a], [], DELIVERY)
        self.made += [a, b]
        return a, b

    def pair(self, loaded: bytes = b"") -> tuple[Any, Any]:
        """A connected pair with :data:`TIMEOUT`; ``loaded`` waits unread at the first end."""
        a, b = self.raw()
        a.settimeout(TIMEOUT)
        b.settimeout(TIMEOUT)
        if loaded:
            b.sendall(loaded)
            self.arrived(a, len(loaded))
        return a, b

    def arrived(self, sock: Any, count: int) -> None:
        """Wait (kernel TCP only) until ``count`` bytes wait unread at ``sock``."""
        if self.kernel and self.family == "tcp":
            _wait(lambda: _ioctl(sock, termios.FIONREAD) >= count)

    def seen(self, sock: Any, events: int = select.POLLRDHUP) -> None:
        """Wait (kernel TCP only) until ``sock`` polls for one of ``events``: by default,
        until the peer's FIN arrived."""
        if self.kernel and self.family == "tcp":
            _wait(lambda: _polled(sock) & events != 0)

    def close(self) -> None:
        for sock in self.made:
            sock.close()


def _ioctl(sock: Any, request: int) -> int:
    return int.from_bytes(fcntl.ioctl(sock.fileno(), request, bytes(4)), sys.byteorder)


def _polled(sock: Any) -> int:
    poll = select.poll()
    poll.register(sock, select.POLLIN | select.POLLOUT | select.POLLRDHUP)
    return sum(events for _fd, events in poll.poll(0))


def _wait(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + DELIVERY
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.0005)


def outcome(call: Callable[[], Any]) -> tuple[Any, ...]:
    """What a call did, comparable across the kernel and ours: its exception or its result."""
    try:
        value = call()
    except Stalled:
        return ("raises", "Stalled", None)
    except Exception as error:
        code = error.errno if isinstance(error, OSError) else None
        return ("raises", type(error).__name__, code)
    return ("returns", _value(value))


def _value(value: Any) -> Any:
    if isinstance(value, _Steps):
        return tuple(value)
    if isinstance(value, (bytes, bytearray)):
        return (type(value).__name__, bytes(value))
    if isinstance(value, float):
        return ("float", repr(value))  # -0.0 and 0.0 differ here
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return ("int", int(value))
    if isinstance(value, (tuple, list)):
        return tuple(_value(item) for item in value)
    if isinstance(value, socket.socket):
        value.close()
        return ("socket", int(value.family), int(value.type))
    if isinstance(value, (io.IOBase, socket.SocketIO)):
        value.close()
        return type(value).__name__
    return type(value).__name__


def run(case: Case, family: str, kernel: bool) -> Any:
    """The outcome of ``case`` on the kernel's pair of ``family``, or on ours."""
    pairs = Pairs(family, kernel)
    try:
        return outcome(lambda: case.body(pairs))
    finally:
        pairs.close()


class Case:
    """One call (or a few steps) made alike on the kernel's pair and on ours."""

    def __init__(self, name: str, body: Callable[[Pairs], Any]) -> None:
        self.name, self.body = name, body


# -- the table of bad kinds ------------------------------------------------------------------


_names = itertools.count()


def _name() -> bytes:
    """Text that, given as an AF_UNIX address, is an abstract name no one else uses: a bad
    kind must never create a file, nor meet a name another run of the suite bound."""
    return f"\0mockselector-{os.getpid()}-{next(_names)}".encode()


def _strided() -> memoryview:
    return memoryview(bytearray(_name()))[::2]


#: Bad values for any argument; each is a factory, so that a buffer is fresh for every call.
KINDS: dict[str, Callable[[], Any]] = {
    "None": lambda: None,
    "str": lambda: _name().decode(),
    "float": lambda: 1.5,
    "negative": lambda: -1,
    "huge": lambda: 2**70,
    "nan": lambda: math.nan,
    "inf": lambda: math.inf,
    "-inf": lambda: -math.inf,
    "-0.0": lambda: -0.0,
    "bool": lambda: True,
    "zero": lambda: 0,
    "bytes": _name,
    "bytearray": lambda: bytearray(_name()),
    "memoryview": lambda: memoryview(bytearray(_name())),
    "strided": _strided,
}

#: Flag values a stream socket does not take as they are, for arguments that are flags.
FLAG_KINDS: dict[str, Callable[[], Any]] = {
    "MSG_OOB": lambda: socket.MSG_OOB,
    "MSG_WAITALL": lambda: socket.MSG_WAITALL,
    "MSG_TRUNC": lambda: socket.MSG_TRUNC,
    "MSG_PEEK": lambda: socket.MSG_PEEK,
    "MSG_DONTWAIT": lambda: socket.MSG_DONTWAIT,
    "MSG_NOSIGNAL": lambda: socket.MSG_NOSIGNAL,
    "True": lambda: True,
    "0x40000000": lambda: 0x40000000,
}


def _address(family: str) -> Any:
    """An address of the family that nothing listens on (an abstract name no one else uses)."""
    if family == "tcp":
        return ("127.0.0.1", 9)
    return _name().decode()


def _buffer() -> bytearray:
    return bytearray(8)


class Method:
    """A socket method, its good arguments (a function of the family) and which are flags."""

    def __init__(self, name: str, args: Callable[[str], tuple[Any, ...]] = lambda f: (),
                 flags: tuple[int, ...] = (), keywords: dict[str, int] | None = None,
                 result: Callable[[Any], Any] = lambda value: value) -> None:
        self.name, self.args, self.flags = name, args, flags
        self.keywords, self.result = keywords or {}, result


def _is_descriptor(value: Any) -> bool:
    return isinstance(value, int) and value >= 0


def _shape(value: Any) -> Any:
    """An address without its numbers, which differ between any two connections."""
    if isinstance(value, tuple):
        return tuple(type(part).__name__ for part in value)
    return value


#: The methods of a connected stream socket; the variant name follows ``#``.
METHODS = [
    Method("recv", lambda f: (4, 0), flags=(1,), keywords={"bufsize": 0, "flags": 1}),
    Method("recv_into", lambda f: (_buffer(), 4, 0), flags=(2,),
           keywords={"buffer": 0, "nbytes": 1, "flags": 2}),
    Method("recvfrom", lambda f: (4, 0), flags=(1,), keywords={"bufsize": 0, "flags": 1}),
    Method("recvfrom_into", lambda f: (_buffer(), 4, 0), flags=(2,),
           keywords={"buffer": 0, "nbytes": 1, "flags": 2}),
    Method("recvmsg", lambda f: (4, 0, 0), flags=(2,), keywords={"bufsize": 0}),
    Method("recvmsg_into", lambda f: ([_buffer()], 0, 0), flags=(2,), keywords={"buffers": 0}),
    Method("send", lambda f: (b"x", 0), flags=(1,), keywords={"data": 0, "flags": 1}),
    Method("sendall", lambda f: (b"x", 0), flags=(1,), keywords={"data": 0, "flags": 1}),
    Method("sendmsg", lambda f: ([b"x"], [], 0), flags=(2,), keywords={"buffers": 0, "flags": 2}),
    Method("sendmsg#address", lambda f: ([b"x"], [], 0, _address(f))),
    Method("sendto", lambda f: (b"x", _address(f)), keywords={"data": 0, "address": 1}),
    Method("sendto#flags", lambda f: (b"x", 0, _address(f)), flags=(1,)),
    Method("sendfile", lambda f: (io.BytesIO(b"file"), 0, None),
           keywords={"file": 0, "offset": 1, "count": 2}),
    Method("shutdown", lambda f: (socket.SHUT_WR,), keywords={"how": 0}),
    Method("settimeout", lambda f: (1.0,), keywords={"value": 0, "timeout": 0}),
    Method("setblocking", lambda f: (True,), keywords={"flag": 0, "block": 0}),
    Method("gettimeout"),
    Method("getblocking"),
    Method("getsockopt", lambda f: (socket.SOL_SOCKET, socket.SO_TYPE),
           keywords={"level": 0, "optname": 1}),
    Method("getsockopt#buflen", lambda f: (socket.SOL_SOCKET, socket.SO_TYPE, 4),
           keywords={"buflen": 2}),
    Method("setsockopt", lambda f: (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),
           keywords={"level": 0, "optname": 1, "value": 2}),
    Method("setsockopt#optlen", lambda f: (socket.SOL_SOCKET, socket.SO_KEEPALIVE, None, 4)),
    Method("listen", lambda f: (1,), keywords={"backlog": 0}),
    Method("accept"),
    Method("bind", lambda f: (_address(f),), keywords={"address": 0}),
    Method("connect", lambda f: (_address(f),), keywords={"address": 0}),
    Method("connect_ex", lambda f: (_address(f),), keywords={"address": 0}),
    Method("getsockname", result=_shape),
    Method("getpeername", result=_shape),
    Method("fileno", result=_is_descriptor),
    Method("makefile", lambda f: ("rb", 0), keywords={"mode": 0, "buffering": 1}),
    Method("dup"),
    Method("get_inheritable"),
    Method("set_inheritable", lambda f: (False,), keywords={"inheritable": 0}),
    Method("close"),
]


def _call(method: Method, make_args: Callable[[str], list[Any]],
          kwargs: Callable[[str], dict[str, Any]] | None = None, loaded: bytes = b"data",
          state: Callable[[Pairs, Any, Any], None] | None = None) -> Callable[[Pairs], Any]:
    """A case body: on a fresh pair holding ``loaded`` unread, in ``state``, call the method."""
    name = method.name.partition("#")[0]

    def body(pairs: Pairs) -> Any:
        a, b = pairs.pair(loaded)
        if state is not None:
            state(pairs, a, b)
        return method.result(getattr(a, name)(*make_args(pairs.family),
                                               **(kwargs(pairs.family) if kwargs else {})))

    return body


def _lengths(value: Any) -> Any:
    """Lengths for bytes: with ``MSG_TRUNC``, TCP returns a buffer it never filled."""
    if isinstance(value, (tuple, list)):
        return tuple(_lengths(item) for item in value)
    if isinstance(value, (bytes, bytearray)):
        return ("bytes of length", len(value))
    return value


def _replaced(method: Method, position: int, kind: Callable[[], Any]
              ) -> Callable[[str], list[Any]]:
    def make_args(family: str) -> list[Any]:
        args = list(method.args(family))
        args[position] = kind()
        return args

    return make_args


def _bad_input_cases() -> Iterator[Case]:
    for method in METHODS:
        good = method.args("tcp")
        yield Case(f"{method.name}(good)", _call(method, lambda f, m=method: list(m.args(f))))
        for position in range(len(good)):
            kinds = dict(KINDS, **FLAG_KINDS) if position in method.flags else KINDS
            for kind_name, kind in kinds.items():
                case_method = method
                if kind_name == "MSG_TRUNC":
                    case_method = Method(method.name, method.args,
                                         result=lambda value, m=method: _lengths(m.result(value)))
                yield Case(f"{method.name}[{position}]={kind_name}",
                           _call(case_method, _replaced(method, position, kind)))
        for position in range(len(good)):
            yield Case(f"{method.name}[{position}]=str after own close",
                       _call(method, _replaced(method, position, KINDS["str"]),
                             state=STATES["own close"]))
        yield Case(f"{method.name}(extra argument)",
                   _call(method, lambda f, m=method: [*m.args(f), 0, 0, 0, 0, 0]))
        yield Case(f"{method.name}(bogus=1)",
                   _call(method, lambda f, m=method: list(m.args(f)), lambda f: {"bogus": 1}))
        for keyword, position in method.keywords.items():
            def by_keyword(method: Method = method, keyword: str = keyword,
                           position: int = position) -> Callable[[Pairs], Any]:
                # The arguments before ``keyword`` stay positional, it is named,
                # and the ones after it are left out.
                def arguments(family: str) -> list[Any]:
                    return list(method.args(family))[:position]

                def named(family: str) -> dict[str, Any]:
                    return {keyword: list(method.args(family))[position]}

                return _call(method, arguments, named)

            yield Case(f"{method.name}({keyword}=)", by_keyword())


# -- the states of a connection ----------------------------------------------------------------


def _shut(how: int, end: int) -> Callable[[Pairs, Any, Any], None]:
    def state(pairs: Pairs, a: Any, b: Any) -> None:
        (a, b)[end].shutdown(how)
        if how != socket.SHUT_RD:
            pairs.seen((a, b)[1 - end])

    return state


def _closed(end: int) -> Callable[[Pairs, Any, Any], None]:
    def state(pairs: Pairs, a: Any, b: Any) -> None:
        (a, b)[end].close()
        pairs.seen((a, b)[1 - end], _HANGUP)

    return state


#: States of the connection, made on the first end (``own``) or its peer; ``data`` waits
#: unread at the first end before the state is made.
STATES: dict[str, Callable[[Pairs, Any, Any], None]] = {
    "own SHUT_RD": _shut(socket.SHUT_RD, 0),
    "own SHUT_WR": _shut(socket.SHUT_WR, 0),
    "own SHUT_RDWR": _shut(socket.SHUT_RDWR, 0),
    "own close": _closed(0),
    "peer SHUT_RD": _shut(socket.SHUT_RD, 1),
    "peer SHUT_WR": _shut(socket.SHUT_WR, 1),
    "peer SHUT_RDWR": _shut(socket.SHUT_RDWR, 1),
    "peer close": _closed(1),
}


def _state_cases() -> Iterator[Case]:
    for state_name, state in STATES.items():
        for method in METHODS:
            # Whether data waits matters to the methods that read it.
            for loaded in (b"data", b"") if method.name.startswith("recv") else (b"data",):
                label = "data, " if loaded else ""
                yield Case(f"{method.name}(good) after {label}{state_name}",
                           _call(method, lambda f, m=method: list(m.args(f)), loaded=loaded,
                                 state=state))


# -- the cases the issue names ---------------------------------------------------------------

_FILL = b"\0" * 65536


def _fill(sock: Any) -> int:
    """Send until the window is full; return how much was sent."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    total = 0
    for size in (65536, 4096, 256, 1):
        for _ in range(10_000):
            try:
                total += sock.send(_FILL[:size])
            except BlockingIOError:
                break
    sock.settimeout(timeout)
    return total


class _Steps(tuple):  # type: ignore[type-arg]
    """The outcomes of several steps, each compared on its own."""


def _steps(*calls: Callable[[], Any]) -> _Steps:
    return _Steps(outcome(call) for call in calls)


def _named(name: str) -> Callable[[Callable[[Pairs], Any]], Case]:
    def make(body: Callable[[Pairs], Any]) -> Case:
        return Case(name, body)

    return make


@_named("send(MSG_DONTWAIT) of a blocking socket on a full window")
def _send_dontwait_full(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    _fill(a)
    a.settimeout(None)
    return a.send(b"y", socket.MSG_DONTWAIT)


@_named("recv(MSG_DONTWAIT) of a blocking socket with nothing to read")
def _recv_dontwait_empty(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    a.settimeout(None)
    return a.recv(4, socket.MSG_DONTWAIT)


@_named("recv(MSG_DONTWAIT) of a socket with a timeout and nothing to read")
def _recv_dontwait_timeout(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    a.settimeout(0.001)
    return a.recv(4, socket.MSG_DONTWAIT)


@_named("getpeername and shutdown once FINs went both ways")
def _after_fins(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    b.close()
    pairs.seen(a)
    a.shutdown(socket.SHUT_WR)
    pairs.seen(a, select.POLLHUP)
    return _steps(lambda: _shape(a.getpeername()), lambda: a.shutdown(socket.SHUT_RD))


@_named("getpeername and shutdown after the peer closed with data unread")
def _after_reset(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    a.sendall(b"unread")
    pairs.arrived(b, 6)
    b.close()
    pairs.seen(a, select.POLLHUP | select.POLLERR)
    return _steps(lambda: _shape(a.getpeername()), lambda: a.shutdown(socket.SHUT_RD))


@_named("send, send, send, recv after the peer closed")
def _send_after_peer_close(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    b.close()
    pairs.seen(a)

    def send() -> Any:
        try:
            return a.send(b"y")
        finally:
            pairs.seen(a, select.POLLHUP | select.POLLERR)  # the reset that answers it

    return _steps(send, send, send, lambda: a.recv(10))


@_named("send after the peer closed with data unread")
def _send_after_peer_close_unread(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    a.sendall(b"unread")
    pairs.arrived(b, 6)
    b.close()
    pairs.seen(a, select.POLLHUP | select.POLLERR)
    return _steps(lambda: a.send(b"y"), lambda: a.send(b"y"), lambda: a.recv(10))


@_named("recv after the peer closed with data unread")
def _recv_after_peer_close_unread(pairs: Pairs) -> Any:
    a, b = pairs.pair(b"for a")
    a.sendall(b"unread")
    pairs.arrived(b, 6)
    b.close()
    pairs.seen(a, select.POLLHUP | select.POLLERR)
    return _steps(lambda: a.recv(10), lambda: a.recv(10), lambda: a.recv(10))


@_named("the peer's send, then recv, after shutdown(SHUT_RD)")
def _send_after_peer_shut_rd(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    a.shutdown(socket.SHUT_RD)
    sent = outcome(lambda: b.send(b"z"))
    pairs.arrived(a, 1)
    return _Steps((sent, outcome(lambda: a.recv(10)), outcome(lambda: a.recv(10))))


@_named("family, type and proto of both ends")
def _identity(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    return [(int(s.family), int(s.type), s.proto) for s in (a, b)]


@_named("SO_RCVBUF and SO_SNDBUF by default")
def _default_buffers(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    return [a.getsockopt(socket.SOL_SOCKET, option)
            for option in (socket.SO_RCVBUF, socket.SO_SNDBUF)]


@_named("SO_RCVBUF after setsockopt(SO_RCVBUF, 4096)")
def _set_rcvbuf(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)


@_named("a window made small with SO_RCVBUF and SO_SNDBUF holds less than 100 kB")
def _small_window(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)
    b.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    return _fill(a) < 100_000


@_named("the timeout of a new pair after socket.setdefaulttimeout(2.5)")
def _default_timeout(pairs: Pairs) -> Any:
    socket.setdefaulttimeout(2.5)
    try:
        a, b = pairs.raw()
    finally:
        socket.setdefaulttimeout(None)
    return a.gettimeout(), b.gettimeout()


def _typed(flag_name: str) -> Case:
    @_named(f"type, timeout and inheritable of a pair made with SOCK_STREAM | {flag_name}")
    def body(pairs: Pairs) -> Any:
        a, _b = pairs.raw(socket.SOCK_STREAM | getattr(socket, flag_name))
        return int(a.type), a.gettimeout(), a.get_inheritable()

    return body


@_named("a pair made with proto 99")
def _proto_99(pairs: Pairs) -> Any:
    return pairs.raw(proto=99)


@_named("recv(0) and recv_into(empty) after close")
def _empty_reads_after_close(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    a.close()
    return _steps(lambda: a.recv(0), lambda: a.recv_into(bytearray()),
                  lambda: a.recv_into(bytearray(4), 0), lambda: a.recvfrom(0))


@_named("recv(0) and recv_into(empty) of an open socket")
def _empty_reads(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    return _steps(lambda: a.recv(0), lambda: a.recv_into(bytearray()), lambda: a.recvfrom(0))


def _getsockopt_buflen(buflen: int) -> Case:
    @_named(f"getsockopt(SOL_SOCKET, SO_TYPE, {buflen})")
    def body(pairs: Pairs) -> Any:
        a, _b = pairs.pair()
        return a.getsockopt(socket.SOL_SOCKET, socket.SO_TYPE, buflen)

    return body


def _option(name: str, level: int, option: int, value: Any = None) -> Case:
    @_named(name)
    def body(pairs: Pairs) -> Any:
        a, _b = pairs.pair()
        if value is None:
            return a.getsockopt(level, option)
        return a.setsockopt(level, option, value)

    return body


@_named("SO_ERROR after the peer closed with data unread")
def _so_error_after_reset(pairs: Pairs) -> Any:
    a, b = pairs.pair(b"for a")
    a.sendall(b"unread")
    pairs.arrived(b, 6)
    b.close()
    pairs.seen(a, select.POLLHUP | select.POLLERR)
    return _steps(lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
                  lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR))


@_named("SO_ERROR, send, recv after a reset that follows the peer's FIN")
def _so_error_after_shut_wr_and_reset(pairs: Pairs) -> Any:
    a, b = pairs.pair()
    b.shutdown(socket.SHUT_WR)
    pairs.seen(a)
    a.sendall(b"unread")
    pairs.arrived(b, 6)
    b.close()
    pairs.seen(a, select.POLLHUP | select.POLLERR)
    return _steps(lambda: a.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR),
                  lambda: a.send(b"y"), lambda: a.recv(10))


@_named("settimeout(-0.0) then gettimeout()")
def _negative_zero_timeout(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    a.settimeout(-0.0)
    return a.gettimeout(), a.getblocking()


@_named("recv(4, MSG_WAITALL) with 6 bytes waiting")
def _recv_waitall(pairs: Pairs) -> Any:
    a, _b = pairs.pair(b"abcdef")
    return a.recv(4, socket.MSG_WAITALL), a.recv(10)


@_named("recv(2, MSG_TRUNC) with 6 bytes waiting")
def _recv_trunc(pairs: Pairs) -> Any:
    a, _b = pairs.pair(b"abcdef")
    return len(a.recv(2, socket.MSG_TRUNC)), a.recv(10)


@_named("sendall of an array and a non-contiguous view")
def _send_buffers(pairs: Pairs) -> Any:
    a, _b = pairs.pair()
    return _steps(lambda: a.sendall(array.array("h", [1, 2])), lambda: a.sendall(_strided()),
                  lambda: a.send(_strided()))


SPECIAL_CASES = [
    _send_dontwait_full,
    _recv_dontwait_empty,
    _recv_dontwait_timeout,
    _after_fins,
    _after_reset,
    _send_after_peer_close,
    _send_after_peer_close_unread,
    _recv_after_peer_close_unread,
    _send_after_peer_shut_rd,
    _identity,
    _default_buffers,
    _set_rcvbuf,
    _small_window,
    _default_timeout,
    _typed("SOCK_NONBLOCK"),
    _typed("SOCK_CLOEXEC"),
    _proto_99,
    _empty_reads_after_close,
    _empty_reads,
    _getsockopt_buflen(-1),
    _getsockopt_buflen(0),
    _getsockopt_buflen(1),
    _getsockopt_buflen(1025),
    _option("getsockopt(999, 1)", 999, 1),
    _option("getsockopt(SOL_SOCKET, 9999)", socket.SOL_SOCKET, 9999),
    _option("getsockopt(IPPROTO_TCP, TCP_NODELAY)", socket.IPPROTO_TCP, socket.TCP_NODELAY),
    _option("setsockopt(999, 1, 1)", 999, 1, 1),
    _option("setsockopt(SOL_SOCKET, 9999, 1)", socket.SOL_SOCKET, 9999, 1),
    _option("setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)", socket.IPPROTO_TCP, socket.TCP_NODELAY,
            1),
    _option("setsockopt(SOL_SOCKET, SO_TYPE, 2)", socket.SOL_SOCKET, socket.SO_TYPE, 2),
    _option("setsockopt(SOL_SOCKET, SO_KEEPALIVE, b'')", socket.SOL_SOCKET,
            socket.SO_KEEPALIVE, b""),
    _so_error_after_reset,
    _so_error_after_shut_wr_and_reset,
    _negative_zero_timeout,
    _recv_waitall,
    _recv_trunc,
    _send_buffers,
]

CASES: dict[str, Case] = {
    case.name: case
    for case in (*_bad_input_cases(), *_state_cases(), *SPECIAL_CASES)
}


# -- what differs, and why ---------------------------------------------------------------------

# Why each group of cases differs (each is in the table of docs/differences.md).
_DUP = (
    "dup() of an in-memory socket raises EOPNOTSUPP (EBADF once closed, as the kernel's): a "
    "second socket object on the same connection, which close() of either leaves open, would "
    "need a shared descriptor the in-memory sockets do not have: "
)
_SNDBUF = (
    "SO_SNDBUF of a TCP connection: the kernel sizes it by itself (tcp_wmem and autotuning: "
    "the value depends on the machine and changes as data flows); ours reports its window, "
    "the capacity: "
)
_PROTO = (
    "proto is what the socket's maker passed: create_connection() passes 6 to the client end, "
    "accept() gives 0 to the other, and socketpair(AF_INET) makes neither end a client: both "
    "get the proto passed to it (0 by default; socketpair(AF_INET, SOCK_STREAM, 6) gives 6): "
)

#: ``"family: case"`` -> why ours differs, what the kernel does and what ours does.
KNOWN_DIFFERENCES: dict[str, str] = {
    **{
        f"{family}: dup(good){state}":
            _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)"
        for family in FAMILIES
        for state in ("", *(f" after data, {name}" for name in STATES if name != "own close"))
    },
    "tcp: SO_RCVBUF and SO_SNDBUF by default":
        _SNDBUF + "kernel: returns (131072, 3939840); ours: returns (131072, 212992)",
    "tcp: family, type and proto of both ends":
        _PROTO + "kernel: returns ((2, 1, 6), (2, 1, 0)); ours: returns ((2, 1, 0), (2, 1, 0))",
}


# -- the tests -------------------------------------------------------------------------------


def _params() -> Iterator[Any]:
    for family in FAMILIES:
        for name in CASES:
            case_id = f"{family}: {name}"
            reason = KNOWN_DIFFERENCES.get(case_id)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            yield pytest.param(family, name, id=case_id, marks=marks)


# Python 3.9 still truncates a float given for an int, with a DeprecationWarning.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(("family", "name"), list(_params()))
def test_ours_does_what_the_kernel_does(family: str, name: str) -> None:
    case = CASES[name]
    kernel, ours = run(case, family, kernel=True), run(case, family, kernel=False)
    if ours != kernel:  # not ``assert``: explaining each expected failure would cost seconds
        pytest.fail(f"kernel: {kernel}\nours:   {ours}", pytrace=False)


def test_every_known_difference_names_a_case() -> None:
    cases = {f"{family}: {name}" for family in FAMILIES for name in CASES}
    assert set(KNOWN_DIFFERENCES) <= cases


def summary() -> dict[str, tuple[int, int]]:
    """Per family: how many cases match the kernel today (by the table), and how many there are."""
    return {
        family: (sum(f"{family}: {name}" not in KNOWN_DIFFERENCES for name in CASES), len(CASES))
        for family in FAMILIES
    }


def test_the_share_of_cases_that_match_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    with capsys.disabled():
        for family, (matching, total) in summary().items():
            print(f"\n{family}: {matching}/{total} cases match the kernel "
                  f"({100 * matching / total:.1f} %)", end="")
    assert all(total for _matching, total in summary().values())


if __name__ == "__main__":
    differences = 0
    for family in FAMILIES:
        matching = 0
        for name, case in CASES.items():
            kernel, ours = run(case, family, kernel=True), run(case, family, kernel=False)
            if kernel == ours:
                matching += 1
                continue
            differences += 1
            print(f"{family}: {name}\n    kernel: {kernel}\n    ours:   {ours}")
        print(f"== {family}: {matching}/{len(CASES)} match "
              f"({100 * matching / len(CASES):.1f} %)")
