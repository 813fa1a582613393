"""In-memory datagram sockets: UDP and ``AF_UNIX`` ``SOCK_DGRAM``, with the kernel's semantics.

:class:`DatagramSocket` is a datagram socket that never touches the network:
``sendto(address)`` delivers to the in-memory socket bound to ``address``
(ask :func:`~mockselector.socketpair` with ``SOCK_DGRAM`` for two connected
ones).  It keeps message boundaries, truncates as the kernel does, drops what
a full receive buffer cannot hold, raises ``EMSGSIZE``, ``EACCES`` (broadcast
without ``SO_BROADCAST``) and ``ECONNREFUSED`` (a connected socket whose peer
is not there, on the call after the send) as Linux does, and reports its
readiness to :class:`~mockselector.TestSelector` and the asyncio test loop.

Example::

    >>> from mockselector import DatagramSocket
    >>> server = DatagramSocket(address=("127.0.0.1", 5353))
    >>> client = DatagramSocket()
    >>> client.sendto(b"query", ("127.0.0.1", 5353))
    5
    >>> data, (host, port) = server.recvfrom(512)
    >>> data, host, port == client.getsockname()[1]  # it was bound when it sent
    (b'query', '127.0.0.1', True)
"""

from __future__ import annotations

import errno
import operator
import socket
import weakref
from collections.abc import Iterable
from selectors import EVENT_READ, EVENT_WRITE
from typing import Any, Callable

from . import _core
from ._datagram import OVERHEAD, Faults, Queue
from ._pipe import DEFAULT_CAPACITY, check_capacity, check_seed
from .sockets import _any_address, _check_flags, _Endpoint, _family_of, _oserror, _view_of

__all__ = ["DatagramSocket"]

_AF_UNIX = int(socket.AF_UNIX)
_AF_INET = int(socket.AF_INET)
_AF_INET6 = int(socket.AF_INET6)
_SOCK_DGRAM = int(socket.SOCK_DGRAM)
_BOTH = EVENT_READ | EVENT_WRITE
_SOL_SOCKET = int(socket.SOL_SOCKET)
_SO_RCVBUF, _SO_SNDBUF = int(socket.SO_RCVBUF), int(socket.SO_SNDBUF)
_SO_BROADCAST = int(socket.SO_BROADCAST)
_SO_REUSEADDR = int(socket.SO_REUSEADDR)
_SO_REUSEPORT = int(getattr(socket, "SO_REUSEPORT", -1))
_MSG_PEEK = int(socket.MSG_PEEK)
_MSG_DONTWAIT = int(socket.MSG_DONTWAIT)
_MSG_TRUNC = int(socket.MSG_TRUNC)
# recv flags: MSG_WAITALL changes nothing for a datagram socket (Linux ignores it).
_RECV_FLAGS = _MSG_PEEK | _MSG_DONTWAIT | _MSG_TRUNC | int(socket.MSG_WAITALL)
_SEND_FLAGS = _MSG_DONTWAIT | int(getattr(socket, "MSG_NOSIGNAL", 0)) \
    | int(getattr(socket, "MSG_CONFIRM", 0))
_SHUT = (int(socket.SHUT_RD), int(socket.SHUT_WR), int(socket.SHUT_RDWR))

#: The largest UDP payload: 65535 minus the IPv4 and UDP headers (IPv6: the UDP header).
MAX_PAYLOAD = {_AF_INET: 65507, _AF_INET6: 65527}
# Buffer sizes as Linux sets them: twice the value asked, capped, with a floor.
_BUF_MAX = 212992
_MIN_RCVBUF, _MIN_SNDBUF = 2304, 4608
# An AF_UNIX datagram may be as large as the send buffer minus this.
_UNIX_HEADROOM = 32

_LOOPBACK = {_AF_INET: "127.0.0.1", _AF_INET6: "::1"}
_acquire, _release = _core.acquire, _core.release
_state = _core.state
# The largest datagram the fast path sends: one any UDP socket may send.
_FAST_MAX = 65507
_NO_ADDRESS: Any = object()  # sendto(data, address): no third argument
_WILDCARD = ("", "0.0.0.0", "::")


def _space() -> Any:
    """The address space datagrams are routed in now (a network's, while one is active)."""
    return _core.state.datagrams


def _family_name(family: int) -> str:
    return socket.AddressFamily(family).name


