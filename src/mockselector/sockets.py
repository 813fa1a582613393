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
at the cost of a few bytes per call: a Mock is built only when asked for.

Example::

    >>> from mockselector import socketpair
    >>> a, b = socketpair()
    >>> a.sendall(b"ping")
    >>> b.recv(1024)
    b'ping'

Each socket's receive buffer (its peer's send window) holds
:data:`DEFAULT_CAPACITY` bytes unless told otherwise, as on Linux::

    >>> import socket
    >>> a.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) == DEFAULT_CAPACITY == 212992
    True
"""

from __future__ import annotations

import array
import errno
import functools
import itertools
import operator
import os
import random
import socket
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable, ClassVar, Union, cast
from unittest import mock

from . import descriptors
from .descriptors import FileDescriptor, Stalled, _Source

__all__ = ["DEFAULT_CAPACITY", "ListenSocket", "MockSocket", "socketpair"]

# Captured at import: code under test may patch ``socket.socket``.
_RealSocket = socket.socket

#: Default receive buffer of an in-memory socket, in bytes: the send window of
#: its peer.  It is what the kernel gives a socketpair on Linux, so ordinary
#: ``sendall``-then-``recv`` code does not stall.
DEFAULT_CAPACITY = 212992

# How long a blocking call without timeout waits for other threads before it
# gives up with Stalled (when they are running but change nothing).
_BLOCK_LIMIT = 10.0
# Blocked calls wake up this often to see whether they are deadlocked.
_WAIT_SLICE = 0.05

_lock = descriptors._lock
_acquire, _release = _lock.acquire, _lock.release
_BOTH = EVENT_READ | EVENT_WRITE
# Plain ints: operations on the IntFlag constants of ``socket`` are slow.
_MSG_PEEK = int(socket.MSG_PEEK)
_MSG_DONTWAIT = int(socket.MSG_DONTWAIT)
_RECV_FLAGS = _MSG_PEEK | _MSG_DONTWAIT
_SHUT_RD, _SHUT_WR, _SHUT_RDWR = int(socket.SHUT_RD), int(socket.SHUT_WR), int(socket.SHUT_RDWR)
_AF_UNIX = int(socket.AF_UNIX)
_SOCK_STREAM = int(socket.SOCK_STREAM)

_Buffer = Union[bytes, bytearray, memoryview]

_ports = itertools.count()
_ports_lock = threading.Lock()


def _next_port() -> int:
    """An ephemeral port number for a made-up address (50000-64999, cycling)."""
    with _ports_lock:
        return 50000 + next(_ports) % 15000


def _oserror(code: int, sock: Any, what: str) -> OSError:
    """An ``OSError`` (of the subclass that ``code`` maps to) naming the socket."""
    return OSError(code, f"{os.strerror(code)}: {what} on {sock!r}")


def _loopback(address: Any) -> Any:
    """The address a local client connects to, for a listener bound to ``address``."""
    if isinstance(address, tuple) and address and address[0] in ("", "0.0.0.0", "::"):
        return ("::1" if address[0] == "::" else "127.0.0.1", *address[1:])
    return address


def _client_address(family: int) -> Any:
    if family == _AF_UNIX:
        return ""
    if family == socket.AF_INET6:
        return ("::1", _next_port(), 0, 0)
    return ("127.0.0.1", _next_port())


# -- Mock call recording ----------------------------------------------------------------------
#
# A recorded method is a descriptor: ``sock.close`` returns a _BoundMethod (a
# functools.partial, so calling it is a C-level call); those of send, sendall
# and sendmsg are cached in the socket's __dict__, which makes the next
# ``sock.send`` a dict lookup.  Calls are recorded by the socket itself: send, sendall and
# sendmsg as a few bytes in an int array next to the sent bytes, the other
# methods as (name, args, kwargs) in a list.  The Mock API (call_args_list,
# assert_called_once_with, ...) is served by a Mock built from those records
# when one of its attributes is read; setting one (side_effect, return_value)
# replaces the method of that socket by a Mock that wraps it.


class _Recorded:
    # A socket method whose calls are recorded (no class docstring: the
    # instance carries the method's, for doctest and help()).

    def __init__(self, func: Callable[..., Any], raw: Callable[..., Any], cache: bool) -> None:
        functools.update_wrapper(cast(Any, self), raw)
        self.func = func  # what a call runs: records, then runs raw
        self.raw = raw  # the method itself, which a replacing Mock wraps
        self.name = raw.__name__
        self.cache = cache

    def __set_name__(self, owner: Any, name: str) -> None:
        # ``_raw_<name>``: the method without recording, for internal calls.
        setattr(owner, "_raw_" + name, self.raw)

    def __get__(self, sock: Any, owner: Any = None) -> Any:
        if sock is None:
            return self.func
        bound = _BoundMethod(self.func, sock)
        if self.cache:
            sock.__dict__[self.name] = bound
        return bound


class _BoundMethod(functools.partial):  # type: ignore[type-arg]
    """A recorded method bound to its socket: call it, or read the Mock API from it.

    Example::

        >>> sock = MockSocket()
        >>> sock.close()
        >>> sock.close.assert_called_once_with()
        >>> sock.close.call_count
        1
    """

    __slots__ = ()

    def _as_mock(self) -> mock.Mock:
        sock, name = self.args[0], self.func.__name__
        with _lock:
            calls = sock._calls_of(name)
        return _replay(f"{type(sock).__name__}.{name}", calls)

    def __getattr__(self, attr: str) -> Any:
        if attr.startswith("__"):
            raise AttributeError(attr)
        if attr == "reset_mock":
            return self._reset_mock
        return getattr(self._as_mock(), attr)

    def _reset_mock(self, *args: Any, **kwargs: Any) -> None:
        sock = self.args[0]
        with _lock:
            sock._forget_calls(self.func.__name__)

    def __setattr__(self, attr: str, value: Any) -> None:
        sock, name = self.args[0], self.func.__name__
        if attr.startswith("__"):
            raise AttributeError(f"cannot set {attr!r} on {self!r}")
        wrapped = functools.partial(getattr(type(sock), "_raw_" + name), sock)
        with _lock:
            calls = sock._calls_of(name)
        replacement = _replay(f"{type(sock).__name__}.{name}", calls, wraps=wrapped)
        setattr(replacement, attr, value)
        sock.__dict__[name] = replacement

    def __repr__(self) -> str:
        return f"<recorded method {self.func.__name__} of {self.args[0]!r}>"


def _replay(name: str, calls: list[tuple[tuple[Any, ...], dict[str, Any]]],
            wraps: Any = None) -> mock.Mock:
    """A Mock whose call history is ``calls``, optionally wrapping a method."""
    history = mock.Mock(name=name)
    for args, kwargs in calls:
        history(*args, **kwargs)
    if wraps is None:
        return history
    replacement = mock.Mock(name=name, wraps=wraps)
    replacement.called = history.called
    replacement.call_count = history.call_count
    replacement.call_args = history.call_args
    replacement.call_args_list = history.call_args_list
    replacement.mock_calls = history.mock_calls
    return replacement


def _recorded(raw: Callable[..., Any]) -> Any:
    """Decorate a socket method whose calls go in the socket's list of calls."""
    name = raw.__name__

    @functools.wraps(raw)
    def record(sock: Any, *args: Any, **kwargs: Any) -> Any:
        sock._record(name, args, kwargs)
        return raw(sock, *args, **kwargs)

    return _Recorded(record, raw, cache=False)


