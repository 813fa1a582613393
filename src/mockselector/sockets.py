"""In-memory stream sockets that real servers and clients run on.

:func:`socketpair` makes two connected :class:`MockSocket` ends;
:meth:`ListenSocket.new_connection` connects a new client end to a listener.
Bytes go from one end's ``send`` into the other end's inbound buffer (a
pipe of the engine, :mod:`mockselector._pipe`), with the kernel's
semantics: partial sends when the peer's buffer (the send window,
``capacity``) is full, ``BlockingIOError`` on a non-blocking socket that
cannot proceed, EOF after ``shutdown(SHUT_WR)`` or ``close()``,
``OSError(EBADF)`` after ``close()``.  Each socket reports its readiness to
the :class:`~mockselector.TestSelector` objects that watch it, and a
blocking call that could never return raises :class:`~mockselector.Stalled`
instead of hanging.

A :class:`MockSocket` is also the mockselector 0.2 scripted socket:
``MockSocket([b"chunk", callable, ...])`` returns the chunks from ``recv``,
then EOF, and records its calls as the 0.2 Mock did
(``s.send.call_args_list``).  The ends of an in-memory connection keep no
record unless asked (``record=True``): what they hold is what is in flight.

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

import errno
import functools
import operator
import os
import random
import socket
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sized
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable, Union, cast
from unittest import mock

from . import _core, _expect
from ._core import Stalled
from ._pipe import DEFAULT_CAPACITY, Pipe, check_capacity, check_seed
from ._recording import (
    SEND,
    SENDALL,
    SENDMSG,
    Recorder,
    install,
    recorded,
    recorded_itself,
    recorder_of,
    uninstall,
)
from .descriptors import _socket_fd, _socket_number

__all__ = ["DEFAULT_CAPACITY", "ListenSocket", "MockSocket", "socketpair"]

# Captured at import: code under test may patch ``socket.socket``.
_RealSocket = socket.socket

# The longest timeout the kernel's socket module accepts (about 292 years).
_MAX_TIMEOUT = 9223372036.0

_acquire, _release = _core.acquire, _core.release
_state = _core.state
_BOTH = EVENT_READ | EVENT_WRITE
# Plain ints: operations on the IntFlag constants of ``socket`` are slow.
_MSG_PEEK = int(socket.MSG_PEEK)
_MSG_DONTWAIT = int(socket.MSG_DONTWAIT)
_MSG_WAITALL = int(socket.MSG_WAITALL)
_MSG_OOB = int(socket.MSG_OOB)
_MSG_TRUNC = int(socket.MSG_TRUNC)
_MSG_ERRQUEUE = int(getattr(socket, "MSG_ERRQUEUE", 0x2000))
_MSG_FASTOPEN = int(getattr(socket, "MSG_FASTOPEN", 0x20000000))
_MSG_CMSG_CLOEXEC = int(getattr(socket, "MSG_CMSG_CLOEXEC", 0x40000000))
_RECV_FLAGS = _MSG_PEEK | _MSG_DONTWAIT | _MSG_WAITALL
# The flags an in-memory stream acts on when receiving; the kernel ignores the others,
# but for MSG_OOB (no urgent data ever waits: EINVAL) and MSG_ERRQUEUE (TCP: the error
# queue is empty: EAGAIN).
_RECV_ACTED = _RECV_FLAGS | _MSG_OOB | _MSG_ERRQUEUE
# Send flags that change nothing in memory (no signal is ever raised; no batching).
_SEND_FLAGS = _MSG_DONTWAIT | int(getattr(socket, "MSG_NOSIGNAL", 0)) \
    | int(getattr(socket, "MSG_MORE", 0)) | int(getattr(socket, "MSG_EOR", 0))
_SHUT_RD, _SHUT_WR, _SHUT_RDWR = int(socket.SHUT_RD), int(socket.SHUT_WR), int(socket.SHUT_RDWR)
_AF_UNIX = int(socket.AF_UNIX)
_AF_UNIX_ENUM, _SOCK_STREAM_ENUM = socket.AF_UNIX, socket.SOCK_STREAM  # socketpair()'s defaults
_AF_INET6 = int(socket.AF_INET6)
_SOCK_STREAM = int(socket.SOCK_STREAM)
_SOL_SOCKET = int(socket.SOL_SOCKET)
_SOCK_NONBLOCK = int(getattr(socket, "SOCK_NONBLOCK", 0))
_SOCK_CLOEXEC = int(getattr(socket, "SOCK_CLOEXEC", 0))
_IPPROTO_TCP = int(socket.IPPROTO_TCP)
_IPPROTO_IP = int(socket.IPPROTO_IP)
_IPPROTO_IPV6 = int(socket.IPPROTO_IPV6)
_SO_TYPE, _SO_ERROR = int(socket.SO_TYPE), int(socket.SO_ERROR)
_SO_RCVBUF, _SO_SNDBUF = int(socket.SO_RCVBUF), int(socket.SO_SNDBUF)
_SO_PROTOCOL = int(getattr(socket, "SO_PROTOCOL", 38))
_SO_DOMAIN = int(getattr(socket, "SO_DOMAIN", 39))
_SO_ACCEPTCONN = int(getattr(socket, "SO_ACCEPTCONN", 30))
# The option numbers Linux knows at each level (a range is close enough: an unknown
# number is ENOPROTOOPT), and those it only reads (setting them: ENOPROTOOPT).
_KNOWN_OPTIONS = {_SOL_SOCKET: 80, _IPPROTO_TCP: 37, _IPPROTO_IP: 50, _IPPROTO_IPV6: 80}
_READ_ONLY = {(_SOL_SOCKET, _SO_TYPE), (_SOL_SOCKET, _SO_ERROR), (_SOL_SOCKET, 17),
              (_SOL_SOCKET, 28), (_SOL_SOCKET, _SO_ACCEPTCONN), (_SOL_SOCKET, 31),
              (_SOL_SOCKET, _SO_PROTOCOL), (_SOL_SOCKET, _SO_DOMAIN), (_IPPROTO_IP, 9),
              (_IPPROTO_IP, 14)}
# What SO_RCVBUF/SO_SNDBUF may become (Linux doubles the value, within these bounds).
_MIN_BUFFER, _MAX_BUFFER = 2304, 2 * 212992
# The kernel's defaults for a TCP connection's receive buffer (tcp_rmem).
_TCP_RCVBUF = 131072
_INT_MAX = 2**31 - 1
_SSIZE_MAX = sys.maxsize
_NO_FLAGS = 0

_Buffer = Union[bytes, bytearray, memoryview]

# EOF states of a MockSocket's inbound side: none; after the script (a 0.2
# socket's soft EOF, which feed() may still precede); delivered.
_NO_EOF, _EOF_SCRIPT, _EOF = range(3)
_END = object()  # the end of a script given as an iterator
_MISSING: Any = object()  # an argument not given (where None has a meaning of its own)


def _oserror(code: int, sock: Any, what: str) -> OSError:
    """An ``OSError`` (of the subclass that ``code`` maps to) naming the socket."""
    return OSError(code, f"{os.strerror(code)}: {what} on {sock!r}")


# -- addresses: made up in one place, per family -----------------------------------------------


def _family_of(address: Any) -> int:
    """The family an address belongs to: a path is AF_UNIX, a 4-tuple AF_INET6."""
    if isinstance(address, (str, bytes)):
        return _AF_UNIX
    if isinstance(address, tuple) and len(address) == 4:
        return _AF_INET6
    return int(socket.AF_INET)


def _any_address(family: int) -> Any:
    """What ``getsockname()`` of an unbound socket of ``family`` returns."""
    if family == _AF_UNIX:
        return ""
    if family == _AF_INET6:
        return ("::", 0, 0, 0)
    return ("0.0.0.0", 0)


def _loopback(family: int, port: int | None = None) -> Any:
    """A loopback address of ``family``, with a new ephemeral port unless ``port``."""
    if family == _AF_UNIX:
        return ""
    if port is None:
        port = _core.state.next_port()
    if family == _AF_INET6:
        return ("::1", port, 0, 0)
    return ("127.0.0.1", port)


def _reachable(address: Any) -> Any:
    """The address a local client connects to, for a listener bound to ``address``."""
    if isinstance(address, tuple) and address and address[0] in ("", "0.0.0.0", "::"):
        return ("::1" if address[0] == "::" else "127.0.0.1", *address[1:])
    return address


def _with_port(address: Any) -> Any:
    """``address``, with port 0 replaced by a free made-up port."""
    if isinstance(address, tuple) and len(address) >= 2 and address[1] == 0:
        return (address[0], _core.state.next_port(), *address[2:])
    return address


# -- arguments: parsed as the kernel's socket module parses them ------------------------------

_parsers: dict[int, socket.socket] = {}


def _parser(family: int) -> socket.socket:
    """A closed real socket of ``family``, to parse arguments with.

    Its C methods parse their arguments exactly as those of any real socket
    (types, ranges, the differences between Python versions), then fail with
    ``EBADF`` on its descriptor, -1: no system call ever reaches a real one.
    """
    parser = _parsers.get(family)
    if parser is None:
        try:
            parser = _RealSocket(family, _SOCK_STREAM)
        except OSError:  # a family this machine does not have
            parser = _RealSocket(_AF_UNIX, _SOCK_STREAM)
        parser.setblocking(True)  # a positive timeout would poll the closed descriptor
        parser.close()
        parser = _parsers.setdefault(family, parser)
    return parser


def _parse(method: Callable[..., Any], family: int, *args: Any) -> Any:
    """Parse ``args`` as the real ``method`` of a socket of ``family`` does (``TypeError``,
    ``OverflowError``, ``ValueError``, ``BufferError``); return what it returns when it
    answers without a system call (``recv(0)``), else ``None``."""
    try:
        return method(_parser(family), *args)
    except OSError as error:
        if error.errno != errno.EBADF:
            raise
        return None


def _probe_address(address: Any, family: int) -> Any:
    """``address`` with a numeric host in place of a name, so that parsing it never
    resolves a name for real (the network resolves it, when one is installed)."""
    if family != _AF_UNIX and isinstance(address, tuple) and address \
            and isinstance(address[0], (str, bytes, bytearray)):
        return ("::" if family == _AF_INET6 else "0.0.0.0", *address[1:])
    return address


def _parse_address(method: Callable[..., Any], family: int, *args: Any) -> None:
    """Parse the arguments of a call whose last one is an address of ``family``."""
    _parse(method, family, *args[:-1], _probe_address(args[-1], family))


def _unix_name(address: Any) -> Any:
    """An AF_UNIX name as ``getsockname()`` returns it: an abstract one (``"\\0..."``)
    as bytes, a path as a str."""
    name = os.fsencode(address) if isinstance(address, str) else bytes(address)
    return name if name.startswith(b"\0") else os.fsdecode(name)


def _outside_lock(func: Callable[[], Any]) -> Any:
    """Run user code (a script callable, a factory) with the library lock released."""
    _release()
    try:
        return func()
    finally:
        _acquire()


# -- the shared base --------------------------------------------------------------------------


class _Endpoint(_RealSocket, _core.Source):
    """What in-memory stream and listening sockets share: descriptor, timeout, options.

    Instances are made without running ``socket.socket.__init__``: the C
    socket underneath keeps fd -1, so no real descriptor is ever used.
    Attributes that most sockets never change are class defaults, set on an
    instance only when they change: creating a socket sets few.
    """

    __slots__ = ("__dict__", "_dead", "_events", "_family", "_fd", "_recorder", "_sockname",
                 "_timeout", "_watchers")

    # The descriptor's number until fileno() makes it a FileDescriptor (see fileno()).
    _fd: int
    _type = _SOCK_STREAM
    _proto = 0
    _options: dict[tuple[int, int], Any] | None = None

    def _init_endpoint(self, family: int, record: bool) -> None:
        self._closed = False
        self._io_refs = 0
        self._fd = _socket_number()
        self._sockname: Any = None
        self._watchers = ()
        self._events = 0
        self._dead = False
        self._timeout: float | None = _getdefaulttimeout()
        self._family = family
        self._recorder: Recorder | None = None
        if record:
            self._recorder = Recorder()
            install(self)

    # -- recording ------------------------------------------------------------------------

    @property
    def recording(self) -> bool:
        """Whether this socket records its calls (the 0.2 Mock API and :attr:`~MockSocket.sent`).

        On for a socket the test made itself (``MockSocket()``,
        ``ListenSocket()``); off for the ends of an in-memory connection
        unless made with ``record=True``.  Turning it on records the calls
        made from then on; turning it off forgets what was recorded.

        Example::

            >>> a, b = socketpair()
            >>> a.recording
            False
            >>> a.recording = True
            >>> a.sendall(b"x")
            >>> a.sendall.call_args_list, a.sent
            ([call(b'x')], b'x')
        """
        return self._recorder is not None

    @recording.setter
    def recording(self, on: bool) -> None:
        with _core.lock:
            if on and self._recorder is None:
                self._recorder = Recorder()
                install(self)
            elif not on and self._recorder is not None:
                self._recorder = None
                uninstall(self)
            self._pipes_changed()

    def _pipes_changed(self) -> None:
        """Recompute the fast-path flag of this socket's pipes (holding the lock)."""

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
        if self._dead:
            return -1
        fd = self._fd
        if type(fd) is int:
            fd = self._make_fd()
        return fd

    def _make_fd(self) -> int:
        # The FileDescriptor is made on first use, not with the socket: its number is
        # taken then, but a socket nobody selects on (most ends of most pairs) saves
        # the object, its __dict__ and the cycle through its source.
        with _core.lock:
            fd = self._fd
            if type(fd) is int:
                if self._dead:  # closed by another thread meanwhile
                    return -1
                fd = self._fd = _socket_fd(self, fd)
        return fd  # a FileDescriptor: made above, or by another thread

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
        """The socket type: ``SOCK_STREAM`` (``SOCK_DGRAM`` for a datagram socket).

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

    @recorded
    def setblocking(self, flag: bool, /) -> None:
        """Make the socket blocking (``True``) or non-blocking (``False``).

        Example::

            >>> sock = MockSocket(eof=False); sock.setblocking(False)
            >>> sock.recv(10)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            BlockingIOError: [Errno 11] Resource temporarily unavailable...
        """
        if flag is not True and flag is not False:
            # A C long before 3.12 (TypeError, OverflowError), any truth value since.
            _parse(_RealSocket.setblocking, self._family, flag)
            flag = bool(flag) if _SETBLOCKING_TAKES_ANY else bool(int(flag))
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

    @recorded
    def settimeout(self, value: float | None, /) -> None:
        """Set the timeout of blocking calls: ``None`` (none), 0 (non-blocking) or seconds.

        A blocking call raises ``TimeoutError`` (``socket.timeout``) at the
        timeout, as the kernel's, when nothing happened before.

        Example::

            >>> import socket
            >>> sock = MockSocket(eof=False); sock.settimeout(0.05)
            >>> try:
            ...     sock.recv(10)
            ... except socket.timeout as error:
            ...     print(error)
            timed out
        """
        timeout = _check_timeout(value)
        self._check_open("settimeout()")
        self._timeout = timeout

    @recorded
    def gettimeout(self) -> float | None:
        """The timeout: ``None`` when blocking without one, 0.0 when non-blocking.

        Example::

            >>> sock = MockSocket(); sock.setblocking(False)
            >>> sock.gettimeout()
            0.0
        """
        return self._timeout

    @recorded
    def getsockname(self) -> Any:
        """The socket's own address (made up, or what it was bound to).

        Example::

            >>> socketpair()[0].getsockname()
            ''
        """
        self._check_open("getsockname()")
        return self._sockname

    @recorded
    def setsockopt(self, level: int, optname: int, value: Any, optlen: Any = _MISSING, /
                   ) -> None:
        """Record an option; :meth:`getsockopt` returns it.

        Arguments, levels and options are checked as the kernel checks them
        (``ENOPROTOOPT`` for an unknown option, ``EOPNOTSUPP`` or
        ``ENOPROTOOPT`` for an unknown level, ``EINVAL`` for a value shorter
        than an int, ``EFAULT`` for the ``(level, optname, None, optlen)``
        form).  ``SO_RCVBUF`` (doubled, as Linux does) also sets the receive
        buffer, the peer's send window.

        Example::

            >>> import socket
            >>> sock = MockSocket()
            >>> sock.setsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)
            >>> sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE)
            1
        """
        if optlen is _MISSING:
            _parse(_RealSocket.setsockopt, self._family, level, optname, value)
            size = 4 if isinstance(value, int) else memoryview(value).nbytes
        else:
            _parse(_RealSocket.setsockopt, self._family, level, optname, value, optlen)
            size = int(optlen)
        level, optname = int(level), int(optname)
        self._check_open("setsockopt()")
        self._check_option(level, optname, "setsockopt()")
        if level == _IPPROTO_IP and (level, optname) in _READ_ONLY:
            raise _oserror(errno.ENOPROTOOPT, self, f"setsockopt({level}, {optname})")
        if size < 4 or size > _INT_MAX:
            raise _oserror(errno.EINVAL, self, f"setsockopt() of {size} bytes")
        if optlen is not _MISSING:
            raise _oserror(errno.EFAULT, self, "setsockopt() without a value")
        if (level, optname) in _READ_ONLY or not self._knows_option(level, optname):
            raise _oserror(errno.ENOPROTOOPT, self, f"setsockopt({level}, {optname})")
        if not isinstance(value, int):
            value = int.from_bytes(memoryview(value).cast("B")[:4], sys.byteorder, signed=True)
        if level == _SOL_SOCKET and optname in (_SO_RCVBUF, _SO_SNDBUF) \
                and self._type == _SOCK_STREAM:
            value = min(max(2 * value, _MIN_BUFFER), _MAX_BUFFER)
        with _core.lock:
            if self._options is None:
                self._options = {}
            self._options[level, optname] = value
            self._option_set(level, optname, value)

    def _option_set(self, level: int, optname: int, value: Any) -> None:
        """React to an option just set (holding the lock)."""

    def _check_option(self, level: int, optname: int, what: str) -> None:
        """The kernel's answer to an unknown level: none on SOL_SOCKET; on AF_UNIX
        ``EOPNOTSUPP`` for any other; on TCP ``EOPNOTSUPP`` from getsockopt and
        ``ENOPROTOOPT`` from setsockopt."""
        if level == _SOL_SOCKET or self._type != _SOCK_STREAM:
            return
        if self._family == _AF_UNIX or (level not in _KNOWN_OPTIONS
                                        and what.startswith("get")):
            raise _oserror(errno.EOPNOTSUPP, self, f"{what} at level {level}")
        if level not in _KNOWN_OPTIONS:
            raise _oserror(errno.ENOPROTOOPT, self, f"{what} at level {level}")

    def _knows_option(self, level: int, optname: int) -> bool:
        """Whether the kernel knows option ``optname`` of ``level`` (stream sockets)."""
        if self._type != _SOCK_STREAM:
            return True
        return 0 < optname <= _KNOWN_OPTIONS.get(level, 0)

    @recorded
    def getsockopt(self, level: int, optname: int, buflen: Any = _MISSING, /) -> Any:
        """An option's value: what was set, else a default like the kernel's.

        ``SO_ERROR`` returns and clears the pending error (0 when none),
        ``SO_TYPE`` the type, ``SO_RCVBUF``/``SO_SNDBUF`` the buffer sizes.
        With ``buflen`` (1 to 1024), the value's bytes, as many as fit.

        Example::

            >>> import socket
            >>> MockSocket().getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            0
        """
        if buflen is _MISSING:
            _parse(_RealSocket.getsockopt, self._family, level, optname)
            buflen = 0
        else:
            _parse(_RealSocket.getsockopt, self._family, level, optname, buflen)
        level, optname, buflen = int(level), int(optname), int(buflen)
        self._check_open("getsockopt()")
        self._check_option(level, optname, "getsockopt()")
        if not self._knows_option(level, optname):
            raise _oserror(errno.ENOPROTOOPT, self, f"getsockopt({level}, {optname})")
        if level == _SOL_SOCKET and optname == _SO_ERROR:
            value = self._take_so_error()
        elif level == _SOL_SOCKET and optname == _SO_TYPE:
            value = self._type
        elif level == _SOL_SOCKET and optname == _SO_PROTOCOL:
            value = self._proto
        elif level == _SOL_SOCKET and optname == _SO_DOMAIN:
            value = self._family
        else:
            options = self._options or {}
            value = options.get((level, optname), self._default_option(level, optname))
        if buflen and isinstance(value, int):
            return value.to_bytes(4, sys.byteorder, signed=True)[:buflen]
        return value

    def _default_option(self, level: int, optname: int) -> Any:
        return 0

    def _take_so_error(self) -> int:
        return 0

    @recorded
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
        with _core.lock:
            if self._dead:
                return
            self._dead = True
            self._closed = True
            self._on_close()
            self._changed()
            # Break the reference cycle, so that a closed socket is freed as soon as
            # it is unused: its descriptor refers to it (as its source).  (A recording
            # socket's Mock face refers to it too, and keeps serving the Mock API.)
            self._fd = int(self._fd)

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
        self._check_open("detach()")
        raise _oserror(errno.EOPNOTSUPP, self, "detach() (an in-memory socket has no real fd)")

    def dup(self) -> Any:
        """Not possible: an in-memory socket has no real descriptor to duplicate.

        Example::

            >>> MockSocket().dup()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 95] Operation not supported: dup() ...
        """
        self._check_open("dup()")
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
        if inheritable is not True and inheritable is not False:
            _parse(_RealSocket.set_inheritable, self._family, inheritable)  # a C int
        self._check_open("set_inheritable()")

    def __getstate__(self) -> Any:
        raise TypeError(f"cannot pickle {type(self).__name__} object")

    # -- blocking -------------------------------------------------------------------------

    #: How long (seconds) a blocking call without timeout on this socket waits
    #: while another thread could still act but nothing makes progress, before
    #: it raises :class:`~mockselector.Stalled`; ``None``: the process-wide
    #: patience (see :func:`mockselector.set_patience`).
    patience: float | None = None

    def _block(self, what: str, deadline: float | None, could_proceed: Callable[[], bool],
               why: str) -> float:
        """Wait (holding the lock) until ``could_proceed()``, or raise.

        A non-blocking socket raises ``BlockingIOError``.  A blocking one
        waits for another thread to change something (the core's one waiting
        policy): under a timeout, until the event or the deadline, then
        ``socket.timeout``; without one, :class:`Stalled` when no other
        thread could ever end the wait, or after the patience without progress.
        Returns the deadline to pass to the next call for the same operation.
        """
        timeout = self._timeout
        if timeout == 0.0:
            raise BlockingIOError(
                errno.EAGAIN, f"Resource temporarily unavailable: {what} on {self!r} would block"
            )
        if deadline is None:
            deadline = _NO_DEADLINE if timeout is None else time.monotonic() + timeout
        if not _core.block(self, could_proceed, None if deadline == _NO_DEADLINE else deadline,
                           self.patience, functools.partial(self._stalled, what, why)):
            raise socket.timeout("timed out")
        return deadline

    def _stalled(self, what: str, why: str, reason: str) -> Stalled:
        return Stalled(
            f"{self!r}: a blocking {what} would wait forever: {why}{self._stall_detail()}, "
            f"and {reason}.\nFeed the socket (feed(), feed_eof(), or send from its peer) "
            "before this call, run the peer in another thread, or make the socket "
            "non-blocking.",
            waiter=self, waiting_for=why, where=what,
        )

    def _stall_detail(self) -> str:
        """What else a stall report should say about this socket."""
        return ""


_NO_DEADLINE = float("inf")

# setblocking() takes any truth value from Python 3.12 on, a C long before.
_SETBLOCKING_TAKES_ANY = sys.version_info >= (3, 12)


# The timeout a new socket starts with, as the kernel's: socket.getdefaulttimeout().
_getdefaulttimeout = socket.getdefaulttimeout


def _check_timeout(value: Any) -> float | None:
    """A timeout as ``settimeout`` takes it, or the kernel's ``TypeError``/``ValueError``."""
    if value is None:
        return None
    if not isinstance(value, (int, float)):
        raise TypeError(f"Timeout value must be int, float or None, not {type(value).__name__}")
    if isinstance(value, int) and value > _MAX_TIMEOUT:
        raise OverflowError("timestamp too large to convert to C _PyTime_t")
    seconds = float(value)
    if seconds != seconds:
        raise ValueError("Invalid value NaN (not a number)")
    if seconds > _MAX_TIMEOUT or seconds < -_MAX_TIMEOUT:
        raise OverflowError("timestamp out of range for platform time_t")
    if seconds < 0:
        raise ValueError("Timeout value out of range")
    return seconds + 0.0  # -0.0 -> 0.0


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
    :class:`~mockselector.FileDescriptor`, and a standalone socket records
    its calls as the 0.2 Mock did: ``sock.send.call_args_list``,
    ``sock.recv.call_count``, ``sock.close.assert_called_once_with()``
    (``record=False`` turns that off; see :attr:`recording`).  Setting
    ``side_effect`` or ``return_value`` on a method replaces it, for this
    socket, by a Mock that wraps it.  ``send`` returns the number of bytes
    accepted and ``sendall`` returns ``None``, like a real socket.  Script
    callables, and Mock side effects, run without any library lock held:
    they may wait for other threads doing in-memory I/O.

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

    __slots__ = ("_connected", "_in", "_out", "_peer", "_peername")

    _peer: MockSocket | None
    _in: Pipe
    _out: Pipe
    _peername: Any
    _connected: bool
    # Cold state: class defaults, set on the instance when they change.
    _eof = _NO_EOF
    _error: OSError | None = None
    _error_sends = True
    _shut_rd = False
    _shut_wr = False
    _seed: int | None = None
    _rng: random.Random | None = None
    _rest: Iterator[Any] | None = None  # the rest of a script given as an iterator

    def __init__(
        self, recvs: Iterable[Any] | None = None, *, eof: bool = True,
        seed: int | None = None, capacity: int | None = None,
        family: int = socket.AF_INET, record: bool = True,
    ) -> None:
        if isinstance(recvs, (bytes, bytearray, memoryview, str)):
            raise TypeError(
                f"MockSocket(recvs): recvs is a sequence of chunks for recv() to return, "
                f"not one {type(recvs).__name__}: write MockSocket([{recvs!r}])"
            )
        self._init_stream(int(family), capacity, seed, record)
        self._in = pipe = Pipe(self._capacity_of(capacity), self, None)
        self._out = Pipe(DEFAULT_CAPACITY, None, self)
        self._out.write_rng = self._rng
        pipe.read_rng = self._rng
        if isinstance(recvs, Sized):
            if len(recvs):
                pipe.script = deque(recvs)
        elif recvs is not None:
            pipe.script = deque()
            self._rest = iter(recvs)
        if eof:
            self._eof = _EOF_SCRIPT
            pipe.eof = True
        self._pipes_changed()
        self._sockname = _loopback(self._family)
        self._peername = _reachable(_loopback(self._family))

    def _init_stream(self, family: int, capacity: int | None, seed: int | None,
                     record: bool) -> None:
        self._init_endpoint(family, record)
        self._peer = None
        self._peername = None
        self._connected = False
        if capacity is not None:
            check_capacity(capacity)
        if check_seed(seed) is not None:
            self._seed = seed
            self._rng = random.Random(seed)

    @staticmethod
    def _capacity_of(capacity: int | None) -> int:
        return DEFAULT_CAPACITY if capacity is None else capacity

    def __repr__(self) -> str:
        parts = [f"fd={int(self._fd)}"]
        if self._dead:
            parts.append("closed")
        if self._sockname:
            parts.append(f"{self._sockname!r}")
        if self._peer is not None:
            peer = f" {self._peername!r}" if self._peername else ""
            parts.append(f"peer fd={int(self._peer._fd)}{peer}")
        elif self._connected:
            parts.append("peer gone")
        if self._seed is not None:
            parts.append(f"seed={self._seed}")
        inbound = self._in.buf
        if inbound:
            parts.append(f"{len(inbound)} bytes buffered")
        outbound = self._out.buf if self._peer is not None else None
        if outbound:
            parts.append(f"{len(outbound)} bytes unread by the peer")
        script = self._in.script
        if script is not None:
            more = "+" if self._rest is not None else ""
            parts.append(f"{len(script)}{more} scripted")
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
        out = self._out
        if len(out.buf) + out.flight < out.capacity or out.reader is None:
            events = EVENT_WRITE
        elif self._shut_wr and self._family != _AF_UNIX:
            events = EVENT_WRITE  # TCP reports a socket shut for writing writable
        elif (self._shut_wr or out.reader_gone) and (self._shut_rd or self._in.eof):
            events = EVENT_WRITE  # shut both ways: the kernel reports a hang-up
        else:
            events = 0  # AF_UNIX: a full window, even when send would raise EPIPE
        pipe = self._in
        if pipe.buf or (self._eof and not pipe.transit) or self._shut_rd \
                or pipe.script is not None:
            events |= EVENT_READ  # (EOF once nothing is in flight on a network link)
        return events

    def _stall_detail(self) -> str:
        unread = len(self._out.buf) if self._peer is not None else 0
        if unread:
            return (f" ({unread} bytes it sent are unread by the peer: the peer never read "
                    "them)")
        return ""

    def _can_read(self) -> bool:
        return self._dead or bool(self._readiness() & EVENT_READ)

    def _can_send(self) -> bool:
        # send raises at once once the way is shut, even when the window is full.
        out = self._out
        return (self._dead or self._error is not None or self._shut_wr or out.reader_gone
                or out.reader is None or len(out.buf) + out.flight < out.capacity)

    def _set_error(self, error: OSError | None, sends: bool = True) -> None:
        """Set (or clear) the pending error (holding the lock)."""
        self._error = error
        self._error_sends = sends
        self._pipes_changed()
        self._changed()

    def _pipes_changed(self) -> None:
        # A pipe takes the slow path while an end has a pending error or records.
        for pipe in (self._in, self._out):
            pipe.fault = any(end is not None and (end._error is not None
                                                  or end._recorder is not None)
                             for end in (pipe.reader, pipe.writer))
            pipe.refresh()

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
        data = _bytes_of(data, "feed()")
        with _core.lock:
            self._check_open("feed()")
            if self._eof == _EOF:
                raise ValueError(
                    f"{self!r} already has EOF: data fed after it would never be read "
                    "(feed before feed_eof(), or create the socket with eof=False)"
                )
            pipe = self._in
            if self._rest is not None:
                self._rest = _chain(self._rest, data)
            elif pipe.script is not None:
                pipe.script.append(data)
            else:
                pipe.feed(data)
            self._changed()

    def feed_eof(self) -> None:
        """Deliver EOF: once what is buffered is read, ``recv`` returns ``b""``.

        Example::

            >>> sock = MockSocket(eof=False)
            >>> sock.feed(b"bye"); sock.feed_eof()
            >>> sock.recv(1024), sock.recv(1024)
            (b'bye', b'')
        """
        with _core.lock:
            self._check_open("feed_eof()")
            self._eof = _EOF
            self._in.end()
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
        with _core.lock:
            self._check_open("reset()")
            peer = self._peer
            target = self if peer is None else peer
            target._set_error(ConnectionResetError(
                errno.ECONNRESET, f"Connection reset by peer (reset() of {self!r})"
            ))
            target._peername = None
            if peer is None:
                return
            self._peer = peer._peer = None
            self._real_close()

    @property
    def sent(self) -> bytes:
        """All the bytes the code sent through this socket, in order, while it records.

        A socket that does not record (the ends of an in-memory connection,
        unless made with ``record=True``) keeps no copy of what it sends:
        reading ``sent`` then raises ``RuntimeError`` saying how to record.

        Example::

            >>> sock = MockSocket()
            >>> sock.sendall(b"a"); sock.send(b"bc")
            2
            >>> sock.sent
            b'abc'
        """
        with _core.lock:
            return bytes(recorder_of(self).sent)

    def expect_sent(self, data: _Buffer, *more: _Buffer) -> _expect.Expectation:
        """Expect the code to send ``data`` (then each of ``more``) on this socket, in order.

        However the code splits its writes, each byte it sends is compared
        with the expected byte at the same offset; the first one that
        differs, or a byte beyond the expected ones, makes that write raise
        :class:`~mockselector.UnexpectedWrite` (showing the offset, and the
        expected and sent bytes around it) and not happen.  Calling it
        again expects more bytes after those.  Returns the
        :class:`~mockselector.Expectation`: its :meth:`~Expectation.verify`
        raises the failure again, or says which expected bytes were never
        sent.  Made while a :class:`~mockselector.Network` is active, it is
        verified at the network's exit too.  A socket of a network must be
        connected first (for the sockets the code makes, see
        :meth:`Network.expect_sent`).

        Example::

            >>> a, b = socketpair()
            >>> expectation = a.expect_sent(b"GET / HTTP/1.0\\r\\n\\r\\n")
            >>> for byte in b"GET / HTTP/1.0\\r\\n\\r\\n":
            ...     a.sendall(bytes([byte]))         # any split passes
            >>> expectation.verify()
            >>> a.sendall(b"more")
            Traceback (most recent call last):
            ...
            mockselector._expect.UnexpectedWrite: <MockSocket ...> sent more than expected: 4 bytes
            from offset 18, after all 18 expected bytes:
              expected: "GET / HTTP/1.0\\r\\n\\r\\n"  (the end of the expected bytes)
              sent:     "GET / HTTP/1.0\\r\\n\\r\\nmore"
                                           ^
        """
        return _expect.expect_on(self, data, more)

    # -- receiving --------------------------------------------------------------------------

    def _take_error(self) -> OSError:
        error = self._error
        assert error is not None
        if isinstance(error, (ConnectionResetError, BrokenPipeError)):
            # After a reset, reads see EOF and writes a broken pipe, as with the kernel.
            self._eof = _EOF
            self._in.end()
            self._shut_write()
        self._set_error(None)
        return error

    def _take_so_error(self) -> int:
        with _core.lock:
            if self._error is None:
                return 0
            return self._take_error().errno or 0

    def _take(self, size: int, peek: bool) -> bytes | None:
        """Up to ``size`` bytes of what waits, or ``None`` when nothing does (holding the lock).

        Script items (callables, the next item of an iterator) are user code:
        they run with the lock released.
        """
        pipe = self._in
        while pipe.script is not None:
            script = pipe.script
            if not script:
                rest = self._rest
                if rest is not None:
                    item = _outside_lock(functools.partial(next, rest, _END))
                    if item is _END:
                        if self._rest is rest:
                            self._rest = None
                    else:
                        script.append(item)
                    continue
                pipe.script = None  # the script is over: read the buffer
                pipe.refresh()
                self._changed()
                break
            head = script[0]
            if callable(head):
                script.popleft()
                result = _outside_lock(head)
                script.appendleft(b"" if result is None else _bytes_of(result, "a script item"))
                continue
            if not isinstance(head, bytes):
                head = script[0] = _bytes_of(head, "a script item")
            if head and pipe.read_rng is not None:
                size = pipe.read_rng.randint(1, min(size, len(head)))
            chunk = head[:size]
            if not peek:
                if len(head) > size:
                    script[0] = head[size:]
                else:
                    script.popleft()
                    if not script and self._rest is None:
                        pipe.script = None
                        pipe.refresh()
                        self._changed()
            return chunk
        return pipe.read(size, peek)

    @recorded_itself
    def recv(self, bufsize: int, flags: int = 0, /) -> bytes:
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
        _acquire()  # not ``with``: half the cost, on the hottest path
        try:
            pipe = self._in
            buf = pipe.buf
            # The fast path: bytes are buffered, the pipe is plain (no recording
            # either), no flags.
            # (``flags is _NO_FLAGS``: the int 0 itself, which CPython shares; another
            # zero, or a falsy object that is no flags at all, takes the slow path.)
            # (The bound is a C ssize_t on 64 bits: beyond it, the slow path raises
            # OverflowError.)
            if buf and pipe.plain and flags is _NO_FLAGS and type(bufsize) is int \
                    and 0 < bufsize <= 0x7FFFFFFFFFFFFFFF:
                held = len(buf)
                if bufsize >= held:
                    data = bytes(buf)
                    buf.clear()
                    watchers = self._watchers
                    if watchers:  # no longer readable: _set_events(), inlined
                        events = self._events & ~EVENT_READ
                        if events != self._events:
                            self._events = events
                            for ready, slot, entries in watchers:
                                entry = entries[events]
                                if entry is not None:
                                    ready[slot] = entry
                                else:
                                    ready.pop(slot, None)
                    if _state.waiters:
                        _core.notify()
                else:
                    data = bytes(buf[:bufsize])
                    del buf[:bufsize]
                if held >= pipe.capacity and pipe.writer is not None:
                    pipe.writer._changed()  # the window had been full: the writer may send
                return data
            if self._recorder is not None:
                self._recorder.record("recv", (bufsize, flags) if flags else (bufsize,), {})
            return self._recv(bufsize, flags)
        finally:
            _release()

    def _recv(self, bufsize: Any, flags: Any, what: str = "recv()", waits: bool = False
              ) -> bytes:
        """Receive (holding the lock): ``recv()``'s arguments are parsed here.

        ``waits``: a read of 0 bytes still waits for something to read, as
        ``recvfrom()`` and ``recvmsg()`` do (``recv(0)`` returns at once).
        """
        if type(bufsize) is not int or type(flags) is not int or bufsize < 0 \
                or bufsize > _SSIZE_MAX or not -_INT_MAX - 1 <= flags <= _INT_MAX:
            _parse(_RealSocket.recvfrom, self._family, bufsize, flags)
            bufsize, flags = int(bufsize), int(flags)
        if flags & ~_RECV_FLAGS:
            self._unusual_recv_flags(flags, what)
            flags &= _RECV_FLAGS
        peek = bool(flags & _MSG_PEEK)
        dontwait = flags & _MSG_DONTWAIT and not self._timeout
        if flags & _MSG_WAITALL and not peek and self._timeout != 0.0 and not dontwait:
            return self._recv_all(bufsize, flags & ~_MSG_WAITALL)
        if bufsize == 0 and not waits:
            return b""  # at once, without looking at the socket (even once closed)
        deadline = None
        while True:
            self._check_open(what)
            if bufsize == 0 and self._can_read():
                return b""
            data = self._take(bufsize, peek) if bufsize else None
            if data is not None:
                return data
            error = self._error
            if error is not None:
                if isinstance(error, BrokenPipeError) and self._family != _AF_UNIX:
                    return b""  # TCP: a reset after the peer's FIN; the FIN reads first
                raise self._take_error()
            if ((self._eof or self._in.eof) and not self._in.transit) or self._shut_rd:
                return b""
            if dontwait:
                # Python polls first when the socket has a timeout: only a blocking one
                # (or a non-blocking one) sees EAGAIN at once.
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            deadline = self._block(what, deadline, self._can_read,
                                   "nothing is buffered and the peer has not closed")

    def _unusual_recv_flags(self, flags: int, what: str) -> None:
        """Raise what the kernel raises for receive flags beyond those acted on."""
        self._check_open(what)
        if flags & _MSG_ERRQUEUE and self._family != _AF_UNIX:
            # TCP's error queue is empty: EAGAIN, which Python retries until the timeout.
            if self._timeout:
                self._block(what, None, lambda: self._dead, "the error queue stays empty")
            raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
        if flags & _MSG_OOB:
            raise _oserror(errno.EINVAL, self, f"{what} with MSG_OOB (no urgent data waits)")

    def _recv_all(self, bufsize: int, flags: int) -> bytes:
        """``recv(bufsize, MSG_WAITALL)``: wait for ``bufsize`` bytes, or EOF (holding the lock)."""
        chunks = bytearray()
        while len(chunks) < bufsize:
            try:
                data = self._recv(bufsize - len(chunks), flags)
            except (OSError, Stalled):
                if chunks:
                    break  # what arrived is returned; the error comes next time
                raise
            if not data:
                break
            chunks += data
        return bytes(chunks)

    @recorded_itself
    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receive into ``buffer`` (up to ``nbytes``, or its size); return the count.

        Example::

            >>> buf = bytearray(4)
            >>> MockSocket([b"hi"]).recv_into(buf), buf
            (2, bytearray(b'hi\\x00\\x00'))
        """
        return self._recv_into(buffer, nbytes, flags, "recv_into()")

    def _recv_into(self, buffer: Any, nbytes: Any, flags: Any, what: str) -> int:
        if type(buffer) is bytearray and type(nbytes) is int and type(flags) is int \
                and 0 <= nbytes <= len(buffer) and 0 <= flags <= _INT_MAX and buffer:
            view = memoryview(buffer)  # the common case, known good: parsed by hand
        else:
            if _parse(_RealSocket.recv_into, self._family, buffer, nbytes, flags) == 0 \
                    and what == "recv_into()":
                return 0  # an empty read returns at once, without looking at the socket
            view = memoryview(buffer).cast("B")
            nbytes, flags = int(nbytes), int(flags)
        size = nbytes or len(view)
        with _core.lock:
            if self._recorder is not None:
                self._recorder.record("recv_into", (buffer, nbytes, flags)
                                      if flags else (buffer, nbytes) if nbytes else (buffer,),
                                      {})
            data = self._recv(size, flags, what, waits=True)
        count = len(data)
        view[:count] = data
        return count

    def recvfrom(self, bufsize: int, flags: int = 0, /) -> tuple[bytes, Any]:
        """``(recv(bufsize, flags), None)``: a connected stream has no sender address.

        Example::

            >>> MockSocket([b"hi"]).recvfrom(10)
            (b'hi', None)
        """
        if bufsize == 0 or self._recorder is not None:
            with _core.lock:
                if self._recorder is not None:
                    self._recorder.record("recv", (bufsize, flags) if flags else (bufsize,),
                                          {})
                return self._recv(bufsize, flags, "recvfrom()", waits=True), None
        return self.recv(bufsize, flags), None

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        """``(recv_into(buffer, nbytes, flags), None)``.

        Example::

            >>> MockSocket([b"hi"]).recvfrom_into(bytearray(4))
            (2, None)
        """
        return self._recv_into(buffer, nbytes, flags, "recvfrom_into()"), None

    def recvmsg(self, bufsize: int, ancbufsize: int = 0, flags: int = 0, /
                ) -> tuple[bytes, list[Any], int, Any]:
        """``(data, [], msg_flags, None)``: no ancillary data ever comes in memory.

        ``msg_flags`` holds ``MSG_CMSG_CLOEXEC`` when ``flags`` does, as the
        kernel echoes it.

        Example::

            >>> MockSocket([b"hi"]).recvmsg(10)
            (b'hi', [], 0, None)
        """
        _parse(_RealSocket.recvmsg, self._family, bufsize, ancbufsize, flags)
        flags = int(flags)
        with _core.lock:
            data = self._recv(int(bufsize), flags, "recvmsg()", waits=True)
        return data, [], flags & _MSG_CMSG_CLOEXEC, None

    def recvmsg_into(self, buffers: Iterable[Any], ancbufsize: int = 0, flags: int = 0, /
                     ) -> tuple[int, list[Any], int, Any]:
        """Receive into the ``buffers`` in turn: ``(count, [], msg_flags, None)``.

        Example::

            >>> first, second = bytearray(1), bytearray(4)
            >>> MockSocket([b"hi"]).recvmsg_into([first, second]), first, second
            ((2, [], 0, None), bytearray(b'h'), bytearray(b'i\\x00\\x00\\x00'))
        """
        if not isinstance(buffers, (list, tuple)):
            buffers = list(buffers)  # parsed twice: an iterator would be used up
        _parse(_RealSocket.recvmsg_into, self._family, buffers, ancbufsize, flags)
        flags = int(flags)
        views = [memoryview(buffer).cast("B") for buffer in buffers]
        with _core.lock:
            data = self._recv(sum(len(view) for view in views), flags, "recvmsg_into()",
                              waits=True)
        start = 0
        for view in views:
            part = data[start:start + len(view)]
            view[:len(part)] = part
            start += len(part)
        return len(data), [], flags & _MSG_CMSG_CLOEXEC, None

    # -- sending ----------------------------------------------------------------------------

    def _send_some(self, data: memoryview, what: str, deadline: float | None
                   ) -> tuple[int, float | None]:
        """Send a prefix of ``data``, waiting for room if blocking (holding the lock)."""
        out = self._out
        while True:
            self._check_open(what)
            if self._error is not None and self._error_sends:
                raise self._take_error()
            if self._shut_wr:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r} after "
                                      "shutdown(SHUT_WR) or a reset")
            if out.reader_gone and self._family != _AF_UNIX:
                # TCP: a send after the peer closed goes out; the reset that answers
                # it closes the connection: the next send raises EPIPE, SO_ERROR reads
                # it, recv() sees EOF.  (Nothing goes out of an empty send.)
                if data:
                    self._set_error(BrokenPipeError(
                        errno.EPIPE, f"Broken pipe: the peer of {self!r} had closed"))
                return len(data), deadline
            if out.reader_gone:
                raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r}, whose "
                                      "peer is closed or did shutdown(SHUT_RD)")
            if not data:
                return 0, deadline
            if out.room() > 0:
                return out.write(data), deadline
            deadline = self._block(what, deadline, self._can_send,
                                   f"the peer's buffer is full (capacity {out.capacity} bytes) "
                                   "and nothing reads it")

    @recorded_itself
    def send(self, data: _Buffer, flags: int = 0, /) -> int:
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
        _acquire()  # not ``with``: half the cost, on the hottest path
        try:
            out = self._out
            # The fast path: all of ``data`` fits in a plain pipe (no recording either),
            # no flags.
            if type(data) is bytes and out.plain and flags is _NO_FLAGS:
                count = len(data)
                buf = out.buf
                held = len(buf)
                if 0 < count <= out.capacity - held:
                    buf += data
                    if not held:  # readable now: tell its selectors, wake its readers
                        peer = out.reader
                        watchers = peer._watchers
                        # _set_events(), inlined: a call costs more than the update.
                        if watchers and not peer._events & EVENT_READ:
                            events = peer._events = peer._events | EVENT_READ
                            for ready, slot, entries in watchers:
                                entry = entries[events]
                                if entry is not None:
                                    ready[slot] = entry
                                    if _state.sleepers:
                                        _core.poke(ready)
                                else:
                                    ready.pop(slot, None)
                        if _state.waiters:
                            _core.notify()
                    if held + count >= out.capacity and self._watchers:
                        self._changed()  # no longer writable
                    return count
            view = _view_of(data)
            flags = self._send_flags(view, flags, "send()")
            recorder = self._recorder
            timeout = self._timeout
            if flags & _MSG_DONTWAIT:
                self._timeout = 0.0
            try:
                count, _ = self._send_some(view, "send()", None)
            except BaseException:
                if recorder is not None:
                    recorder.log_send(SEND, b"", view, flags)
                # The traceback keeps this frame: its view must not keep the caller's
                # buffer exported (asyncio clears its bytearray when send() fails).
                view.release()
                raise
            finally:
                self._timeout = timeout
            if recorder is not None:
                recorder.log_send(SEND, view[:count], view[count:], flags)
            return count
        finally:
            _release()

    @recorded_itself
    def sendall(self, data: _Buffer, flags: int = 0, /) -> None:
        """Send all of ``data``, waiting for room if blocking; return ``None``.

        Example::

            >>> a, b = socketpair()
            >>> a.sendall(b"all of it"), b.recv(100)
            (None, b'all of it')
        """
        view = _view_of(data)
        flags = self._send_flags(view, flags, "sendall()")
        total, deadline = 0, None
        with _core.lock:
            recorder = self._recorder
            try:
                while True:
                    count, deadline = self._send_some(view[total:], "sendall()", deadline)
                    total += count
                    if total >= len(view):
                        break
            finally:
                if recorder is not None:
                    recorder.log_send(SENDALL, view[:total], view[total:], flags)

    @recorded_itself
    def sendmsg(self, buffers: Iterable[_Buffer], ancdata: Iterable[Any] = (),
                flags: int = 0, address: Any = None, /) -> int:
        """Send a prefix of the concatenated ``buffers``; return its length.

        Ancillary data is not supported.  With an ``address``, TCP ignores it
        and AF_UNIX raises ``OSError(EISCONN)``, as the kernel does on a
        connected stream.

        Example::

            >>> a, b = socketpair()
            >>> a.sendmsg([b"ab", b"cd"]), b.recv(10)
            (4, b'abcd')
        """
        if not isinstance(buffers, (list, tuple)):
            buffers = list(buffers)  # parsed twice: an iterator would be used up
        if not isinstance(ancdata, (list, tuple)):
            ancdata = list(ancdata)
        if address is None:
            _parse(_RealSocket.sendmsg, self._family, buffers, ancdata, flags)
        else:
            _parse_address(_RealSocket.sendmsg, self._family, buffers, ancdata, flags, address)
        flags = int(flags)
        if flags < 0:  # MSG_CMSG_COMPAT, which no caller may set
            raise _oserror(errno.EINVAL, self, "sendmsg() with a negative flags")
        views = [_view_of(buffer) for buffer in buffers]
        flags = self._send_flags(None, flags, "sendmsg()")
        if address is not None and self._family == _AF_UNIX:
            self._check_open("sendmsg()")
            raise _oserror(errno.EISCONN, self, "sendmsg() to an address")
        if ancdata:
            raise _oserror(errno.EOPNOTSUPP, self, "sendmsg() with ancillary data")
        with _core.lock:
            total = 0
            try:
                # The first bytes as send() would (waiting, or raising what it raises)...
                rest = [view for view in views if view] or [memoryview(b"")]
                count, _ = self._send_some(rest[0], "sendmsg()", None)
                total = count
                # ...then more only as far as the window has room: never wait again.
                if count == len(rest[0]):
                    for view in rest[1:]:
                        if self._out.room() <= 0:
                            break
                        count = self._out.write(view)
                        total += count
                        if count < len(view):
                            break
            finally:
                recorder = self._recorder
                if recorder is not None:  # the whole call, as the test asked to record
                    data = memoryview(b"".join(views))
                    lengths = tuple(len(view) for view in views) if len(views) > 1 else None
                    recorder.log_send(SENDMSG, data[:total], data[total:], flags, lengths)
            return total

    def sendto(self, data: Any, flags_or_address: Any, address: Any = _MISSING, /
               ) -> int:
        """``send(data, flags)`` on TCP, which ignores the address of a connected
        stream; ``OSError(EISCONN)`` on AF_UNIX, as the kernel does.

        Example::

            >>> import socket
            >>> a, b = socketpair(socket.AF_INET)
            >>> a.sendto(b"hi", ("127.0.0.1", 9)), b.recv(10)
            (2, b'hi')
        """
        if address is _MISSING:
            flags, address = 0, flags_or_address
            _parse_address(_RealSocket.sendto, self._family, data, address)
        else:
            flags = flags_or_address
            _parse_address(_RealSocket.sendto, self._family, data, flags, address)
        if self._family == _AF_UNIX:
            self._check_open("sendto()")
            raise _oserror(errno.EISCONN, self, "sendto() on a connected stream")
        return int(self.send(data, int(flags)))

    def _send_flags(self, view: Any, flags: Any, what: str) -> int:
        """``flags`` parsed, checked and reduced to those that act in memory."""
        if type(flags) is not int or not -_INT_MAX - 1 <= flags <= _INT_MAX:
            _parse(_RealSocket.send, self._family, view, flags)
            flags = int(flags)
        if flags & _MSG_FASTOPEN and self._family != _AF_UNIX:
            self._check_open(what)
            raise _oserror(errno.EISCONN, self, f"{what} with MSG_FASTOPEN")
        # The kernel ignores the other flags on a stream (MSG_OOB sends its byte inline).
        return int(flags) & _SEND_FLAGS

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Send a file's content with :meth:`send` (never ``os.sendfile``).

        Example::

            >>> import io
            >>> a, b = socketpair()
            >>> a.sendfile(io.BytesIO(b"content")), b.recv(100)
            (7, b'content')
        """
        return int(cast(Any, self)._sendfile_use_send(file, offset, count))

    # -- connection -------------------------------------------------------------------------

    @recorded
    def getpeername(self) -> Any:
        """The peer's address; ``OSError(ENOTCONN)`` after a reset.

        Example::

            >>> socketpair()[0].getpeername()
            ''
        """
        self._check_open("getpeername()")
        if self._peername is None or self._tcp_closed():
            raise _oserror(errno.ENOTCONN, self, "getpeername()")
        return self._peername

    def _tcp_closed(self) -> bool:
        """Whether this end's TCP connection is closed: FINs went both ways, or a reset
        came (``getpeername()`` and ``shutdown()`` then raise ``ENOTCONN``)."""
        if self._family == _AF_UNIX or not self._connected:
            return False
        return (self._shut_wr and self._eof == _EOF) \
            or isinstance(self._error, (ConnectionResetError, BrokenPipeError))

    @recorded
    def connect(self, address: Any, /) -> None:
        """Connect a standalone socket, whose peer is the test: it only records ``address``.

        A connected socket raises ``OSError(EISCONN)``, as a real one does
        (AF_UNIX looks the name up first: ``ConnectionRefusedError``).

        Example::

            >>> sock = MockSocket([b"HTTP/1.0 200 OK\\r\\n"])
            >>> sock.connect(("example.com", 80))
            >>> sock.getpeername()
            ('example.com', 80)
        """
        _parse_address(_RealSocket.connect, self._family, address)
        with _core.lock:
            self._check_open("connect()")
            if self._connected:
                if self._family == _AF_UNIX:
                    # The kernel looks the name up before it sees the connection.
                    raise ConnectionRefusedError(
                        errno.ECONNREFUSED, f"Connection refused: connect({address!r}) of "
                        f"{self!r} (no in-memory stream listens on that name)")
                raise _oserror(errno.EISCONN, self, "connect()")
            self._peername = address

    @recorded
    def connect_ex(self, address: Any, /) -> int:
        """Like :meth:`connect`, returning an error number instead of raising (0: success).

        Example::

            >>> MockSocket().connect_ex(("example.com", 80))
            0
        """
        try:
            MockSocket.connect(self, address)
        except OSError as error:
            return error.errno or errno.EIO
        return 0

    @recorded
    def bind(self, address: Any, /) -> None:
        """Give a standalone socket its own address; a connected one raises ``EINVAL``
        (but for an unnamed AF_UNIX end, which takes the name, as with the kernel).

        Example::

            >>> sock = MockSocket()
            >>> sock.bind(("127.0.0.1", 5555))
            >>> sock.getsockname()
            ('127.0.0.1', 5555)
        """
        _parse_address(_RealSocket.bind, self._family, address)
        with _core.lock:
            self._check_open("bind()")
            if self._connected and not (self._family == _AF_UNIX and self._sockname == ""):
                raise _oserror(errno.EINVAL, self, "bind() of a connected socket")
            self._sockname = _unix_name(address) if self._family == _AF_UNIX else address

    @recorded
    def shutdown(self, how: int, /) -> None:
        """Shut down reading (``SHUT_RD``), writing (``SHUT_WR``: the peer sees EOF), or both.

        Example::

            >>> import socket
            >>> a, b = socketpair()
            >>> a.sendall(b"last words"); a.shutdown(socket.SHUT_WR)
            >>> b.recv(100), b.recv(100)
            (b'last words', b'')
        """
        if type(how) is not int or not -_INT_MAX - 1 <= how <= _INT_MAX:
            _parse(_RealSocket.shutdown, self._family, how)  # a C int
            how = int(how)
        with _core.lock:
            self._check_open("shutdown()")
            if how not in (_SHUT_RD, _SHUT_WR, _SHUT_RDWR):
                raise _oserror(errno.EINVAL, self, f"shutdown({how!r})")
            if self._tcp_closed():
                raise _oserror(errno.ENOTCONN, self, "shutdown() of a closed connection")
            peer = self._peer
            if how != _SHUT_WR and not self._shut_rd:
                self._shut_rd = True
                pipe = self._in
                if self._family == _AF_UNIX:
                    pipe.reader_gone = True  # what the peer sends from now on: EPIPE
                    pipe.refresh()
                else:
                    pipe.end()  # TCP still takes it, and recv() returns it before EOF
                if peer is not None:
                    peer._changed()
            if how != _SHUT_RD:
                self._shut_write()
            self._changed()

    def _shut_write(self) -> None:
        """No more sending: the peer sees EOF after what is in flight (holding the lock)."""
        if self._shut_wr:
            return
        self._shut_wr = True
        peer = self._peer
        if peer is not None:
            peer._eof = _EOF
        self._out.end()

    def _on_close(self) -> None:
        inbound, outbound = self._in, self._out
        inbound.script = None
        self._rest = None
        unread = inbound.drop_reader()
        peer = self._peer
        fin_sent = self._shut_wr
        if peer is not None:
            # A TCP peer whose connection is already closed ignores the reset below.
            peer_closed = peer._tcp_closed()
            self._peer = peer._peer = None
            peer._eof = _EOF
            outbound.end()
            if unread and peer._error is None and not peer_closed:
                # Closing with unread data resets the connection (the kernel does it for
                # TCP, where send sees it, and for AF_UNIX, where send sees a broken pipe).
                error: OSError = ConnectionResetError(
                    errno.ECONNRESET,
                    f"Connection reset by peer ({self!r} closed with unread data)")
                if fin_sent and self._family != _AF_UNIX:
                    # TCP: a reset after the peer's FIN (in CLOSE_WAIT) reads as EPIPE.
                    error = BrokenPipeError(
                        errno.EPIPE, f"Broken pipe ({self!r} closed with unread data)")
                peer._set_error(error, sends=self._family != _AF_UNIX)
            peer._changed()
        # The pipes no longer refer to this socket: no reference cycle keeps it alive.
        inbound.reader = None
        outbound.writer = None

    def _default_option(self, level: int, optname: int) -> Any:
        if level == _SOL_SOCKET and optname == _SO_RCVBUF and self._family != _AF_UNIX \
                and self._in.capacity == DEFAULT_CAPACITY:
            return _TCP_RCVBUF  # what the kernel reports (its window grows by itself)
        if level == _SOL_SOCKET and optname in (_SO_RCVBUF, _SO_SNDBUF):
            return self._in.capacity
        return 0

    def _option_set(self, level: int, optname: int, value: Any) -> None:
        # The receive buffer is the peer's send window; on AF_UNIX the kernel bounds
        # what is in flight by the sender's buffer too.
        if level != _SOL_SOCKET:
            return
        if optname == _SO_RCVBUF:
            self._in.set_capacity(value)
        elif optname == _SO_SNDBUF and self._family == _AF_UNIX \
                and self._out.reader is not None:
            self._out.set_capacity(min(self._out.capacity, value))

    def listen(self, *backlog: int) -> None:
        """A connected stream cannot listen: ``OSError(EINVAL)``, as the kernel says.

        Use :class:`ListenSocket` for a listening socket.

        Example::

            >>> MockSocket().listen()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument: listen() ...
        """
        _parse(_RealSocket.listen, self._family, *backlog)
        self._check_open("listen()")
        raise _oserror(errno.EINVAL, self, "listen() of a connected stream; use ListenSocket")

    def accept(self, /) -> tuple[Any, Any]:
        """A connected stream is not listening: ``OSError(EINVAL)``, as the kernel says.

        Example::

            >>> MockSocket().accept()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument: accept() ...
        """
        self._check_open("accept()")
        raise _oserror(errno.EINVAL, self, "accept() of a connected stream; use ListenSocket")