def _parse(family: int, address: Any, what: str) -> Any:
    """``address`` checked as the kernel's socket module checks it, normalised."""
    if family == _AF_UNIX:
        if isinstance(address, (bytes, bytearray)):
            return bytes(address)
        if isinstance(address, str):
            return address
        raise TypeError(f"{what}: a bytes-like object is required, not "
                        f"'{type(address).__name__}'")
    if type(address) is tuple and len(address) == 2 and family == _AF_INET:
        host, port = address
        if type(host) is str and type(port) is int and 0 <= port <= 65535 \
                and host != "localhost" and host != "<broadcast>":
            return address  # the common case, already normal
    if not isinstance(address, tuple):
        raise TypeError(f"{what}: {_family_name(family)} address must be tuple, "
                        f"not {type(address).__name__}")
    if family == _AF_INET6:
        if not 2 <= len(address) <= 4:
            raise TypeError("AF_INET6 address must be a tuple (host, port[, flowinfo[, scopeid]])")
    elif len(address) != 2:
        raise TypeError("AF_INET address must be a pair (host, port)")
    host, port = address[0], address[1]
    if not isinstance(host, str):
        raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an integer")
    if not 0 <= port <= 65535:
        raise OverflowError(f"{what}: port must be 0-65535.")
    if host == "localhost":
        host = _LOOPBACK[family]
    elif host == "<broadcast>" and family == _AF_INET:
        host = "255.255.255.255"
    if family == _AF_INET6:
        rest = tuple(address[2:]) + (0, 0)[len(address) - 2:]
        return (host, port, *rest)
    return (host, port)


def _reached(family: int, address: Any) -> Any:
    """Where a datagram to ``address`` goes: the wildcard host means this host."""
    if family != _AF_UNIX and address[0] in _WILDCARD:
        return (_LOOPBACK[family], *address[1:])
    return address


def _buffer_size(value: Any, floor: int) -> int:
    """What ``SO_RCVBUF``/``SO_SNDBUF`` becomes when set to ``value``, as Linux sets it."""
    value = operator.index(value) if not isinstance(value, bytes) \
        else int.from_bytes(value[:4], "little", signed=True)
    return max(2 * min(max(int(value), 0), _BUF_MAX), floor)