def _recorded_data(raw: Callable[..., Any]) -> Any:
    """Decorate send, sendall or sendmsg, which log their calls themselves."""
    return _Recorded(raw, raw, cache=True)


# send / sendall / sendmsg calls are logged as ``count << 2 | method`` in an
# int array, next to the bytes they sent; what a call passed but was not sent,
# and non-default arguments, go in a dict keyed by the call's index.
_SEND, _SENDALL, _SENDMSG = range(3)
_DATA_METHODS = {"send": _SEND, "sendall": _SENDALL, "sendmsg": _SENDMSG}

# EOF states of a MockSocket: none; after the script (0.2 sockets); delivered.
_NO_EOF, _EOF_SCRIPT, _EOF = range(3)
_END = object()  # the end of a script given as an iterator


# -- blocking ---------------------------------------------------------------------------------
#
# A blocking call that cannot proceed waits for another thread to change
# something.  It gives up at once when no other thread could: none is
# running, or all of them are blocked on in-memory sockets that are not ready
# (a deadlock: they are all woken up with Stalled too).

# thread ident -> [socket, events it waits for, waits without timeout, stalled]
_blocked: dict[int, list[Any]] = {}


def _stuck() -> list[list[Any]]:
    """The blocked calls that nothing but another thread could ever wake up."""
    return [
        entry for entry in _blocked.values()
        if entry[2] and not entry[3] and not entry[0]._would_proceed(entry[1])
    ]


# -- the shared base --------------------------------------------------------------------------


class _Endpoint(_RealSocket, _Source):
    """What in-memory stream and listening sockets share: descriptor, timeout, options.

    Instances are made without running ``socket.socket.__init__``: the C
    socket underneath keeps fd -1, so no real descriptor is ever used.
    """

    __slots__ = (
        "__dict__", "_calls", "_dead", "_events", "_family", "_fd", "_options", "_proto",
        "_sockname", "_timeout", "_watchers",
    )

    _fd: FileDescriptor
    _type = _SOCK_STREAM

    def _init_endpoint(self, family: int) -> None:
        self._closed = False
        self._io_refs = 0
        self._fd = FileDescriptor()
        self._fd.source = self
        self._watchers = ()
        self._events = 0
        self._dead = False
        self._timeout: float | None = None
        self._family = family
        self._proto = 0
        self._sockname: Any = None
        self._options: dict[tuple[int, int], Any] | None = None
        self._calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] | None = None

    # -- recording ------------------------------------------------------------------------

    def _record(self, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
        with _lock:
            if self._calls is None:
                self._calls = []
            self._calls.append((name, args, kwargs))

    def _calls_of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        return [(args, kwargs) for n, args, kwargs in self._calls or () if n == name]

    def _forget_calls(self, name: str) -> None:
        if self._calls:
            self._calls = [call for call in self._calls if call[0] != name]

    # -- identity -------------------------------------------------------------------------

    def fileno(self) -> int:
        """The virtual descriptor, a :class:`~mockselector.FileDescriptor`; -1 once closed.

        Example::

            >>> from mockselector import FileDescriptor
            >>> sock = MockSocket()
            >>> isinstance(sock.fileno(), FileDescriptor)
            True
            >>> sock.close(); sock.fileno()
            -1
        """
        return -1 if self._dead else self._fd

    @property
    def family(self) -> socket.AddressFamily:
        """The address family, as on a real socket.

        Example::

            >>> socketpair()[0].family
            <AddressFamily.AF_UNIX: 1>
        """
        return socket.AddressFamily(self._family)

    @property
    def type(self) -> socket.SocketKind:
        """The socket type: always ``SOCK_STREAM``.

        Example::

            >>> MockSocket().type
            <SocketKind.SOCK_STREAM: 1>
        """
        return socket.SocketKind(self._type)

    @property
    def proto(self) -> int:
        """The protocol number (0, as ``socket.socketpair()`` reports).

        Example::

            >>> MockSocket().proto
            0
        """
        return self._proto

    @property
    def timeout(self) -> float | None:
        """The timeout, as :meth:`gettimeout` returns it.

        Example::

            >>> sock = MockSocket(); sock.settimeout(2)
            >>> sock.timeout
            2.0
        """
        return self._timeout

    # -- state ----------------------------------------------------------------------------

    def _check_open(self, what: str) -> None:
        if self._dead:
            raise _oserror(errno.EBADF, self, what)

    @_recorded
    def setblocking(self, flag: bool) -> None:
        """Make the socket blocking (``True``) or non-blocking (``False``).

        Example::

            >>> sock = MockSocket(eof=False); sock.setblocking(False)
            >>> sock.recv(10)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            BlockingIOError: [Errno 11] Resource temporarily unavailable...
        """
        self._check_open("setblocking()")
        self._timeout = None if flag else 0.0

    def getblocking(self) -> bool:
        """Whether the socket is blocking (its timeout is not 0).

        Example::

            >>> sock = MockSocket(); sock.settimeout(0)
            >>> sock.getblocking()
            False
        """
        return self._timeout != 0.0

    @_recorded
    def settimeout(self, value: float | None) -> None:
        """Set the timeout of blocking calls: ``None`` (none), 0 (non-blocking) or seconds.

        A blocking call that nothing could ever satisfy raises ``TimeoutError``
        (``socket.timeout``) at once instead of waiting the timeout out.

        Example::

            >>> import socket
            >>> sock = MockSocket(eof=False); sock.settimeout(5)
            >>> try:
            ...     sock.recv(10)
            ... except socket.timeout as error:
            ...     print(error)
            timed out
        """
        self._check_open("settimeout()")
        if value is not None:
            if not isinstance(value, (int, float)):
                raise TypeError(f"Timeout value must be int, float or None, not {value!r}")
            value = float(value)
            if value != value:
                raise ValueError("Invalid value NaN (not a number)")
            if value < 0:
                raise ValueError("Timeout value out of range")
        self._timeout = value

    @_recorded
    def gettimeout(self) -> float | None:
        """The timeout: ``None`` when blocking without one, 0.0 when non-blocking.

        Example::

            >>> sock = MockSocket(); sock.setblocking(False)
            >>> sock.gettimeout()
            0.0
        """
        return self._timeout

    @_recorded
    def getsockname(self) -> Any:
        """The socket's own address (made up, or what it was bound to).

        Example::

            >>> socketpair()[0].getsockname()
            ''
        """
        self._check_open("getsockname()")
        return self._sockname

    @_recorded
    def setsockopt(self, level: int, optname: int, value: Any, optlen: Any = None) -> None:
        """Record an option; :meth:`getsockopt` returns it.  It changes nothing else.

        Example::

            >>> import socket
            >>> sock = MockSocket()
            >>> sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            >>> sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            1
        """
        self._check_open("setsockopt()")
        if self._options is None:
            self._options = {}
        self._options[level, optname] = value

    @_recorded
    def getsockopt(self, level: int, optname: int, buflen: int | None = None) -> Any:
        """An option's value: what was set, else a default like the kernel's.

        ``SO_ERROR`` returns and clears the pending error (0 when none),
        ``SO_TYPE`` the type, ``SO_RCVBUF``/``SO_SNDBUF`` the capacity.

        Example::

            >>> import socket
            >>> MockSocket().getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            0
        """
        self._check_open("getsockopt()")
        if level == socket.SOL_SOCKET and optname == socket.SO_ERROR:
            value = self._take_so_error()
        elif level == socket.SOL_SOCKET and optname == socket.SO_TYPE:
            value = self._type
        else:
            options = self._options or {}
            value = options.get((level, optname), self._default_option(level, optname))
        if buflen is not None and isinstance(value, int):
            return value.to_bytes(4, "little", signed=True).ljust(buflen, b"\0")[:buflen]
        return value

    def _default_option(self, level: int, optname: int) -> Any:
        return 0

    def _take_so_error(self) -> int:
        return 0

    @_recorded
    def close(self) -> None:
        """Close the socket; the peer sees EOF.  Later use raises ``OSError(EBADF)``.

        As with a real socket, a file from :meth:`makefile` keeps it open
        until that file is closed too.

        Example::

            >>> a, b = socketpair()
            >>> a.close()
            >>> b.recv(10)
            b''
            >>> a.recv(10)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 9] Bad file descriptor: recv() on <MockSocket fd=... closed...>
        """
        _RealSocket.close(self)

    def _decref_socketios(self) -> None:
        # The real one calls self.close(), which would record a call the code did not make.
        if self._io_refs > 0:
            self._io_refs -= 1
        if self._closed and self._io_refs <= 0:
            self._real_close()

    def _real_close(self, _ss: Any = None) -> None:
        with _lock:
            if self._dead:
                return
            self._dead = True
            self._closed = True
            self._on_close()
            self._changed()
            # Break the reference cycles, so that a closed socket is freed as soon as
            # it is unused: its descriptor refers to it (as its source), and so do
            # the methods cached in its __dict__.
            self._fd = cast(FileDescriptor, int(self._fd))
            cached = self.__dict__
            for name in _DATA_METHODS:
                if type(cached.get(name)) is _BoundMethod:
                    del cached[name]

    def _on_close(self) -> None:
        """Release what the socket holds (called once, holding the lock)."""

    def detach(self) -> int:
        """Not possible: an in-memory socket has no real descriptor to hand over.

        Example::

            >>> MockSocket().detach()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 95] Operation not supported: detach() ...
        """
        raise _oserror(errno.EOPNOTSUPP, self, "detach() (an in-memory socket has no real fd)")

    def dup(self) -> Any:
        """Not possible: an in-memory socket has no real descriptor to duplicate.

        Example::

            >>> MockSocket().dup()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 95] Operation not supported: dup() ...
        """
        raise _oserror(errno.EOPNOTSUPP, self, "dup() (an in-memory socket has no real fd)")

    def get_inheritable(self) -> bool:
        """``False``: there is nothing a child process could inherit.

        Example::

            >>> MockSocket().get_inheritable()
            False
        """
        self._check_open("get_inheritable()")
        return False

    def set_inheritable(self, inheritable: bool) -> None:
        """Do nothing (the real one would act on a real descriptor).

        Example::

            >>> MockSocket().set_inheritable(True)
        """
        self._check_open("set_inheritable()")

    def __getstate__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__} object")

    def _block(self, what: str, deadline: float | None, want: int, why: str) -> float:
        """Wait (holding the lock) for a change, or raise when none can come.

        Returns the deadline to pass to the next call for the same operation.
        """
        timeout = self._timeout
        if timeout == 0.0:
            raise BlockingIOError(
                errno.EAGAIN, f"Resource temporarily unavailable: {what} on {self!r} would block"
            )
        now = time.monotonic()
        if deadline is None:
            deadline = now + (timeout if timeout is not None else _BLOCK_LIMIT)
        others = threading.active_count() - 1
        stuck = _stuck() if others else []
        if now >= deadline or len(stuck) >= others:
            if timeout is not None:
                raise socket.timeout("timed out")
            if now >= deadline:
                reason = f"no other thread made it possible within {_BLOCK_LIMIT:.0f} s"
            elif others:
                reason = "every other thread is blocked on an in-memory socket too"
                for entry in stuck:
                    entry[3] = True
                descriptors._wake()
            else:
                reason = "no other thread is running"
            raise self._stalled(what, why, reason)
        ident = threading.get_ident()
        entry = _blocked[ident] = [self, want, timeout is None, False]
        try:
            descriptors._wait(min(deadline - now, _WAIT_SLICE))
        finally:
            del _blocked[ident]
        if entry[3]:
            raise self._stalled(what, why, "every thread is blocked on an in-memory socket")
        return deadline

    def _would_proceed(self, want: int) -> bool:
        """Whether a call blocked until ``want`` (an event) could go on now (holding the lock)."""
        return self._dead or bool(self._readiness() & want)

    def _stalled(self, what: str, why: str, reason: str) -> Stalled:
        return Stalled(
            f"{self!r}: a blocking {what} would wait forever: {why}, and {reason}. "
            "Feed the socket (feed(), feed_eof(), or send from its peer) before this call, "
            "run the peer in another thread, or make the socket non-blocking."
        )