def _bytes_of(data: Any, what: str) -> bytes:
    """``data`` as bytes, if it is bytes-like; a ``TypeError`` naming ``what`` otherwise."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (int, str)) or data is None:
        raise TypeError(f"{what} takes a bytes-like object, not {type(data).__name__} "
                        f"({data!r})")
    return bytes(memoryview(data).cast("B")) if isinstance(data, memoryview) else bytes(data)


def _view_of(data: Any) -> memoryview:
    """A byte view of a bytes-like object, as the kernel's send takes it."""
    view = memoryview(data)
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return view.cast("B") if view.format != "B" or view.ndim != 1 else view


def _check_flags(flags: Any, allowed: int, sock: Any, what: str) -> int:
    """``flags`` as an int, if it holds only ``allowed`` bits; the kernel's errors otherwise."""
    if not isinstance(flags, int):
        raise TypeError(f"'{type(flags).__name__}' object cannot be interpreted as an integer")
    value = int(flags)
    if value & ~allowed:
        raise _oserror(errno.EINVAL if what.startswith("recv") else errno.EOPNOTSUPP, sock,
                       f"{what} with flags {value & ~allowed:#x} (not supported in memory)")
    return value


def _chain(rest: Iterator[Any], data: bytes) -> Iterator[Any]:
    yield from rest
    yield data


