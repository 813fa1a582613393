"""Datagram sockets on a :class:`~mockselector.Network`: UDP by address and by name.

Inside a network, ``socket.socket(AF_INET or AF_INET6, SOCK_DGRAM)`` (and
``AF_UNIX``) returns a :class:`NetDatagramSocket`: a
:class:`~mockselector.DatagramSocket` whose addresses are the network's.
Two pieces make it so, both through the hooks the datagram layer leaves:

- :class:`NetworkSpace`, the :class:`~mockselector._datagram.AddressSpace`
  the network installs in ``_core.state.datagrams`` while it is active: it
  binds in the network's port space (UDP ports apart from TCP ports), finds
  a datagram's receiver with the network's :meth:`Network._lookup` (an
  exact address, else the wildcard; an IPv6 wildcard without
  ``IPV6_V6ONLY`` receives IPv4 datagrams from mapped addresses, as on
  Linux), and applies the network's datagram faults
  (:meth:`Network.datagram_faults`) on delivery;
- :class:`NetDatagramSocket`, which resolves a name in ``connect``,
  ``sendto`` and ``sendmsg`` by the network's DNS (as the kernel's socket
  module resolves it in C) and applies the strict policy: a destination
  that is not on the network fails at once (``ENETUNREACH``), naming it.

Every method of :class:`NetworkSpace` is called holding the library lock.
"""

from __future__ import annotations

import errno
import functools
import os
import socket
from typing import TYPE_CHECKING, Any

from . import _core
from ._datagram import AddressSpace, Faults
from .datagram import _NO_ADDRESS, DatagramSocket

if TYPE_CHECKING:
    from .network import Network

_AF_INET, _AF_INET6, _AF_UNIX = int(socket.AF_INET), int(socket.AF_INET6), int(socket.AF_UNIX)
_SOCK_DGRAM = int(socket.SOCK_DGRAM)
_WILDCARDS = ("", "0.0.0.0", "::")
_LOOPBACK = {_AF_INET: "127.0.0.1", _AF_INET6: "::1"}
_IPV6_V6ONLY = int(getattr(socket, "IPV6_V6ONLY", 26))
_IPPROTO_IPV6 = int(getattr(socket, "IPPROTO_IPV6", 41))


