"""A virtual network: unmodified code binds, resolves and connects by address, in memory.

:class:`Network` holds the whole network in one object: its hosts and their
names (DNS), its address space (who is bound and who listens where, the
ephemeral ports, the ``AF_UNIX`` namespace), the connections made, the
black holes, and which real destinations code may still reach.  Entered as a
context manager, it installs its stand-ins over the entry points through
which code reaches the network - ``socket.socket``, the resolver functions,
``select``, the stdlib selectors, asyncio's loop creation - and removes them
on exit, restoring every name to the very object it was.

**Extending it.**  Other socket kinds plug in without changing this module:
a maker of sockets of another type goes in ``network._factories[type]``
(called as ``factory(network, family, type, proto, timeout)`` by
``socket.socket()``; datagram sockets plug in so, from ``_netdatagram``),
bound with :meth:`Network._bind` / :meth:`Network._unbind` in the same
address space (TCP and UDP have a port space each) and found by address with
:meth:`Network._lookup`; a stand-in over another stdlib entry point (the
test CA among the default ones, for TLS) is added with
``_patching.add(owner, name, stand_in)`` and installed and restored with the
others.

Example::

    >>> import socket, threading
    >>> from mockselector import Network
    >>> with Network() as net:
    ...     net.add_host("db.internal", "10.0.0.7")
    ...     server = socket.create_server(("10.0.0.7", 5432))
    ...     client = socket.create_connection(("db.internal", 5432))
    ...     conn, _ = server.accept()
    ...     client.sendall(b"SELECT 1")
    ...     conn.recv(100)
    b'SELECT 1'
"""

from __future__ import annotations

import errno
import functools
import os
import socket
import time
from collections.abc import Callable, Iterable
from typing import Any, BinaryIO

from . import _core, _expect, _netdatagram, _patching, _trace
from ._conditions import Clock
from ._core import Stalled
from ._datagram import Faults
from ._netconditions import SYN_TIMEOUT, Conditions
from ._netsocket import (
    NetSocket,
    _NetCommon,
    _NetConnecting,
    _NetListener,
    connect_pair,
    make_real,
    new_pair,
    new_socket,
    seed_pair,
)
from ._pipe import check_seed, derive_seed
from ._trace import TraceEvent, Tracer

__all__ = ["Connection", "Network"]

_AF_INET, _AF_INET6, _AF_UNIX = int(socket.AF_INET), int(socket.AF_INET6), int(socket.AF_UNIX)
_SOCK_STREAM, _SOCK_DGRAM, _SOCK_RAW = (int(socket.SOCK_STREAM), int(socket.SOCK_DGRAM),
                                        int(socket.SOCK_RAW))
_TYPE_FLAGS = int(getattr(socket, "SOCK_NONBLOCK", 0)) | int(getattr(socket, "SOCK_CLOEXEC", 0))
_SOCK_NONBLOCK = int(getattr(socket, "SOCK_NONBLOCK", 0))
_WILDCARDS = ("0.0.0.0", "::")
_STREAM_FAMILIES = (_AF_INET, _AF_INET6, _AF_UNIX)
_EAI_NODATA = int(getattr(socket, "EAI_NODATA", -5))
_EAI_ADDRFAMILY = int(getattr(socket, "EAI_ADDRFAMILY", -9))

#: Ephemeral ports, as Linux's ``ip_local_port_range``.
EPHEMERAL_PORTS = range(32768, 61000)

# The real resolver, captured at import (code under test may patch the module).
_real_getaddrinfo = socket.getaddrinfo
_real_getservbyname = socket.getservbyname
_real_getservbyport = socket.getservbyport


@functools.lru_cache(maxsize=4096)
def _numeric(host: str) -> tuple[int, str] | None:
    """``(family, canonical text)`` of a numeric address, or ``None`` for a name."""
    for family in (_AF_INET, _AF_INET6):
        try:
            packed = socket.inet_pton(family, host)
        except (OSError, ValueError):
            continue
        return family, socket.inet_ntop(family, packed)
    return None


def _family_name(family: int) -> str:
    return {_AF_INET: "AF_INET", _AF_INET6: "AF_INET6", _AF_UNIX: "AF_UNIX"}.get(family,
                                                                                  str(family))


def _hint(what: str) -> str:
    return (f"{what} is not on the network: add it with net.add_host(name, address), "
            f"or let real traffic through with Network(allow=[...])")


class Connection:
    """A connection made on a :class:`Network`, as :attr:`Network.connections` lists it.

    ``client`` and ``server`` are the two addresses (as ``getsockname()``
    of each end gives them), ``bytes_to_server`` / ``bytes_to_client`` what
    each end has sent so far, and ``state`` one of ``"open"``,
    ``"closing"`` (one end closed) and ``"closed"``.

    Example::

        >>> import socket
        >>> from mockselector import Network
        >>> with Network() as net:
        ...     server = socket.create_server(("127.0.0.1", 8080))
        ...     client = socket.create_connection(("127.0.0.1", 8080))
        ...     client.sendall(b"hello")
        ...     (record,) = net.connections
        ...     record.server, record.bytes_to_server, record.state
        (('127.0.0.1', 8080), 5, 'open')
    """

    __slots__ = ("_client_end", "_family", "_number", "_server_end", "bytes_to_client",
                 "bytes_to_server", "client", "server")

    def __init__(self, family: int, client: Any, server: Any, ends: tuple[Any, Any]) -> None:
        self._family = family
        self.client = client
        self.server = server
        # What each end sent: the ends count it themselves.
        self.bytes_to_server = self.bytes_to_client = 0
        self._client_end, self._server_end = ends

    @property
    def family(self) -> socket.AddressFamily:
        """The address family of both ends.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     a, b = socket.socketpair()
            ...     net.connections[0].family
            <AddressFamily.AF_UNIX: 1>
        """
        return socket.AddressFamily(self._family)

    bytes_to_server: int
    bytes_to_client: int
    _number: int  # its position in Network.connections, from 1 (set by Network._record)

    @property
    def state(self) -> str:
        """``"open"``, ``"closing"`` (one end closed) or ``"closed"``.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     a, b = socket.socketpair()
            ...     a.close()
            ...     net.connections[0].state
            'closing'
        """
        closed = self._client_end._dead + self._server_end._dead
        return ("open", "closing", "closed")[closed]

    def __repr__(self) -> str:
        return (f"<Connection {self.client!r} -> {self.server!r} {self.state}: "
                f"{self.bytes_to_server} bytes to the server, {self.bytes_to_client} back>")