def _connected_pair(family: int, proto: int, seed: int | None, capacity: int | None,
                    record: bool = False, sockname: Any = None,
                    ) -> tuple[MockSocket, MockSocket]:
    """Two connected sockets, whose addresses are ``sockname`` (holding no lock).

    The hot path of making connections: everything is set here in a row.
    """
    if seed is not None or record or capacity is not None:
        return _connected_pair_configured(family, proto, seed, capacity, record)
    a: MockSocket = _new_socket(MockSocket)
    b: MockSocket = _new_socket(MockSocket)
    # Both ends written out, not a loop over them: this is most of what a pair costs.
    a._closed = a._dead = b._closed = b._dead = False
    a._io_refs = a._events = b._io_refs = b._events = 0
    a._fd = _socket_number()
    b._fd = _socket_number()
    a._watchers = b._watchers = ()
    a._timeout = b._timeout = _getdefaulttimeout()
    a._family = b._family = family
    a._recorder = b._recorder = None
    a._sockname = a._peername = b._sockname = b._peername = sockname
    a._peer = b
    b._peer = a
    a._connected = b._connected = True
    a._in = b._out = Pipe(DEFAULT_CAPACITY, a, b)
    b._in = a._out = Pipe(DEFAULT_CAPACITY, b, a)
    if proto:
        a._proto = b._proto = proto
    return a, b