class NetworkSpace(AddressSpace):
    """The address space of datagrams on a network (see the module)."""

    __slots__ = ("direct", "faults", "flight", "net")

    def __init__(self, net: Network) -> None:
        super().__init__()
        self.net = net
        # Bytes of datagrams delayed by a condition, by receiver: at most its buffer.
        self.flight: dict[Any, int] = {}
        # Faults applied to every datagram delivered on the network, or None.
        self.faults: Faults | None = None
        # Immediate and unconditional delivery: while no network fault is set.
        self.direct = True

    def bind(self, sock: Any, address: Any) -> Any:
        self.version += 1
        self.net._bind(sock, address)
        return sock._sockname

    def unbind(self, sock: Any) -> None:
        self.version += 1
        if getattr(sock, "_binding", None) is not None:
            self.net._unbind(sock)

    def lookup(self, family: int, address: Any) -> list[Any]:
        net = self.net
        if family == _AF_UNIX:
            key = os.fsencode(bytes(address) if isinstance(address, bytearray) else address)
            found = net._unix.get(key)
            if found is None or found._type != _SOCK_DGRAM or found._dead:
                return []
            return [found]
        ip, port = address[0], address[1]
        if ip in _WILDCARDS:
            ip = _LOOPBACK[family]
        if self.is_broadcast(family, address):
            return [sock for sock in net._ports.get(port, ())
                    if sock._type == _SOCK_DGRAM and sock._family == family
                    and sock._binding[0] in _WILDCARDS and not sock._dead]
        found = net._lookup(_SOCK_DGRAM, family, ip, port)
        if found is None and family == _AF_INET:
            # Linux: an IPv6 wildcard socket without IPV6_V6ONLY receives IPv4 too.
            for sock in net._ports.get(port, ()):
                if sock._type == _SOCK_DGRAM and sock._family == _AF_INET6 \
                        and sock._binding[0] == "::" and not sock._dead and not (
                            sock._options and sock._options.get((_IPPROTO_IPV6, _IPV6_V6ONLY))):
                    found = sock
                    break
        return [] if found is None or found._dead else [found]

    def deliver(self, receiver: Any, data: bytes, source: Any) -> None:
        if receiver._family == _AF_INET6 and type(source) is tuple and len(source) == 2:
            source = ("::ffff:" + source[0], source[1], 0, 0)  # an IPv4 sender, mapped
        tracer = self.net._tracer
        if tracer is not None:
            tracer.datagram(receiver, data, source)
        net = self.net
        if net._rules or net._groups is not None:
            if not self._conditioned(receiver, data, source):
                return
        faults = self.faults
        if faults is None or faults.rng is None:
            receiver._receive(data, source)
            return
        peer = receiver._peeraddr
        if receiver._dead or (peer is not None and source != peer):
            return  # not for this socket: no fault to draw
        rng = faults.rng
        if faults.loss and rng.random() < faults.loss:
            faults.lost += 1
            return
        copies = 2 if faults.duplicate and rng.random() < faults.duplicate else 1
        items = receiver._in.items
        before = len(items)
        for _ in range(copies):
            receiver._receive(data, source)
        faults.delivered += len(items) - before
        if copies == 2:
            faults.duplicated += 1
        if faults.reorder and before and len(items) > before \
                and rng.random() < faults.reorder:
            # It overtakes the datagram queued before it.
            items[before - 1], items[before] = items[before], items[before - 1]
            faults.reordered += 1


    def _conditioned(self, receiver: Any, data: bytes, source: Any) -> bool:
        """Apply the network's conditions to a datagram; whether it is delivered now."""
        net = self.net
        destination = receiver._sockname
        sender = (source[0], source[1]) if type(source) is tuple else None
        if type(sender) is tuple and sender[0].startswith("::ffff:"):
            sender = (sender[0][7:], sender[1])
        lost, settings, rules = net._datagram_rules(
            sender, (destination[0], destination[1]) if type(destination) is tuple else None)
        counters = (*rules, net._stats)
        if lost:
            _count(counters, "datagrams_dropped")
            return False
        if not settings:
            return True
        rng = rules[-1]._rng
        if settings.get("loss") and rng.random() < settings["loss"]:
            _count(counters, "datagrams_dropped")
            return False
        copies = 1
        if settings.get("duplicate") and rng.random() < settings["duplicate"]:
            copies = 2
            _count(counters, "datagrams_duplicated")
        delay = settings.get("latency", 0.0)
        if settings.get("jitter"):
            delay += rng.uniform(0.0, settings["jitter"])
        if settings.get("reorder") and rng.random() < settings["reorder"]:
            # Overtaken: it arrives after what is sent next (one latency later).
            delay += max(settings.get("latency", 0.0), 1e-3)
            _count(counters, "datagrams_reordered")
        if delay <= 0:
            for _ in range(copies - 1):
                receiver._receive(data, source)
            return True
        # In flight, datagrams take room in the receiver's buffer: beyond it they are
        # dropped, as a full buffer drops them (memory stays bounded).
        flight = self.flight
        held = flight.get(receiver, 0)
        if held + copies * len(data) > receiver._in.capacity:
            _count(counters, "datagrams_dropped")
            return False
        flight[receiver] = held + copies * len(data)
        _count(counters, "datagrams_delayed")
        clock = net._clock
        for _ in range(copies):
            clock.at(clock.now() + delay,
                     functools.partial(self._arrive, receiver, data, source))
        return False

    def _arrive(self, receiver: Any, data: bytes, source: Any) -> None:
        """A delayed datagram arrives (holding the lock)."""
        flight = self.flight
        left = flight.pop(receiver, 0) - len(data)
        if left > 0:
            flight[receiver] = left
        receiver._receive(data, source)


def _count(counters: tuple[Any, ...], name: str) -> None:
    """Count one datagram on each of ``counters`` (the rules that applied, the network's)."""
    for counter in counters:
        setattr(counter, name, getattr(counter, name) + 1)


