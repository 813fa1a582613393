"""In-memory stream sockets that real servers and clients run on.

:func:`socketpair` makes two connected :class:`MockSocket` ends;
:meth:`ListenSocket.new_connection` connects a new client end to a listener.
Bytes go from one end's ``send`` into the other end's inbound buffer, with
the kernel's semantics: partial sends when the peer's buffer (the send
window, ``capacity``) is full, ``BlockingIOError`` on a non-blocking socket
that cannot proceed, EOF after ``shutdown(SHUT_WR)`` or ``close()``,
``OSError(EBADF)`` after ``close()``.  Each socket reports its readiness to the
:class:`~mockselector.TestSelector` objects that watch it, and a blocking call
that could never return raises :class:`~mockselector.Stalled` instead of
hanging.

A :class:`MockSocket` is also the mockselector 0.2 scripted socket:
``MockSocket([b"chunk", callable, ...])`` returns the chunks from ``recv``,
then EOF.  Its methods keep Mock call recording (``s.send.call_args_list``)
at the cost of a few bytes per call: the Mock is built only when asked for.
"""

from __future__ import annotations

import array
import errno
import itertools
import os
import random
import socket
import threading
import time
from collections.abc import Iterable
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable, Optional, Union
from unittest import mock

from . import descriptors
from .descriptors import FileDescriptor, Stalled, _Source

__all__ = ["DEFAULT_CAPACITY", "ListenSocket", "MockSocket", "socketpair"]

# Captured at import: code under test may patch ``socket.socket``.
_RealSocket = socket.socket

#: Default size of a socket's receive buffer, the peer's send window (bytes).
#: Close to what the kernel gives a socketpair, so that ordinary
#: ``sendall``-then-``recv`` code does not stall.
DEFAULT_CAPACITY = 256 * 1024

# How long a blocking call waits for another thread before it gives up.
_BLOCK_LIMIT = 30.0

_Buffer = Union[bytes, bytearray, memoryview]
_ports = itertools.count(50000)
_ports_lock = threading.Lock()


def _next_port() -> int:
    with _ports_lock:
        return 50000 + (next(_ports) - 50000) % 15000


def _oserror(code: int, sock: Any, what: str) -> OSError:
    """An ``OSError`` of the right subclass for ``code``, naming the socket."""
    return OSError(code, f"{os.strerror(code)}: {what} on {sock!r}")


class _Recorded:
    """A socket method whose calls are recorded, with the Mock API on demand.

    ``sock.close()`` runs the method; ``sock.close.assert_called_once_with()``
    (or any other attribute of a Mock) builds a :class:`unittest.mock.Mock`
    from the recorded calls.  Assigning ``side_effect`` or ``return_value``
    replaces the method by that Mock for this socket.
    """

    __slots__ = ("func", "name")

    def __init__(self, func: Callable[..., Any]) -> None:
        self.func = func
        self.name = func.__name__

    def __get__(self, sock: Any, owner: Any = None) -> Any:
        if sock is None:
            return self.func
        return _BoundRecorded(sock, self)


class _BoundRecorded:
    __slots__ = ("_desc", "_sock")

    def __init__(self, sock: Any, desc: _Recorded) -> None:
        object.__setattr__(self, "_sock", sock)
        object.__setattr__(self, "_desc", desc)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        desc = self._desc
        sock = self._sock
        if desc.name not in _DATA_METHODS:
            sock._record(desc.name, args, kwargs)
        return desc.func(sock, *args, **kwargs)

    def _as_mock(self) -> mock.Mock:
        sock, name = self._sock, self._desc.name
        recorder = mock.Mock(name=f"{type(sock).__name__}.{name}")
        for args, kwargs in sock._calls_of(name):
            recorder(*args, **kwargs)
        recorder.reset_mock = _refuse_reset  # type: ignore[method-assign]
        return recorder

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._as_mock(), attr)

    def __setattr__(self, attr: str, value: Any) -> None:
        if attr not in ("side_effect", "return_value"):
            raise AttributeError(f"cannot set {attr!r} on the recorded method {self!r}")
        replacement = self._as_mock()
        del replacement.reset_mock
        setattr(replacement, attr, value)
        self._sock.__dict__[self._desc.name] = replacement

    def __repr__(self) -> str:
        return f"<recorded method {self._desc.name} of {self._sock!r}>"


