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


# -- what differs today ----------------------------------------------------------------------

# Why each group of cases differs today (the fix is to do what the kernel does).
_FLAGS = (
    "flags are a C int to the kernel: None, str, float and buffers raise TypeError, values "
    "beyond a C int OverflowError, and the send flags it knows are acted on (MSG_OOB sends "
    "urgent data on TCP): "
)
_RECV_FLAGS = (
    "recv flags: the kernel serves MSG_WAITALL, MSG_TRUNC, MSG_NOSIGNAL and "
    "MSG_CMSG_CLOEXEC and refuses MSG_OOB (no urgent data waits) with EINVAL: "
)
_BUFSIZE = (
    "bufsize and nbytes are a C ssize_t: beyond it, OverflowError: "
)
_KEYWORDS = (
    "the real method takes positional arguments only, and only as many as it has "
    "(TypeError); ours takes keywords and, for some methods, anything: "
)
_RECVMSG = (
    "recvmsg() and recvmsg_into() are not implemented: ours raises EOPNOTSUPP before "
    "looking at the arguments: "
)
_DUP = (
    "dup() raises EOPNOTSUPP; the kernel returns a new socket on the same connection (EBADF "
    "once closed): "
)
_LISTEN = (
    "listen() of a connected socket: the kernel parses backlog (TypeError, OverflowError), "
    "raises EBADF once closed, else EINVAL; ours raises EOPNOTSUPP whatever the arguments: "
)
_ACCEPT = (
    "accept() of a connected socket: the kernel checks its arguments, raises EBADF once "
    "closed, waits (here: times out) after its own SHUT_WR or the peer's SHUT_RD, else "
    "EINVAL; ours raises EINVAL whatever happens: "
)
_ADDRESS = (
    "bind(), connect() and connect_ex() do not parse the address: AF_INET takes a (str, "
    "int) tuple, AF_UNIX a str or bytes-like object (TypeError, OverflowError for a port, "
    "BufferError when not contiguous): "
)
_UNIX_ADDRESS = (
    "an AF_UNIX socketpair end has no name: bind() of a free name succeeds, connect() looks "
    "the name up first (ECONNREFUSED before EISCONN), a used name gives EADDRINUSE; ours "
    "raises EINVAL or EISCONN: "
)
_SENDTO = (
    "sendto() and sendmsg() with an address on a connected stream: the kernel parses every "
    "argument, then TCP ignores the address and sends, AF_UNIX raises EISCONN; ours raises "
    "EISCONN at once from sendto() and ignores the address of sendmsg(): "
)
_ANCDATA = (
    "sendmsg() ancillary data must be an iterable of (level, type, data) tuples "
    "(TypeError); ours raises EOPNOTSUPP: "
)
_TCP_SEND = (
    "TCP accepts a send after the peer's SHUT_RD (and delivers it) or close (then the "
    "peer's reset makes the next send raise EPIPE); ours raises EPIPE at once, as AF_UNIX "
    "does: "
)
_STRIDED = (
    "a non-contiguous buffer raises BufferError in the buffer protocol: "
)
_BOOL = (
    "setblocking() and set_inheritable() take a C int (TypeError, OverflowError; "
    "setblocking() takes any truth value since 3.12); ours takes any object: "
)
_TIMEOUT = (
    "settimeout(): values beyond a C timeval (and -inf) raise OverflowError, -0.0 is kept "
    "as 0.0, a keyword raises TypeError: "
)
_SHUTDOWN = (
    "shutdown() parses how as a C int (TypeError, OverflowError) before EINVAL; ours "
    "compares it with the three constants: "
)
_OPTIONS = (
    "getsockopt() and setsockopt(): the kernel parses level and option as C ints, the value "
    "as an int or a bytes-like object, buflen in 1..1024 (0: an int), and answers "
    "ENOPROTOOPT, EOPNOTSUPP, EINVAL or EFAULT for unknown options, levels and sizes: "
)
_BUFFERS = (
    "SO_RCVBUF and SO_SNDBUF: defaults differ by family (TCP: 131072 to receive, megabytes "
    "to send), setsockopt() doubles the value and shrinks the window; ours reports its "
    "capacity and ignores setsockopt(): "
)
_MAKING = (
    "making a pair: the kernel follows socket.setdefaulttimeout(), SOCK_NONBLOCK and "
    "SOCK_CLOEXEC in type, refuses an unknown proto (EPROTONOSUPPORT), and the end "
    "create_connection() made has proto 6: "
)
_EMPTY_READS = (
    "recv(0) and recv_into() of an empty buffer return at once without a system call, even "
    "once closed; recvfrom(0) makes one (and waits): "
)
_DONTWAIT = (
    "MSG_DONTWAIT: recv() of a socket with a timeout and nothing to read retries until the "
    "timeout (TimeoutError); send() of a blocking socket on a full window raises "
    "BlockingIOError at once: "
)
_TCP_CLOSED = (
    "a TCP connection is closed once FINs went both ways or a reset came: getpeername() and "
    "shutdown() raise ENOTCONN; a reset after the peer's FIN reads EPIPE in SO_ERROR and "
    "EOF in recv(); ours answers the address, shuts down and reads ECONNRESET: "
)
_CLOSED_FIRST = (
    "the kernel parses the arguments before it looks at the descriptor: a bad argument to a "
    "closed socket raises TypeError, ours raises EBADF first: "
)