def _unsupported(owner: str, name: str, code: int, why: str) -> Callable[..., Any]:
    """A method of ``owner`` that raises ``OSError(code)``: ``why`` it is not supported."""

    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        raise _oserror(code, self, f"{name}() ({why})")

    method.__name__ = name
    method.__qualname__ = f"{owner}.{name}"
    method.__doc__ = f"""Not supported: raises ``OSError`` ({why}).

        Example::

            >>> {owner}().{name}()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            {type(OSError(code, "")).__name__}: [Errno {code}] ...
        """
    return method


# -- stream sockets ---------------------------------------------------------------------------


class MockSocket(_Endpoint):
    """An in-memory stream socket; also the mockselector 0.2 scripted socket.

    ``MockSocket(recvs)`` is a standalone socket whose peer is the test:
    ``recv`` returns the byte strings of ``recvs`` one per call (splitting
    one longer than the buffer size and keeping the rest), calls a callable
    of ``recvs`` when its turn comes and returns its result, then returns
    ``b""`` (EOF) - or, with ``eof=False``, waits for more.  An iterator
    (a generator) is read lazily, one item when ``recv`` needs it.  The test plays
    the peer with :meth:`feed`, :meth:`feed_eof` and :meth:`reset`, and reads
    what the code sent from :attr:`sent`.  Connected sockets come from
    :func:`socketpair` and :meth:`ListenSocket.new_connection`.

    ``isinstance(sock, socket.socket)`` holds, ``fileno()`` is a distinct
    :class:`~mockselector.FileDescriptor`, and the methods keep the call
    recording of the 0.2 Mock: ``sock.send.call_args_list``,
    ``sock.close.assert_called_once_with()``.  Setting ``side_effect`` or
    ``return_value`` on a method replaces it, for this socket, by a Mock that
    wraps it.  ``send`` returns the number of bytes accepted and ``sendall``
    returns ``None``, like a real socket.

    **Pro-tip:** with ``seed``, ``recv`` returns random-length prefixes of
    what is available and ``send`` accepts random-length prefixes,
    reproducibly: code that assumes one ``recv`` per message fails.  The
    seed is in the ``repr``, so a failure shows how to reproduce it.

    ``capacity`` is the receive buffer, the peer's send window (default
    :data:`DEFAULT_CAPACITY`); a standalone socket accepts any ``send``.

    Example::

        >>> sock = MockSocket([b"hello ", b"world"])
        >>> sock.recv(3), sock.recv(1024), sock.recv(1024), sock.recv(1024)
        (b'hel', b'lo ', b'world', b'')
        >>> sock.send(b"reply")
        5
        >>> sock.sent, sock.send.call_args_list
        (b'reply', [call(b'reply')])
    """

    __slots__ = (
        "_capacity", "_connected", "_eof", "_error", "_error_sends", "_extra", "_inbuf", "_peer",
        "_peername", "_rest", "_rng", "_script", "_seed", "_sendlog", "_sent", "_shut_rd",
        "_shut_wr",
    )

    # The script of a 0.2 socket: what recv returns next (None: no script, read
    # the buffer), and the rest of a script given as an iterator, read lazily.
    _script: deque[Any] | None
    _rest: Iterator[Any] | None
    _peername: Any
    _raw_connect: ClassVar[Callable[..., Any]]

    def __init__(
        self, recvs: Iterable[Any] | None = None, *, eof: bool = True,
        seed: int | None = None, capacity: int | None = None,
        family: int = socket.AF_INET,
    ) -> None:
        if isinstance(recvs, (bytes, bytearray, memoryview, str)):
            raise TypeError(
                f"MockSocket(recvs): recvs is a sequence of chunks for recv() to return, "
                f"not one {type(recvs).__name__}: write MockSocket([{recvs!r}])"
            )
        self._init_stream(family, capacity, seed)
        if isinstance(recvs, Sized):
            if len(recvs):
                self._script = deque(recvs)
        elif recvs is not None:
            self._script = deque()
            self._rest = iter(recvs)
        self._eof = _EOF_SCRIPT if eof else _NO_EOF
        self._sockname = _client_address(family)
        self._peername = _loopback(_client_address(family))

    def _init_stream(self, family: int, capacity: int | None, seed: int | None) -> None:
        self._init_endpoint(int(family))
        self._inbuf = bytearray()
        self._script = None
        self._rest = None
        self._eof = _NO_EOF
        self._error: OSError | None = None
        self._error_sends = True
        self._shut_wr = False
        self._shut_rd = False
        self._peer: MockSocket | None = None
        self._connected = False
        self._capacity = DEFAULT_CAPACITY if capacity is None else _check_capacity(capacity)
        self._seed = seed
        self._rng = None if seed is None else random.Random(seed)
        self._sent: bytearray | None = None
        self._sendlog: array.array[int] | None = None
        self._extra: dict[Any, Any] | None = None
        self._peername = None

    def __repr__(self) -> str:
        parts = [f"fd={int(self._fd)}"]
        if self._dead:
            parts.append("closed")
        if self._peer is not None:
            parts.append(f"peer fd={int(self._peer._fd)}")
        elif self._connected:
            parts.append("peer gone")
        if self._seed is not None:
            parts.append(f"seed={self._seed}")
        if self._inbuf:
            parts.append(f"{len(self._inbuf)} bytes buffered")
        if self._script is not None:
            more = "+" if self._rest is not None else ""
            parts.append(f"{len(self._script)}{more} scripted")
        if self._eof == _EOF:
            parts.append("eof")
        if self._error is not None:
            parts.append("reset")
        return f"<MockSocket {' '.join(parts)}>"

    @property
    def seed(self) -> int | None:
        """The seed of this socket's fragmentation, or ``None`` when it has none.

        Example::

            >>> a, b = socketpair(seed=7)
            >>> a.seed, b.seed
            (7, 8)
        """
        return self._seed

    # -- readiness --------------------------------------------------------------------------

    def _readiness(self) -> int:
        if self._dead:
            return 0
        if self._error is not None:
            return _BOTH
        peer = self._peer
        if peer is None or len(peer._inbuf) < peer._capacity:
            events = EVENT_WRITE
        elif self._shut_wr and self._family != _AF_UNIX:
            events = EVENT_WRITE  # TCP reports a socket shut for writing writable
        elif (self._shut_wr or peer._shut_rd) and (self._shut_rd or peer._shut_wr):
            events = EVENT_WRITE  # shut both ways: the kernel reports a hang-up
        else:
            events = 0  # AF_UNIX: a full window, even when send would raise EPIPE
        if self._inbuf or self._eof or self._shut_rd or self._script is not None:
            events |= EVENT_READ
        return events

    def _would_proceed(self, want: int) -> bool:
        if want == EVENT_READ:
            return super()._would_proceed(want)
        # send raises at once once the way is shut, even when the window is full.
        peer = self._peer
        return (self._dead or self._error is not None or self._shut_wr or peer is None
                or peer._shut_rd or len(peer._inbuf) < peer._capacity)

    # -- the peer's side, played by the test ------------------------------------------------

    def feed(self, data: _Buffer) -> None:
        """Deliver ``data`` to this socket, as if its peer had sent it.

        It is read after anything delivered before (scripted chunks
        included), and never blocks: the capacity does not apply.

        Example::

            >>> sock = MockSocket(eof=False)
            >>> sock.feed(b"abc"); sock.feed(b"def")
            >>> sock.recv(1024)
            b'abcdef'
        """
        data = bytes(data)
        with _lock:
            self._check_open("feed()")
            if self._eof == _EOF:
                raise ValueError(
                    f"{self!r} already has EOF: data fed after it would never be read "
                    "(feed before feed_eof(), or create the socket with eof=False)"
                )
            if self._rest is not None:
                self._rest = itertools.chain(self._rest, (data,))
            elif self._script is not None:
                self._script.append(data)
            else:
                self._inbuf += data
            self._changed()

    def feed_eof(self) -> None:
        """Deliver EOF: once what is buffered is read, ``recv`` returns ``b""``.

        Example::

            >>> sock = MockSocket(eof=False)
            >>> sock.feed(b"bye"); sock.feed_eof()
            >>> sock.recv(1024), sock.recv(1024)
            (b'bye', b'')
        """
        with _lock:
            self._check_open("feed_eof()")
            self._eof = _EOF
            self._changed()

    def reset(self) -> None:
        """Reset the connection, as a TCP reset (RST) from the peer would.

        The socket that sees the reset is the peer of this one when it is
        connected (this end is then closed at once), else this standalone
        socket itself, whose peer the test plays.  That socket's next
        ``send`` raises ``ConnectionResetError``; ``recv`` first returns what
        had already arrived, then raises it; both raise it once, after which
        ``recv`` returns ``b""`` and ``send`` raises ``BrokenPipeError``.

        Example::

            >>> a, b = socketpair()
            >>> a.reset()
            >>> b.recv(1024)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ConnectionResetError: [Errno 104] Connection reset by peer...
            >>> b.recv(1024)
            b''
        """
        with _lock:
            self._check_open("reset()")
            peer = self._peer
            target = self if peer is None else peer
            target._error = ConnectionResetError(
                errno.ECONNRESET, f"Connection reset by peer (reset() of {self!r})"
            )
            target._error_sends = True
            target._peername = None
            if peer is None:
                self._changed()
                return
            self._peer = peer._peer = None
            peer._changed()
            self._real_close()

    @property
    def sent(self) -> bytes:
        """All the bytes the code sent through this socket, in order.

        Example::

            >>> sock = MockSocket()
            >>> sock.sendall(b"a"); sock.send(b"bc")
            2
            >>> sock.sent
            b'abc'
        """
        return bytes(self._sent or b"")

    # -- receiving --------------------------------------------------------------------------

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
        with _lock:
            if self._error is None:
                return 0
            return self._take_error().errno or 0

    def _take(self, size: int, peek: bool) -> bytes | None:
        """Up to ``size`` bytes of what waits, or ``None`` when nothing does (holding the lock)."""
        script = self._script
        if script is not None:
            if not script:
                item = _END if self._rest is None else next(self._rest, _END)
                if item is not _END:
                    script.append(item)
            if script:
                return self._take_scripted(script, size, peek)
            self._script = self._rest = None  # the script is over: read the buffer
            self._changed()
        buf = self._inbuf
        if not buf:
            return None
        size_before = len(buf)
        if self._rng is not None:
            size = self._rng.randint(1, min(size, size_before))
        chunk = bytes(buf[:size])
        if not peek:
            del buf[:size]
            self._consumed(size_before)
        return chunk

    def _take_scripted(self, script: deque[Any], size: int, peek: bool) -> bytes:
        head = script[0]
        if callable(head):
            result = head()
            head = script[0] = b"" if result is None else bytes(result)
        if head and self._rng is not None:
            size = self._rng.randint(1, min(size, len(head)))
        chunk = bytes(head[:size])
        if not peek:
            if len(head) > size:
                script[0] = head[size:]
            else:
                script.popleft()
                if not script and self._rest is None:
                    self._script = None
                    self._changed()
        return chunk

    def _consumed(self, size_before: int) -> None:
        """Report what reading from a buffer of ``size_before`` bytes changed (holding the lock)."""
        if not self._inbuf:
            self._changed()
        if size_before >= self._capacity:
            peer = self._peer
            if peer is not None:
                peer._changed()

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receive up to ``bufsize`` bytes; ``b""`` at EOF.

        A non-blocking socket with nothing to read raises ``BlockingIOError``;
        a blocking one that nothing could ever feed raises
        :class:`~mockselector.Stalled`.  ``flags`` may hold ``MSG_PEEK`` and
        ``MSG_DONTWAIT``.

        Example::

            >>> sock = MockSocket([b"abcdef"])
            >>> sock.recv(4), sock.recv(4), sock.recv(4)
            (b'abcd', b'ef', b'')
        """
        _acquire()  # not ``with _lock``: half the cost, on the hottest path
        try:
            buf = self._inbuf
            # The fast path: bytes are buffered, no fragmentation, no flags.
            if buf and not flags and self._rng is None and type(bufsize) is int and bufsize > 0:
                size = len(buf)
                if bufsize >= size:
                    data = bytes(buf)
                    buf.clear()
                    if self._watchers:  # no longer readable (unwatched: nobody waits for it)
                        if self._eof or self._shut_rd or self._script is not None \
                                or self._error is not None:
                            self._changed()
                        else:
                            self._set_events(self._events & ~EVENT_READ)
                    if size >= self._capacity and self._peer is not None:
                        self._peer._changed()
                    return data
                data = bytes(buf[:bufsize])
                del buf[:bufsize]
                if size >= self._capacity and self._peer is not None:
                    self._peer._changed()
                return data
            return self._recv(bufsize, flags)
        finally:
            _release()

    def _recv(self, bufsize: int, flags: int) -> bytes:
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        flags = int(flags)
        if flags & ~_RECV_FLAGS:
            raise ValueError(f"{self!r}: recv() flags {flags & ~_RECV_FLAGS:#x} are not "
                             "supported (only MSG_PEEK and MSG_DONTWAIT)")
        peek = bool(flags & _MSG_PEEK)
        deadline = None
        while True:
            self._check_open("recv()")
            if bufsize == 0:
                return b""
            data = self._take(bufsize, peek)
            if data is not None:
                return data
            if self._error is not None:
                raise self._take_error()
            if self._eof or self._shut_rd:
                return b""
            if flags & _MSG_DONTWAIT:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            deadline = self._block("recv()", deadline, EVENT_READ,
                                   "nothing is buffered and the peer has not closed")

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receive into ``buffer`` (up to ``nbytes``, or its size); return the count.

        Example::

            >>> buf = bytearray(4)
            >>> MockSocket([b"hi"]).recv_into(buf), buf
            (2, bytearray(b'hi\\x00\\x00'))
        """
        view = memoryview(buffer).cast("B")
        if view.readonly:
            raise TypeError("recv_into() argument 'buffer' must be read-write bytes-like object")
        nbytes = operator.index(nbytes)
        if nbytes < 0:
            raise ValueError("negative buffersize in recv_into")
        size = nbytes or len(view)
        if size > len(view):
            raise ValueError("buffer too small for requested bytes")
        if size == 0:
            with _lock:
                self._check_open("recv_into()")
            return 0
        data = self.recv(size, flags)
        count = len(data)
        view[:count] = data
        return count

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, Any]:
        """``(recv(bufsize, flags), None)``: a connected stream has no sender address.

        Example::

            >>> MockSocket([b"hi"]).recvfrom(10)
            (b'hi', None)
        """
        return self.recv(bufsize, flags), None

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        """``(recv_into(buffer, nbytes, flags), None)``.

        Example::

            >>> MockSocket([b"hi"]).recvfrom_into(bytearray(4))
            (2, None)
        """
        return self.recv_into(buffer, nbytes, flags), None

    # -- sending ----------------------------------------------------------------------------

    def _send_some(self, data: memoryview, what: str, deadline: float | None
                   ) -> tuple[int, float | None]:
        """Send a prefix of ``data``, waiting for room if blocking (holding the lock)."""
        while True:
            self._check_open(what)
            if self._error is not None and self._error_sends:
                raise self._take_error()
            if self._shut_wr:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r} after "
                                      "shutdown(SHUT_WR) or a reset")
            peer = self._peer
            if peer is None:
                if self._connected:
                    raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r}, "
                                          "whose peer is closed")
                room = len(data)
            elif peer._shut_rd:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r}, whose "
                                      "peer did shutdown(SHUT_RD)")
            else:
                room = peer._capacity - len(peer._inbuf)
            if not data:
                return 0, deadline
            if room > 0:
                break
            assert peer is not None
            deadline = self._block(what, deadline, EVENT_WRITE,
                                   f"the peer's buffer is full (capacity {peer._capacity} bytes) "
                                   "and nothing reads it")
        count = min(len(data), room)
        if self._rng is not None:
            count = self._rng.randint(1, count)
        chunk = data[:count]
        if self._sent is None:
            self._sent = bytearray()
        self._sent += chunk
        if peer is not None:
            inbuf = peer._inbuf
            was_empty = not inbuf
            inbuf += chunk
            if was_empty:
                peer._changed()
            if len(inbuf) >= peer._capacity:
                self._changed()
        return count, deadline

    def _log_send(self, method: int, count: int, rest: bytes, flags: int = 0,
                  detail: Any = None) -> None:
        """Log a call of send, sendall or sendmsg (holding the lock)."""
        log = self._sendlog
        if log is None:
            log = self._sendlog = array.array("q")
        if self._sent is None:
            self._sent = bytearray()
        if rest or flags or detail is not None:
            if self._extra is None:
                self._extra = {}
            self._extra[len(log)] = (rest, flags, detail)
        log.append(count << 2 | method)

    @_recorded_data
    def send(self, data: _Buffer, flags: int = 0) -> int:
        """Send a prefix of ``data`` (all of it when the window has room); return its length.

        A full window makes a non-blocking socket raise ``BlockingIOError``
        and a blocking one wait for the peer to read (or raise
        :class:`~mockselector.Stalled` when it never could).

        Example::

            >>> a, b = socketpair(capacity=4)
            >>> a.setblocking(False)
            >>> a.send(b"abcdef"), b.recv(10)
            (4, b'abcd')
        """
        _acquire()  # not ``with _lock``: half the cost, on the hottest path
        try:
            peer = self._peer
            sent, log = self._sent, self._sendlog
            # The fast path: all of ``data`` fits, no fragmentation, no flags.
            if (
                type(data) is bytes and not flags and peer is not None and self._rng is None
                and sent is not None and log is not None and self._error is None
                and not self._shut_wr and not peer._shut_rd
            ):
                count = len(data)
                inbuf = peer._inbuf
                size = len(inbuf)
                if 0 < count <= peer._capacity - size:
                    sent += data
                    log.append(count << 2)
                    inbuf += data
                    if not size:  # readable now: tell its selectors, wake its readers
                        if peer._watchers:
                            peer._set_events(peer._events | EVENT_READ)
                        elif descriptors._waiters:
                            peer._changed()
                    if size + count >= peer._capacity and self._watchers:
                        self._changed()  # no longer writable
                    return count
            view = memoryview(data).cast("B")
            try:
                count, _ = self._send_some(view, "send()", None)
            except BaseException:
                self._log_send(_SEND, 0, bytes(view), flags)
                raise
            self._log_send(_SEND, count, bytes(view[count:]), flags)
            return count
        finally:
            _release()

    @_recorded_data
    def sendall(self, data: _Buffer, flags: int = 0) -> None:
        """Send all of ``data``, waiting for room if blocking; return ``None``.

        Example::

            >>> a, b = socketpair()
            >>> a.sendall(b"all of it"), b.recv(100)
            (None, b'all of it')
        """
        view = memoryview(data).cast("B")
        total, deadline = 0, None
        with _lock:
            try:
                while True:
                    count, deadline = self._send_some(view[total:], "sendall()", deadline)
                    total += count
                    if total >= len(view):
                        break
            finally:
                self._log_send(_SENDALL, total, bytes(view[total:]), flags)

    @_recorded_data
    def sendmsg(self, buffers: Iterable[_Buffer], ancdata: Iterable[Any] = (),
                flags: int = 0, address: Any = None) -> int:
        """Send a prefix of the concatenated ``buffers``; return its length.

        Ancillary data is not supported.

        Example::

            >>> a, b = socketpair()
            >>> a.sendmsg([b"ab", b"cd"]), b.recv(10)
            (4, b'abcd')
        """
        if list(ancdata):
            raise _oserror(errno.EOPNOTSUPP, self, "sendmsg() with ancillary data")
        views = [memoryview(buffer).cast("B") for buffer in buffers]
        data = memoryview(b"".join(views))
        lengths = tuple(len(view) for view in views) if len(views) > 1 else None
        with _lock:
            try:
                count, _ = self._send_some(data, "sendmsg()", None)
            except BaseException:
                self._log_send(_SENDMSG, 0, bytes(data), flags, lengths)
                raise
            self._log_send(_SENDMSG, count, bytes(data[count:]), flags, lengths)
            return count

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Send a file's content with :meth:`send` (never ``os.sendfile``).

        Example::

            >>> import io
            >>> a, b = socketpair()
            >>> a.sendfile(io.BytesIO(b"content")), b.recv(100)
            (7, b'content')
        """
        return int(cast(Any, self)._sendfile_use_send(file, offset, count))

    def _calls_of(self, name: str) -> list[tuple[tuple[Any, ...], dict[str, Any]]]:
        method = _DATA_METHODS.get(name)
        if method is None:
            return super()._calls_of(name)
        extra = self._extra or {}
        sent = self._sent or b""
        calls: list[tuple[tuple[Any, ...], dict[str, Any]]] = []
        offset = 0
        first = extra.get(name, 0)
        for index, entry in enumerate(self._sendlog or ()):
            count = entry >> 2
            if entry & 3 == method and index >= first:
                rest, flags, detail = extra.get(index, (b"", 0, None))
                data = bytes(sent[offset:offset + count]) + rest
                if method == _SENDMSG:
                    buffers, start = [], 0
                    for length in detail or (len(data),):
                        buffers.append(data[start:start + length])
                        start += length
                    args: tuple[Any, ...] = (buffers, [], flags) if flags else (buffers,)
                else:
                    args = (data, flags) if flags else (data,)
                calls.append((args, {}))
            offset += count
        return calls

    def _forget_calls(self, name: str) -> None:
        if name not in _DATA_METHODS:
            super()._forget_calls(name)
            return
        if self._extra is None:
            self._extra = {}
        self._extra[name] = len(self._sendlog or ())

    # -- connection -------------------------------------------------------------------------

    @_recorded
    def getpeername(self) -> Any:
        """The peer's address; ``OSError(ENOTCONN)`` after a reset.

        Example::

            >>> socketpair()[0].getpeername()
            ''
        """
        self._check_open("getpeername()")
        if self._peername is None:
            raise _oserror(errno.ENOTCONN, self, "getpeername()")
        return self._peername

    @_recorded
    def connect(self, address: Any) -> None:
        """Connect a standalone socket, whose peer is the test: it only records ``address``.

        A connected socket raises ``OSError(EISCONN)``, as a real one does.

        Example::

            >>> sock = MockSocket([b"HTTP/1.0 200 OK\\r\\n"])
            >>> sock.connect(("example.com", 80))
            >>> sock.getpeername()
            ('example.com', 80)
        """
        with _lock:
            self._check_open("connect()")
            if self._connected:
                raise _oserror(errno.EISCONN, self, "connect()")
            self._peername = address

    @_recorded
    def connect_ex(self, address: Any) -> int:
        """Like :meth:`connect`, returning an error number instead of raising (0: success).

        Example::

            >>> MockSocket().connect_ex(("example.com", 80))
            0
        """
        try:
            MockSocket._raw_connect(self, address)
        except OSError as error:
            return error.errno or errno.EIO
        return 0

    @_recorded
    def bind(self, address: Any) -> None:
        """Give a standalone socket its own address; a connected one raises ``EINVAL``.

        Example::

            >>> sock = MockSocket()
            >>> sock.bind(("127.0.0.1", 5555))
            >>> sock.getsockname()
            ('127.0.0.1', 5555)
        """
        with _lock:
            self._check_open("bind()")
            if self._connected:
                raise _oserror(errno.EINVAL, self, "bind() of a connected socket")
            self._sockname = address

    @_recorded
    def shutdown(self, how: int) -> None:
        """Shut down reading (``SHUT_RD``), writing (``SHUT_WR``: the peer sees EOF), or both.

        Example::

            >>> import socket
            >>> a, b = socketpair()
            >>> a.sendall(b"last words"); a.shutdown(socket.SHUT_WR)
            >>> b.recv(100), b.recv(100)
            (b'last words', b'')
        """
        with _lock:
            self._check_open("shutdown()")
            if how not in (_SHUT_RD, _SHUT_WR, _SHUT_RDWR):
                raise _oserror(errno.EINVAL, self, f"shutdown({how!r})")
            peer = self._peer
            if how != _SHUT_WR and not self._shut_rd:
                self._shut_rd = True
                if peer is not None:
                    peer._changed()
            if how != _SHUT_RD and not self._shut_wr:
                self._shut_wr = True
                if peer is not None and peer._eof != _EOF:
                    peer._eof = _EOF
                    peer._changed()
            self._changed()

    def _on_close(self) -> None:
        unread = bool(self._inbuf)
        self._inbuf = bytearray()
        self._script = self._rest = None
        peer = self._peer
        if peer is None:
            return
        self._peer = peer._peer = None
        peer._eof = _EOF
        if unread and peer._error is None:
            # Closing with unread data resets the connection (the kernel does it for
            # TCP, where send sees it, and for AF_UNIX, where send sees a broken pipe).
            peer._error = ConnectionResetError(
                errno.ECONNRESET, f"Connection reset by peer ({self!r} closed with unread data)"
            )
            peer._error_sends = self._family != _AF_UNIX
        peer._changed()

    def _default_option(self, level: int, optname: int) -> Any:
        if level == socket.SOL_SOCKET and optname in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            return self._capacity
        return 0

    listen = _unsupported("MockSocket", "listen", errno.EOPNOTSUPP,
                          "a MockSocket is a connected stream; use ListenSocket")
    accept = _unsupported("MockSocket", "accept", errno.EINVAL,
                          "a MockSocket is not listening; use ListenSocket")
    sendto = _unsupported("MockSocket", "sendto", errno.EISCONN,
                          "a MockSocket is a connected stream")
    recvmsg = _unsupported("MockSocket", "recvmsg", errno.EOPNOTSUPP,
                           "not implemented in memory")
    recvmsg_into = _unsupported("MockSocket", "recvmsg_into", errno.EOPNOTSUPP,
                                "not implemented in memory")


def _check_capacity(capacity: int) -> int:
    if isinstance(capacity, bool) or not isinstance(capacity, int) or capacity < 1:
        raise ValueError(f"capacity must be a positive number of bytes, not {capacity!r}")
    return capacity


def _connected_pair(family: int, proto: int, seed: int | None, capacity: int | None,
                    ) -> tuple[MockSocket, MockSocket]:
    """Two connected sockets, without addresses (holding no lock)."""
    a = _RealSocket.__new__(MockSocket)
    b = _RealSocket.__new__(MockSocket)
    a._init_stream(family, capacity, seed)
    b._init_stream(family, capacity, None if seed is None else seed + 1)
    a._proto = b._proto = proto
    a._peer, b._peer = b, a
    a._connected = b._connected = True
    return a, b


def socketpair(
    family: int = socket.AF_UNIX, type: int = socket.SOCK_STREAM, proto: int = 0, *,
    seed: int | None = None, capacity: int | None = None,
) -> tuple[MockSocket, MockSocket]:
    """Two connected in-memory stream sockets, like :func:`socket.socketpair`.

    ``capacity`` is each socket's receive buffer: the send window of its
    peer (default :data:`DEFAULT_CAPACITY`).  With ``seed``, reads and
    writes are split at random places, reproducibly (the first socket uses
    ``seed``, the second ``seed + 1``).  ``AF_INET`` and ``AF_INET6`` pairs
    get made-up loopback addresses.

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
    a, b = _connected_pair(family, proto, seed, capacity)
    if family == _AF_UNIX:
        a._sockname = a._peername = b._sockname = b._peername = ""
    else:
        a._sockname = b._peername = _client_address(family)
        b._sockname = a._peername = _client_address(family)
    return a, b


