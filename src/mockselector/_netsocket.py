"""The in-memory socket that ``socket.socket()`` returns inside a :class:`~mockselector.Network`.

One object goes through the states of a real socket, and keeps its identity
on the way: new (or bound) -> listening, or new -> connecting -> connected.
Each state is a class, and a socket changes state by changing its class (all
of them share :class:`~mockselector.MockSocket`'s layout), so a connected
socket runs :class:`~mockselector.MockSocket`'s own data path unchanged,
and a listening one never carries stream state:

- :class:`NetSocket`: new or bound; data calls fail as the kernel's do on an
  unconnected socket (``ENOTCONN``, ``EPIPE``);
- :class:`_NetListener`: listening; ``accept()`` takes connections from its
  accept queue, readable while one waits;
- :class:`_NetConnecting`: a non-blocking connect in progress (a full accept
  backlog, a black hole, a refused connect not yet reported);
- :class:`_NetStream`: connected; a :class:`~mockselector.MockSocket` whose
  pipes lead to the peer end.

Everything about addresses (binding, ports, who listens where, DNS) is asked
of the socket's network, which owns it; this module holds only the faces.
"""

from __future__ import annotations

import errno
import random
import socket
from collections import deque
from selectors import EVENT_READ, EVENT_WRITE
from typing import TYPE_CHECKING, Any

from . import _core
from ._pipe import DEFAULT_CAPACITY, Pipe
from .sockets import MockSocket, _any_address, _oserror, _parse, _RealSocket

if TYPE_CHECKING:
    from .network import Network

_AF_UNIX = int(socket.AF_UNIX)
_BOTH = EVENT_READ | EVENT_WRITE


class _NetCommon(MockSocket):
    """What every state of a network socket shares: its network, address, options."""

    # The hot state in slots (no per-socket dict on the way to a connection): the
    # network; the key of this socket's binding in its address space, once bound; the
    # connection record (see network.Connection) and this end's side in it (0: client);
    # its own and its peer's address.
    __slots__ = ("_binding", "_net", "_peername", "_record", "_side", "_sockname")

    _net: Network
    _binding: Any
    _record: Any
    _side: int
    # A non-blocking connect reported EINPROGRESS: the next connect() returns once.
    _in_progress = False
    # While connecting: where to, the listener whose queue it waits for, and the
    # outcome once known and not yet read (an errno for SO_ERROR).
    _target: Any = None
    _listener: Any = None
    _connect_error = 0
    # A socket let through to a real destination: the real socket.
    _real: Any = None

    def _init_net(self, net: Network, family: int, proto: int, timeout: float | None) -> None:
        self._init_endpoint(family, False)
        self._peer = None
        self._net = net
        self._binding = self._record = self._peername = None
        self._side = 0
        if proto:
            self._proto = proto
        self._timeout = timeout
        self._sockname = _any_address(family)

    def __repr__(self) -> str:
        state = type(self)._state_name
        parts = [f"fd={int(self._fd)}", "closed" if self._dead else state]
        if self._sockname not in (None, "", ("0.0.0.0", 0), ("::", 0, 0, 0)):
            parts.append(repr(self._sockname))
        peer = self._peername
        if peer is not None and not self._dead:
            parts.append(f"-> {peer!r}")
        return f"<socket (in memory) {' '.join(parts)}>"

    _state_name = "new"

    def getsockname(self) -> Any:
        """The socket's own address: what it is bound to, or the family's "any" address.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     with socket.socket() as sock:
            ...         sock.bind(("127.0.0.1", 8080))
            ...         sock.getsockname()
            ('127.0.0.1', 8080)
        """
        self._check_open("getsockname()")
        return self._sockname

    def setsockopt(self, level: int, optname: int, value: Any, *optlen: Any) -> None:
        """Record an option, as :meth:`MockSocket.setsockopt` does (``SO_REUSEADDR`` counts).

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     with socket.socket() as sock:
            ...         sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            ...         sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR)
            1
        """
        MockSocket.setsockopt(self, level, optname, value, *optlen)

    def _option(self, level: int, optname: int) -> Any:
        options = self._options
        return options.get((level, optname), 0) if options else 0

    def _default_option(self, level: int, optname: int) -> Any:
        if level == socket.SOL_SOCKET and optname in (socket.SO_RCVBUF, socket.SO_SNDBUF):
            return DEFAULT_CAPACITY
        return 0

    def _release(self) -> None:
        """Give back the address this socket holds, and its number (holding the lock)."""
        if self._binding is not None:
            self._net._unbind(self)
        else:
            self._net._sources.pop(int(self._fd), None)

    def _become(self, cls: type[_NetCommon]) -> None:
        """Change state: the same object, another class (holding the lock)."""
        self.__class__ = cls