#: ``"family: case"`` -> why ours differs, what the kernel does and what ours does.
KNOWN_DIFFERENCES: dict[str, str] = {
    # flags
    "tcp: recv[1]=None": _FLAGS + "kernel: TypeError; ours: returns b'data'",
    "tcp: recv[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "tcp: recv[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns b'data'",
    "tcp: recv_into[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=None": _FLAGS + "kernel: TypeError; ours: returns (b'data', None)",
    "tcp: recvfrom[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns (b'data', None)",
    "tcp: recvfrom_into[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "tcp: send[1]=None": _FLAGS + "kernel: TypeError; ours: returns 1",
    "tcp: send[1]=negative": _FLAGS + "kernel: OSError(EISCONN); ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns 1",
    "tcp: send[1]=bool": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=MSG_OOB": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=MSG_WAITALL": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=MSG_TRUNC": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=MSG_PEEK": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=True": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: send[1]=0x40000000": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=negative": _FLAGS + "kernel: OSError(EISCONN); ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=bool": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=MSG_OOB": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=MSG_WAITALL": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=MSG_TRUNC": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=MSG_PEEK": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=True": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendall[1]=0x40000000": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=negative": _FLAGS + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=bool": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=MSG_OOB": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=MSG_WAITALL": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=MSG_TRUNC": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=MSG_PEEK": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=True": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[2]=0x40000000": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[2]=negative":
        _FLAGS + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[2]=bool": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: recv[1]=None": _FLAGS + "kernel: TypeError; ours: returns b'data'",
    "unix: recv[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "unix: recv[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns b'data'",
    "unix: recv_into[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "unix: recvfrom[1]=None": _FLAGS + "kernel: TypeError; ours: returns (b'data', None)",
    "unix: recvfrom[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "unix: recvfrom[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns (b'data', None)",
    "unix: recvfrom_into[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EINVAL)",
    "unix: send[1]=None": _FLAGS + "kernel: TypeError; ours: returns 1",
    "unix: send[1]=negative": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=-0.0": _FLAGS + "kernel: TypeError; ours: returns 1",
    "unix: send[1]=bool": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=MSG_OOB": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=MSG_WAITALL": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=MSG_TRUNC": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=MSG_PEEK": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=True": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: send[1]=0x40000000": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=negative": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=bool": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=MSG_OOB": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=MSG_WAITALL": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=MSG_TRUNC": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=MSG_PEEK": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=True": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendall[1]=0x40000000": _FLAGS + "kernel: returns None; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=negative": _FLAGS + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=bool": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=MSG_OOB": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=MSG_WAITALL": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=MSG_TRUNC": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=MSG_PEEK": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=True": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[2]=0x40000000": _FLAGS + "kernel: returns 1; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[2]=negative":
        _FLAGS + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[2]=huge": _FLAGS + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[2]=bool": _FLAGS + "kernel: OSError(EISCONN); ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[2]=zero": _FLAGS + "kernel: OSError(EISCONN); ours: returns 1",
    # recv flags
    "tcp: recv[1]=negative": _RECV_FLAGS + "kernel: TimeoutError; ours: OSError(EINVAL)",
    "tcp: recv[1]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns ('int', 4) bytes; ours: OSError(EINVAL)",
    "tcp: recv[1]=MSG_NOSIGNAL": _RECV_FLAGS + "kernel: returns b'data'; ours: OSError(EINVAL)",
    "tcp: recv[1]=0x40000000": _RECV_FLAGS + "kernel: returns b'data'; ours: OSError(EINVAL)",
    "tcp: recv_into[2]=negative": _RECV_FLAGS + "kernel: TimeoutError; ours: OSError(EINVAL)",
    "tcp: recv_into[2]=MSG_TRUNC": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "tcp: recv_into[2]=MSG_NOSIGNAL": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "tcp: recv_into[2]=0x40000000": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=negative": _RECV_FLAGS + "kernel: TimeoutError; ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns (('int', 4) bytes, None); ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=MSG_NOSIGNAL":
        _RECV_FLAGS + "kernel: returns (b'data', None); ours: OSError(EINVAL)",
    "tcp: recvfrom[1]=0x40000000":
        _RECV_FLAGS + "kernel: returns (b'data', None); ours: OSError(EINVAL)",
    "tcp: recvfrom_into[2]=negative": _RECV_FLAGS + "kernel: TimeoutError; ours: OSError(EINVAL)",
    "tcp: recvfrom_into[2]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "tcp: recvfrom_into[2]=MSG_NOSIGNAL":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "tcp: recvfrom_into[2]=0x40000000":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "tcp: recv(2, MSG_TRUNC) with 6 bytes waiting":
        _RECV_FLAGS + "kernel: returns (2, b'cdef'); ours: OSError(EINVAL)",
    "unix: recv[1]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns ('int', 4) bytes; ours: OSError(EINVAL)",
    "unix: recv[1]=MSG_NOSIGNAL": _RECV_FLAGS + "kernel: returns b'data'; ours: OSError(EINVAL)",
    "unix: recv[1]=0x40000000": _RECV_FLAGS + "kernel: returns b'data'; ours: OSError(EINVAL)",
    "unix: recv_into[2]=MSG_TRUNC": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "unix: recv_into[2]=MSG_NOSIGNAL": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "unix: recv_into[2]=0x40000000": _RECV_FLAGS + "kernel: returns 4; ours: OSError(EINVAL)",
    "unix: recvfrom[1]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns (('int', 4) bytes, None); ours: OSError(EINVAL)",
    "unix: recvfrom[1]=MSG_NOSIGNAL":
        _RECV_FLAGS + "kernel: returns (b'data', None); ours: OSError(EINVAL)",
    "unix: recvfrom[1]=0x40000000":
        _RECV_FLAGS + "kernel: returns (b'data', None); ours: OSError(EINVAL)",
    "unix: recvfrom_into[2]=MSG_TRUNC":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "unix: recvfrom_into[2]=MSG_NOSIGNAL":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "unix: recvfrom_into[2]=0x40000000":
        _RECV_FLAGS + "kernel: returns (4, None); ours: OSError(EINVAL)",
    "unix: recv(2, MSG_TRUNC) with 6 bytes waiting":
        _RECV_FLAGS + "kernel: returns (2, b'cdef'); ours: OSError(EINVAL)",
    # bufsize
    "tcp: recv[0]=huge": _BUFSIZE + "kernel: OverflowError; ours: returns b'data'",
    "tcp: recv_into[1]=huge": _BUFSIZE + "kernel: OverflowError; ours: ValueError",
    "tcp: recvfrom[0]=huge": _BUFSIZE + "kernel: OverflowError; ours: returns (b'data', None)",
    "tcp: recvfrom_into[1]=huge": _BUFSIZE + "kernel: OverflowError; ours: ValueError",
    "unix: recv[0]=huge": _BUFSIZE + "kernel: OverflowError; ours: returns b'data'",
    "unix: recv_into[1]=huge": _BUFSIZE + "kernel: OverflowError; ours: ValueError",
    "unix: recvfrom[0]=huge": _BUFSIZE + "kernel: OverflowError; ours: returns (b'data', None)",
    "unix: recvfrom_into[1]=huge": _BUFSIZE + "kernel: OverflowError; ours: ValueError",
    # keywords
    "tcp: recv(bufsize=)": _KEYWORDS + "kernel: TypeError; ours: returns b'data'",
    "tcp: recv(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns b'data'",
    "tcp: recvfrom(bufsize=)": _KEYWORDS + "kernel: TypeError; ours: returns (b'data', None)",
    "tcp: recvfrom(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns (b'data', None)",
    "tcp: send(data=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "tcp: send(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "tcp: sendall(data=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "tcp: sendall(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "tcp: sendmsg(buffers=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "tcp: sendto(extra argument)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto(bogus=1)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto(data=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags(extra argument)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags(bogus=1)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: shutdown(how=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "tcp: settimeout(value=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "tcp: setblocking(flag=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "tcp: bind(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: connect(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect_ex(address=)": _KEYWORDS + "kernel: TypeError; ours: returns 106",
    "unix: recv(bufsize=)": _KEYWORDS + "kernel: TypeError; ours: returns b'data'",
    "unix: recv(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns b'data'",
    "unix: recvfrom(bufsize=)": _KEYWORDS + "kernel: TypeError; ours: returns (b'data', None)",
    "unix: recvfrom(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns (b'data', None)",
    "unix: send(data=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "unix: send(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "unix: sendall(data=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "unix: sendall(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "unix: sendmsg(buffers=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg(flags=)": _KEYWORDS + "kernel: TypeError; ours: returns 1",
    "unix: sendto(extra argument)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto(bogus=1)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto(data=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags(extra argument)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags(bogus=1)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: shutdown(how=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "unix: settimeout(value=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "unix: setblocking(flag=)": _KEYWORDS + "kernel: TypeError; ours: returns None",
    "unix: bind(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: connect(address=)": _KEYWORDS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect_ex(address=)": _KEYWORDS + "kernel: TypeError; ours: returns 106",
    # recvmsg
    "tcp: recvmsg(good)":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=bool":
        _RECVMSG + "kernel: returns (b'd', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=zero":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[0]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=bool":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=zero":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=negative": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=bool": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=zero":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_OOB": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_WAITALL":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_TRUNC":
        _RECVMSG + "kernel: returns (('int', 4) bytes, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_PEEK":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_DONTWAIT":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=MSG_NOSIGNAL":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=True": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=0x40000000":
        _RECVMSG + "kernel: returns (b'data', (), 1073741824, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(extra argument)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(bogus=1)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(bufsize=)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good)":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=negative": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=huge": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=bool": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=zero": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=bool":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=zero":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=negative":
        _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=bool": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=zero":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_OOB": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_WAITALL":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_TRUNC":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_PEEK":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_DONTWAIT":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=MSG_NOSIGNAL":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=True": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=0x40000000":
        _RECVMSG + "kernel: returns (4, (), 1073741824, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(extra argument)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(bogus=1)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(buffers=)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, own SHUT_RD":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after own SHUT_RD":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, own SHUT_RD":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after own SHUT_RD":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, own SHUT_WR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after own SHUT_WR":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, own SHUT_WR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after own SHUT_WR":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, own SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after own SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, own SHUT_RDWR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after own SHUT_RDWR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, peer SHUT_RD":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after peer SHUT_RD":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, peer SHUT_RD":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after peer SHUT_RD":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, peer SHUT_WR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after peer SHUT_WR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, peer SHUT_WR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after peer SHUT_WR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after data, peer close":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg(good) after peer close":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after data, peer close":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into(good) after peer close":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good)":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=bool":
        _RECVMSG + "kernel: returns (b'd', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=zero":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[0]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=bool":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=zero":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=negative": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=bool": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=zero":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_OOB": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_WAITALL":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_TRUNC":
        _RECVMSG + "kernel: returns (('int', 4) bytes, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_PEEK":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_DONTWAIT":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=MSG_NOSIGNAL":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=True": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=0x40000000":
        _RECVMSG + "kernel: returns (b'data', (), 1073741824, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(extra argument)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(bogus=1)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(bufsize=)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good)":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=negative": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=huge": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=bool": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=zero": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=negative": _RECVMSG + "kernel: ValueError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=bool":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=zero":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=None": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=str": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=float": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=negative":
        _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=huge": _RECVMSG + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=nan": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=-inf": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=-0.0": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=bool": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=zero":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=bytes": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=bytearray": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=memoryview": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=strided": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_OOB":
        _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_WAITALL":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_TRUNC":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_PEEK":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_DONTWAIT":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=MSG_NOSIGNAL":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=True": _RECVMSG + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=0x40000000":
        _RECVMSG + "kernel: returns (4, (), 1073741824, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(extra argument)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(bogus=1)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(buffers=)": _RECVMSG + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, own SHUT_RD":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after own SHUT_RD":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, own SHUT_RD":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after own SHUT_RD":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, own SHUT_WR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after own SHUT_WR":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, own SHUT_WR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after own SHUT_WR":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, own SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after own SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, own SHUT_RDWR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after own SHUT_RDWR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after own close":
        _RECVMSG + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, peer SHUT_RD":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after peer SHUT_RD":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, peer SHUT_RD":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after peer SHUT_RD":
        _RECVMSG + "kernel: TimeoutError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, peer SHUT_WR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after peer SHUT_WR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, peer SHUT_WR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after peer SHUT_WR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after peer SHUT_RDWR":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after data, peer close":
        _RECVMSG + "kernel: returns (b'data', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg(good) after peer close":
        _RECVMSG + "kernel: returns (b'', (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after data, peer close":
        _RECVMSG + "kernel: returns (4, (), 0, None); ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into(good) after peer close":
        _RECVMSG + "kernel: returns (0, (), 0, None); ours: OSError(EOPNOTSUPP)",
    # dup
    "tcp: dup(good)": _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, own SHUT_RD":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, own SHUT_WR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, own SHUT_RDWR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, own close":
        _DUP + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, peer SHUT_RD":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, peer SHUT_WR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, peer SHUT_RDWR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "tcp: dup(good) after data, peer close":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good)": _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, own SHUT_RD":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, own SHUT_WR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, own SHUT_RDWR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, own close":
        _DUP + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, peer SHUT_RD":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, peer SHUT_WR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, peer SHUT_RDWR":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    "unix: dup(good) after data, peer close":
        _DUP + "kernel: returns a socket; ours: OSError(EOPNOTSUPP)",
    # listen
    "tcp: listen(good)": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=None": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=str": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=float": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=negative": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=huge": _LISTEN + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=nan": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=inf": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=-inf": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=-0.0": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=bool": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=zero": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=bytes": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=bytearray": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=memoryview": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen[0]=strided": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen(extra argument)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen(bogus=1)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen(backlog=)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, own SHUT_RD":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, own SHUT_WR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, own SHUT_RDWR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, own close":
        _LISTEN + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, peer SHUT_RD":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, peer SHUT_WR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, peer SHUT_RDWR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "tcp: listen(good) after data, peer close":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good)": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=None": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=str": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=float": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=negative": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=huge": _LISTEN + "kernel: OverflowError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=nan": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=inf": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=-inf": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=-0.0": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=bool": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=zero": _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=bytes": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=bytearray": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=memoryview": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen[0]=strided": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen(extra argument)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen(bogus=1)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen(backlog=)": _LISTEN + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, own SHUT_RD":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, own SHUT_WR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, own SHUT_RDWR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, own close":
        _LISTEN + "kernel: OSError(EBADF); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, peer SHUT_RD":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, peer SHUT_WR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, peer SHUT_RDWR":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    "unix: listen(good) after data, peer close":
        _LISTEN + "kernel: OSError(EINVAL); ours: OSError(EOPNOTSUPP)",
    # accept
    "tcp: accept(extra argument)": _ACCEPT + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: accept(bogus=1)": _ACCEPT + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: accept(good) after data, own close":
        _ACCEPT + "kernel: OSError(EBADF); ours: OSError(EINVAL)",
    "unix: accept(extra argument)": _ACCEPT + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: accept(bogus=1)": _ACCEPT + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: accept(good) after data, own close":
        _ACCEPT + "kernel: OSError(EBADF); ours: OSError(EINVAL)",
    # address
    "tcp: bind[0]=None": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=str": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=float": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=negative": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=huge": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=nan": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=inf": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=-inf": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=bool": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=zero": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=bytes": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=bytearray": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=memoryview": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: bind[0]=strided": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: connect[0]=None": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=str": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=float": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=negative": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=huge": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=nan": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=inf": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=-inf": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=bool": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=zero": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=bytes": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=bytearray": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=memoryview": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect[0]=strided": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: connect_ex[0]=None": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=str": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=float": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=negative": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=huge": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=nan": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=inf": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=-inf": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=bool": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=zero": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=bytes": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=bytearray": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=memoryview": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "tcp: connect_ex[0]=strided": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: bind[0]=None": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=float": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=negative": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=huge": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=nan": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=inf": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=-inf": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=bool": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=zero": _ADDRESS + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: bind[0]=strided": _ADDRESS + "kernel: BufferError; ours: OSError(EINVAL)",
    "unix: connect[0]=None": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=float": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=negative": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=huge": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=nan": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=inf": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=-inf": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=bool": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=zero": _ADDRESS + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: connect[0]=strided": _ADDRESS + "kernel: BufferError; ours: OSError(EISCONN)",
    "unix: connect_ex[0]=None": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=float": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=negative": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=huge": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=nan": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=inf": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=-inf": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=-0.0": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=bool": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=zero": _ADDRESS + "kernel: TypeError; ours: returns 106",
    "unix: connect_ex[0]=strided": _ADDRESS + "kernel: BufferError; ours: returns 106",
    # unix address
    "unix: bind(good)": _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: bind[0]=str": _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: bind[0]=bytes": _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: bind[0]=bytearray": _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: bind[0]=memoryview": _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good)":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect[0]=str":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect[0]=bytes":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect[0]=bytearray":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect[0]=memoryview":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good)": _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: connect_ex[0]=str": _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: connect_ex[0]=bytes": _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: connect_ex[0]=bytearray": _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: connect_ex[0]=memoryview": _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, own SHUT_RD":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, own SHUT_RD":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, own SHUT_RD":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, own SHUT_WR":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, own SHUT_WR":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, own SHUT_WR":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, own SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, own SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, own SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, peer SHUT_RD":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, peer SHUT_RD":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, peer SHUT_RD":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, peer SHUT_WR":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, peer SHUT_WR":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, peer SHUT_WR":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, peer SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, peer SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, peer SHUT_RDWR":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    "unix: bind(good) after data, peer close":
        _UNIX_ADDRESS + "kernel: returns None; ours: OSError(EINVAL)",
    "unix: connect(good) after data, peer close":
        _UNIX_ADDRESS + "kernel: ConnectionRefusedError(ECONNREFUSED); ours: OSError(EISCONN)",
    "unix: connect_ex(good) after data, peer close":
        _UNIX_ADDRESS + "kernel: returns 111; ours: returns 106",
    # sendto
    "tcp: sendmsg#address[3]=str": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=float": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=negative": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=huge": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=nan": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=inf": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=-inf": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=-0.0": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=bool": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=zero": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=bytes": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=bytearray": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=memoryview": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendmsg#address[3]=strided": _SENDTO + "kernel: TypeError; ours: returns 1",
    "tcp: sendto(good)": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto[0]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[0]=bytes": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto[0]=bytearray": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto[0]=memoryview": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto[0]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=bytes": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=bytearray": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=memoryview": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=strided": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good)": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=bytes": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=bytearray": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=memoryview": _SENDTO + "kernel: returns 22; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=huge": _SENDTO + "kernel: OverflowError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=bool": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=zero": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=bytes": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=bytearray": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=memoryview": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=strided": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_OOB": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_WAITALL": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_TRUNC": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_PEEK": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_DONTWAIT": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=MSG_NOSIGNAL": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=True": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=0x40000000": _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=bytes": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=bytearray": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=memoryview": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=strided": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto(good) after data, own SHUT_RD":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, own SHUT_RD":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto(good) after data, own SHUT_WR":
        _SENDTO + "kernel: BrokenPipeError(EPIPE); ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, own SHUT_WR":
        _SENDTO + "kernel: BrokenPipeError(EPIPE); ours: OSError(EISCONN)",
    "tcp: sendto(good) after data, own SHUT_RDWR":
        _SENDTO + "kernel: BrokenPipeError(EPIPE); ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, own SHUT_RDWR":
        _SENDTO + "kernel: BrokenPipeError(EPIPE); ours: OSError(EISCONN)",
    "tcp: sendto(good) after data, own close":
        _SENDTO + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, own close":
        _SENDTO + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "tcp: sendmsg#address(good) after data, peer SHUT_RD":
        _SENDTO + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendto(good) after data, peer SHUT_RD":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, peer SHUT_RD":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto(good) after data, peer SHUT_WR":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, peer SHUT_WR":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendmsg#address(good) after data, peer SHUT_RDWR":
        _SENDTO + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendto(good) after data, peer SHUT_RDWR":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, peer SHUT_RDWR":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendmsg#address(good) after data, peer close":
        _SENDTO + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendto(good) after data, peer close":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "tcp: sendto#flags(good) after data, peer close":
        _SENDTO + "kernel: returns 1; ours: OSError(EISCONN)",
    "unix: sendmsg#address(good)": _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address[3]=str": _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address[3]=float": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=negative": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=huge": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=nan": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=inf": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=-inf": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=-0.0": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=bool": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=zero": _SENDTO + "kernel: TypeError; ours: returns 1",
    "unix: sendmsg#address[3]=bytes": _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address[3]=bytearray": _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address[3]=memoryview": _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address[3]=strided": _SENDTO + "kernel: BufferError; ours: returns 1",
    "unix: sendto[0]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[0]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "unix: sendto[1]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=str": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=huge": _SENDTO + "kernel: OverflowError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=bytes": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=bytearray": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=memoryview": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=strided": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=None": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=float": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=negative": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=huge": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=nan": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=-inf": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=-0.0": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=bool": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=zero": _SENDTO + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=strided": _SENDTO + "kernel: BufferError; ours: OSError(EISCONN)",
    "unix: sendmsg#address(good) after data, own SHUT_RD":
        _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address(good) after data, own SHUT_WR":
        _SENDTO + "kernel: OSError(EISCONN); ours: BrokenPipeError(EPIPE)",
    "unix: sendmsg#address(good) after data, own SHUT_RDWR":
        _SENDTO + "kernel: OSError(EISCONN); ours: BrokenPipeError(EPIPE)",
    "unix: sendto(good) after data, own close":
        _SENDTO + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "unix: sendto#flags(good) after data, own close":
        _SENDTO + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "unix: sendmsg#address(good) after data, peer SHUT_RD":
        _SENDTO + "kernel: OSError(EISCONN); ours: BrokenPipeError(EPIPE)",
    "unix: sendmsg#address(good) after data, peer SHUT_WR":
        _SENDTO + "kernel: OSError(EISCONN); ours: returns 1",
    "unix: sendmsg#address(good) after data, peer SHUT_RDWR":
        _SENDTO + "kernel: OSError(EISCONN); ours: BrokenPipeError(EPIPE)",
    "unix: sendmsg#address(good) after data, peer close":
        _SENDTO + "kernel: OSError(EISCONN); ours: BrokenPipeError(EPIPE)",
    # ancdata
    "tcp: sendmsg[1]=str": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[1]=bytes": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[1]=bytearray": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[1]=memoryview": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[1]=strided": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=str": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=bytes": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=bytearray": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=memoryview": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=strided": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=str": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=bytes": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=bytearray": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=memoryview": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=strided": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=str": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=bytes": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=bytearray": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=memoryview":
        _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=strided": _ANCDATA + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    # tcp send
    "tcp: send(good) after data, peer SHUT_RD":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendall(good) after data, peer SHUT_RD":
        _TCP_SEND + "kernel: returns None; ours: BrokenPipeError(EPIPE)",
    "tcp: sendmsg(good) after data, peer SHUT_RD":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendfile(good) after data, peer SHUT_RD":
        _TCP_SEND + "kernel: returns 4; ours: BrokenPipeError(EPIPE)",
    "tcp: send(good) after data, peer SHUT_RDWR":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendall(good) after data, peer SHUT_RDWR":
        _TCP_SEND + "kernel: returns None; ours: BrokenPipeError(EPIPE)",
    "tcp: sendmsg(good) after data, peer SHUT_RDWR":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendfile(good) after data, peer SHUT_RDWR":
        _TCP_SEND + "kernel: returns 4; ours: BrokenPipeError(EPIPE)",
    "tcp: send(good) after data, peer close":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendall(good) after data, peer close":
        _TCP_SEND + "kernel: returns None; ours: BrokenPipeError(EPIPE)",
    "tcp: sendmsg(good) after data, peer close":
        _TCP_SEND + "kernel: returns 1; ours: BrokenPipeError(EPIPE)",
    "tcp: sendfile(good) after data, peer close":
        _TCP_SEND + "kernel: returns 4; ours: BrokenPipeError(EPIPE)",
    "tcp: send, send, send, recv after the peer closed": _TCP_SEND + (
        "kernel: returns 1; then BrokenPipeError(EPIPE); then BrokenPipeError(EPIPE); then "
        "returns b''; ours: BrokenPipeError(EPIPE); then BrokenPipeError(EPIPE); then "
        "BrokenPipeError(EPIPE); then returns b''"
    ),
    "tcp: the peer's send, then recv, after shutdown(SHUT_RD)": _TCP_SEND + (
        "kernel: returns 1; then returns b'z'; then returns b''; ours: "
        "BrokenPipeError(EPIPE); then returns b''; then returns b''"
    ),
    # bool
    "tcp: set_inheritable[0]=None": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=str": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=float": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=huge": _BOOL + "kernel: OverflowError; ours: returns None",
    "tcp: set_inheritable[0]=nan": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=inf": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=-inf": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=-0.0": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=bytes": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=bytearray": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=memoryview": _BOOL + "kernel: TypeError; ours: returns None",
    "tcp: set_inheritable[0]=strided": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=None": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=str": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=float": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=huge": _BOOL + "kernel: OverflowError; ours: returns None",
    "unix: set_inheritable[0]=nan": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=inf": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=-inf": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=-0.0": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=bytes": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=bytearray": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=memoryview": _BOOL + "kernel: TypeError; ours: returns None",
    "unix: set_inheritable[0]=strided": _BOOL + "kernel: TypeError; ours: returns None",
    # timeout
    "tcp: settimeout[0]=-inf": _TIMEOUT + "kernel: OverflowError; ours: ValueError",
    "unix: settimeout[0]=-inf": _TIMEOUT + "kernel: OverflowError; ours: ValueError",
    # shutdown
    "tcp: shutdown[0]=None": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=str": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=float": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=huge": _SHUTDOWN + "kernel: OverflowError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=nan": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=inf": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=-inf": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=bytes": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=bytearray": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=memoryview": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "tcp: shutdown[0]=strided": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=None": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=str": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=float": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=huge": _SHUTDOWN + "kernel: OverflowError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=nan": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=inf": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=-inf": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=bytes": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=bytearray": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=memoryview": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    "unix: shutdown[0]=strided": _SHUTDOWN + "kernel: TypeError; ours: OSError(EINVAL)",
    # options
    "tcp: getsockopt[0]=None": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=str": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=float": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=negative": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "tcp: getsockopt[0]=huge": _OPTIONS + "kernel: OverflowError; ours: returns 0",
    "tcp: getsockopt[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt[1]=None": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=str": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=float": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=negative": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "tcp: getsockopt[1]=huge": _OPTIONS + "kernel: OverflowError; ours: returns 0",
    "tcp: getsockopt[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "tcp: getsockopt[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "tcp: getsockopt[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt(optname=)": _OPTIONS + "kernel: TypeError; ours: returns 1",
    "tcp: getsockopt#buflen[0]=None":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=str":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=float":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=negative":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=huge":
        _OPTIONS + "kernel: OverflowError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=nan":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=-inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=-0.0":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=bytes":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt#buflen[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt#buflen[1]=None":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=str":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=float":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=negative":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=huge":
        _OPTIONS + "kernel: OverflowError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=nan":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=-inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=-0.0":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=zero":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=bytes":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "tcp: getsockopt#buflen[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt#buflen[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: getsockopt#buflen[2]=None": _OPTIONS + "kernel: TypeError; ours: returns 1",
    "tcp: getsockopt#buflen[2]=negative":
        _OPTIONS + "kernel: OSError; ours: returns b'\\x01\\x00\\x00'",
    "tcp: getsockopt#buflen[2]=zero": _OPTIONS + "kernel: returns 1; ours: returns b''",
    "tcp: getsockopt#buflen(buflen=)":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x01\\x00\\x00\\x00'",
    "tcp: setsockopt[0]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=negative": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt[0]=huge": _OPTIONS + "kernel: OverflowError; ours: returns None",
    "tcp: setsockopt[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt[1]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=negative": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt[1]=huge": _OPTIONS + "kernel: OverflowError; ours: returns None",
    "tcp: setsockopt[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt[2]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt[2]=strided": _OPTIONS + "kernel: BufferError; ours: returns None",
    "tcp: setsockopt(value=)": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen(good)": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[0]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=negative":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt#optlen[0]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=bool": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[0]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt#optlen[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt#optlen[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt#optlen[1]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=negative": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[1]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=bool": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[1]=zero": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt#optlen[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "tcp: setsockopt#optlen[2]=None": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen[2]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=negative": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=bool": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=zero": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=bytearray": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=memoryview": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[2]=strided": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=negative": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "tcp: setsockopt#optlen[3]=huge": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "tcp: setsockopt#optlen[3]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=bool": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "tcp: setsockopt#optlen[3]=zero": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "tcp: setsockopt#optlen[3]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=bytearray": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=memoryview": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen[3]=strided": _OPTIONS + "kernel: TypeError; ours: returns None",
    "tcp: setsockopt#optlen(good) after data, own SHUT_RD":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, own SHUT_WR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, own SHUT_RDWR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, peer SHUT_RD":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, peer SHUT_WR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, peer SHUT_RDWR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: setsockopt#optlen(good) after data, peer close":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "tcp: getsockopt(SOL_SOCKET, SO_TYPE, -1)":
        _OPTIONS + "kernel: OSError; ours: returns b'\\x01\\x00\\x00'",
    "tcp: getsockopt(SOL_SOCKET, SO_TYPE, 0)": _OPTIONS + "kernel: returns 1; ours: returns b''",
    "tcp: getsockopt(SOL_SOCKET, SO_TYPE, 1025)":
        _OPTIONS + "kernel: OSError; ours: returns 1025 bytes",
    "tcp: getsockopt(999, 1)": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "tcp: getsockopt(SOL_SOCKET, 9999)": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "tcp: setsockopt(999, 1, 1)": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt(SOL_SOCKET, 9999, 1)":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt(SOL_SOCKET, SO_TYPE, 2)":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "tcp: setsockopt(SOL_SOCKET, SO_KEEPALIVE, b'')":
        _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "unix: getsockopt[0]=None": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=str": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=float": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=negative": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "unix: getsockopt[0]=huge": _OPTIONS + "kernel: OverflowError; ours: returns 0",
    "unix: getsockopt[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=zero": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "unix: getsockopt[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt[1]=None": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=str": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=float": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=negative": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "unix: getsockopt[1]=huge": _OPTIONS + "kernel: OverflowError; ours: returns 0",
    "unix: getsockopt[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "unix: getsockopt[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns 0",
    "unix: getsockopt[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt(optname=)": _OPTIONS + "kernel: TypeError; ours: returns 1",
    "unix: getsockopt#buflen[0]=None":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=str":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=float":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=negative":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=huge":
        _OPTIONS + "kernel: OverflowError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=nan":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=-inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=-0.0":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=zero":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=bytes":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt#buflen[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt#buflen[1]=None":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=str":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=float":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=negative":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=huge":
        _OPTIONS + "kernel: OverflowError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=nan":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=-inf":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=-0.0":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=zero":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=bytes":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x00\\x00\\x00\\x00'",
    "unix: getsockopt#buflen[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt#buflen[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: getsockopt#buflen[2]=None": _OPTIONS + "kernel: TypeError; ours: returns 1",
    "unix: getsockopt#buflen[2]=negative":
        _OPTIONS + "kernel: OSError; ours: returns b'\\x01\\x00\\x00'",
    "unix: getsockopt#buflen[2]=zero": _OPTIONS + "kernel: returns 1; ours: returns b''",
    "unix: getsockopt#buflen(buflen=)":
        _OPTIONS + "kernel: TypeError; ours: returns b'\\x01\\x00\\x00\\x00'",
    "unix: setsockopt[0]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=negative": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt[0]=huge": _OPTIONS + "kernel: OverflowError; ours: returns None",
    "unix: setsockopt[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=zero": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt[1]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=negative": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "unix: setsockopt[1]=huge": _OPTIONS + "kernel: OverflowError; ours: returns None",
    "unix: setsockopt[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=zero": _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "unix: setsockopt[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt[2]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt[2]=strided": _OPTIONS + "kernel: BufferError; ours: returns None",
    "unix: setsockopt(value=)": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen(good)": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[0]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=negative":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt#optlen[0]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=bool": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[0]=zero": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt#optlen[0]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[0]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt#optlen[0]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt#optlen[1]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=negative": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[1]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=bool": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[1]=zero": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[1]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[1]=memoryview": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt#optlen[1]=strided": _OPTIONS + "kernel: TypeError; ours: ValueError",
    "unix: setsockopt#optlen[2]=None": _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen[2]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=negative": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=huge": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=bool": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=zero": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=bytearray": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=memoryview": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[2]=strided": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=None": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=str": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=float": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=negative": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "unix: setsockopt#optlen[3]=huge": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "unix: setsockopt#optlen[3]=nan": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=-inf": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=-0.0": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=bool": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "unix: setsockopt#optlen[3]=zero": _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    "unix: setsockopt#optlen[3]=bytes": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=bytearray": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=memoryview": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen[3]=strided": _OPTIONS + "kernel: TypeError; ours: returns None",
    "unix: setsockopt#optlen(good) after data, own SHUT_RD":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, own SHUT_WR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, own SHUT_RDWR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, peer SHUT_RD":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, peer SHUT_WR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, peer SHUT_RDWR":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: setsockopt#optlen(good) after data, peer close":
        _OPTIONS + "kernel: OSError(EFAULT); ours: returns None",
    "unix: getsockopt(SOL_SOCKET, SO_TYPE, -1)":
        _OPTIONS + "kernel: OSError; ours: returns b'\\x01\\x00\\x00'",
    "unix: getsockopt(SOL_SOCKET, SO_TYPE, 0)": _OPTIONS + "kernel: returns 1; ours: returns b''",
    "unix: getsockopt(SOL_SOCKET, SO_TYPE, 1025)":
        _OPTIONS + "kernel: OSError; ours: returns 1025 bytes",
    "unix: getsockopt(999, 1)": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "unix: getsockopt(SOL_SOCKET, 9999)":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns 0",
    "unix: getsockopt(IPPROTO_TCP, TCP_NODELAY)":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns 0",
    "unix: setsockopt(999, 1, 1)": _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt(SOL_SOCKET, 9999, 1)":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "unix: setsockopt(IPPROTO_TCP, TCP_NODELAY, 1)":
        _OPTIONS + "kernel: OSError(EOPNOTSUPP); ours: returns None",
    "unix: setsockopt(SOL_SOCKET, SO_TYPE, 2)":
        _OPTIONS + "kernel: OSError(ENOPROTOOPT); ours: returns None",
    "unix: setsockopt(SOL_SOCKET, SO_KEEPALIVE, b'')":
        _OPTIONS + "kernel: OSError(EINVAL); ours: returns None",
    # buffers
    "tcp: SO_RCVBUF and SO_SNDBUF by default":
        _BUFFERS + "kernel: returns (131072, 3939840); ours: returns (212992, 212992)",
    "tcp: SO_RCVBUF after setsockopt(SO_RCVBUF, 4096)":
        _BUFFERS + "kernel: returns 8192; ours: returns 4096",
    "tcp: a window made small with SO_RCVBUF and SO_SNDBUF holds less than 100 kB":
        _BUFFERS + "kernel: returns True; ours: returns False",
    "unix: SO_RCVBUF after setsockopt(SO_RCVBUF, 4096)":
        _BUFFERS + "kernel: returns 8192; ours: returns 4096",
    "unix: a window made small with SO_RCVBUF and SO_SNDBUF holds less than 100 kB":
        _BUFFERS + "kernel: returns True; ours: returns False",
    # making
    "tcp: family, type and proto of both ends":
        _MAKING + "kernel: returns ((2, 1, 6), (2, 1, 0)); ours: returns ((2, 1, 0), (2, 1, 0))",
    "tcp: type, timeout and inheritable of a pair made with SOCK_STREAM | SOCK_NONBLOCK":
        _MAKING + "kernel: returns (1, 0.0, False); ours: ValueError",
    "tcp: type, timeout and inheritable of a pair made with SOCK_STREAM | SOCK_CLOEXEC":
        _MAKING + "kernel: returns (1, None, False); ours: ValueError",
    "tcp: a pair made with proto 99":
        _MAKING + "kernel: OSError(EPROTONOSUPPORT); ours: returns (a socket, a socket)",
    "unix: type, timeout and inheritable of a pair made with SOCK_STREAM | SOCK_NONBLOCK":
        _MAKING + "kernel: returns (1, 0.0, False); ours: ValueError",
    "unix: type, timeout and inheritable of a pair made with SOCK_STREAM | SOCK_CLOEXEC":
        _MAKING + "kernel: returns (1, None, False); ours: ValueError",
    "unix: a pair made with proto 99":
        _MAKING + "kernel: OSError(EPROTONOSUPPORT); ours: returns (a socket, a socket)",
    # empty reads
    "tcp: recv(0) and recv_into(empty) after close": _EMPTY_READS + (
        "kernel: returns b''; then returns 0; then OSError(EBADF); then OSError(EBADF); ours: "
        "OSError(EBADF); then OSError(EBADF); then OSError(EBADF); then OSError(EBADF)"
    ),
    "tcp: recv(0) and recv_into(empty) of an open socket": _EMPTY_READS + (
        "kernel: returns b''; then returns 0; then TimeoutError; ours: returns b''; then "
        "returns 0; then returns (b'', None)"
    ),
    "unix: recv(0) and recv_into(empty) after close": _EMPTY_READS + (
        "kernel: returns b''; then returns 0; then OSError(EBADF); then OSError(EBADF); ours: "
        "OSError(EBADF); then OSError(EBADF); then OSError(EBADF); then OSError(EBADF)"
    ),
    "unix: recv(0) and recv_into(empty) of an open socket": _EMPTY_READS + (
        "kernel: returns b''; then returns 0; then TimeoutError; ours: returns b''; then "
        "returns 0; then returns (b'', None)"
    ),
    # dontwait
    "tcp: recv(MSG_DONTWAIT) of a socket with a timeout and nothing to read":
        _DONTWAIT + "kernel: TimeoutError; ours: BlockingIOError(EAGAIN)",
    "unix: recv(MSG_DONTWAIT) of a socket with a timeout and nothing to read":
        _DONTWAIT + "kernel: TimeoutError; ours: BlockingIOError(EAGAIN)",
    # tcp closed
    "tcp: getpeername and shutdown once FINs went both ways": _TCP_CLOSED + (
        "kernel: OSError(ENOTCONN); then OSError(ENOTCONN); ours: returns ('str', 'int'); "
        "then returns None"
    ),
    "tcp: getpeername and shutdown after the peer closed with data unread": _TCP_CLOSED + (
        "kernel: OSError(ENOTCONN); then OSError(ENOTCONN); ours: returns ('str', 'int'); "
        "then returns None"
    ),
    "tcp: SO_ERROR, send, recv after a reset that follows the peer's FIN": _TCP_CLOSED + (
        "kernel: returns 32; then BrokenPipeError(EPIPE); then returns b''; ours: returns "
        "104; then BrokenPipeError(EPIPE); then returns b''"
    ),
    # closed first
    "tcp: recvmsg[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: recvmsg_into[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: sendmsg#address[3]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: sendto[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: sendto#flags[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "tcp: shutdown[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: settimeout[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: getsockopt[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: getsockopt[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: getsockopt#buflen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: getsockopt#buflen[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: getsockopt#buflen[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt#optlen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt#optlen[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt#optlen[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: setsockopt#optlen[3]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: listen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "tcp: bind[0]=str after own close": _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: connect[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "tcp: connect_ex[0]=str after own close": _CLOSED_FIRST + "kernel: TypeError; ours: returns 9",
    "tcp: set_inheritable[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: recvmsg[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: recvmsg_into[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendmsg#address[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: sendto[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto[1]=str after own close":
        _CLOSED_FIRST + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "unix: sendto#flags[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EISCONN)",
    "unix: sendto#flags[2]=str after own close":
        _CLOSED_FIRST + "kernel: OSError(EBADF); ours: OSError(EISCONN)",
    "unix: shutdown[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: settimeout[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: getsockopt[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: getsockopt[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: getsockopt#buflen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: getsockopt#buflen[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: getsockopt#buflen[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt#optlen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt#optlen[1]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt#optlen[2]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: setsockopt#optlen[3]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    "unix: listen[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EOPNOTSUPP)",
    "unix: set_inheritable[0]=str after own close":
        _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
}
# 3.10 and 3.11: setblocking() refuses a float, which 3.9 truncates
if (3, 10) <= sys.version_info < (3, 12):
    KNOWN_DIFFERENCES.update({
        # bool
        "tcp: setblocking[0]=float": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=-0.0": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=float": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=-0.0": _BOOL + "kernel: TypeError; ours: returns None",
    })
# before 3.12: setblocking() takes a C int, since: any truth value
if sys.version_info < (3, 12):
    KNOWN_DIFFERENCES.update({
        # bool
        "tcp: setblocking[0]=None": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=str": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=huge": _BOOL + "kernel: OverflowError; ours: returns None",
        "tcp: setblocking[0]=nan": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=inf": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=-inf": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=bytes": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=bytearray": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=memoryview": _BOOL + "kernel: TypeError; ours: returns None",
        "tcp: setblocking[0]=strided": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=None": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=str": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=huge": _BOOL + "kernel: OverflowError; ours: returns None",
        "unix: setblocking[0]=nan": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=inf": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=-inf": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=bytes": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=bytearray": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=memoryview": _BOOL + "kernel: TypeError; ours: returns None",
        "unix: setblocking[0]=strided": _BOOL + "kernel: TypeError; ours: returns None",
        # closed first
        "tcp: setblocking[0]=str after own close":
            _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
        "unix: setblocking[0]=str after own close":
            _CLOSED_FIRST + "kernel: TypeError; ours: OSError(EBADF)",
    })
# since 3.10: shutdown() refuses a float, which 3.9 truncates
if sys.version_info >= (3, 10):
    KNOWN_DIFFERENCES.update({
        # shutdown
        "tcp: shutdown[0]=-0.0": _SHUTDOWN + "kernel: TypeError; ours: returns None",
        "unix: shutdown[0]=-0.0": _SHUTDOWN + "kernel: TypeError; ours: returns None",
    })


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