class Network(Conditions):
    """A virtual network for the code under test: hosts, DNS, addresses, connections.

    Inside ``with Network() as net:`` (or the pytest fixture ``network``),
    the whole process is on this network, and every host of it at once:

    - ``socket.socket()`` makes in-memory sockets that bind, listen, accept
      and connect by address (``AF_INET``, ``AF_INET6``, and ``AF_UNIX``
      paths in the network's own namespace: no file is made);
      ``socket.create_connection``, ``socket.create_server`` and
      ``socket.socketpair`` follow; ``isinstance(sock, socket.socket)``
      holds for real and in-memory sockets alike;
    - ``socket.getaddrinfo``, ``gethostbyname``, ``gethostbyname_ex``,
      ``gethostbyaddr`` and ``getnameinfo`` answer from the network's DNS:
      ``localhost``, ``127.0.0.1`` and ``::1`` exist from the start, more
      with :meth:`add_host`; an unknown name raises ``socket.gaierror``
      (``EAI_NONAME``) naming it;
    - ``select.select``, ``select.poll``, ``select.epoll`` and the stdlib
      selectors (``selectors.DefaultSelector``, socketserver's) answer
      in-memory descriptors in memory and pass real ones to the real call;
    - a new asyncio event loop (``asyncio.run``, ``asyncio.Runner``,
      ``asyncio.new_event_loop()``) is a
      :class:`~mockselector.TestSelectorEventLoop` that resolves names on
      the loop, so ``start_server(host, port)`` and ``open_connection(name,
      port)`` go through the network (on a virtual clock with
      ``virtual_time=True``);
    - ``socket.socket(..., SOCK_DGRAM)`` makes in-memory datagram sockets
      that bind and send by address and by name (UDP ports apart from TCP
      ports); :meth:`datagram_faults` loses, duplicates or reorders their
      datagrams, reproducibly;
    - ``SSLContext.wrap_socket()`` of the network's sockets gives a
      :class:`~mockselector.TLSSocket`, and client contexts that load the
      default CA certificates trust the test CA
      (:data:`mockselector.tls.CA_FILE`) too, unless
      ``trust_test_ca=False``: unmodified https clients verify a server
      that uses :func:`mockselector.tls.server_context`.

    **Conditions.**  :meth:`conditions` (latency, jitter, bandwidth,
    segments, datagram loss), :meth:`hold`, :meth:`partition`,
    :meth:`reset` make the traffic misbehave, exactly and at no wall cost
    with ``virtual_time=True`` (the network's clock, :meth:`time`);
    :attr:`stats` counts what they did.

    **Outcomes by address.**  Nobody listening: ``ConnectionRefusedError``.
    A full accept queue (``backlog + 1`` connections waiting, as on Linux):
    a blocking connect waits for an ``accept()``, a non-blocking one stays
    in progress.  :meth:`blackhole`: the connect never completes.

    **Schedule perturbation.**  ``Network(seed=n)`` varies what is genuinely
    unordered, reproducibly: where each connection's reads and writes split,
    and the order in which pollers, selectors and event loops report what is
    ready at once (see :attr:`seed`).  A race that one seed exposes shows on
    every run with that seed.

    **Strict.**  A name or address that is not on the network fails at once,
    naming it; ``allow=["127.0.0.1:5432", "pypi.org:443", "example.com"]``
    lets connections to exactly those (``host:port``, or a host on any port)
    use real sockets.  Without ``allow``, no real socket is made for network
    traffic inside the scope.

    Only one network is active at a time (entering a second one raises
    ``RuntimeError``); on exit every patched name is the original object
    again, even when the block raised.  Names bound at import
    (``from socket import socket``, ``from select import select``) escape
    the patching; ``from socket import create_connection`` does not (it
    reaches the network through the module).

    Example::

        >>> import socket
        >>> with Network() as net:
        ...     net.add_host("example.test", "192.0.2.10", "2001:db8::10")
        ...     [info[4][0] for info in socket.getaddrinfo("example.test", 80,
        ...                                                 type=socket.SOCK_STREAM)]
        ['192.0.2.10', '2001:db8::10']
    """

    def __init__(self, *, allow: Iterable[str] = (), virtual_time: bool = False,
                 trust_test_ca: bool = True, trace: bool = False,
                 seed: int | None = None) -> None:
        # Schedule perturbation (see the seed property): the seed, and how many seeds
        # were derived from it for each kind of object.
        self._seed = check_seed(seed)
        self._derived: dict[str, int] = {}
        # New asyncio loops of the scope run on a virtual clock (aio's virtual_time),
        # the network's own: bytes in flight and the loops' timers share one time.
        self._virtual_time = bool(virtual_time)
        self._clock = Clock(virtual=self._virtual_time)
        #: Whether client contexts that load the default CA certificates trust the
        #: test CA (mockselector.tls.CA_FILE) too while the network is active.
        self.trust_test_ca = bool(trust_test_ca)
        # DNS: name -> addresses (canonical text), and address -> its first name.
        self._hosts: dict[str, list[str]] = {}
        self._names: dict[str, str] = {}
        self._on_network: set[str] = set()
        self.add_host("localhost", "127.0.0.1", "::1")
        # The address space: port -> sockets bound to it (any address, any family),
        # the AF_UNIX namespace, and the next ephemeral port to try.
        self._ports: dict[int, list[_NetCommon]] = {}
        # The clients' own ports (an ephemeral port taken by connect), one socket each.
        self._clients: dict[int, _NetCommon] = {}
        self._unix: dict[bytes, _NetCommon] = {}
        self._next_port = EPHEMERAL_PORTS.start
        self._listen_table: dict[int, _NetListener] = {}
        # Every in-memory socket made here, by descriptor number (pollers get numbers).
        self._sources: dict[int, Any] = {}
        self._connections: list[Connection] = []
        self._blackholes: set[tuple[str, int | None]] = set()
        if isinstance(allow, str):
            raise TypeError(f"allow is a list of destinations, such as [{allow!r}], "
                            "not one str")
        self._allow = [_parse_allowed(entry) for entry in allow]
        self._allowed_ips: set[tuple[str, int | None]] = set()
        # Makers of sockets of types other than streams, by type (datagrams plug in here).
        self._factories: dict[int, Any] = {_SOCK_DGRAM: _netdatagram.new_socket}
        # Where datagrams are routed while the network is active (in _core.state.datagrams),
        # and the address space it replaced there.
        self._datagram_space = _netdatagram.NetworkSpace(self)
        self._saved_datagrams: Any = None
        # Conditions: rules (latency, holds, resets), the partition, their counters.
        self._init_conditions()
        self._saved: list[Any] | None = None
        # The expected writes made while the network is active (verified at exit), and
        # those waiting for the connection they are for.
        self._expected = _expect.Awaited()
        # The trace: the tracer while tracing (the hooks look at it), and the one that
        # holds the events, kept when tracing stops.
        self._tracer: Tracer | None = None
        self._traced: Tracer | None = None
        if trace:
            self.start_trace()

    def __repr__(self) -> str:
        state = "active" if self._saved is not None else "inactive"
        return (f"<Network {state}: {len(self._hosts)} hosts, {len(self._listen_table)} "
                f"listening, {len(self._connections)} connections>")

    # -- the scope ---------------------------------------------------------------------

    def __enter__(self) -> Network:
        with _core.lock:
            active = _core.state.network
            if active is not None:
                raise RuntimeError(
                    f"{active!r} is already active: networks do not nest (use the one "
                    "that is active, or leave it first)")
            if self._saved is not None:
                raise RuntimeError(f"{self!r} is already entered")
            self._saved = _patching.install()
            _core.state.network = self
            self._saved_datagrams = _core.state.datagrams
            _core.state.datagrams = self._datagram_space
            _core.state.clock = self._clock
            if self._rules or self._groups is not None:
                self._relink_all()  # entered again: its conditions hold again
        return self

    def __exit__(self, *exc_info: Any) -> None:
        with _core.lock:
            saved, self._saved = self._saved, None
            if _core.state.network is self:
                _core.state.network = None
            if _core.state.datagrams is self._datagram_space:
                _core.state.datagrams = self._saved_datagrams
            if _core.state.clock is self._clock:
                _core.state.clock = None
            self._arrive_all()  # nothing waits for this clock any more
            self._saved_datagrams = None
        if saved is not None:
            _patching.restore(saved)
        if exc_info[0] is None:  # else the block's own exception says what went wrong
            self._expected.verify()

    # -- hosts and DNS -----------------------------------------------------------------

    def add_host(self, name: str, *addresses: str) -> None:
        """Put host ``name`` on the network with its IPv4 and/or IPv6 ``addresses``.

        Adding a name again adds addresses to it.  ``gethostbyaddr`` of an
        address answers the first name it was given.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     net.add_host("db.internal", "10.0.0.7")
            ...     socket.gethostbyname("db.internal"), socket.gethostbyaddr("10.0.0.7")[0]
            ('10.0.0.7', 'db.internal')
        """
        if not isinstance(name, str) or not name:
            raise TypeError(f"a host name is a non-empty str, not {name!r}")
        if not addresses:
            raise ValueError(f"add_host({name!r}) needs at least one address")
        canonical = []
        for address in addresses:
            numeric = _numeric(address) if isinstance(address, str) else None
            if numeric is None:
                raise ValueError(f"{address!r} is not an IPv4 or IPv6 address")
            canonical.append(numeric[1])
        with _core.lock:
            known = self._hosts.setdefault(name.lower().rstrip("."), [])
            for address in canonical:
                if address not in known:
                    known.append(address)
                self._names.setdefault(address, name)
                self._on_network.add(address)

    @property
    def hosts(self) -> dict[str, tuple[str, ...]]:
        """The names of the network and their addresses (a copy).

        Example::

            >>> Network().hosts
            {'localhost': ('127.0.0.1', '::1')}
        """
        with _core.lock:
            return {name: tuple(addresses) for name, addresses in self._hosts.items()}

    def blackhole(self, address: Any) -> None:
        """Make connects to ``address`` never complete: ``(host, port)``, or a host (any port).

        A connect with a timeout raises ``TimeoutError`` at its deadline; a
        blocking connect without one raises :class:`~mockselector.Stalled`
        naming the address; a non-blocking one stays in progress.  The
        address is on the network from then on.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     net.blackhole(("10.9.9.9", 443))
            ...     try:
            ...         socket.create_connection(("10.9.9.9", 443), timeout=0.01)
            ...     except socket.timeout as error:  # TimeoutError from Python 3.10 on
            ...         print(error)
            timed out
        """
        if isinstance(address, tuple):
            host, port = address[0], int(address[1])
        else:
            host, port = address, None
        with _core.lock:
            for ip in self._addresses_of(host):
                self._blackholes.add((ip, port))
                self._on_network.add(ip)

    def datagram_faults(self, seed: int | None = None, *, loss: float = 0.0,
                        duplicate: float = 0.0, reorder: float = 0.0) -> Faults:
        """Lose, duplicate or reorder the datagrams delivered on the network, reproducibly.

        Each datagram that reaches a socket of the network is lost with
        probability ``loss``, else delivered twice with probability
        ``duplicate``, and overtakes the one queued before it (still
        unread) with probability ``reorder``; the draws come from
        ``random.Random(seed)``.  Returns the :class:`~mockselector._datagram.Faults`
        whose counters (``lost``, ``duplicated``, ``reordered``,
        ``delivered``) say what happened; calling it again replaces them
        (all probabilities 0: no faults).  TCP connections are not touched.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     faults = net.datagram_faults(seed=1, loss=0.5)
            ...     server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     server.bind(("127.0.0.1", 5000))
            ...     client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     for n in range(100):
            ...         _ = client.sendto(b"%d" % n, ("127.0.0.1", 5000))
            ...     faults.lost + faults.delivered, 30 < faults.lost < 70
            (100, True)
        """
        faults = Faults(seed, loss, duplicate, reorder)
        with _core.lock:
            space = self._datagram_space
            space.faults = faults if faults.active else None
            self._datagram_routes_changed()
        return faults

    def expect_sent(self, data: Any, *more: Any, to: Any = None, by: Any = None
                    ) -> _expect.Expectation:
        """Expect ``data`` (then each of ``more``) on the next connection to or from an address.

        ``to=address``: the bytes a client sends to the server at
        ``address`` on the next connection made to it; ``by=address``: the
        bytes the server at ``address`` sends back on that connection.  The
        address is ``(host, port)``, the host a name of the network's DNS or
        an address (``"0.0.0.0"`` or ``"::"``: any address, that port), or
        an ``AF_UNIX`` path.  Each call is for one connection: called twice
        before a connection is made, the second is for the connection after
        it (to expect more bytes on the same one, use
        :meth:`Expectation.extend`).  Connections made before the call are
        not checked.

        The writes are checked as :meth:`MockSocket.expect_sent` checks them
        (the first deviating byte raises :class:`~mockselector.UnexpectedWrite`
        from the code's ``send``); when the ``with`` block ends without an
        exception, every expectation made while the network was active is
        verified, so a failure the code swallowed, bytes never sent, or a
        connection never made fail there.  The bytes are those on the wire:
        a TLS connection's are encrypted.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     net.add_host("kv.internal", "10.0.0.5")
            ...     request = net.expect_sent(b"GET key\\n", to=("kv.internal", 7000))
            ...     server = socket.create_server(("10.0.0.5", 7000))
            ...     client = socket.create_connection(("kv.internal", 7000))
            ...     client.sendall(b"GET ")
            ...     client.sendall(b"key\\n")
            ...     request.matched
            8
        """
        if (to is None) == (by is None):
            raise TypeError("expect_sent() takes to=address (what clients send to the server "
                            "there) or by=address (what the server there sends back): one "
                            "of them")
        address = to if to is not None else by
        keys: frozenset[Any]
        keyword = "to" if to is not None else "by"
        if isinstance(address, tuple) and len(address) >= 2:
            host, port = address[0], int(address[1])
            if host in ("", *_WILDCARDS):
                keys = frozenset({(None, port)})
            else:
                keys = frozenset((ip, port) for ip in self._addresses_of(host))
        elif isinstance(address, (str, bytes, bytearray)) and address:
            keys = frozenset({os.fsencode(bytes(address) if isinstance(address, bytearray)
                                          else address)})
        else:
            raise TypeError(f"{keyword}= takes (host, port) or an AF_UNIX path, not "
                            f"{address!r}")
        expectation = _expect.Expectation(None, f"net.expect_sent({keyword}={address!r})")
        expectation.extend(data, *more)
        with _core.lock:
            self._expected.wait(keys, 1 if by is not None else 0, expectation)
        return expectation

    def _addresses_of(self, host: str) -> list[str]:
        numeric = _numeric(host)
        if numeric is not None:
            return [numeric[1]]
        known = self._hosts.get(host.lower().rstrip("."))
        if known is None:
            raise socket.gaierror(socket.EAI_NONAME,
                                  f"Name or service not known: {host!r} ({_hint('the name')})")
        return list(known)

    def _known(self, ip: str) -> bool:
        return ip in self._on_network or ip.startswith("127.")

    # -- inspection --------------------------------------------------------------------

    @property
    def connections(self) -> list[Connection]:
        """Every connection made on the network, oldest first (a snapshot).

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     a, b = socket.socketpair()
            ...     len(net.connections), net.connections[0].state
            (1, 'open')
        """
        with _core.lock:
            return list(self._connections)

    @property
    def listeners(self) -> list[Any]:
        """The addresses listened on now, as ``getsockname()`` of each listener gives them.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     server = socket.create_server(("127.0.0.1", 8000))
            ...     net.listeners
            [('127.0.0.1', 8000)]
        """
        with _core.lock:
            return [listener._sockname for listener in self._listen_table.values()]

    # -- the trace ---------------------------------------------------------------------

    @property
    def trace(self) -> list[TraceEvent]:
        """The events recorded while the network traced, oldest first (a snapshot).

        Each is a :class:`~mockselector.TraceEvent`: a connection made,
        accepted, the bytes sent each way, a shutdown, close, reset, a refused
        connect, a datagram, a condition applied.  Empty unless the network
        traces: ``Network(trace=True)``, or :meth:`start_trace`.  The trace
        keeps a copy of every byte sent while it records: its memory grows
        with the traffic.

        Example::

            >>> import socket
            >>> with Network(trace=True) as net:
            ...     server = socket.create_server(("127.0.0.1", 8080))
            ...     client = socket.create_connection(("127.0.0.1", 8080))
            ...     conn, _ = server.accept()
            ...     client.sendall(b"hello")
            ...     conn.recv(10)
            ...     conn.close()
            b'hello'
            >>> [(event.connection, event.kind, event.size) for event in net.trace]
            [(1, 'connect', 0), (1, 'accept', 0), (1, 'data', 5), (1, 'close', 0)]
        """
        with _core.lock:
            return list(self._traced.events) if self._traced is not None else []

    def start_trace(self) -> None:
        """Start recording events (see :attr:`trace`); the connections open now are traced too.

        What happened before is not in the trace: a connection made before
        shows from its next event on.  Nothing changes if the network
        already traces.

        Example::

            >>> import socket
            >>> with Network() as net:
            ...     a, b = socket.socketpair()
            ...     a.sendall(b"before")
            ...     net.start_trace()
            ...     a.sendall(b"after")
            >>> [event.data for event in net.trace]
            [b'after']
        """
        with _core.lock:
            if self._tracer is not None:
                return
            if self._traced is None:
                self._traced = Tracer(self._clock)
            self._tracer = tracer = self._traced
            for record in self._connections:
                tracer.attach(record)
            self._datagram_routes_changed()  # every datagram through deliver(), traced

    def stop_trace(self) -> None:
        """Stop recording events; those recorded stay in :attr:`trace`.

        Example::

            >>> import socket
            >>> with Network(trace=True) as net:
            ...     a, b = socket.socketpair()
            ...     net.stop_trace()
            ...     a.sendall(b"untraced")
            >>> [event.kind for event in net.trace]
            ['connect']
        """
        with _core.lock:
            tracer, self._tracer = self._tracer, None
            if tracer is None:
                return
            for record in self._connections:
                tracer.detach(record)
            self._datagram_routes_changed()

    def timeline(self, which: Any = None) -> str:
        """The trace as text, one line per event (only those of ``which``, if given).

        A line shows the time (seconds on the network's clock), the
        connection (``#1``; ``udp`` for a datagram, ``--`` for what has no
        connection), the addresses from the end that acts to the other one,
        the kind of event, and the bytes of a ``data`` or ``datagram`` event
        (their ``repr``, cut after 40 bytes).  ``which`` is a connection
        number, an address (``("127.0.0.1", 8080)`` or ``"127.0.0.1:8080"``,
        an ``AF_UNIX`` path) or a host (``"127.0.0.1"``).

        Example::

            >>> import socket
            >>> with Network(trace=True, virtual_time=True) as net:
            ...     server = socket.create_server(("127.0.0.1", 8080))
            ...     client = socket.create_connection(("127.0.0.1", 8080))
            ...     conn, _ = server.accept()
            ...     client.sendall(b"hello")
            ...     client.shutdown(socket.SHUT_WR)
            >>> print(net.timeline())
              0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  connect
              0.000000  #1 127.0.0.1:8080 -> 127.0.0.1:32768  accept
              0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  data 5 bytes b'hello'
              0.000000  #1 127.0.0.1:32768 -> 127.0.0.1:8080  shutdown SHUT_WR
        """
        return _trace.timeline(self.trace, which)

    def write_pcapng(self, file: Any) -> int:
        """Write the trace as a pcapng capture (Wireshark, tshark, tcpdump read it).

        ``file`` is a path or a binary file open for writing.  Each connection
        is a TCP handshake at its connect, its bytes in segments with their
        sequence numbers, FIN and RST; each datagram a UDP packet; the
        headers are made up (IPv4 or IPv6, with correct checksums), the
        timestamps are the network's clock.  ``AF_UNIX`` connections and
        datagrams are left out (they have no IP): :meth:`timeline` shows
        them.  Returns the number of packets written.

        Example::

            >>> import io, socket
            >>> with Network(trace=True) as net:
            ...     a, b = socket.socketpair()                      # AF_UNIX: not in it
            ...     server = socket.create_server(("127.0.0.1", 8080))
            ...     client = socket.create_connection(("127.0.0.1", 8080))
            ...     client.sendall(b"hello")
            >>> net.write_pcapng(io.BytesIO())   # SYN, SYN-ACK, ACK, and the data
            4
        """
        events = self.trace
        if hasattr(file, "write"):
            return _trace.write_pcapng(events, file)
        output: BinaryIO
        with open(file, "wb") as output:
            return _trace.write_pcapng(events, output)

    def _trace_event(self, record: Connection | None, kind: str, detail: str = "",
                     **fields: Any) -> None:
        """Add an event to the trace now, if the network traces (else nothing happens).

        The hook for the parts of the network that have something to say
        in the trace: ``record`` is the :class:`Connection` the event is
        about (or ``None``), ``kind`` its kind (``"condition"`` for a
        condition applied), ``detail`` a few words.  ``fields`` may give
        ``source``, ``destination`` (by default the connection's client and
        server addresses; ``""`` without a connection), ``size`` and ``data``.
        Called with or without the library lock.

        Example::

            >>> import socket
            >>> with Network(trace=True, virtual_time=True) as net:
            ...     a, b = socket.socketpair()
            ...     net._trace_event(net.connections[0], "condition", "latency 0.2 s")
            >>> print(net.timeline())
              0.000000  #1 (unnamed) -> (unnamed)  connect socketpair()
              0.000000  #1 (unnamed) -> (unnamed)  condition latency 0.2 s
        """
        tracer = self._tracer
        if tracer is None:
            return
        unknown = set(fields) - {"source", "destination", "size", "data"}
        if unknown:
            raise TypeError(f"_trace_event() got unexpected fields {sorted(unknown)}")
        client, server = _trace._client_view(record) if record is not None else ("", "")
        data = bytes(fields.get("data", b""))
        with _core.lock:
            tracer.add(None if record is None else record._number, kind,
                       fields.get("source", client), fields.get("destination", server),
                       int(fields.get("size", len(data))), data, detail)

    # -- schedule perturbation ---------------------------------------------------------

    @property
    def seed(self) -> int | None:
        """The seed of the network's schedule perturbation, or ``None`` (read-only).

        With ``Network(seed=n)``, what is genuinely unordered varies with
        ``n``, reproducibly:

        - each stream connection splits its reads and writes at random
          places, as :func:`~mockselector.socketpair` with a seed does
          (``recv`` returns a prefix of what is there, ``send`` accepts a
          prefix);
        - the pollers and selectors made on the network (``select.select``,
          ``poll``, ``epoll``, the stdlib selectors, a
          :class:`~mockselector.TestSelector` made without a seed, the event
          loops) report what is ready at once in a seeded random order.

        Each object draws from a seed of its own: the ``i``-th of its kind
        made on the network gets ``random.Random(f"{n}/{kind}/{i}").getrandbits(32)``
        (a string seed is hashed with SHA-512: the same on every run and
        platform), so one more connection or poller in a test leaves those
        made before it as they were.  Connection ``i`` is
        ``net.connections[i]``, of kind ``"connection"``: its client end
        splits with that seed and its server end with that plus 1, as the
        two sockets of ``socketpair(seed=...)`` do (``sock.seed`` of an end
        tells its seed); the other kinds are ``"select"`` (each call),
        ``"poll"``, ``"epoll"`` and ``"selector"``.  Timers, ``call_soon``
        and datagrams keep their order (datagrams have
        :meth:`datagram_faults`).  A :class:`~mockselector.Stalled` raised
        while a seeded network is active ends with the line ``schedule seed:
        n (Network(seed=n) reproduces this run)``.

        Example::

            >>> import socket
            >>> with Network(seed=7) as net:
            ...     a, b = socket.socketpair()
            ...     a.sendall(b"hello world")
            ...     parts = []
            ...     while b"".join(parts) != b"hello world":
            ...         parts.append(b.recv(100))
            ...     net.seed, parts
            (7, [b'hello', b' w', b'orl', b'd'])
        """
        return self._seed

    def _derive(self, what: str) -> int | None:
        """The seed of the next ``what`` (a poller, a selector) made on a seeded network."""
        if self._seed is None:
            return None
        with _core.lock:
            index = self._derived.get(what, 0)
            self._derived[what] = index + 1
        return derive_seed(self._seed, what, index)

    # -- sockets -----------------------------------------------------------------------

    def _socket(self, family: int, type: int, proto: int) -> Any:
        """What ``socket.socket(family, type, proto)`` returns inside the network."""
        family = _AF_INET if family == -1 else int(family)
        kind = _SOCK_STREAM if type == -1 else int(type)
        proto = 0 if proto == -1 else int(proto)
        if kind == _SOCK_STREAM and family in _STREAM_FAMILIES:  # the common case, first
            return self._stream(family, proto, socket.getdefaulttimeout())
        timeout = 0.0 if kind & _SOCK_NONBLOCK else socket.getdefaulttimeout()
        kind &= ~_TYPE_FLAGS
        if family in _STREAM_FAMILIES:
            if kind == _SOCK_STREAM:
                return self._stream(family, proto, timeout)
            factory = self._factories.get(kind)
            if factory is not None:
                return factory(self, family, kind, proto, timeout)
            raise OSError(errno.ESOCKTNOSUPPORT,
                          f"Socket type not supported: {socket.SocketKind(kind)!r} sockets of "
                          f"{_family_name(family)} are not served by the network")
        raise OSError(errno.EAFNOSUPPORT,
                      f"Address family not supported by protocol: {family!r} sockets "
                      "are not served by the network")

    def _stream(self, family: int, proto: int, timeout: float | None) -> NetSocket:
        """A new stream socket of the network."""
        sock = new_socket(self, family, proto, timeout)
        self._sources[int(sock._fd)] = sock
        return sock

    def _socketpair(self, family: int, type: int, proto: int) -> tuple[Any, Any]:
        """What ``socket.socketpair()`` returns inside the network."""
        family = int(family)
        kind = int(type) & ~_TYPE_FLAGS
        if family != _AF_UNIX:
            raise OSError(errno.EOPNOTSUPP, "Operation not supported: socketpair() of "
                          f"{_family_name(family)} (as on Linux: use AF_UNIX)")
        if kind == _SOCK_DGRAM:
            timeout = 0.0 if int(type) & _SOCK_NONBLOCK else socket.getdefaulttimeout()
            return _netdatagram.new_pair(self, family, int(proto), timeout)
        if kind != _SOCK_STREAM:
            raise OSError(errno.ESOCKTNOSUPPORT, f"Socket type not supported: socketpair() "
                          f"of {socket.SocketKind(kind)!r} is not served by the network")
        a, b = new_pair(self, family, int(proto))
        with _core.lock:
            a._sockname = a._peername = b._sockname = b._peername = ""
            self._sources[int(a._fd)] = a
            self._sources[int(b._fd)] = b
            self._record(family, a, b)
        if int(type) & _SOCK_NONBLOCK:
            a._timeout = b._timeout = 0.0
        return a, b

    def _record(self, family: int, client: Any, server: Any) -> None:
        record = Connection(family, client._sockname, server._sockname, (client, server))
        client._record = server._record = record
        if self._seed is not None:  # connection i splits as derive_seed() says (see seed)
            seed_pair(client, server,
                      derive_seed(self._seed, "connection", len(self._connections)))
        self._connections.append(record)
        record._number = len(self._connections)
        self._connected(record)
        if self._expected:
            self._expected.connected(client, server)
        if self._tracer is not None:
            self._tracer.connected(record)

    # -- the address space (every method below is called holding the lock) -------------

    def _check_active(self, what: str) -> None:
        if self._saved is None:
            raise OSError(errno.ENETDOWN, f"Network is down: {what} on {self!r}, which was "
                          "left (or never entered): use the socket inside `with network:`")

    def _bind(self, sock: _NetCommon, address: Any) -> None:
        """Bind ``sock`` to ``address`` (``None``: an AF_UNIX autobind name).

        Any socket-like object with ``_family``, ``_type``, ``_fd``,
        ``_options``, ``_binding`` and ``_sockname`` may be bound here (the
        datagram sockets too); :meth:`_unbind` gives the address back.
        """
        self._check_active("bind()")
        if sock._family == _AF_UNIX:
            self._bind_unix(sock, address)
            return
        ip, port, rest = self._inet_address(sock, address, "bind")
        if ip not in _WILDCARDS and not self._known(ip):
            raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address: "
                          f"bind() to {ip!r}: {_hint('the address')}")
        if port == 0:
            port = self._free_port()
        elif self._conflict(sock, ip, port):
            raise OSError(errno.EADDRINUSE, f"Address already in use: bind() to {(ip, port)!r}")
        self._take(sock, ip, port, rest)

    def _take(self, sock: _NetCommon, ip: str, port: int, rest: tuple[Any, ...] = ()) -> None:
        sock._binding = (ip, port)
        sock._sockname = (ip, port, *rest) if sock._family == _AF_INET6 else (ip, port)
        self._ports.setdefault(port, []).append(sock)

    def _bind_unix(self, sock: _NetCommon, address: Any) -> None:
        if address is None:
            address = "\0" + f"{self._free_port():05x}"
        if not isinstance(address, (str, bytes, bytearray)):
            raise TypeError(f"a bytes-like object is required, not '{type(address).__name__}'")
        key = os.fsencode(bytes(address) if isinstance(address, bytearray) else address)
        if not key:
            raise OSError(errno.EINVAL, "Invalid argument: bind() to an empty AF_UNIX path")
        if key in self._unix:
            raise OSError(errno.EADDRINUSE, f"Address already in use: bind() to {address!r}")
        self._unix[key] = sock
        sock._binding = key
        sock._sockname = address if isinstance(address, str) else bytes(address)

    def _unbind(self, sock: _NetCommon) -> None:
        binding, sock._binding = sock._binding, None
        self._sources.pop(int(sock._fd), None)
        if type(binding) is tuple and self._clients.get(binding[1]) is sock:
            del self._clients[binding[1]]
            return
        if isinstance(binding, bytes):
            if self._unix.get(binding) is sock:
                del self._unix[binding]
            return
        bound = self._ports.get(binding[1])
        if bound is not None:
            bound.remove(sock)
            if not bound:
                del self._ports[binding[1]]

    def _free_port(self) -> int:
        ports = EPHEMERAL_PORTS
        for _ in ports:
            port = self._next_port
            self._next_port = port + 1 if port + 1 < ports.stop else ports.start
            if port not in self._ports and port not in self._clients:
                return port
        raise OSError(errno.EADDRNOTAVAIL, "Cannot assign requested address: "
                      "every ephemeral port of the network is taken")

    def _conflict(self, sock: _NetCommon, ip: str, port: int) -> bool:
        reuse = _option(sock, socket.SO_REUSEADDR)
        client = self._clients.get(port)
        for other in (*self._ports.get(port, ()), *(() if client is None else (client,))):
            if other is sock or other._type != sock._type \
                    or not _overlap(sock._family, ip, sock, other):
                continue  # TCP and UDP have a port space each
            if reuse and _option(other, socket.SO_REUSEADDR) \
                    and type(other) is not _NetListener:
                continue  # Linux: both reuse, and the other one is not listening
            if _option(sock, _SO_REUSEPORT) and _option(other, _SO_REUSEPORT):
                continue
            return True
        return False

    def _listening(self, listener: _NetListener) -> None:
        self._listen_table[int(listener._fd)] = listener
        self._sources[int(listener._fd)] = listener

    def _not_listening(self, listener: _NetListener) -> None:
        self._listen_table.pop(int(listener._fd), None)

    def _listener_for(self, family: int, ip: str, port: int) -> tuple[Any, bool]:
        """The listener a connect to ``(ip, port)`` reaches, and whether it maps IPv4 to IPv6."""
        wildcard: Any = None
        mapped = False
        for other in self._ports.get(port, ()):
            if type(other) is not _NetListener:
                continue
            bound_ip = other._binding[0]
            if other._family == family:
                if bound_ip == ip:
                    return other, False
                if bound_ip in _WILDCARDS and wildcard is None:
                    wildcard = other
            elif family == _AF_INET and bound_ip == "::" and wildcard is None \
                    and not _option(other, _IPV6_V6ONLY, socket.IPPROTO_IPV6):
                wildcard, mapped = other, True
        return wildcard, mapped

    def _lookup(self, kind: int, family: int, ip: str, port: int) -> Any:
        """The socket of type ``kind`` bound to ``(ip, port)`` or its wildcard, if any.

        Where a datagram sent to ``(ip, port)`` goes (a TCP connect asks
        :meth:`_listener_for`, which also knows about listening).
        """
        wildcard = None
        for other in self._ports.get(port, ()):
            if other._type != kind or other._family != family:
                continue
            if other._binding[0] == ip:
                return other
            if other._binding[0] in _WILDCARDS and wildcard is None:
                wildcard = other
        return wildcard

    # -- connecting --------------------------------------------------------------------

    def _inet_address(self, sock: _NetCommon, address: Any, what: str
                      ) -> tuple[str, int, tuple[Any, ...]]:
        """``(ip, port, rest)`` of an AF_INET/AF_INET6 address, names resolved here."""
        family = sock._family
        if type(address) is tuple and len(address) == 2 and family == _AF_INET:
            host, port = address  # the common case: a numeric IPv4 address
            if type(host) is str and type(port) is int and 0 <= port <= 65535:
                numeric = _numeric(host)
                if numeric is not None and numeric[0] == _AF_INET and host not in _WILDCARDS:
                    return numeric[1], port, ()
        size = 4 if family == _AF_INET6 else 2
        if not isinstance(address, tuple) or not 2 <= len(address) <= size:
            raise TypeError(f"{_family_name(family)} address must be tuple, not "
                            f"{type(address).__name__}")
        host, port = address[0], address[1]
        if not isinstance(port, int) or isinstance(port, bool):
            raise TypeError(f"'{type(port).__name__}' object cannot be interpreted as an "
                            "integer")
        if not 0 <= port <= 65535:
            raise OverflowError(f"{what}(): port must be 0-65535.")
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode("idna")
        if not isinstance(host, str):
            raise TypeError(f"str, bytes or bytearray expected, not {type(host).__name__}")
        rest = tuple(address[2:4]) + (0, 0)[len(address) - 2:] if family == _AF_INET6 else ()
        if host == "":
            return ("0.0.0.0" if family == _AF_INET else "::"), port, rest
        numeric = _numeric(host)
        if numeric is None:
            candidates = [ip for ip in self._resolve(host) if _numeric(ip)[0] == family]  # type: ignore[index]
            if not candidates:
                raise socket.gaierror(_EAI_ADDRFAMILY,
                                      "Address family for hostname not supported")
            return candidates[0], port, rest
        if numeric[0] != family:
            raise socket.gaierror(_EAI_ADDRFAMILY, "Address family for hostname not supported")
        return numeric[1], port, rest

    def _resolves_for_real(self, host: Any) -> bool:
        """Whether the real DNS answers ``host`` (an allowed name the network lacks)."""
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode("idna")
        return isinstance(host, str) and _numeric(host) is None \
            and host.lower().rstrip(".") not in self._hosts and self._name_allowed(host, None)

    def _resolve(self, host: str) -> list[str]:
        """The addresses of a name, from the network's DNS (or the real one, if allowed)."""
        known = self._hosts.get(host.lower().rstrip("."))
        if known is not None:
            return list(known)
        if self._name_allowed(host, None):
            return [info[4][0] for info in self._real_lookup(host, None, 0, _SOCK_STREAM, 0, 0)]
        raise socket.gaierror(socket.EAI_NONAME,
                              f"Name or service not known: {host!r} ({_hint('the name')})")

    def _connect(self, sock: NetSocket, address: Any) -> None:
        """``connect(address)`` of a new or bound network socket."""
        self._check_active("connect()")
        if sock._family == _AF_UNIX:
            self._connect_unix(sock, address)
            return
        ip, port, rest = self._inet_address(sock, address, "connect")
        if ip in _WILDCARDS:  # Linux connects to the loopback address
            ip = "127.0.0.1" if ip == "0.0.0.0" else "::1"
        if sock._family == _AF_INET6:
            target = (ip, port, *rest)
        elif address[0] is ip and address[1] is port:
            target = address  # already canonical: no copy
        else:
            target = (ip, port)
        if self._allow and self._ip_allowed(ip, port):
            make_real(sock, target, _patching.real_socket(sock._family, _SOCK_STREAM,
                                                          sock._proto))
            return
        with _core.lock:
            if not self._known(ip):
                raise OSError(errno.ENETUNREACH, f"Network is unreachable: connect() to "
                              f"{target!r}: {_hint('the address')}")
            # Where the client is: the address it bound, else the test's own process.
            source = None if sock._binding is None or sock._binding[0] in _WILDCARDS \
                else sock._binding
            if sock._binding is None:  # an ephemeral port of its own
                port_of_client = self._free_port()
                sock._binding = sock._sockname = (ip, port_of_client) \
                    if sock._family != _AF_INET6 else (ip, port_of_client, *rest)
                self._clients[port_of_client] = sock
            if self._blackholes and ((ip, port) in self._blackholes
                                     or (ip, None) in self._blackholes):
                self._black_hole(sock, target)
                return
            if self._groups is not None and self._crosses(source, (ip, port)):
                # No answer: in progress (non-blocking), else back here once healed.
                self._across_partition(sock, target, source, (ip, port))
            if self._rules:
                rtt = self._round_trip(source, (ip, port))
                if rtt:
                    self._handshake(sock, target, rtt)  # back here once the answer is in
            deadline = None
            while True:
                listener, mapped = self._listener_for(sock._family, ip, port)
                if listener is None:
                    self._refuse(sock, target)
                    return
                if not listener._full():
                    break
                if sock._timeout == 0.0:
                    sock._become(_NetConnecting)
                    sock._target = target
                    sock._listener = listener
                    listener._waiting.append(sock)
                    raise BlockingIOError(errno.EINPROGRESS, "Operation now in progress")
                deadline = sock._block(
                    "connect()", deadline, functools.partial(_has_room, listener),
                    f"the accept queue of {listener!r} is full (backlog {listener._backlog}) "
                    "and nothing accepts")
            self._establish(sock, listener, target, mapped)
            if sock._timeout == 0.0:
                sock._in_progress = True
                raise BlockingIOError(errno.EINPROGRESS, "Operation now in progress")

    def _establish(self, client: _NetCommon, listener: _NetListener, target: Any,
                   mapped: bool) -> None:
        """Connect ``client`` to ``listener``: the server end joins its accept queue."""
        server = connect_pair(self, client, listener._family, listener._proto)
        client._peername = target
        local = client._sockname
        if mapped:
            server._sockname = ("::ffff:" + target[0], target[1], 0, 0)
            server._peername = ("::ffff:" + local[0], local[1], 0, 0)
        else:
            server._sockname = target
            server._peername = local
        server._binding = binding = listener._binding
        self._ports[binding[1]].append(server)
        if listener._options:
            server._options = dict(listener._options)
        self._sources[int(server._fd)] = server
        self._record(client._family, client, server)
        listener._pending.append(server)
        listener._changed()
        client._changed()

    def _admit(self, listener: _NetListener) -> None:
        """Complete the non-blocking connects waiting for room in ``listener``'s queue."""
        waiting = listener._waiting
        while waiting and not listener._full():
            client = waiting.popleft()
            if client._dead or type(client) is not _NetConnecting:
                continue
            target = client._target
            mapped = client._family != listener._family
            self._establish(client, listener, target, mapped)
            client._in_progress = True
            client._changed()

    def _fail_connect(self, client: _NetCommon, code: int) -> None:
        if type(client) is _NetConnecting and not client._dead:
            client._connect_error = code
            client._changed()
            if self._tracer is not None:
                self._tracer.refused(client._sockname, client._target,
                                     "the listener was closed")

    def _across_partition(self, sock: NetSocket, target: Any, source: Any,
                          destination: Any) -> None:
        """A connect into a partition: no answer comes (holding the lock).

        A non-blocking connect stays in progress: it proceeds
        when the partition heals, or fails with ``ETIMEDOUT`` once Linux
        would give up.  A blocking one waits for either (or its timeout),
        and returns to connect once healed.
        """
        self._stats.connects_blocked += 1
        clock = self._clock
        give_up = clock.now() + SYN_TIMEOUT
        if sock._timeout == 0.0:
            self._blocked.append(sock)
        self._await_answer(
            sock, target, give_up, self._syn_timeout,
            lambda: not self._crosses(source, destination),
            lambda reason: Stalled(
                f"{sock!r}: connect() to {target!r} waits for a partition to heal: {reason}",
                waiter=sock, waiting_for="net.heal()", where="connect()"))
        if self._crosses(source, destination):
            raise TimeoutError(errno.ETIMEDOUT, f"Connection timed out: connect() to "
                               f"{target!r} across a partition (net.partition()) got no answer")

    def _handshake(self, sock: NetSocket, target: Any, rtt: float) -> None:
        """Wait ``rtt`` seconds of network time for the answer to a SYN (holding the lock).

        A non-blocking connect stays in progress and completes (or is
        refused) when the answer comes; a blocking one waits for it (or its
        timeout) and returns to connect.
        """
        self._await_answer(sock, target, self._clock.now() + rtt, self._unblock,
                           lambda: False, Stalled)

    def _await_answer(self, sock: NetSocket, target: Any, when: float,
                      then: Callable[[Any], None], done: Callable[[], bool],
                      stalled: Callable[[str], BaseException]) -> None:
        """A connect whose answer comes at network time ``when`` (holding the lock).

        Non-blocking: in progress (``EINPROGRESS``), and ``then(sock)`` runs
        at ``when``.  Blocking: it waits until ``when``, or ``done()``, or its
        timeout (``socket.timeout``); a virtual clock may jump there.
        """
        clock = self._clock
        if sock._timeout == 0.0:
            sock._become(_NetConnecting)
            sock._target = target
            clock.at(when, functools.partial(then, sock))
            raise BlockingIOError(errno.EINPROGRESS, "Operation now in progress")
        clock.at(when, _core.wake)
        deadline = None if sock._timeout is None else time.monotonic() + sock._timeout
        if not _core.block(sock, lambda: sock._dead or clock.now() >= when or done(),
                           deadline, None, stalled):
            raise socket.timeout("timed out")
        sock._check_open("connect()")

    def _syn_timeout(self, sock: Any) -> None:
        if sock in self._blocked:
            self._blocked.remove(sock)
            self._fail_connect(sock, errno.ETIMEDOUT)

    def _unblock(self, sock: Any) -> None:
        """A connect that waited for a partition to heal proceeds (holding the lock)."""
        if sock._dead or type(sock) is not _NetConnecting:
            return
        target = sock._target
        listener, mapped = self._listener_for(sock._family, target[0], target[1])
        if listener is None:
            self._fail_connect(sock, errno.ECONNREFUSED)
        elif listener._full():
            sock._listener = listener
            listener._waiting.append(sock)
        else:
            self._establish(sock, listener, target, mapped)
            sock._in_progress = True
            sock._changed()

    def _forget_connect(self, client: _NetConnecting) -> None:
        if client in self._blocked:
            self._blocked.remove(client)
        listener = client.__dict__.pop("_listener", None)
        if listener is not None and client in listener._waiting:
            listener._waiting.remove(client)

    def _refuse(self, sock: NetSocket, target: Any) -> None:
        message = f"Connection refused: nothing listens on {target!r} on the network"
        if self._tracer is not None:
            self._tracer.refused(sock._sockname, target, "nothing listens there")
        if sock._timeout == 0.0:
            sock._become(_NetConnecting)
            sock._target = target
            sock._connect_error = errno.ECONNREFUSED
            sock._changed()
            raise BlockingIOError(errno.EINPROGRESS, "Operation now in progress")
        raise ConnectionRefusedError(errno.ECONNREFUSED, message)

    def _black_hole(self, sock: NetSocket, target: Any) -> None:
        timeout = sock._timeout
        if timeout == 0.0:
            sock._become(_NetConnecting)
            sock._target = target
            raise BlockingIOError(errno.EINPROGRESS, "Operation now in progress")
        if timeout is None:
            why = f"{target!r} is a black hole (net.blackhole()): no answer ever comes"
            raise Stalled(
                f"{sock!r}: a blocking connect() to {target!r} would wait forever: {why}. "
                "Give the socket a timeout to see it time out.",
                waiter=sock, waiting_for=why, where="connect()")
        # Nothing can complete it: the timeout, as the core's one policy waits one
        # out (exact while another thread could act, at once when none could).
        _core.block(sock, lambda: False, time.monotonic() + timeout, None,
                    lambda reason: Stalled(reason))
        raise socket.timeout("timed out")

    def _connect_unix(self, sock: NetSocket, address: Any) -> None:
        if not isinstance(address, (str, bytes, bytearray)):
            raise TypeError(f"a bytes-like object is required, not '{type(address).__name__}'")
        key = os.fsencode(bytes(address) if isinstance(address, bytearray) else address)
        with _core.lock:
            listener = self._unix.get(key)
            if self._tracer is not None and type(listener) is not _NetListener:
                self._tracer.refused(sock._sockname, address, "nothing is bound there"
                                     if listener is None else "bound, not listening")
            if listener is None:
                raise FileNotFoundError(errno.ENOENT, f"No such file or directory: connect() "
                                        f"to {address!r}: nothing is bound there on the network")
            if type(listener) is not _NetListener:
                raise ConnectionRefusedError(errno.ECONNREFUSED, f"Connection refused: "
                                             f"{address!r} is bound but not listening")
            deadline = None
            while listener._full():
                if sock._timeout is not None:  # non-blocking inside, as CPython sets it
                    raise BlockingIOError(errno.EAGAIN, "Resource temporarily unavailable: "
                                          f"the accept queue of {address!r} is full")
                deadline = sock._block(
                    "connect()", deadline, functools.partial(_has_room, listener),
                    f"the accept queue of {listener!r} is full and nothing accepts")
                if listener._dead or type(listener) is not _NetListener:
                    raise ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused")
            server = connect_pair(self, sock, _AF_UNIX, listener._proto)
            sock._peername = server._sockname = listener._sockname
            server._peername = sock._sockname = sock._sockname or ""
            self._sources[int(server._fd)] = server
            self._record(_AF_UNIX, sock, server)
            listener._pending.append(server)
            listener._changed()
            sock._changed()

    # -- the allow-list ----------------------------------------------------------------

    def _ip_allowed(self, ip: str, port: int) -> bool:
        if not self._allow:
            return False
        if (ip, port) in self._allowed_ips or (ip, None) in self._allowed_ips:
            return True
        for host, allowed_port in self._allow:
            if allowed_port not in (None, port):
                continue
            numeric = _numeric(host)
            if numeric is not None and numeric[1] == ip:
                return True
        return False

    def _name_allowed(self, host: str, port: int | None) -> bool:
        name = host.lower().rstrip(".")
        return any(allowed.lower().rstrip(".") == name and (port is None or allowed_port in
                                                            (None, port))
                   for allowed, allowed_port in self._allow)

    def _real_lookup(self, host: str, port: Any, family: int, type: int, proto: int,
                     flags: int) -> list[Any]:
        """The real DNS answer for an allowed name; its addresses become allowed too."""
        infos = _real_getaddrinfo(host, port, family, type, proto, flags)
        name = host.lower().rstrip(".")
        for allowed, allowed_port in self._allow:
            if allowed.lower().rstrip(".") == name:
                for info in infos:
                    self._allowed_ips.add((str(info[4][0]), allowed_port))
        return infos

    # -- DNS ---------------------------------------------------------------------------

    def _getaddrinfo(self, host: Any, port: Any, family: int = 0, type: int = 0,
                     proto: int = 0, flags: int = 0) -> list[Any]:
        """``socket.getaddrinfo`` answered by the network."""
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode("idna")
        kind = int(type)
        number = self._port_number(port, kind)
        family = int(family)
        if host is None:
            if flags & socket.AI_PASSIVE:
                addresses = ["0.0.0.0", "::"]
            else:
                addresses = ["::1", "127.0.0.1"]
            canonical = ""
        elif not isinstance(host, str):
            raise TypeError(f"getaddrinfo() argument 1 must be string or None, not "
                            f"{_type_name(host)}")
        else:
            numeric = _numeric(host.split("%", 1)[0])
            if numeric is not None:
                addresses = [numeric[1]]
                if family not in (0, numeric[0]):
                    raise socket.gaierror(_EAI_ADDRFAMILY,
                                          "Address family for hostname not supported")
            elif flags & socket.AI_NUMERICHOST:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            elif host.lower().rstrip(".") in self._hosts:
                addresses = list(self._hosts[host.lower().rstrip(".")])
            elif self._name_allowed(host, number or None):
                with _core.lock:
                    return self._real_lookup(host, port, family, type, proto, flags)
            else:
                raise socket.gaierror(
                    socket.EAI_NONAME,
                    f"Name or service not known: {host!r} ({_hint('the name')})")
            canonical = host
        infos: list[Any] = []
        kinds = [(_SOCK_STREAM, 6), (_SOCK_DGRAM, 17), (_SOCK_RAW, 0)] if kind == 0 else \
            [(kind, 6 if kind == _SOCK_STREAM else 17 if kind == _SOCK_DGRAM else 0)]
        for address in addresses:
            address_family = _numeric(address)[0]  # type: ignore[index]
            if family not in (0, address_family):
                continue
            sockaddr = (address, number) if address_family == _AF_INET \
                else (address, number, 0, 0)
            for entry_kind, entry_proto in kinds:
                infos.append((socket.AddressFamily(address_family),
                              socket.SocketKind(entry_kind), proto or entry_proto,
                              canonical if flags & socket.AI_CANONNAME and not infos else "",
                              sockaddr))
        if not infos:
            raise socket.gaierror(_EAI_NODATA, "No address associated with hostname")
        return infos

    @staticmethod
    def _port_number(port: Any, kind: int) -> int:
        if port is None:
            return 0
        if isinstance(port, int) and not isinstance(port, bool):
            return port
        if isinstance(port, (bytes, bytearray)):
            port = bytes(port).decode()
        if isinstance(port, str):
            if port.isdigit():
                return int(port)
            try:
                return _real_getservbyname(port, "udp" if kind == _SOCK_DGRAM else "tcp")
            except OSError:
                raise socket.gaierror(socket.EAI_SERVICE,
                                      "Servname not supported for ai_socktype") from None
        raise OSError("Int or String expected")

    def _gethostbyname_ex(self, name: str) -> tuple[str, list[str], list[str]]:
        numeric = _numeric(name)
        if numeric is not None:
            if numeric[0] != _AF_INET:
                raise socket.gaierror(_EAI_ADDRFAMILY,
                                      "Address family for hostname not supported")
            return name, [], [numeric[1]]
        addresses = [ip for ip in self._resolve(name) if _numeric(ip)[0] == _AF_INET]  # type: ignore[index]
        if not addresses:
            raise socket.gaierror(_EAI_NODATA, "No address associated with hostname")
        return name, [], addresses

    def _gethostbyaddr(self, address: str) -> tuple[str, list[str], list[str]]:
        numeric = _numeric(address)
        ip = numeric[1] if numeric is not None else self._resolve(address)[0]
        name = self._names.get(ip)
        if name is None:
            raise socket.herror(1, f"Unknown host: {ip!r} has no name on the network "
                                "(give it one with net.add_host(name, address))")
        return name, [], [ip]

    def _getnameinfo(self, sockaddr: Any, flags: int) -> tuple[str, str]:
        if not isinstance(sockaddr, tuple) or len(sockaddr) < 2:
            raise TypeError("getnameinfo() argument 1 must be a tuple")
        host, port = sockaddr[0], int(sockaddr[1])
        numeric = _numeric(host)
        ip = numeric[1] if numeric is not None else self._resolve(host)[0]
        if flags & socket.NI_NUMERICHOST:
            name = ip
        else:
            found = self._names.get(ip)
            if found is None and flags & socket.NI_NAMEREQD:
                raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
            name = found or ip
        if flags & socket.NI_NUMERICSERV:
            service = str(port)
        else:
            try:
                service = _real_getservbyport(port, "udp" if flags & socket.NI_DGRAM else "tcp")
            except OSError:
                service = str(port)
        return name, service