def _not_connected(name: str, code: int) -> Any:
    def method(self: NetSocket, *args: Any, **kwargs: Any) -> Any:
        self._check_open(f"{name}()")
        if code == errno.EPIPE:
            raise BrokenPipeError(code, f"Broken pipe: {name}() on {self!r}, "
                                  "which is not connected")
        raise _oserror(code, self, f"{name}() (the socket is not connected)")

    method.__name__ = name
    method.__qualname__ = f"NetSocket.{name}"
    method.__doc__ = f"""Not connected: ``OSError`` ({errno.errorcode[code]}), as from the kernel.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.socket().{name}(*{_EXAMPLE_ARGS.get(name, "(1,)")})  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            {type(OSError(code, "")).__name__}: [Errno {code}] ...
        """
    return method


_EXAMPLE_ARGS = {
    "send": '(b"x",)', "sendall": '(b"x",)', "sendmsg": '([b"x"],)',
    "recv_into": '(bytearray(1),)', "recvfrom_into": '(bytearray(1),)',
    "shutdown": "(socket.SHUT_WR,)", "sendfile": "(None,)",
}


class NetSocket(_NetCommon):
    """A stream socket of a :class:`~mockselector.Network`, not yet listening nor connected.

    ``socket.socket()`` returns one inside a network.  ``bind``,
    ``listen`` and ``connect`` by address go through the network; the
    socket then becomes a listener or a connected stream, staying the same
    object.  Data calls before that fail as on an unconnected kernel socket.

    Example::

        >>> from mockselector import Network
        >>> import socket
        >>> with Network():
        ...     server = socket.create_server(("127.0.0.1", 0))
        ...     client = socket.create_connection(server.getsockname())
        ...     conn, address = server.accept()
        ...     client.sendall(b"ping")
        ...     conn.recv(10), address == client.getsockname()
        (b'ping', True)
    """

    __slots__ = ()

    def _readiness(self) -> int:
        # A new TCP socket is reported writable and hung up by the kernel; nothing
        # waits on one in practice, and it never becomes readable with data.
        return 0

    def _on_close(self) -> None:
        self._release()

    def bind(self, address: Any) -> None:
        """Bind to ``address`` in the network (port 0: a free ephemeral port).

        ``EADDRINUSE`` when the address is taken (``SO_REUSEADDR`` on both
        sockets lets a new one bind beside one that is not listening, as on
        Linux), ``EADDRNOTAVAIL`` for an address no host of the network has,
        ``EINVAL`` when already bound.  An ``AF_UNIX`` path lives in the
        network's namespace: no file is made.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socket(), socket.socket()
            ...     a.bind(("127.0.0.1", 8080))
            ...     b.bind(("127.0.0.1", 8080))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 98] Address already in use...
        """
        with _core.lock:
            self._check_open("bind()")
            if self._binding is not None:
                raise _oserror(errno.EINVAL, self, "bind() of a socket already bound")
            self._net._bind(self, address)

    def listen(self, *backlog: int) -> None:
        """Listen; an unbound socket is bound to a free port first, as the kernel does.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network() as net:
            ...     sock = socket.socket()
            ...     sock.listen()
            ...     sock.getsockname() in net.listeners
            True
        """
        size = _backlog_of(self, backlog)
        with _core.lock:
            self._check_open("listen()")
            binding = self._binding
            if type(binding) is tuple and self._net._clients.get(binding[1]) is self:
                # Linux: a socket that tried to connect (and took a port) cannot listen.
                raise _oserror(errno.EINVAL, self, "listen() after connect()")
            if binding is None:
                self._net._bind(self, _any_address(self._family) if self._family != _AF_UNIX
                                else None)
            self._become(_NetListener)
            self._pending: deque[_NetStream] = deque()
            self._waiting: deque[_NetCommon] = deque()
            self._backlog = size
            self._net._listening(self)  # type: ignore[arg-type]  # now a _NetListener
            self._changed()

    def connect(self, address: Any) -> None:
        """Connect to ``address`` (a name is resolved by the network's DNS).

        Nobody listening: ``ConnectionRefusedError`` (``FileNotFoundError``
        for an ``AF_UNIX`` path nobody bound).  A non-blocking socket raises
        ``BlockingIOError(EINPROGRESS)`` and becomes writable when the
        connection is made (``SO_ERROR`` then tells the outcome), as a TCP
        socket does.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.socket().connect(("localhost", 9))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            ConnectionRefusedError: [Errno 111] Connection refused...
        """
        self._check_open("connect()")
        self._net._connect(self, address)

    def connect_ex(self, address: Any) -> int:
        """Like :meth:`connect`, returning an error number instead of raising (0: success).

        Example::

            >>> from mockselector import Network
            >>> import errno, socket
            >>> with Network():
            ...     socket.socket().connect_ex(("127.0.0.1", 9)) == errno.ECONNREFUSED
            True
        """
        try:
            self.connect(address)
        except OSError as error:
            if isinstance(error, socket.gaierror):
                raise
            return error.errno or errno.EIO
        return 0

    def getpeername(self) -> Any:
        """Not connected: ``OSError(ENOTCONN)``.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.socket().getpeername()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 107] Transport endpoint is not connected...
        """
        self._check_open("getpeername()")
        raise _oserror(errno.ENOTCONN, self, "getpeername()")

    def accept(self) -> tuple[Any, Any]:
        """Not listening: ``OSError(EINVAL)``, as the kernel says.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.socket().accept()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument...
        """
        self._check_open("accept()")
        raise _oserror(errno.EINVAL, self, "accept() on a socket that is not listening")

    def feed(self, data: Any) -> None:
        """Not connected: there is no inbound stream to feed (``OSError(ENOTCONN)``).

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.socket().feed(b"x")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 107] Transport endpoint is not connected...
        """
        raise _oserror(errno.ENOTCONN, self, "feed()")

    def feed_eof(self) -> None:
        """Not connected: ``OSError(ENOTCONN)``, as :meth:`feed`."""
        raise _oserror(errno.ENOTCONN, self, "feed_eof()")

    def reset(self) -> None:
        """Not connected: ``OSError(ENOTCONN)``, as :meth:`feed`."""
        raise _oserror(errno.ENOTCONN, self, "reset()")

    recv = _not_connected("recv", errno.ENOTCONN)
    recv_into = _not_connected("recv_into", errno.ENOTCONN)
    recvfrom = _not_connected("recvfrom", errno.ENOTCONN)
    recvfrom_into = _not_connected("recvfrom_into", errno.ENOTCONN)
    shutdown = _not_connected("shutdown", errno.ENOTCONN)
    send = _not_connected("send", errno.EPIPE)
    sendall = _not_connected("sendall", errno.EPIPE)
    sendmsg = _not_connected("sendmsg", errno.EPIPE)
    sendfile = _not_connected("sendfile", errno.EPIPE)