class DatagramSocket(_Endpoint):
    """An in-memory datagram socket: UDP over ``AF_INET``/``AF_INET6``, or ``AF_UNIX``.

    ``family`` is ``AF_INET`` unless ``address`` says otherwise (a path is
    ``AF_UNIX``, a 4-tuple ``AF_INET6``).
    A new socket is unbound; ``bind`` (port 0 picks a free made-up port),
    ``address=`` or the first ``sendto`` gives it an address, and
    ``sendto`` delivers to the in-memory socket bound at the destination
    (silently nowhere when nobody is: UDP).  ``connect`` sets a default
    peer for ``send`` and keeps only the datagrams that come from it; when
    nobody is bound at the peer's address, the call after a ``send``
    raises ``ConnectionRefusedError``, as on Linux.  An ``AF_UNIX`` socket
    binds to a path in memory (no file is made); a send to a path nobody
    bound raises ``FileNotFoundError``, and a sender waits while its peer's
    buffer is full instead of losing the datagram.

    Datagrams keep their boundaries: each ``recv`` returns one, truncated
    to the buffer size (the rest is discarded; ``recvmsg`` says
    ``MSG_TRUNC``).  ``capacity`` is the receive buffer (``SO_RCVBUF``,
    default 212992 bytes); each datagram costs its length plus a few
    hundred bytes, as in the kernel, and a UDP datagram that finds the
    buffer full is dropped.  A blocking receive that nothing could ever
    satisfy raises :class:`~mockselector.Stalled`.

    **Faults.** ``loss``, ``duplicate`` and ``reorder`` are probabilities
    applied to each datagram this socket receives, drawn from
    ``random.Random(seed)``: a run is reproducible, the seed is in the
    ``repr``, and :attr:`faults` counts what happened.

    Example::

        >>> import socket
        >>> a = DatagramSocket(address=("127.0.0.1", 0))
        >>> b = DatagramSocket(address=("127.0.0.1", 0))
        >>> b.connect(a.getsockname())
        >>> b.send(b"one"), b.send(b"two")
        (3, 3)
        >>> a.recv(1024), a.recv(2)
        (b'one', b'tw')
        >>> a.setblocking(False)
        >>> a.recv(1024)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        BlockingIOError: [Errno 11] Resource temporarily unavailable...
    """

    __slots__ = ("_error", "_faults", "_in", "_pair", "_peeraddr", "_route", "_source",
                 "_space_bound")

    _type = _SOCK_DGRAM
    _shut_wr = False
    _sndbuf = DEFAULT_CAPACITY

    def __init__(
        self, family: int | None = None, *, address: Any = None, seed: int | None = None,
        loss: float = 0.0, duplicate: float = 0.0, reorder: float = 0.0,
        capacity: int | None = None,
    ) -> None:
        # The family defaults to that of ``address`` (a path: AF_UNIX), else AF_INET.
        family = _family_of(address) if family is None else int(family)
        if family not in (_AF_INET, _AF_INET6, _AF_UNIX):
            raise ValueError(f"DatagramSocket: unsupported family {family!r}")
        self._init_datagram(family, check_seed(seed), loss, duplicate, reorder, capacity)
        if address is not None:
            self.bind(address)

    def _init_datagram(self, family: int, seed: int | None, loss: float, duplicate: float,
                       reorder: float, capacity: int | None) -> None:
        faults = Faults(seed, loss, duplicate, reorder)
        if capacity is not None:
            check_capacity(capacity)
        self._init_endpoint(family, False)
        self._faults = faults
        self._in = Queue(DEFAULT_CAPACITY if capacity is None else capacity, self)
        self._error: OSError | None = None
        self._pair: DatagramSocket | None = None  # AF_UNIX: the connected peer itself
        self._peeraddr: Any = None  # the connected peer's address
        self._space_bound: Any = None  # the address space this socket is bound in
        self._sockname = _any_address(family)
        self._source: Any = None  # what receivers see as the sender: asked when bound
        self._route: Any = None  # the last single-receiver route (see _send_fast)

    def __repr__(self) -> str:
        parts = [f"fd={int(self._fd)}", _family_name(self._family)]
        if self._dead:
            parts.append("closed")
        if self._sockname:
            parts.append(repr(self._sockname))
        if self._peeraddr is not None:
            parts.append(f"peer {self._peeraddr!r}")
        elif self._pair is not None:
            parts.append(f"peer fd={int(self._pair._fd)}")
        knobs = self._faults.describe()
        if knobs:
            parts.append(knobs)
        if self._in.items:
            parts.append(f"{len(self._in.items)} queued")
        if self._error is not None:
            parts.append(f"pending {errno.errorcode.get(self._error.errno or 0, 'error')}")
        return f"<DatagramSocket {' '.join(parts)}>"

    @property
    def seed(self) -> int | None:
        """The seed of this socket's faults, or ``None``.

        Example::

            >>> import socket
            >>> from mockselector import socketpair
            >>> a, b = socketpair(socket.AF_INET, socket.SOCK_DGRAM, seed=7, loss=0.1)
            >>> a.seed, b.seed
            (7, 8)
        """
        return self._faults.seed

    @property
    def faults(self) -> Faults:
        """The faults applied to the datagrams this socket receives, and their counters.

        Example::

            >>> sock = DatagramSocket(address=("127.0.0.1", 0), seed=1, duplicate=1.0)
            >>> sock.sendto(b"x", sock.getsockname())
            1
            >>> sock.recv(10), sock.recv(10), sock.faults.duplicated
            (b'x', b'x', 1)
        """
        return self._faults

    # -- readiness --------------------------------------------------------------------------

    def _readiness(self) -> int:
        if self._dead:
            return 0
        if self._error is not None:
            return _BOTH
        events = EVENT_WRITE
        pair = self._pair
        if pair is not None and not pair._dead:
            queue = pair._in
            if queue.held * 4 > queue.capacity:
                events = 0  # AF_UNIX: writable while at most a quarter of the buffer is used
        if self._in.items:
            events |= EVENT_READ
        return events

    def _can_read(self) -> bool:
        return self._dead or self._error is not None or bool(self._in.items)

    def _stalled(self, what: str, why: str, reason: str) -> _core.Stalled:
        return _core.Stalled(
            f"{self!r}: a blocking {what} would wait forever: {why}, and {reason}. "
            "Send to it (from its peer or another socket) before this call, run the sender "
            "in another thread, give it a timeout, or make it non-blocking.",
            waiter=self, waiting_for=why, where=what,
        )

    def _set_error(self, error: OSError | None) -> None:
        self._error = error
        self._changed()

    def _take_error(self) -> OSError:
        error = self._error
        assert error is not None
        self._set_error(None)
        return error

    def _take_so_error(self) -> int:
        with _core.lock:
            if self._error is None:
                return 0
            return self._take_error().errno or 0

    # -- options ----------------------------------------------------------------------------

    def _option_set(self, level: int, optname: int, value: Any) -> None:
        if level != _SOL_SOCKET:
            return
        options = self._options
        assert options is not None
        if optname == _SO_RCVBUF:
            options[level, optname] = self._in.capacity = _buffer_size(value, _MIN_RCVBUF)
            for writer in self._in.writers:
                writer._changed()
            self._changed()
        elif optname == _SO_SNDBUF:
            options[level, optname] = self._sndbuf = _buffer_size(value, _MIN_SNDBUF)

    def _default_option(self, level: int, optname: int) -> Any:
        if level == _SOL_SOCKET and optname == _SO_RCVBUF:
            return self._in.capacity
        if level == _SOL_SOCKET and optname == _SO_SNDBUF:
            return self._sndbuf
        return 0

    def _option(self, optname: int) -> bool:
        options = self._options
        return bool(options and options.get((_SOL_SOCKET, optname)))

    def _reuses(self) -> bool:
        """Whether this socket may share its port (``SO_REUSEADDR`` or ``SO_REUSEPORT``)."""
        return self._option(_SO_REUSEADDR) or self._option(_SO_REUSEPORT)

    # -- addresses --------------------------------------------------------------------------

    def bind(self, address: Any) -> None:
        """Bind to ``address``; port 0 picks a free made-up port.

        Binding an address another socket holds raises ``OSError(EADDRINUSE)``
        (unless both set ``SO_REUSEADDR``); binding twice ``OSError(EINVAL)``.

        Example::

            >>> sock = DatagramSocket()
            >>> sock.getsockname()
            ('0.0.0.0', 0)
            >>> sock.bind(("127.0.0.1", 0))
            >>> sock.getsockname()[1] > 0
            True
        """
        address = _parse(self._family, address, "bind()")
        with _core.lock:
            self._check_open("bind()")
            if self._space_bound is not None:
                raise _oserror(errno.EINVAL, self, "bind() of a socket already bound")
            if self._family == _AF_UNIX and not address:
                raise _oserror(errno.EINVAL, self, "bind('') (autobind is not supported)")
            self._bind(address)

    def _bind(self, address: Any) -> None:
        space = _space()
        self._sockname = space.bind(self, address)
        self._space_bound = space
        self._source = space.source(self)

    def _autobind(self) -> None:
        """Bind to the wildcard address and a free port, as a first send or connect does."""
        if self._space_bound is None and self._family != _AF_UNIX:
            self._bind(_any_address(self._family))

    def getpeername(self) -> Any:
        """The connected peer's address; ``OSError(ENOTCONN)`` when not connected.

        Example::

            >>> sock = DatagramSocket()
            >>> sock.connect(("127.0.0.1", 53))
            >>> sock.getpeername()
            ('127.0.0.1', 53)
        """
        self._check_open("getpeername()")
        if self._peeraddr is not None:
            return self._peeraddr
        if self._pair is not None:
            return self._pair._sockname
        raise _oserror(errno.ENOTCONN, self, "getpeername()")

    def connect(self, address: Any) -> None:
        """Set the default peer: ``send`` goes there, and only its datagrams are received.

        The socket is bound first if it was not.  Connecting to a broadcast
        address needs ``SO_BROADCAST`` (``PermissionError`` otherwise); an
        ``AF_UNIX`` path nobody bound raises ``FileNotFoundError``.

        Example::

            >>> sock = DatagramSocket()
            >>> sock.connect(("127.0.0.1", 9))
            >>> sock.getsockname()[0]
            '127.0.0.1'
        """
        address = _parse(self._family, address, "connect()")
        with _core.lock:
            self._check_open("connect()")
            if self._family == _AF_UNIX:
                self._connect_unix(address)
                return
            space = _space()
            if space.is_broadcast(self._family, address) and not self._option(_SO_BROADCAST):
                raise PermissionError(errno.EACCES, f"Permission denied: connect() of {self!r} "
                                      f"to the broadcast address {address!r} without "
                                      "SO_BROADCAST")
            self._autobind()
            if self._sockname[0] in _WILDCARD:
                self._sockname = (_LOOPBACK[self._family], *self._sockname[1:])
                self._source = space.source(self)
            self._peeraddr = _reached(self._family, address)
            self._changed()

    def _connect_unix(self, address: Any) -> None:
        targets = _space().lookup(self._family, address)
        if not targets or targets[0]._dead:
            raise FileNotFoundError(errno.ENOENT, f"No such file or directory: connect() of "
                                    f"{self!r} to {address!r} (nothing bound there in memory)")
        self._join(targets[0])

    def _join(self, target: DatagramSocket) -> None:
        """Connect this ``AF_UNIX`` socket to ``target`` itself (holding the lock)."""
        if self._pair is not None and self in self._pair._in.writers:
            self._pair._in.writers.remove(self)
        self._pair = target
        target._in.writers.append(self)
        self._changed()

    def connect_ex(self, address: Any) -> int:
        """Like :meth:`connect`, returning an error number instead of raising (0: success).

        Example::

            >>> DatagramSocket(socket.AF_UNIX).connect_ex("/no/such/socket")
            2
        """
        try:
            self.connect(address)
        except OSError as error:
            return error.errno or errno.EIO
        return 0

    # -- sending ----------------------------------------------------------------------------

    def _max_size(self) -> int:
        if self._family == _AF_UNIX:
            return self._sndbuf - _UNIX_HEADROOM
        return MAX_PAYLOAD[self._family]

    def _send(self, data: Any, address: Any, flags: int, what: str) -> int:
        """Send one datagram to ``address`` (``None``: the peer); return its length."""
        view = data if type(data) is bytes else _view_of(data)
        if flags:
            flags = _check_flags(flags, _SEND_FLAGS, self, what)
        if address is not None:
            address = _parse(self._family, address, what)
        deadline = None
        with _core.lock:
            while True:
                self._check_open(what)
                if self._error is not None:
                    raise self._take_error()
                if self._shut_wr:
                    raise BrokenPipeError(errno.EPIPE, f"Broken pipe: {what} on {self!r} "
                                          "after shutdown(SHUT_WR)")
                size = len(view)
                if size > self._max_size():
                    raise _oserror(errno.EMSGSIZE, self, f"{what} of {size} bytes (at most "
                                   f"{self._max_size()})")
                if self._family == _AF_UNIX:
                    target = self._unix_target(address, what)
                    if not target._in.has_room():
                        if flags & _MSG_DONTWAIT and self._timeout is None:
                            raise BlockingIOError(errno.EAGAIN,
                                                  "Resource temporarily unavailable")
                        def could_send(target: DatagramSocket = target) -> bool:
                            return self._dead or target._dead or target._in.has_room()

                        deadline = self._block(
                            what, deadline, could_send,
                            f"the receive buffer of {target!r} is full and nothing reads it")
                        continue
                    _space().deliver(target, bytes(view), self._source)
                    return size
                return self._send_inet(view, address, what)

    def _unix_target(self, address: Any, what: str) -> DatagramSocket:
        if address is None:
            target = self._pair
            if target is None:
                raise _oserror(errno.ENOTCONN, self, what)
            if target._dead:
                raise ConnectionRefusedError(errno.ECONNREFUSED, f"Connection refused: {what} "
                                             f"on {self!r}, whose peer is closed")
            return target
        if not address:
            raise _oserror(errno.EINVAL, self, f"{what} to an empty path")
        targets = _space().lookup(self._family, address)
        if not targets:
            raise FileNotFoundError(errno.ENOENT, f"No such file or directory: {what} on "
                                    f"{self!r} to {address!r} (nothing bound there in memory)")
        return targets[0]  # type: ignore[no-any-return]

    def _send_inet(self, view: bytes | memoryview, address: Any, what: str) -> int:
        family = self._family
        if address is None:
            address = self._peeraddr
            if address is None:
                raise _oserror(errno.EDESTADDRREQ, self, what)
        space = _space()
        if space.is_broadcast(family, address) and not self._option(_SO_BROADCAST):
            raise PermissionError(errno.EACCES, f"Permission denied: {what} on {self!r} to "
                                  f"the broadcast address {address!r} without SO_BROADCAST")
        if address[1] == 0:
            raise _oserror(errno.EINVAL, self, f"{what} to port 0")
        self._autobind()
        data = view if type(view) is bytes else bytes(view)
        source = self._source
        receivers = space.lookup(family, address)
        for receiver in receivers:
            space.deliver(receiver, data, source)
        if len(receivers) == 1 and space.direct and not space.is_broadcast(family, address):
            self._route = (address, space, space.version, weakref.ref(receivers[0]))
        if not receivers and self._peeraddr is not None \
                and _reached(family, address) == self._peeraddr:
            # The kernel's answer to the ICMP "port unreachable" that comes back.
            self._set_error(ConnectionRefusedError(
                errno.ECONNREFUSED, f"Connection refused: nobody is bound at "
                f"{self._peeraddr!r} (reported to {self!r})"))
        return len(view)

    def _receive(self, data: bytes, source: Any) -> None:
        """A datagram from ``source`` arrives (holding the lock)."""
        if self._dead:
            return
        peer = self._peeraddr
        if peer is not None and source != peer:
            return  # a connected socket receives from its peer only
        faults = self._faults
        queue = self._in
        if faults.rng is None and queue.held <= queue.capacity:
            queue.put(data, source)  # the fast path: no faults, room in the buffer
            faults.delivered += 1
        else:
            faults.deliver(queue, data, source, self._family != _AF_UNIX)

    def sendto(self, data: Any, flags_or_address: Any, address: Any = _NO_ADDRESS) -> int:
        """Send ``data`` as one datagram to ``address``: ``sendto(data[, flags], address)``.

        Example::

            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> DatagramSocket().sendto(b"x" * 65508, a.getsockname())  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 90] Message too long: sendto() of 65508 bytes (at most 65507)...
        """
        if address is _NO_ADDRESS:
            route = self._route
            if route is not None and type(data) is bytes:
                # The fast path (_send_fast, inlined: this is the hottest call).
                _acquire()
                try:
                    space = route[1]
                    receiver = route[3]()
                    if route[0] == flags_or_address and space is _state.datagrams \
                            and space.version == route[2] and receiver is not None \
                            and self._error is None and not self._shut_wr \
                            and len(data) <= _FAST_MAX and not receiver._dead \
                            and receiver._faults.rng is None:
                        source = self._source
                        peer = receiver._peeraddr
                        queue = receiver._in
                        if (peer is None or peer == source) and queue.held <= queue.capacity:
                            items = queue.items
                            items.append((data, source))
                            size = len(data)
                            queue.held += size + OVERHEAD
                            receiver._faults.delivered += 1
                            if len(items) == 1:  # readable now
                                if receiver._watchers:
                                    receiver._changed()
                                elif _state.waiters:
                                    _core.notify()
                            return size
                finally:
                    _release()
            address, flags_or_address = flags_or_address, 0
        if address is None:  # an address is required here (None is not "the peer")
            _parse(self._family, address, "sendto()")
        return self._send(data, address, flags_or_address, "sendto()")

    def _send_fast(self, data: bytes, address: Any) -> int:
        """Send ``data`` along the route of the last send, if it holds; -1 if it does not.

        The route (the address, the address space and its version, the
        receiver) is remembered by the general path when a datagram reached
        exactly one socket; any bind or unbind in that space makes it stale,
        and every other condition is looked at again here.
        """
        route = self._route
        if route is None or len(data) > _FAST_MAX:
            return -1
        _acquire()
        try:
            space = route[1]
            if route[0] != address or space is not _core.state.datagrams \
                    or space.version != route[2] or self._error is not None or self._shut_wr:
                return -1
            receiver = route[3]()
            if receiver is None or receiver._dead or receiver._faults.rng is not None:
                return -1
            source = self._source
            peer = receiver._peeraddr
            queue = receiver._in
            if (peer is not None and peer != source) or queue.held > queue.capacity:
                return -1
            items = queue.items
            items.append((data, source))
            queue.held += len(data) + OVERHEAD
            receiver._faults.delivered += 1
            if len(items) == 1:
                receiver._changed()  # readable now
            return len(data)
        finally:
            _release()

    def send(self, data: Any, flags: int = 0) -> int:
        """Send ``data`` as one datagram to the connected peer; return its length.

        Example::

            >>> a, b = DatagramSocket(address=("127.0.0.1", 0)), DatagramSocket()
            >>> b.send(b"x")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 89] Destination address required: send() on <DatagramSocket ...>
        """
        if type(data) is bytes and not flags and self._peeraddr is not None:
            count = self._send_fast(data, self._peeraddr)
            if count >= 0:
                return count
        return self._send(data, None, flags, "send()")

    def sendall(self, data: Any, flags: int = 0) -> None:
        """Send ``data`` as one datagram to the connected peer.

        Example::

            >>> import socket
            >>> from mockselector import socketpair
            >>> a, b = socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
            >>> a.sendall(b"all"), b.recv(10)
            (None, b'all')
        """
        self._send(data, None, flags, "sendall()")

    def sendmsg(self, buffers: Iterable[Any], ancdata: Iterable[Any] = (), flags: int = 0,
                address: Any = None) -> int:
        """Send the concatenated ``buffers`` as one datagram; ancillary data is not supported.

        Example::

            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> DatagramSocket().sendmsg([b"a", b"b"], [], 0, a.getsockname()), a.recv(10)
            (2, b'ab')
        """
        if list(ancdata):
            raise _oserror(errno.EOPNOTSUPP, self, "sendmsg() with ancillary data")
        data = b"".join(_view_of(buffer) for buffer in buffers)
        return self._send(data, address, flags, "sendmsg()")

    # -- receiving --------------------------------------------------------------------------

    def _recv(self, flags: int, what: str) -> tuple[bytes, Any]:
        """The next datagram and its source, waiting if blocking (holding the lock)."""
        if flags:
            flags = _check_flags(flags, _RECV_FLAGS, self, what)
        peek = bool(flags & _MSG_PEEK)
        deadline = None
        while True:
            self._check_open(what)
            if self._error is not None:
                raise self._take_error()
            item = self._in.get(peek)
            if item is not None:
                return item
            # Under a timeout, Python's socket waits for readiness whatever the flags.
            if flags & _MSG_DONTWAIT and self._timeout is None:
                raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable")
            deadline = self._block(what, deadline, self._can_read,
                                   "no datagram is queued and none is on its way")

    def recvfrom(self, bufsize: int, flags: int = 0) -> tuple[bytes, Any]:
        """Receive one datagram: ``(data, address)``, ``data`` cut to ``bufsize`` bytes.

        The part of a datagram beyond ``bufsize`` is discarded, as the kernel
        discards it.  ``flags`` may hold ``MSG_PEEK``, ``MSG_DONTWAIT`` and
        ``MSG_TRUNC``.

        Example::

            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> b = DatagramSocket(address=("127.0.0.1", 0))
            >>> b.sendto(b"hello", a.getsockname())
            5
            >>> data, address = a.recvfrom(4)
            >>> data, address == b.getsockname()
            (b'hell', True)
        """
        if not flags and type(bufsize) is int and bufsize >= 0:
            # The fast path: a datagram waits and no error is pending.
            _acquire()
            try:
                queue = self._in
                items = queue.items
                if items and self._error is None:
                    data, source = items.popleft()
                    size = len(data)
                    queue.held -= size + OVERHEAD
                    if not items:
                        self._changed()  # no longer readable
                    if queue.writers:
                        for writer in queue.writers:
                            writer._changed()
                    return (data if size <= bufsize else data[:bufsize]), source
            finally:
                _release()
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recvfrom")
        with _core.lock:
            data, source = self._recv(flags, "recvfrom()")
        return data[:bufsize], source

    def recv(self, bufsize: int, flags: int = 0) -> bytes:
        """Receive one datagram, cut to ``bufsize`` bytes.

        With ``MSG_TRUNC``, the result has the datagram's full length, as on
        Linux: its first ``bufsize`` bytes are the datagram's and the rest
        is zeros (the kernel leaves them undefined).  ``recv(0)`` returns
        ``b""`` without touching the queue, as Python's socket does.

        Example::

            >>> import socket
            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> a.sendto(b"hello world", a.getsockname())
            11
            >>> len(a.recv(4, socket.MSG_TRUNC))
            11
        """
        if not flags and type(bufsize) is int and bufsize > 0:
            # The fast path: a datagram waits and no error is pending.
            _acquire()
            try:
                queue = self._in
                items = queue.items
                if items and self._error is None:
                    data = items.popleft()[0]
                    size = len(data)
                    queue.held -= size + OVERHEAD
                    if not items:
                        self._changed()  # no longer readable
                    if queue.writers:
                        for writer in queue.writers:
                            writer._changed()
                    return data if size <= bufsize else data[:bufsize]
            finally:
                _release()
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffersize in recv")
        if bufsize == 0:
            self._check_open("recv()")
            return b""
        with _core.lock:
            data, _ = self._recv(flags, "recv()")
        if flags & _MSG_TRUNC and len(data) > bufsize:
            return data[:bufsize] + bytes(len(data) - bufsize)
        return data[:bufsize]

    def _recv_into(self, buffer: Any, nbytes: int, flags: int, what: str,
                   message: str) -> tuple[int, Any]:
        view = memoryview(buffer).cast("B")
        if view.readonly:
            raise TypeError(f"{what} argument 'buffer' must be read-write bytes-like object")
        nbytes = operator.index(nbytes)
        if nbytes < 0:
            raise ValueError(f"negative buffersize in {what[:-2]}")
        size = nbytes or len(view)
        if size > len(view):
            raise ValueError(message)
        with _core.lock:
            data, source = self._recv(flags, what)
        count = min(size, len(data))
        view[:count] = data[:count]
        return (len(data) if flags & _MSG_TRUNC else count), source

    def recv_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> int:
        """Receive one datagram into ``buffer`` (up to ``nbytes``, or its size); return the count.

        With ``MSG_TRUNC``, the datagram's full length is returned.

        Example::

            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> a.sendto(b"hi", a.getsockname())
            2
            >>> buf = bytearray(4)
            >>> a.recv_into(buf), buf
            (2, bytearray(b'hi\\x00\\x00'))
        """
        if len(memoryview(buffer)) == 0 and not nbytes:
            self._check_open("recv_into()")
            return 0  # Python's socket does not call the kernel then
        return self._recv_into(buffer, nbytes, flags, "recv_into()",
                               "buffer too small for requested bytes")[0]

    def recvfrom_into(self, buffer: Any, nbytes: int = 0, flags: int = 0) -> tuple[int, Any]:
        """Receive one datagram into ``buffer``: ``(count, address)``.

        Example::

            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> a.sendto(b"hi", a.getsockname())
            2
            >>> a.recvfrom_into(bytearray(4))[0]
            2
        """
        return self._recv_into(buffer, nbytes, flags, "recvfrom_into()",
                               "nbytes is greater than the length of the buffer")

    def recvmsg(self, bufsize: int, ancbufsize: int = 0,
                flags: int = 0) -> tuple[bytes, list[Any], int, Any]:
        """Receive one datagram: ``(data, [], msg_flags, address)``.

        ``msg_flags`` holds ``MSG_TRUNC`` when the datagram was longer than
        ``bufsize`` (the rest is discarded).

        Example::

            >>> import socket
            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> a.sendto(b"hello", a.getsockname())
            5
            >>> data, ancdata, msg_flags, address = a.recvmsg(2)
            >>> data, msg_flags == socket.MSG_TRUNC
            (b'he', True)
        """
        bufsize = operator.index(bufsize)
        if bufsize < 0:
            raise ValueError("negative buffer size in recvmsg()")
        if operator.index(ancbufsize) < 0:
            raise ValueError("negative buffer size in recvmsg()")
        with _core.lock:
            data, source = self._recv(flags, "recvmsg()")
        return data[:bufsize], [], _MSG_TRUNC if len(data) > bufsize else 0, source

    def recvmsg_into(self, buffers: Iterable[Any], ancbufsize: int = 0,
                     flags: int = 0) -> tuple[int, list[Any], int, Any]:
        """Receive one datagram into ``buffers``: ``(count, [], msg_flags, address)``.

        Example::

            >>> import socket
            >>> a = DatagramSocket(address=("127.0.0.1", 0))
            >>> a.sendto(b"hello", a.getsockname())
            5
            >>> first, second = bytearray(2), bytearray(2)
            >>> count, ancdata, msg_flags, address = a.recvmsg_into([first, second])
            >>> count, first, second, msg_flags == socket.MSG_TRUNC
            (4, bytearray(b'he'), bytearray(b'll'), True)
        """
        views = [memoryview(buffer).cast("B") for buffer in buffers]
        if operator.index(ancbufsize) < 0:
            raise ValueError("negative buffer size in recvmsg_into()")
        with _core.lock:
            data, source = self._recv(flags, "recvmsg_into()")
        count = 0
        for view in views:
            chunk = data[count:count + len(view)]
            view[:len(chunk)] = chunk
            count += len(chunk)
        return count, [], _MSG_TRUNC if len(data) > count else 0, source

    # -- the rest ---------------------------------------------------------------------------

    def shutdown(self, how: int) -> None:
        """Shut down a connected socket: after ``SHUT_WR``, sending raises ``BrokenPipeError``.

        An unconnected UDP socket raises ``OSError(ENOTCONN)``.

        Example::

            >>> import socket
            >>> sock = DatagramSocket()
            >>> sock.shutdown(socket.SHUT_WR)  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 107] Transport endpoint is not connected: shutdown() ...
        """
        with _core.lock:
            self._check_open("shutdown()")
            if how not in _SHUT:
                raise _oserror(errno.EINVAL, self, f"shutdown({how!r})")
            if self._peeraddr is None and self._pair is None:
                raise _oserror(errno.ENOTCONN, self, "shutdown()")
            if how != _SHUT[0]:
                self._shut_wr = True
            # SHUT_RD changes nothing a caller sees on a datagram socket (Linux).

    def _on_close(self) -> None:
        self._route = None
        space = self._space_bound
        if space is not None:
            space.unbind(self)
        self._in.clear()
        for writer in self._in.writers:
            writer._changed()  # its peer is gone: it may send, and be refused
        pair = self._pair
        if pair is not None and self in pair._in.writers:
            pair._in.writers.remove(self)

    def sendfile(self, file: Any, offset: int = 0, count: int | None = None) -> int:
        """Not for datagram sockets: ``ValueError``, as Python's socket says.

        Example::

            >>> import io
            >>> DatagramSocket().sendfile(io.BytesIO(b"x"))
            Traceback (most recent call last):
            ...
            ValueError: only SOCK_STREAM type sockets are supported
        """
        raise ValueError("only SOCK_STREAM type sockets are supported")

    listen: Callable[..., Any]
    accept: Callable[..., Any]