def _refuse_reset(*args: Any, **kwargs: Any) -> None:
    raise TypeError(
        "reset_mock() cannot clear the calls recorded by a socket; replace the method "
        "with a Mock first (sock.send = Mock()) to manage calls yourself"
    )


# send / sendall / sendmsg are logged compactly (see MockSocket._log_send).
_NO_EOF, _EOF_SCRIPT, _EOF = range(3)

_DATA_METHODS = frozenset({"send", "sendall", "sendmsg"})
_SEND, _SENDALL, _SENDMSG = range(3)


def _recorded(func: Callable[..., Any]) -> Any:
    return _Recorded(func)


class _Endpoint(_RealSocket, _Source):
    """What in-memory stream and listening sockets share: descriptor, timeout, options."""

    __slots__ = (
        "__dict__", "_fd", "_watchers", "_events", "_dead", "_timeout", "_family",
        "_type", "_proto", "_sockname", "_options", "_calls",
    )

    def _init_endpoint(self, family: int, type: int) -> None:
        self._closed = False
        self._io_refs = 0
        self._fd = FileDescriptor()
        self._fd.source = self
        self._watchers = ()
        self._events = 0
        self._dead = False
        self._timeout: Optional[float] = None
        self._family = family
        self._type = type
        self._proto = 0
        self._sockname: Any = None
        self._options: Optional[dict[tuple[int, int], Any]] = None
        self._calls: Optional[list[tuple[str, tuple[Any, ...], dict[str, Any]]]] = None

    # -- recording -----------------------------------------------------------

    def _record(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        if self._calls is None:
            self._calls = []
        self._calls.append((name, args, kwargs))

    def _calls_of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for n, args, kwargs in self._calls or () if n == name]

    # -- identity ------------------------------------------------------------

    def fileno(self) -> int:
        """The virtual descriptor (a :class:`FileDescriptor`), or -1 once closed."""
        return -1 if self._dead else self._fd

    @property
    def family(self) -> socket.AddressFamily:
        return socket.AddressFamily(self._family)

    @property
    def type(self) -> socket.SocketKind:
        return socket.SocketKind(self._type)

    @property
    def proto(self) -> int:
        return self._proto

    # -- state ---------------------------------------------------------------

    def _check_open(self, what: str) -> None:
        if self._dead:
            raise _oserror(errno.EBADF, self, what)

    @_recorded
    def setblocking(self, flag: bool) -> None:
        self._check_open("setblocking()")
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        return self._timeout != 0.0

    @_recorded
    def settimeout(self, value: Optional[float]) -> None:
        self._check_open("settimeout()")
        if value is not None:
            value = float(value)
            if value < 0:
                raise ValueError("Timeout value out of range")
        self._timeout = value

    @_recorded
    def gettimeout(self) -> Optional[float]:
        return self._timeout

    @_recorded
    def getsockname(self) -> Any:
        self._check_open("getsockname()")
        return self._sockname

    @_recorded
    def setsockopt(self, level: int, optname: int, value: Any, optlen: Any = None) -> None:
        self._check_open("setsockopt()")
        if self._options is None:
            self._options = {}
        self._options[level, optname] = value

    @_recorded
    def getsockopt(self, level: int, optname: int, buflen: Any = None) -> Any:
        self._check_open("getsockopt()")
        if (level, optname) == (socket.SOL_SOCKET, socket.SO_ERROR):
            return self._take_so_error()
        if (level, optname) == (socket.SOL_SOCKET, socket.SO_TYPE):
            return self._type
        value = (self._options or {}).get((level, optname), self._default_option(level, optname))
        if buflen is not None and isinstance(value, int):
            return value.to_bytes(buflen, "little", signed=True)[:buflen]
        return value

    def _default_option(self, level: int, optname: int) -> Any:
        return 0

    def _take_so_error(self) -> int:
        return 0

    @_recorded
    def close(self) -> None:
        _RealSocket.close(self)

    def _decref_socketios(self) -> None:
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed and self._io_refs <= 0:
            self._real_close()

    def _real_close(self, _ss: Any = None) -> None:
        with descriptors._lock:
            if self._dead:
                return
            self._dead = True
            self._on_close()
            self._changed()

    def _on_close(self) -> None:
        """Release what the socket holds (called once, holding the lock)."""

    def detach(self) -> int:
        raise _oserror(errno.EOPNOTSUPP, self, "detach() (an in-memory socket has no real fd)")

    def dup(self) -> socket.socket:
        raise _oserror(errno.EOPNOTSUPP, self, "dup() (an in-memory socket has no real fd)")

    def __getstate__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__} object")

    def _block(self, what: str, deadline: Optional[float], why: str) -> Optional[float]:
        """Wait (holding the lock) for a change, or raise when none can come.

        Returns the deadline to keep for the next wait.
        """
        if self._timeout == 0.0:
            raise BlockingIOError(errno.EAGAIN, f"Resource temporarily unavailable: {what} on "
                                  f"{self!r} would block")
        now = time.monotonic()
        if deadline is None:
            deadline = now + (self._timeout if self._timeout is not None else _BLOCK_LIMIT)
        if not descriptors._others_alive() or now >= deadline:
            if self._timeout is not None:
                raise socket.timeout("timed out")
            raise Stalled(
                f"{self!r}: a blocking {what} would wait forever: {why}, and "
                + ("no other thread is running" if now < deadline
                   else f"no other thread changed anything for {_BLOCK_LIMIT:.0f} s")
                + ". Feed the socket (feed(), feed_eof(), or send from its peer) before this "
                "call, or make it non-blocking."
            )
        descriptors._wait(min(deadline - now, 0.05))
        return deadline