class _NetListener(NetSocket):
    """A listening socket of a network: its accept queue holds up to ``backlog + 1``."""

    __slots__ = ()
    _state_name = "listening"

    _pending: deque[_NetStream]  # the server ends to accept
    _waiting: deque[_NetCommon]  # non-blocking connects waiting for room in the queue
    _backlog: int

    def _readiness(self) -> int:
        return EVENT_READ if self._pending and not self._dead else 0

    def _can_accept(self) -> bool:
        return self._dead or bool(self._pending)

    def _full(self) -> bool:
        # Linux accepts one connection more than the backlog before it drops SYNs.
        return len(self._pending) > self._backlog

    def listen(self, *backlog: int) -> None:
        """Listen again (as asyncio does): set the backlog.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     server = socket.create_server(("127.0.0.1", 0))
            ...     server.listen(5)
        """
        size = _backlog_of(self, backlog)
        with _core.lock:
            self._check_open("listen()")
            self._backlog = size
            self._net._admit(self)

    def bind(self, address: Any) -> None:
        """Already bound: ``OSError(EINVAL)``.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     socket.create_server(("127.0.0.1", 0)).bind(("127.0.0.1", 0))
            ...     # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument...
        """
        self._check_open("bind()")
        raise _oserror(errno.EINVAL, self, "bind() of a listening socket")

    def connect(self, address: Any) -> None:
        """A listening socket cannot connect: ``OSError(EISCONN)``, as on Linux.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     server = socket.create_server(("127.0.0.1", 0))
            ...     server.connect(server.getsockname())  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 106] Transport endpoint is already connected...
        """
        self._check_open("connect()")
        raise _oserror(errno.EISCONN, self, "connect() of a listening socket")

    def accept(self) -> tuple[Any, Any]:
        """Return ``(connection, address)`` of the next client in the accept queue.

        Non-blocking and nothing waiting: ``BlockingIOError``; blocking, it
        waits for another thread to connect, or raises
        :class:`~mockselector.Stalled` when none could.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     server = socket.create_server(("127.0.0.1", 8080))
            ...     client = socket.create_connection(("localhost", 8080))
            ...     conn, address = server.accept()
            ...     address == client.getsockname()
            True
        """
        deadline = None
        with _core.lock:
            while True:
                self._check_open("accept()")
                if self._pending:
                    connection = self._pending.popleft()
                    if self._waiting:
                        self._net._admit(self)
                    self._changed()
                    connection._timeout = _default_timeout()
                    tracer = self._net._tracer
                    if tracer is not None:
                        tracer.accepted(connection)
                    return connection, connection._peername
                deadline = self._block(
                    "accept()", deadline, self._can_accept,
                    f"no client connected to {self._sockname!r}")

    def _on_close(self) -> None:
        # The kernel resets the connections nobody accepted, and refuses those
        # still waiting for room.
        for server in self._pending:
            server.reset()
        self._pending.clear()
        for client in self._waiting:
            self._net._fail_connect(client, errno.ECONNREFUSED)
        self._waiting.clear()
        self._net._not_listening(self)
        self._release()