def _not_supported(name: str) -> Callable[..., Any]:
    def method(self: DatagramSocket, *args: Any, **kwargs: Any) -> Any:
        raise _oserror(errno.EOPNOTSUPP, self, f"{name}() (a datagram socket)")

    method.__name__ = name
    method.__qualname__ = f"DatagramSocket.{name}"
    method.__doc__ = f"""Not supported on a datagram socket: ``OSError(EOPNOTSUPP)``, as the kernel.

        Example::

            >>> DatagramSocket().{name}()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 95] Operation not supported: {name}() ...
        """
    return method


DatagramSocket.listen = _not_supported("listen")
DatagramSocket.accept = _not_supported("accept")


def _pair(family: int, proto: int, seed: int | None, capacity: int | None, *,
          loss: float = 0.0, duplicate: float = 0.0,
          reorder: float = 0.0) -> tuple[DatagramSocket, DatagramSocket]:
    """Two connected datagram sockets, for :func:`~mockselector.socketpair` with ``SOCK_DGRAM``."""
    family = int(family)
    check_seed(seed)
    a = DatagramSocket(family, seed=seed, loss=loss, duplicate=duplicate, reorder=reorder,
                       capacity=capacity)
    b = DatagramSocket(family, seed=None if seed is None else seed + 1, loss=loss,
                       duplicate=duplicate, reorder=reorder, capacity=capacity)
    if proto:
        a._proto = b._proto = proto
    with _core.lock:
        if family == _AF_UNIX:
            a._join(b)
            b._join(a)
        else:
            loopback = (_LOOPBACK[family], 0)
            a.bind(loopback)
            b.bind(loopback)
            a.connect(b.getsockname())
            b.connect(a.getsockname())
    return a, b