class MockSocket(_Endpoint):
    """An in-memory stream socket; also the mockselector 0.2 scripted socket.

    ``MockSocket(recvs)`` is a standalone socket: ``recv`` returns the byte
    strings of ``recvs`` one per call (splitting one longer than the buffer
    size and keeping the rest), calls a callable of ``recvs`` when its turn
    comes and returns its result, then returns ``b""`` (EOF) - or, with
    ``eof=False``, waits for more.  The test plays the peer: :meth:`feed`,
    :meth:`feed_eof`, :meth:`reset`, and reads what the code sent from
    :attr:`sent`.  Connected sockets come from :func:`socketpair` and
    :meth:`ListenSocket.new_connection`.

    ``isinstance(sock, socket.socket)`` holds, ``fileno()`` is a distinct
    :class:`~mockselector.FileDescriptor`, and the methods keep the call
    recording of the 0.2 Mock: ``sock.send.call_args_list``,
    ``sock.close.assert_called_once_with()``.  ``send`` returns the number
    of bytes accepted and ``sendall`` returns ``None``, like a real socket.

    With ``seed``, ``recv`` returns random-length prefixes of what is
    available and ``send`` accepts random-length prefixes, reproducibly: the
    seed is in the ``repr``, so a failing test shows how to reproduce it.

    Example::

        >>> from mockselector import MockSocket
        >>> sock = MockSocket([b"hello ", b"world"])
        >>> sock.recv(3), sock.recv(1024), sock.recv(1024), sock.recv(1024)
        (b'hel', b'lo ', b'world', b'')
        >>> sock.send(b"reply")
        5
        >>> sock.sent, sock.send.call_args_list
        (b'reply', [call(b'reply')])
    """

    __slots__ = (
        "_inbuf", "_script", "_eof", "_error", "_shut_wr", "_shut_rd", "_peer", "_capacity",
        "_rng", "_seed", "_sent", "_sendlog", "_extra", "_peername", "_connected",
    )

    def __init__(
        self, recvs: Optional[Iterable[Any]] = None, *, eof: bool = True,
        seed: Optional[int] = None, capacity: Optional[int] = None,
        family: int = socket.AF_INET,
    ) -> None:
        self._init_endpoint(family, socket.SOCK_STREAM)
        self._inbuf = bytearray()
        self._script: Optional[list[Any]] = list(recvs) if recvs is not None else None
        if self._script == []:
            self._script = None
        # _EOF_SCRIPT: EOF after the script and anything fed; _EOF: final.
        self._eof = _EOF_SCRIPT if eof else _NO_EOF
        self._error: Optional[OSError] = None
        self._shut_wr = False
        self._shut_rd = False
        self._peer: Optional[MockSocket] = None
        self._connected = False
        self._capacity = DEFAULT_CAPACITY if capacity is None else _check_capacity(capacity)
        self._seed = seed
        self._rng = random.Random(seed) if seed is not None else None
        self._sent = bytearray()
        self._sendlog: Optional[array.array[int]] = None
        self._extra: Optional[dict[int, Any]] = None
        if family == socket.AF_UNIX:
            self._sockname, self._peername = "", ""
        else:
            self._sockname = ("127.0.0.1", _next_port())
            self._peername = ("127.0.0.1", _next_port())

    def __repr__(self) -> str:
        parts = [f"fd={int(self._fd)}"]
        if self._dead:
            parts.append("closed")
        if self._peer is not None:
            parts.append(f"peer fd={int(self._peer._fd)}")
        if self._seed is not None:
            parts.append(f"seed={self._seed}")
        if self._inbuf:
            parts.append(f"{len(self._inbuf)} bytes buffered")
        if self._script:
            parts.append(f"{len(self._script)} scripted")
        if self._eof:
            parts.append("eof")
        return f"<MockSocket {' '.join(parts)}>"

    # -- readiness -----------------------------------------------------------

    def _readiness(self) -> int:
        if self._dead:
            return 0
        if self._error is not None:
            return EVENT_READ | EVENT_WRITE
        events = 0
        if self._inbuf or self._script or self._eof or self._shut_rd:
            events = EVENT_READ
        peer = self._peer
        if peer is None or self._shut_wr or peer._dead or peer._shut_rd \
                or len(peer._inbuf) < peer._capacity:
            events |= EVENT_WRITE
        return events

    # -- the peer's side, played by the test ---------------------------------

    def feed(self, data: _Buffer) -> None:
        """Deliver ``data`` to this socket, as if its peer had sent it.

        It is read after anything queued before, and never blocks (the
        capacity does not apply).  Example::

            >>> sock = MockSocket(eof=False)
            >>> sock.feed(b"abc"); sock.feed(b"def")
            >>> sock.recv(1024)
            b'abcdef'
        """
        with descriptors._lock:
            self._check_open("feed()")
            if self._eof == _EOF:
                raise ValueError(
                    f"{self!r} already has EOF: data fed after it would never be read "
                    "(feed before feed_eof(), or create the socket with eof=False)"
                )
            self._deliver(bytes(data))

    def feed_eof(self) -> None:
        """Deliver EOF to this socket: once what is buffered is read, ``recv`` returns ``b""``.

        Example::

            >>> sock = MockSocket(eof=False)
            >>> sock.feed(b"bye"); sock.feed_eof()
            >>> sock.recv(1024), sock.recv(1024)
            (b'bye', b'')
        """
        with descriptors._lock:
            self._check_open("feed_eof()")
            self._eof = _EOF
            self._changed()

    def reset(self) -> None:
        """Reset the connection: the peer's next operation raises ``ConnectionResetError``.

        A connected socket is closed abortively, and its peer sees the reset.
        A standalone socket (no peer: the test plays it) is the one that sees
        the reset.  Example::

            >>> a, b = socketpair()
            >>> a.reset()
            >>> b.recv(1024)
            Traceback (most recent call last):
            ...
            ConnectionResetError: [Errno 104] Connection reset by peer...
        """
        with descriptors._lock:
            peer = self._peer
            target = peer if peer is not None else self
            target._error = ConnectionResetError(
                errno.ECONNRESET, f"Connection reset by peer (reset() of {self!r})"
            )
            if peer is not None:
                peer._peer = None
                self._peer = None
                peer._changed()
                self._closed = True
                self._real_close()
            else:
                self._changed()

    @property
    def sent(self) -> bytes:
        """All the bytes sent through this socket, in order.

        Example::

            >>> sock = MockSocket()
            >>> sock.sendall(b"a"); sock.send(b"bc")
            2
            >>> sock.sent
            b'abc'
        """
        return bytes(self._sent)

    # -- receiving -----------------------------------------------------------

    def _deliver(self, data: bytes) -> None:
        """Append data to the inbound side (holding the lock)."""
        if self._script is not None:
            self._script.append(data)
        else:
            self._inbuf += data
        self._changed()

    def _take_error(self) -> OSError:
        error = self._error
        assert error is not None
        self._error = None
        if isinstance(error, ConnectionResetError):
            # After a reset, reads see EOF and writes a broken pipe, as with the kernel.
            self._eof = _EOF
            self._shut_wr = True
        self._changed()
        return error

    def _take_so_error(self) -> int:
        with descriptors._lock:
            if self._error is None:
                return 0
            return self._take_error().errno or 0

    def _take(self, size: int, peek: bool) -> Optional[bytes]:
        """Up to ``size`` bytes of what waits, or ``None`` when nothing does (holding the lock)."""
        script = self._script
        if script:
            head = script[0]
            if callable(head) and not isinstance(head, (bytes, bytearray, memoryview)):
                if peek:
                    return b""
                script.pop(0)
                head = head()
                if head is None:
                    head = b""
                head = bytes(head)
                if not head:
                    if not script:
                        self._script = None
                    return b""
                script.insert(0, head)
            if self._rng is not None:
                size = self._rng.randint(1, min(size, len(head)))
            chunk = bytes(head[:size])
            if not peek:
                if len(head) > size:
                    script[0] = head[size:]
                else:
                    script.pop(0)
                    if not script:
                        self._script = None
            return chunk
        buf = self._inbuf
        if not buf:
            return None
        if self._rng is not None:
            size = self._rng.randint(1, min(size, len(buf)))
        if size >= len(buf):
            chunk = bytes(buf)
            if not peek:
                buf.clear()
        else:
            chunk = bytes(buf[:size])
            if not peek:
                del buf[:size]
        return chunk

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receive up to ``bufsize`` bytes; ``b""`` at EOF.

        ``BlockingIOError`` on a non-blocking socket with nothing to read;
        :class:`Stalled` for a blocking one that nothing could ever feed.
        """
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        unknown = flags & ~(socket.MSG_PEEK | socket.MSG_DONTWAIT)
        if unknown:
            raise ValueError(f"{self!r}: recv() flags {unknown:#x} are not supported "
                             "(only MSG_PEEK and MSG_DONTWAIT)")
        peek = bool(flags & socket.MSG_PEEK)
        deadline = None
        with descriptors._lock:
            while True:
                self._check_open("recv()")
                if self._error is not None:
                    raise self._take_error()
                if bufsize == 0:
                    return b""
                data = self._take(bufsize, peek)
                if data is not None:
                    break
                if self._eof or self._shut_rd:
                    return b""
                if flags & socket.MSG_DONTWAIT:
                    raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
                deadline = self._block("recv()", deadline, "nothing is buffered and the peer "
                                       "has not closed")
            if not peek:
                self._changed()
                if self._peer is not None:
                    self._peer._changed()
            return data

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receive into ``buffer`` (up to ``nbytes``, or its size); return the count."""
        view = memoryview(buffer).cast("B")
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        size = nbytes or len(view)
        if size > len(view):
            raise ValueError("buffer too small for requested bytes")
        data = self.recv(size, flags)
        view[: len(data)] = data
        return len(data)

    # -- sending -------------------------------------------------------------

    def _send_some(self, data: memoryview, what: str, deadline: Optional[float]
                   ) -> tuple[int, Optional[float]]:
        """Send a prefix of ``data``, waiting for room if blocking (holding the lock)."""
        while True:
            self._check_open(what)
            if self._error is not None:
                raise self._take_error()
            if self._shut_wr:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r} after "
                                      "shutdown(SHUT_WR) or a reset")
            peer = self._peer
            if peer is None:
                if self._connected:
                    raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r}, "
                                          "whose peer is gone")
                room = len(data)
            elif peer._dead or peer._shut_rd:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r}, whose "
                                      "peer is closed")
            else:
                room = peer._capacity - len(peer._inbuf)
            if not data:
                return 0, deadline
            if room > 0:
                break
            deadline = self._block(what, deadline, f"the peer's buffer is full "
                                   f"(capacity {peer._capacity if peer else 0} bytes) and "
                                   "nothing reads it")
        count = min(len(data), room)
        if self._rng is not None:
            count = self._rng.randint(1, count)
        chunk = bytes(data[:count])
        self._sent += chunk
        if peer is not None:
            peer._deliver(chunk)
        self._changed()
        return count, deadline

    def _log_send(self, method: int, count: int, rest: Any = None) -> None:
        log = self._sendlog
        if log is None:
            log = self._sendlog = array.array("q")
        if rest is not None:
            if self._extra is None:
                self._extra = {}
            self._extra[len(log)] = rest
        log.append(count << 2 | method)

    @_recorded
    def send(self, data: _Buffer, flags: int = 0) -> int:
        """Send a prefix of ``data``; return its length."""
        view = memoryview(data).cast("B")
        with descriptors._lock:
            count, _ = self._send_some(view, "send()", None)
            self._log_send(_SEND, count, bytes(view[count:]) if count < len(view) else None)
        return count

    @_recorded
    def sendall(self, data: _Buffer, flags: int = 0) -> None:
        """Send all of ``data``, waiting for room if blocking."""
        view = memoryview(data).cast("B")
        total, deadline = 0, None
        with descriptors._lock:
            try:
                while True:
                    count, deadline = self._send_some(view[total:], "sendall()", deadline)
                    total += count
                    if total >= len(view):
                        break
            finally:
                self._log_send(_SENDALL, total,
                               bytes(view[total:]) if total < len(view) else None)

    @_recorded
    def sendmsg(self, buffers: Iterable[_Buffer], ancdata: Iterable[Any] = (),
                flags: int = 0, address: Any = None) -> int:
        """Send a prefix of the concatenated ``buffers``; return its length."""
        if list(ancdata):
            raise _oserror(errno.EOPNOTSUPP, self, "sendmsg() with ancillary data")
        data = b"".join(buffers)
        with descriptors._lock:
            count, _ = self._send_some(memoryview(data), "sendmsg()", None)
            self._log_send(_SENDMSG, count, data[count:] if count < len(data) else None)
        return count

    def _calls_of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        if name not in _DATA_METHODS:
            return super()._calls_of(name)
        wanted = {"send": _SEND, "sendall": _SENDALL, "sendmsg": _SENDMSG}[name]
        calls, offset = [], 0
        extra = self._extra or {}
        for index, entry in enumerate(self._sendlog or ()):
            count, method = entry >> 2, entry & 3
            if method == wanted:
                data = bytes(self._sent[offset:offset + count]) + extra.get(index, b"")
                calls.append((([data],) if method == _SENDMSG else (data,), {}))
            offset += count
        return calls

    # -- connection ----------------------------------------------------------

    @_recorded
    def getpeername(self) -> Any:
        self._check_open("getpeername()")
        if self._connected and self._peer is None and self._peername is None:
            raise _oserror(errno.ENOTCONN, self, "getpeername()")
        return self._peername

    @_recorded
    def shutdown(self, how: int) -> None:
        with descriptors._lock:
            self._check_open("shutdown()")
            if how not in (socket.SHUT_RD, socket.SHUT_WR, socket.SHUT_RDWR):
                raise _oserror(errno.EINVAL, self, f"shutdown({how!r})")
            if how in (socket.SHUT_RD, socket.SHUT_RDWR):
                self._shut_rd = True
            if how in (socket.SHUT_WR, socket.SHUT_RDWR) and not self._shut_wr:
                self._shut_wr = True
                if self._peer is not None:
                    self._peer._eof = _EOF
                    self._peer._changed()
            self._changed()

    def _on_close(self) -> None:
        peer = self._peer
        if peer is not None:
            peer._eof = _EOF
            peer._peer = None
            self._peer = None
            peer._changed()

    def _default_option(self, level: int, optname: int) -> Any:
        if level == socket.SOL_SOCKET and optname in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            return self._capacity
        return 0