def _default_timeout() -> float | None:
    return socket.getdefaulttimeout()


class _NetConnecting(NetSocket):
    """A connect in progress (non-blocking): writable once it has an outcome."""

    __slots__ = ()
    _state_name = "connecting"

    def _readiness(self) -> int:
        return _BOTH if self._connect_error and not self._dead else 0

    def _take_so_error(self) -> int:
        with _core.lock:
            code = self._connect_error
            if code:
                self._connect_error = 0
                self._become(NetSocket)
                self._changed()
            return code

    def connect(self, address: Any) -> None:
        """Still in progress: ``OSError(EALREADY)``; its outcome once known.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network() as net:
            ...     net.blackhole(("10.0.0.1", 80))
            ...     sock = socket.socket(); sock.setblocking(False)
            ...     sock.connect_ex(("10.0.0.1", 80)), sock.connect_ex(("10.0.0.1", 80))
            (115, 114)
        """
        with _core.lock:
            self._check_open("connect()")
            code = self._connect_error
            if code:
                self._connect_error = 0
                self._become(NetSocket)
                self._changed()
                raise OSError(code, f"{errno.errorcode.get(code, code)}: connect() to "
                              f"{self._target!r}")
            raise _oserror(errno.EALREADY, self, f"connect() to {self._target!r} (in progress)")

    def _on_close(self) -> None:
        self._net._forget_connect(self)
        self._release()