def _type_name(value: Any) -> str:
    return type(value).__name__


_SO_REUSEPORT = int(getattr(socket, "SO_REUSEPORT", -1))
_IPV6_V6ONLY = int(getattr(socket, "IPV6_V6ONLY", 26))


def _option(sock: _NetCommon, optname: int, level: int = socket.SOL_SOCKET) -> Any:
    options = sock._options
    return options.get((level, optname), 0) if options else 0


def _overlap(family: int, ip: str, sock: _NetCommon, other: _NetCommon) -> bool:
    """Whether ``(ip, port)`` of ``sock`` and the binding of ``other`` (same port) overlap."""
    other_ip = other._binding[0]
    if other._family == family:
        return ip == other_ip or ip in _WILDCARDS or other_ip in _WILDCARDS
    # Linux: an IPv6 wildcard without IPV6_V6ONLY also holds the port on IPv4.
    v6, v6_ip, v4_ip = (sock, ip, other_ip) if family == _AF_INET6 else (other, other_ip, ip)
    return v6_ip == "::" and not _option(v6, _IPV6_V6ONLY, socket.IPPROTO_IPV6) \
        and v4_ip is not None


def _has_room(listener: _NetListener) -> bool:
    """Whether a connect to ``listener`` may proceed (room in its queue, or it is gone)."""
    return listener._dead or type(listener) is not _NetListener or not listener._full()


def _parse_allowed(entry: str) -> tuple[str, int | None]:
    """``"host:port"``, ``"[v6]:port"`` or ``"host"`` as ``(host, port or None)``."""
    if not isinstance(entry, str) or not entry:
        raise TypeError(f"an allowed destination is a str such as 'pypi.org:443', not {entry!r}")
    if entry.startswith("["):
        host, _, rest = entry[1:].partition("]")
        return host, int(rest[1:]) if rest.startswith(":") else None
    if entry.count(":") == 1:
        host, port = entry.split(":")
        return host, int(port)
    return entry, None