def _check_capacity(capacity: int) -> int:
    if not isinstance(capacity, int) or capacity < 1:
        raise ValueError(f"capacity must be a positive number of bytes, not {capacity!r}")
    return capacity


def _connect(a: MockSocket, b: MockSocket) -> None:
    a._peer, b._peer = b, a
    a._connected = b._connected = True
    a._eof = b._eof = _NO_EOF


def socketpair(
    family: int = socket.AF_UNIX, type: int = socket.SOCK_STREAM, proto: int = 0, *,
    seed: Optional[int] = None, capacity: Optional[int] = None,
) -> tuple[MockSocket, MockSocket]:
    """Two connected in-memory stream sockets, like :func:`socket.socketpair`.

    ``capacity`` is each socket's receive buffer: the send window of its
    peer (default :data:`DEFAULT_CAPACITY`).  With ``seed``, reads and
    writes are split at random places, reproducibly (the first socket uses
    ``seed``, the second ``seed + 1``).

    Example::

        >>> a, b = socketpair()
        >>> a.sendall(b"ping")
        >>> b.recv(1024)
        b'ping'
        >>> a.close()
        >>> b.recv(1024)
        b''
    """
    if type != socket.SOCK_STREAM:
        raise ValueError(f"socketpair() makes stream sockets only, not {type!r}")
    if family not in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6):
        raise ValueError(f"unsupported family for socketpair(): {family!r}")
    a = MockSocket(eof=False, seed=seed, capacity=capacity, family=family)
    b = MockSocket(eof=False, seed=None if seed is None else seed + 1, capacity=capacity,
                   family=family)
    a._proto = b._proto = proto
    if family != socket.AF_UNIX:
        b._sockname = a._peername
        b._peername = a._sockname
    with descriptors._lock:
        _connect(a, b)
    return a, b