class _NetStream(_NetCommon):
    """A connected stream of a network: a :class:`~mockselector.MockSocket` with addresses."""

    __slots__ = ()
    _state_name = "connected"
    _connected = True

    def connect(self, address: Any) -> None:
        """Already connected: ``OSError(EISCONN)`` (once ``None`` after ``EINPROGRESS``).

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     server = socket.create_server(("127.0.0.1", 0))
            ...     client = socket.create_connection(server.getsockname())
            ...     client.connect(server.getsockname())  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 106] Transport endpoint is already connected...
        """
        with _core.lock:
            self._check_open("connect()")
            if self._in_progress:
                self._in_progress = False
                return
            raise _oserror(errno.EISCONN, self, "connect()")

    def connect_ex(self, address: Any) -> int:
        """Like :meth:`connect`, returning the error number.

        Example::

            >>> from mockselector import Network
            >>> import errno, socket
            >>> with Network():
            ...     server = socket.create_server(("127.0.0.1", 0))
            ...     client = socket.create_connection(server.getsockname())
            ...     client.connect_ex(server.getsockname()) == errno.EISCONN
            True
        """
        try:
            self.connect(address)
        except OSError as error:
            return error.errno or errno.EIO
        return 0

    def bind(self, address: Any) -> None:
        """Already bound: ``OSError(EINVAL)``.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socketpair()
            ...     a.bind("x")  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument...
        """
        self._check_open("bind()")
        raise _oserror(errno.EINVAL, self, "bind() of a connected socket")

    def listen(self, *backlog: int) -> None:
        """A connected socket cannot listen: ``OSError(EINVAL)``, as on Linux.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socketpair()
            ...     a.listen()  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 22] Invalid argument...
        """
        self._check_open("listen()")
        raise _oserror(errno.EINVAL, self, "listen() of a connected socket")

    def send(self, data: Any, flags: int = 0) -> int:
        """As :meth:`MockSocket.send`; the network counts the bytes.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socketpair()
            ...     a.send(b"abc"), b.recv(10)
            (3, b'abc')
        """
        count: int = MockSocket.send(self, data, flags)
        record = self._record
        if record is not None:
            if self._side:
                record.bytes_to_client += count
            else:
                record.bytes_to_server += count
        return count

    def sendall(self, data: Any, flags: int = 0) -> None:
        """As :meth:`MockSocket.sendall`; the network counts the bytes.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socketpair()
            ...     a.sendall(b"abc"), b.recv(10)
            (None, b'abc')
        """
        MockSocket.sendall(self, data, flags)
        record = self._record
        if record is not None:
            if self._side:
                record.bytes_to_client += memoryview(data).nbytes
            else:
                record.bytes_to_server += memoryview(data).nbytes

    def sendmsg(self, buffers: Any, ancdata: Any = (), flags: int = 0,
                address: Any = None) -> int:
        """As :meth:`MockSocket.sendmsg`; the network counts the bytes.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network():
            ...     a, b = socket.socketpair()
            ...     a.sendmsg([b"a", b"bc"]), b.recv(10)
            (3, b'abc')
        """
        count: int = MockSocket.sendmsg(self, buffers, ancdata, flags, address)
        record = self._record
        if record is not None:
            if self._side:
                record.bytes_to_client += count
            else:
                record.bytes_to_server += count
        return count

    def shutdown(self, how: int, /) -> None:
        """As :meth:`MockSocket.shutdown`; the network's trace records it.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network(trace=True) as net:
            ...     a, b = socket.socketpair()
            ...     a.shutdown(socket.SHUT_WR)
            ...     b.recv(10)
            b''
            >>> net.trace[-1].kind, net.trace[-1].detail
            ('shutdown', 'SHUT_WR')
        """
        tracer = self._net._tracer
        if tracer is None:
            MockSocket.shutdown(self, how)
            return
        with _core.lock:
            MockSocket.shutdown(self, how)
            if self._record is not None:
                tracer.shutdown(self, int(how))

    def reset(self) -> None:
        """As :meth:`MockSocket.reset`; the network's trace records it.

        Example::

            >>> from mockselector import Network
            >>> import socket
            >>> with Network(trace=True) as net:
            ...     a, b = socket.socketpair()
            ...     a.reset()
            >>> net.trace[-1].kind, net.trace[-1].detail
            ('reset', 'reset()')
        """
        with _core.lock:
            tracer = self._net._tracer
            if tracer is not None and not self._dead and self._record is not None:
                # Before: the reset closes this end, and its close adds nothing then.
                tracer.reset(self, "reset()", reverse=self._peer is None)
            MockSocket.reset(self)

    def _on_close(self) -> None:
        tracer = self._net._tracer
        if tracer is None or self._record is None:
            MockSocket._on_close(self)
            self._release()
            return
        peer = self._peer
        had_error = peer is not None and peer._error is not None
        unread = len(self._in.buf) + self._in.flight
        MockSocket._on_close(self)
        self._release()
        # Closing with unread data resets the peer (MockSocket._on_close decides).
        tracer.closed(self, unread, peer is not None and not had_error
                      and peer._error is not None)


def _new(net: Network, cls: type[_NetCommon], family: int, proto: int,
         timeout: float | None) -> Any:
    sock = _RealSocket.__new__(cls)
    sock._init_net(net, family, proto, timeout)
    return sock