class NetDatagramSocket(DatagramSocket):
    """A datagram socket of a :class:`~mockselector.Network` (``socket.socket(..., SOCK_DGRAM)``).

    A :class:`~mockselector.DatagramSocket` whose addresses are the
    network's: it binds in the network's port space, a name given to
    ``connect``/``sendto``/``sendmsg`` is resolved by the network's DNS,
    and a destination that is not on the network fails at once.

    Example::

        >>> import socket
        >>> from mockselector import Network
        >>> with Network() as net:
        ...     net.add_host("dns.internal", "10.0.0.53")
        ...     server = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ...     server.bind(("10.0.0.53", 53))
        ...     client = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        ...     client.sendto(b"query", ("dns.internal", 53))
        ...     data, address = server.recvfrom(512)
        ...     data, address[1] == client.getsockname()[1]
        5
        (b'query', True)
    """

    __slots__ = ("_binding", "_last", "_net")

    _net: Network
    _binding: Any
    _last: tuple[Any, Any] | None  # the last destination resolved, and what it resolved to

    def __repr__(self) -> str:
        return super().__repr__().replace("<DatagramSocket", "<socket (in memory, datagram)", 1)

    def _target(self, address: Any, what: str) -> Any:
        """``address`` with its name resolved by the network, checked against its policy."""
        net = self._net
        net._check_active(what)
        last = self._last
        if last is not None and last[0] == address:
            return last[1]
        family = self._family
        if family == _AF_UNIX or not isinstance(address, tuple) or len(address) < 2 \
                or not isinstance(address[0], (str, bytes, bytearray)):
            return address  # the datagram layer's own checks say what is wrong
        host = address[0]
        if isinstance(host, (bytes, bytearray)):
            host = bytes(host).decode("idna")
        if host == "<broadcast>" and family == _AF_INET:
            resolved: Any = ("255.255.255.255", *address[1:])
        elif host in _WILDCARDS:
            resolved = address
        else:
            ip, _, _ = net._inet_address(self, (host, 0, *address[2:4]), what)  # type: ignore[arg-type]
            resolved = (ip, *address[1:])
            if not net._known(ip) and not self._net_space().is_broadcast(family, resolved):
                if net._allow and net._ip_allowed(ip, int(address[1])):
                    raise OSError(errno.ENETUNREACH, f"Network is unreachable: {what} to "
                                  f"{address!r}: datagrams do not go to real destinations "
                                  "(allow= lets TCP connections through); put the address "
                                  "on the network with net.add_host(name, address)")
                raise OSError(errno.ENETUNREACH, f"Network is unreachable: {what} to "
                              f"{address!r}: {ip!r} is not on the network: add it with "
                              "net.add_host(name, address)")
        self._last = (address, resolved)
        return resolved

    def _net_space(self) -> AddressSpace:
        space: AddressSpace = self._net._datagram_space
        return space

    def bind(self, address: Any) -> None:
        """Bind to ``address`` on the network (a name is resolved; port 0: an ephemeral port).

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network():
            ...     sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     sock.bind(("localhost", 0))
            ...     sock.getsockname()[0], sock.getsockname()[1] >= 32768
            ('127.0.0.1', True)
        """
        self._net._check_active("bind()")
        super().bind(address)

    def connect(self, address: Any) -> None:
        """Set the default peer (a name is resolved by the network's DNS).

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network() as net:
            ...     net.add_host("ntp.internal", "10.0.0.123")
            ...     sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     sock.connect(("ntp.internal", 123))
            ...     sock.getpeername(), sock.getsockname()[0]
            (('10.0.0.123', 123), '10.0.0.123')
        """
        if self._family == _AF_UNIX:
            super().connect(address)
            return
        target = self._target(address, "connect()")
        wildcard = self._space_bound is None or self._sockname[0] in _WILDCARDS
        super().connect(target)
        ip = self._peeraddr[0]
        if wildcard and ip not in _WILDCARDS and ip != _LOOPBACK[self._family] \
                and not self._net_space().is_broadcast(self._family, self._peeraddr):
            # The kernel's source address is the one its route to the peer takes:
            # on this network, every address is this host's own.
            with _core.lock:
                self._sockname = (ip, *self._sockname[1:])
                self._source = self._sockname

    def connect_ex(self, address: Any) -> int:
        """As :meth:`connect`, returning an error number (a name not found still raises).

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network():
            ...     socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect_ex(("127.0.0.1", 9))
            0
        """
        try:
            self.connect(address)
        except socket.gaierror:
            raise
        except OSError as error:
            return error.errno or errno.EIO
        return 0

    def sendto(self, data: Any, flags_or_address: Any, address: Any = _NO_ADDRESS) -> int:
        """Send one datagram to ``address`` (a name is resolved by the network's DNS).

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network():
            ...     sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     sock.sendto(b"x", ("192.0.2.1", 9))  # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            OSError: [Errno 101] Network is unreachable: sendto() to ('192.0.2.1', 9): ...
        """
        if address is _NO_ADDRESS:
            if self._family != _AF_UNIX:
                flags_or_address = self._target(flags_or_address, "sendto()")
            return super().sendto(data, flags_or_address)
        if self._family != _AF_UNIX and address is not None:
            address = self._target(address, "sendto()")
        return super().sendto(data, flags_or_address, address)

    def sendmsg(self, buffers: Any, ancdata: Any = (), flags: int = 0,
                address: Any = None) -> int:
        """As :meth:`DatagramSocket.sendmsg`, a name in ``address`` resolved by the network.

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network():
            ...     a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     a.bind(("127.0.0.1", 0))
            ...     b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            ...     b.sendmsg([b"a", b"b"], [], 0, ("localhost", a.getsockname()[1]))
            ...     a.recv(10)
            2
            b'ab'
        """
        if address is not None and self._family != _AF_UNIX:
            address = self._target(address, "sendmsg()")
        return super().sendmsg(buffers, ancdata, flags, address)

    def _on_close(self) -> None:
        super()._on_close()
        self._net._sources.pop(int(self._fd), None)


def new_socket(net: Network, family: int, type: int, proto: int,
               timeout: float | None) -> NetDatagramSocket:
    """The network's maker of datagram sockets (``network._factories[SOCK_DGRAM]``)."""
    sock = NetDatagramSocket(family)
    sock._net = net
    sock._binding = None
    sock._last = None
    if proto:
        sock._proto = proto
    sock._timeout = timeout
    with _core.lock:
        net._sources[int(sock._fd)] = sock
    return sock


def new_pair(net: Network, family: int, proto: int,
             timeout: float | None) -> tuple[NetDatagramSocket, NetDatagramSocket]:
    """Two connected ``AF_UNIX`` datagram sockets (``socket.socketpair(AF_UNIX, SOCK_DGRAM)``)."""
    a = new_socket(net, family, _SOCK_DGRAM, proto, timeout)
    b = new_socket(net, family, _SOCK_DGRAM, proto, timeout)
    with _core.lock:
        a._join(b)
        b._join(a)
    return a, b