_new_socket = _RealSocket.__new__


def _connected_pair_configured(family: int, proto: int, seed: int | None,
                               capacity: int | None, record: bool,
                               ) -> tuple[MockSocket, MockSocket]:
    """:func:`_connected_pair` with a seed, a capacity or recording."""
    a: MockSocket = _new_socket(MockSocket)
    b: MockSocket = _new_socket(MockSocket)
    a._init_stream(family, capacity, seed, record)
    b._init_stream(family, capacity, None if seed is None else seed + 1, record)
    size = DEFAULT_CAPACITY if capacity is None else capacity
    a._in = b._out = ba = Pipe(size, a, b)
    b._in = a._out = ab = Pipe(size, b, a)
    if seed is not None:
        ab.write_rng = ba.read_rng = a._rng
        ba.write_rng = ab.read_rng = b._rng
    if proto:
        a._proto = b._proto = proto
    a._peer, b._peer = b, a
    a._connected = b._connected = True
    a._pipes_changed()
    return a, b


def socketpair(
    family: int = socket.AF_UNIX, type: int = socket.SOCK_STREAM, proto: int = 0, *,
    seed: int | None = None, capacity: int | None = None, record: bool = False,
    **faults: float,
) -> tuple[MockSocket, MockSocket]:
    """Two connected in-memory stream sockets, like :func:`socket.socketpair`.

    ``capacity`` is each socket's receive buffer: the send window of its
    peer (default :data:`DEFAULT_CAPACITY`).  With ``seed``, reads and
    writes are split at random places, reproducibly (the first socket uses
    ``seed``, the second ``seed + 1``).  ``AF_INET`` and ``AF_INET6`` pairs
    get made-up loopback addresses.  With ``record=True`` both ends record
    their calls (:attr:`MockSocket.recording`); else they keep nothing but
    what is in flight.

    With ``type=SOCK_DGRAM`` it makes two connected
    :class:`~mockselector.DatagramSocket` objects instead; ``loss``,
    ``duplicate`` and ``reorder`` (probabilities, drawn from ``seed``)
    then apply to the datagrams each end receives.

    Example::

        >>> a, b = socketpair()
        >>> a.sendall(b"ping")
        >>> b.recv(1024)
        b'ping'
        >>> a.close()
        >>> b.recv(1024)
        b''
    """
    if family is _AF_UNIX_ENUM and type is _SOCK_STREAM_ENUM and not proto and seed is None \
            and capacity is None and not record and not faults:
        # The call most tests make, all defaults: nothing to check.
        return _connected_pair(_AF_UNIX, 0, None, None, False, "")
    if family not in (socket.AF_UNIX, socket.AF_INET, socket.AF_INET6):
        raise ValueError(f"unsupported family for socketpair(): {family!r}")
    nonblocking = False
    if type != _SOCK_STREAM:
        # SOCK_NONBLOCK and SOCK_CLOEXEC may be or-ed into type, as with the kernel.
        nonblocking = bool(type & _SOCK_NONBLOCK)
        type = socket.SocketKind(type & ~(_SOCK_NONBLOCK | _SOCK_CLOEXEC))
    if type == socket.SOCK_DGRAM:
        from .datagram import _pair  # the datagram face is built on this module

        # Typed as the stream pair, which is what most callers ask for.
        pair = cast("tuple[MockSocket, MockSocket]",
                    _pair(int(family), proto, seed, capacity, **faults))
        if nonblocking:
            pair[0].setblocking(False)
            pair[1].setblocking(False)
        return pair
    if type != socket.SOCK_STREAM:
        raise ValueError(f"socketpair() makes stream or datagram sockets, not {type!r}")
    if faults:
        raise TypeError(f"socketpair(): {', '.join(sorted(faults))} apply to SOCK_DGRAM only")
    if proto and proto not in ((1,) if family == _AF_UNIX else (_IPPROTO_TCP,)):
        raise OSError(errno.EPROTONOSUPPORT, f"{os.strerror(errno.EPROTONOSUPPORT)}: "
                      f"proto {proto!r} for a stream socket of {family!r}")
    a, b = _connected_pair(int(family), proto, seed, capacity, record)
    if nonblocking:
        a._timeout = b._timeout = 0.0
    if family == _AF_UNIX:
        a._sockname = a._peername = b._sockname = b._peername = ""
    else:
        a._sockname = b._peername = _loopback(family)
        b._sockname = a._peername = _loopback(family)
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
    Mock is called to make one, with no library lock held), each with a
    distinct peer address; then the connections made with
    :meth:`new_connection`.  An iterator (a generator) is read lazily, one
    item per ``accept()``, so it may be endless.

    With nothing to accept, a non-blocking listener raises
    ``BlockingIOError`` (as asyncio and socketserver expect); a blocking one
    in memory waits for another thread, or raises
    :class:`~mockselector.Stalled` when none could connect; a blocking 0.2
    listener that never made a connection returns a fresh ``MockSocket()``.
    Misuse (listen before bind, accept before listen, bind twice, use after
    close) raises ``OSError``.  ``family`` defaults to that of ``address``:
    ``AF_UNIX`` for a path, ``AF_INET6`` for a 4-tuple, else ``AF_INET``.
    A listener records its own calls (``record=False`` turns that off).

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

    def __init__(
        self, accepted: Iterable[Any] | None = None, *, address: Any = None,
        family: int | None = None, record: bool = True,
    ) -> None:
        if family is None:
            family = _family_of(address)
        if address is not None:
            _check_address(address, int(family))
        self._init_endpoint(int(family), record)
        self._state = _NEW
        # The 0.2 script: what accept() returns next, and the rest of a script
        # given as an iterator, read lazily (it may be endless).
        self._scripted: deque[Any] = deque()
        self._scripted_rest: Iterator[Any] | None = None
        if isinstance(accepted, Sized):
            self._scripted.extend(accepted)
        elif accepted is not None:
            self._scripted_rest = iter(accepted)
        # The server ends of in-memory connections, and their clients' addresses.
        self._pending: deque[tuple[MockSocket, Any]] = deque()
        self._in_memory = False
        self._backlog = 0
        self._sockname = _any_address(self._family)
        if address is not None:
            ListenSocket.bind(self, address)
            ListenSocket.listen(self)
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

    def _can_accept(self) -> bool:
        return self._dead or bool(self._readiness())

    @recorded
    def bind(self, address: Any, /) -> None:
        """Bind to ``address``; port 0 picks a free made-up port.

        Example::

            >>> listener = ListenSocket()
            >>> listener.bind(("127.0.0.1", 0))
            >>> listener.getsockname()[1] > 0
            True
        """
        with _core.lock:
            self._check_open("bind()")
            _check_address(address, self._family)
            if self._state != _NEW:
                raise _oserror(errno.EINVAL, self, "bind() of a socket already bound")
            self._sockname = _with_port(address)
            self._state = _BOUND

    @recorded
    def listen(self, backlog: int = 128, /) -> None:
        """Start listening (again, when already listening, as asyncio does).

        Example::

            >>> listener = ListenSocket()
            >>> listener.listen()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument: listen() before bind() on <ListenSocket ...>
        """
        backlog = operator.index(backlog)
        with _core.lock:
            self._check_open("listen()")
            if self._state == _NEW:
                raise _oserror(errno.EINVAL, self, "listen() before bind()")
            self._state = _LISTENING
            self._backlog = backlog
            self._changed()

    @recorded
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
        with _core.lock:
            while True:
                self._check_open("accept()")
                if self._state != _LISTENING:
                    raise _oserror(errno.EINVAL, self, "accept() before bind() and listen()")
                rest = self._scripted_rest
                if not self._scripted and rest is not None:
                    item = _outside_lock(functools.partial(next, rest, _END))
                    if item is _END:
                        if self._scripted_rest is rest:
                            self._scripted_rest = None
                            self._changed()
                    else:
                        self._scripted.append(item)
                    continue
                if self._scripted:
                    item = self._scripted.popleft()
                    self._changed()
                    return self._accept_scripted(item)
                if self._pending:
                    connection, address = self._pending.popleft()
                    self._changed()
                    return connection, address
                if not self._in_memory and self._timeout != 0.0:
                    return self._accept_scripted(None)
                deadline = self._block("accept()", deadline, self._can_accept,
                                       "no connection is waiting (make one with "
                                       "new_connection())")

    def _accept_scripted(self, connection: Any) -> tuple[Any, Any]:
        """A scripted connection and its address (holding the lock once; made outside it)."""
        if connection is None:
            connection = MockSocket(family=self._family)
        elif callable(connection) and not isinstance(connection, mock.Mock):
            connection = _outside_lock(connection)
        address = _loopback(self._family)
        if isinstance(connection, MockSocket) and not connection._connected:
            connection._sockname = _reachable(self._sockname)
            connection._peername = address
        return connection, address

    def new_connection(
        self, *, seed: int | None = None, capacity: int | None = None, record: bool = False,
    ) -> MockSocket:
        """Connect a new in-memory client; return its end.

        The server end is what ``accept()`` returns next.  A listener that
        is not listening (or is closed) raises ``ConnectionRefusedError``.
        ``seed``, ``capacity`` and ``record`` are those of :func:`socketpair`
        (``record`` applies to both ends).

        Example::

            >>> listener = ListenSocket(address=("127.0.0.1", 8080))
            >>> client = listener.new_connection(seed=1)
            >>> client.getpeername(), client.seed
            (('127.0.0.1', 8080), 1)
        """
        client, server = _connected_pair(self._family, 0, seed, capacity, record)
        with _core.lock:
            if self._dead or self._state != _LISTENING:
                raise ConnectionRefusedError(
                    errno.ECONNREFUSED, f"Connection refused: {self!r} is not listening"
                )
            address = _reachable(self._sockname)
            client._peername = server._sockname = address
            client._sockname = server._peername = _loopback(self._family)
            self._pending.append((server, client._sockname))
            self._in_memory = True
            self._changed()
        return client

    def _on_close(self) -> None:
        # The kernel resets the connections nobody accepted.
        for server, _ in self._pending:
            server.reset()
        self._pending.clear()

    @recorded
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

    def connect_ex(self, address: Any, /) -> int:
        """A listening socket cannot connect: return ``EISCONN``.

        Example::

            >>> import errno
            >>> ListenSocket().connect_ex(("example.com", 80)) == errno.EISCONN
            True
        """
        return errno.EISCONN


def _check_address(address: Any, family: int) -> None:
    """A ``TypeError`` when ``address`` has no shape an address of ``family`` has."""
    if family == _AF_UNIX:
        ok = isinstance(address, (str, bytes, bytearray))
    else:
        size = 4 if family == _AF_INET6 else 2
        ok = (isinstance(address, tuple) and 2 <= len(address) <= size
              and isinstance(address[0], str) and isinstance(address[1], int)
              and not isinstance(address[1], bool))
    if not ok:
        name = socket.AddressFamily(family).name
        raise TypeError(f"{name} address must be "
                        + ("a str or bytes path" if family == _AF_UNIX
                           else "a tuple (host, port)") + f", not {address!r}")


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