_NEW, _BOUND, _LISTENING = range(3)


class ListenSocket(_Endpoint):
    """A listening socket: ``bind`` -> ``listen`` -> ``accept``, scripted or in memory.

    **Scripted (mockselector 0.2).**  ``ListenSocket(accepted)``: ``accept()``
    returns the sockets of ``accepted`` in order (a callable that is not a
    Mock is called to make one), each with a distinct peer address; once they
    are exhausted, a fresh ``MockSocket()``.

    **In memory.**  :meth:`new_connection` connects a new client: its server
    end is what ``accept()`` returns next, and the listener is readable while
    connections wait.  Once a listener is in memory (it made a connection, or
    was created with ``address=``), ``accept()`` with nothing waiting raises
    ``BlockingIOError`` when non-blocking (as asyncio and socketserver expect)
    and :class:`Stalled` when blocking with no other thread running.

    ``address=`` creates it bound to that address and listening, ready for
    ``asyncio.start_server(sock=...)`` or ``socketserver``.  Misuse (accept
    before listen, bind twice, use after close) raises ``OSError``.

    Example::

        >>> listener = ListenSocket(address=("127.0.0.1", 8080))
        >>> client = listener.new_connection()
        >>> server_end, address = listener.accept()
        >>> client.sendall(b"hi")
        >>> server_end.recv(1024), address == client.getsockname()
        (b'hi', True)
    """

    __slots__ = ("_state", "_scripted", "_pending", "_in_memory", "_backlog")

    def __init__(
        self, accepted: Optional[Iterable[Any]] = None, *, address: Any = None,
        family: int = socket.AF_INET,
    ) -> None:
        self._init_endpoint(family, socket.SOCK_STREAM)
        self._state = _NEW
        self._scripted: list[Any] = list(accepted) if accepted is not None else []
        self._pending: list[MockSocket] = []
        self._in_memory = False
        self._backlog = 0
        self._sockname = ("0.0.0.0", 0) if family != socket.AF_UNIX else ""
        if address is not None:
            self.bind(address)
            self.listen()
            self._in_memory = True

    def __repr__(self) -> str:
        state = ("new", "bound", "listening")[self._state] if not self._dead else "closed"
        waiting = f" {len(self._pending) + len(self._scripted)} waiting" if not self._dead else ""
        return f"<ListenSocket fd={int(self._fd)} {state} {self._sockname!r}{waiting}>"

    def _readiness(self) -> int:
        if self._dead or self._state != _LISTENING:
            return 0
        return EVENT_READ if self._pending or self._scripted else 0

    @_recorded
    def bind(self, address: Any) -> None:
        with descriptors._lock:
            self._check_open("bind()")
            if self._state != _NEW:
                raise _oserror(errno.EINVAL, self, "bind() of a socket already bound")
            if isinstance(address, tuple) and len(address) >= 2 and address[1] == 0:
                address = (address[0], _next_port(), *address[2:])
            self._sockname = address
            self._state = _BOUND

    @_recorded
    def listen(self, backlog: int = 128) -> None:
        with descriptors._lock:
            self._check_open("listen()")
            if self._state == _NEW:
                raise _oserror(errno.EINVAL, self, "listen() before bind()")
            self._state = _LISTENING
            self._backlog = backlog
            self._changed()

    @_recorded
    def accept(self) -> tuple[Any, Any]:
        deadline = None
        with descriptors._lock:
            while True:
                self._check_open("accept()")
                if self._state != _LISTENING:
                    raise _oserror(errno.EINVAL, self, "accept() before bind() and listen()")
                if self._scripted:
                    conn, address = self._accept_scripted()
                    break
                if self._pending:
                    conn = self._pending.pop(0)
                    address = conn._peername
                    break
                if not self._in_memory:
                    conn, address = self._accept_scripted()
                    break
                deadline = self._block("accept()", deadline, "no connection is waiting "
                                       "(make one with new_connection())")
            self._changed()
        return conn, address

    def _accept_scripted(self) -> tuple[Any, Any]:
        conn = self._scripted.pop(0) if self._scripted else MockSocket()
        if callable(conn) and not isinstance(conn, (mock.Mock, _RealSocket)):
            conn = conn()
        address = ("127.0.0.1", _next_port())
        if isinstance(conn, MockSocket):
            conn._peername = address
        return conn, address

    def new_connection(
        self, *, seed: Optional[int] = None, capacity: Optional[int] = None,
    ) -> MockSocket:
        """Connect a new in-memory client; return its end.

        The server end is what ``accept()`` returns next.
        ``ConnectionRefusedError`` when the listener is not listening.
        ``seed`` and ``capacity`` are those of :func:`socketpair`.

        Example::

            >>> listener = ListenSocket(address=("127.0.0.1", 8080))
            >>> client = listener.new_connection(seed=1)
            >>> client.getpeername()
            ('127.0.0.1', 8080)
        """
        with descriptors._lock:
            if self._dead or self._state != _LISTENING:
                raise ConnectionRefusedError(
                    errno.ECONNREFUSED, f"Connection refused: {self!r} is not listening"
                )
            client, server = socketpair(self._family, seed=seed, capacity=capacity)
            server._sockname = self._sockname
            client._peername = self._sockname
            if self._family == socket.AF_UNIX:
                client._sockname = server._peername = ""
            else:
                server._peername = client._sockname
            self._pending.append(server)
            self._in_memory = True
            self._changed()
        return client

    def _on_close(self) -> None:
        for server in self._pending:
            server.reset()
        self._pending.clear()