def connect_pair(net: Network, client: _NetCommon, family: int, proto: int
                 ) -> _NetStream:
    """Connect ``client`` (which becomes a stream) to a new server end; return it.

    Holding the lock.  The caller sets the addresses.
    """
    server: _NetStream = _new(net, _NetStream, family, proto, _default_timeout())
    client._become(_NetStream)
    size = DEFAULT_CAPACITY
    client._in = server._out = Pipe(size, client, server)
    server._in = client._out = Pipe(size, server, client)
    client._peer, server._peer = server, client
    server._side = 1
    return server


def seed_pair(client: _NetCommon, server: _NetCommon, seed: int) -> None:
    """Split the reads and writes of a new connection at seeded places (holding the lock).

    As :func:`~mockselector.socketpair` with ``seed`` does: ``client`` draws
    from ``random.Random(seed)``, ``server`` from ``random.Random(seed + 1)``.
    """
    for end, own in ((client, seed), (server, seed + 1)):
        end._seed = own
        end._rng = rng = random.Random(own)
        end._in.read_rng = end._out.write_rng = rng
    for pipe in (client._in, client._out):
        pipe.refresh()


def new_socket(net: Network, family: int, proto: int, timeout: float | None) -> NetSocket:
    """A new unconnected network socket."""
    sock: NetSocket = _new(net, NetSocket, family, proto, timeout)
    return sock


def new_pair(net: Network, family: int, proto: int) -> tuple[_NetStream, _NetStream]:
    """Two connected network sockets (``socket.socketpair()`` in a network)."""
    with _core.lock:
        a: _NetStream = _new(net, NetSocket, family, proto, _default_timeout())
        b = connect_pair(net, a, family, proto)
        return a, b


class _RealBacked(_NetCommon):
    """A network socket let through to a real destination (``Network(allow=...)``).

    It stays the object the code holds; every call goes to the real socket
    underneath, whose real descriptor ``fileno()`` returns, so pollers and
    selectors wait on it for real.
    """

    __slots__ = ()
    _state_name = "real"

    def fileno(self) -> int:
        """The real socket's descriptor."""
        return -1 if self._dead else int(self._real.fileno())

    def _readiness(self) -> int:
        return 0

    def _on_close(self) -> None:
        self._real.close()

    @property
    def timeout(self) -> float | None:
        """The real socket's timeout."""
        return self._real.gettimeout()  # type: ignore[no-any-return]


def _delegate(name: str) -> Any:
    def method(self: _RealBacked, *args: Any, **kwargs: Any) -> Any:
        self._check_open(f"{name}()")
        return getattr(self._real, name)(*args, **kwargs)

    method.__name__ = name
    method.__qualname__ = f"_RealBacked.{name}"
    method.__doc__ = f"The real socket's ``{name}()``."
    return method


for _name in ("recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "recvmsg_into",
              "send", "sendall", "sendto", "sendmsg", "sendfile", "shutdown", "getsockname",
              "getpeername", "getsockopt", "setsockopt", "settimeout", "gettimeout",
              "setblocking", "getblocking", "connect", "connect_ex", "bind", "listen",
              "accept", "dup", "detach", "get_inheritable", "set_inheritable"):
    setattr(_RealBacked, _name, _delegate(_name))
del _name


def make_real(sock: _NetCommon, target: Any, real_socket: Any) -> None:
    """Turn ``sock`` into a socket backed by ``real_socket`` and connect that to ``target``.

    The options set so far and the timeout are carried over (holding no lock
    while connecting: a real connect may take time).  A non-blocking socket
    connects before this returns, as an ``AF_UNIX`` socket may.
    """
    options = dict(sock._options or {})
    with _core.lock:
        sock._release()
        sock._net._sources.pop(int(sock._fd), None)
        sock._real = real_socket
        sock._become(_RealBacked)
    for (level, optname), value in options.items():
        real_socket.setsockopt(level, optname, value)
    # A non-blocking socket connects at once too: asyncio waits for the connect on the
    # descriptor it saw before (the virtual one), which no real event would reach.
    timeout = sock._timeout
    real_socket.settimeout(None if timeout == 0.0 else timeout)
    try:
        real_socket.connect(target)
    finally:
        real_socket.settimeout(timeout)


def _backlog_of(sock: Any, backlog: tuple[int, ...]) -> int:
    """The backlog of ``listen(*backlog)``, parsed as the kernel's (128 when not given)."""
    _parse(_RealSocket.listen, sock._family, *backlog)
    return max(0, int(backlog[0])) if backlog else 128