# -- listening sockets ------------------------------------------------------------------------

_NEW, _BOUND, _LISTENING = range(3)


class ListenSocket(_Endpoint):
    """A listening socket: ``bind`` -> ``listen`` -> ``accept``, scripted or in memory.

    **In memory.**  :meth:`new_connection` connects a new client: its server
    end is what ``accept()`` returns next, and the listener is readable while
    connections wait.  ``address=`` creates the listener bound to that
    address and listening, ready for ``asyncio.start_server(sock=...)``; a
    server such as ``socketserver.TCPServer`` may also bind and listen it
    itself (with ``socket.socket`` patched to return it).

    **Scripted (mockselector 0.2).**  ``ListenSocket(accepted)``: ``accept()``
    returns the sockets of ``accepted`` in order (a callable that is not a
    Mock is called to make one), each with a distinct peer address; then the
    connections made with :meth:`new_connection`.  An iterator (a generator)
    is read lazily, one item per ``accept()``, so it may be endless.

    With nothing to accept, a non-blocking listener raises
    ``BlockingIOError`` (as asyncio and socketserver expect); a blocking one
    in memory waits for another thread, or raises
    :class:`~mockselector.Stalled` when none could connect; a blocking 0.2
    listener that never made a connection returns a fresh ``MockSocket()``.
    Misuse (listen before bind, accept before listen, bind twice, use after
    close) raises ``OSError``.  ``family`` defaults to that of ``address``:
    ``AF_UNIX`` for a path, ``AF_INET6`` for a 4-tuple, else ``AF_INET``.

    Example::

        >>> listener = ListenSocket(address=("127.0.0.1", 8080))
        >>> client = listener.new_connection()
        >>> server_end, address = listener.accept()
        >>> client.sendall(b"hi")
        >>> server_end.recv(1024), address == client.getsockname()
        (b'hi', True)

    A scripted listener whose script never ends::

        >>> import itertools
        >>> listener = ListenSocket(itertools.repeat(MockSocket))
        >>> listener.bind(("127.0.0.1", 80)); listener.listen()
        >>> listener
        <ListenSocket fd=... listening ('127.0.0.1', 80) 0+ waiting>
        >>> isinstance(listener.accept()[0], MockSocket)
        True
    """

    __slots__ = ("_backlog", "_in_memory", "_pending", "_scripted", "_scripted_rest", "_state")

    _raw_bind: ClassVar[Callable[..., Any]]
    _raw_listen: ClassVar[Callable[..., Any]]

    def __init__(
        self, accepted: Iterable[Any] | None = None, *, address: Any = None,
        family: int | None = None,
    ) -> None:
        if family is None:
            if isinstance(address, (str, bytes)):
                family = _AF_UNIX
            elif isinstance(address, tuple) and len(address) == 4:
                family = socket.AF_INET6
            else:
                family = socket.AF_INET
        self._init_endpoint(int(family))
        self._state = _NEW
        # The 0.2 script: what accept() returns next, and the rest of a script
        # given as an iterator, read lazily (it may be endless).
        self._scripted: deque[Any] = deque()
        self._scripted_rest: Iterator[Any] | None = None
        if isinstance(accepted, Sized):
            self._scripted.extend(accepted)
        elif accepted is not None:
            self._scripted_rest = iter(accepted)
        self._pending: deque[MockSocket] = deque()
        self._in_memory = False
        self._backlog = 0
        if family == _AF_UNIX:
            self._sockname = ""
        elif family == socket.AF_INET6:
            self._sockname = ("::", 0, 0, 0)
        else:
            self._sockname = ("0.0.0.0", 0)
        if address is not None:
            ListenSocket._raw_bind(self, address)
            ListenSocket._raw_listen(self)
            self._in_memory = True

    def __repr__(self) -> str:
        state = ("new", "bound", "listening")[self._state] if not self._dead else "closed"
        waiting = f"{len(self._pending) + len(self._scripted)}"
        if self._scripted_rest is not None:
            waiting += "+"
        return (f"<ListenSocket fd={int(self._fd)} {state} {self._sockname!r}"
                + (f" {waiting} waiting" if waiting != "0" and not self._dead else "") + ">")

    def _readiness(self) -> int:
        if self._dead or self._state != _LISTENING:
            return 0
        waiting = self._pending or self._scripted or self._scripted_rest is not None
        return EVENT_READ if waiting else 0

    @_recorded
    def bind(self, address: Any) -> None:
        """Bind to ``address``; port 0 picks a free made-up port.

        Example::

            >>> listener = ListenSocket()
            >>> listener.bind(("127.0.0.1", 0))
            >>> listener.getsockname()[1] > 0
            True
        """
        with _lock:
            self._check_open("bind()")
            if self._state != _NEW:
                raise _oserror(errno.EINVAL, self, "bind() of a socket already bound")
            if isinstance(address, tuple) and len(address) >= 2 and address[1] == 0:
                address = (address[0], _next_port(), *address[2:])
            self._sockname = address
            self._state = _BOUND

    @_recorded
    def listen(self, backlog: int = 128) -> None:
        """Start listening (again, when already listening, as asyncio does).

        Example::

            >>> listener = ListenSocket()
            >>> listener.listen()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument: listen() before bind() on <ListenSocket ...>
        """
        with _lock:
            self._check_open("listen()")
            if self._state == _NEW:
                raise _oserror(errno.EINVAL, self, "listen() before bind()")
            self._state = _LISTENING
            self._backlog = backlog
            self._changed()

    @_recorded
    def accept(self) -> tuple[Any, Any]:
        """Return ``(connection, address)``: the next scripted or in-memory connection.

        Example::

            >>> listener = ListenSocket(address=("127.0.0.1", 8080))
            >>> listener.setblocking(False)
            >>> listener.accept()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            BlockingIOError: [Errno 11] Resource temporarily unavailable...
        """
        deadline = None
        with _lock:
            while True:
                self._check_open("accept()")
                if self._state != _LISTENING:
                    raise _oserror(errno.EINVAL, self, "accept() before bind() and listen()")
                if not self._scripted and self._scripted_rest is not None:
                    item = next(self._scripted_rest, _END)
                    if item is _END:
                        self._scripted_rest = None
                        self._changed()
                    else:
                        self._scripted.append(item)
                if self._scripted:
                    connection = self._accept_scripted(self._scripted.popleft())
                    break
                if self._pending:
                    connection = self._pending.popleft()
                    break
                if not self._in_memory and self._timeout != 0.0:
                    connection = self._accept_scripted(None)
                    break
                deadline = self._block("accept()", deadline, EVENT_READ, "no connection is "
                                       "waiting (make one with new_connection())")
            self._changed()
        if isinstance(connection, MockSocket):
            return connection, connection._peername
        return connection, ("127.0.0.1", _next_port())

    def _accept_scripted(self, connection: Any) -> Any:
        if connection is None:
            connection = MockSocket()
        elif callable(connection) and not isinstance(connection, mock.Mock):
            connection = connection()
        if isinstance(connection, MockSocket) and not connection._connected:
            connection._sockname = _loopback(self._sockname)
            connection._peername = ("127.0.0.1", _next_port())
        return connection

    def new_connection(
        self, *, seed: int | None = None, capacity: int | None = None,
    ) -> MockSocket:
        """Connect a new in-memory client; return its end.

        The server end is what ``accept()`` returns next.  A listener that
        is not listening (or is closed) raises ``ConnectionRefusedError``.
        ``seed`` and ``capacity`` are those of :func:`socketpair`.

        Example::

            >>> listener = ListenSocket(address=("127.0.0.1", 8080))
            >>> client = listener.new_connection(seed=1)
            >>> client.getpeername(), client.seed
            (('127.0.0.1', 8080), 1)
        """
        with _lock:
            if self._dead or self._state != _LISTENING:
                raise ConnectionRefusedError(
                    errno.ECONNREFUSED, f"Connection refused: {self!r} is not listening"
                )
            client, server = _connected_pair(self._family, 0, seed, capacity)
            address = _loopback(self._sockname)
            client._peername = server._sockname = address
            client._sockname = server._peername = _client_address(self._family)
            self._pending.append(server)
            self._in_memory = True
            self._changed()
        return client

    def _on_close(self) -> None:
        # The kernel resets the connections nobody accepted.
        for server in self._pending:
            server.reset()
        self._pending.clear()

    @_recorded
    def getpeername(self) -> Any:
        """A listening socket has no peer: ``OSError(ENOTCONN)``.

        Example::

            >>> ListenSocket(address=("127.0.0.1", 80)).getpeername()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 107] Transport endpoint is not connected: getpeername() ...
        """
        self._check_open("getpeername()")
        raise _oserror(errno.ENOTCONN, self, "getpeername()")

    def connect_ex(self, address: Any) -> int:
        """A listening socket cannot connect: return ``EISCONN``.

        Example::

            >>> import errno
            >>> ListenSocket().connect_ex(("example.com", 80)) == errno.EISCONN
            True
        """
        return errno.EISCONN


# What a listening socket cannot do, as the kernel says it.
for _name, _code in (
    ("recv", errno.ENOTCONN), ("recv_into", errno.ENOTCONN), ("recvfrom", errno.ENOTCONN),
    ("recvfrom_into", errno.ENOTCONN), ("recvmsg", errno.ENOTCONN),
    ("recvmsg_into", errno.ENOTCONN), ("shutdown", errno.ENOTCONN), ("send", errno.EPIPE),
    ("sendall", errno.EPIPE), ("sendmsg", errno.EPIPE), ("sendto", errno.EPIPE),
    ("sendfile", errno.EPIPE), ("connect", errno.EISCONN),
):
    setattr(ListenSocket, _name, _unsupported("ListenSocket", _name, _code,
                                              "a listening socket is not connected"))
del _name, _code
