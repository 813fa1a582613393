"""The engine of datagram sockets: a queue of datagrams, seeded faults, an address space.

A :class:`Queue` is what a datagram socket has received and not yet read:
whole datagrams with their source addresses, in order, charged against a
receive buffer of ``capacity`` bytes.  Each datagram costs its length plus
:data:`OVERHEAD` (the kernel charges a buffer's bookkeeping, not only its
payload), so many small datagrams fill a buffer as they do on Linux.  A UDP
datagram that arrives while the queue holds more than ``capacity`` bytes is
dropped, as the kernel drops it; an ``AF_UNIX`` writer waits instead (the
caller asks :meth:`Queue.has_room` first).

:class:`Faults` is what may happen to a datagram on its way in: loss,
duplication, reordering, each with a probability, drawn from a seeded
generator so that a run is reproducible; it counts what it did.

:class:`AddressSpace` maps addresses to the datagram sockets bound to them:
``sendto(address)`` asks it who receives.  The process has one, in
``_core.state.datagrams``; a virtual network installs its own there while it
is active (and restores the one it found), so routing by address is the
network's without the sockets knowing.

Every method is called holding :data:`mockselector._core.lock`.
"""

from __future__ import annotations

import errno
import os
import random
import socket
import weakref
from collections import deque
from typing import Any

from . import _core

#: What a datagram costs in a receive buffer besides its payload, in bytes
#: (about what Linux charges for a small datagram's buffer).
OVERHEAD = 768

_AF_UNIX = int(socket.AF_UNIX)
_AF_INET6 = int(socket.AF_INET6)
_WILDCARDS = ("", "0.0.0.0", "::")


def cost(size: int) -> int:
    """What a datagram of ``size`` bytes takes of a receive buffer."""
    return size + OVERHEAD


class Queue:
    """The datagrams a socket received and has not read yet (see the module)."""

    __slots__ = ("capacity", "held", "items", "reader", "writers")

    def __init__(self, capacity: int, reader: Any) -> None:
        self.items: deque[tuple[bytes, Any]] = deque()  # (payload, source address)
        self.held = 0  # bytes charged: the sum of cost() of the items
        self.capacity = capacity
        self.reader = reader  # the socket that reads
        self.writers: list[Any] = []  # connected AF_UNIX peers: they wait for room

    def accepts(self) -> bool:
        """Whether a UDP datagram arriving now is queued (else the kernel drops it)."""
        return self.held <= self.capacity

    def has_room(self) -> bool:
        """Whether an ``AF_UNIX`` writer may send now (else it waits)."""
        return self.held < self.capacity

    def put(self, data: bytes, source: Any, position: int | None = None) -> None:
        """Queue a datagram (last, or at ``position``)."""
        was_empty = not self.items
        if position is None:
            self.items.append((data, source))
        else:
            self.items.insert(position, (data, source))
        self.held += cost(len(data))
        if was_empty:
            self.reader._changed()
        for writer in self.writers:
            writer._changed()

    def get(self, peek: bool = False) -> tuple[bytes, Any] | None:
        """The first datagram (removed unless ``peek``), or ``None`` when there is none."""
        items = self.items
        if not items:
            return None
        if peek:
            return items[0]
        item = items.popleft()
        self.held -= cost(len(item[0]))
        if not items:
            self.reader._changed()
        for writer in self.writers:
            writer._changed()
        return item

    def clear(self) -> None:
        """Forget every datagram (the reader is closed)."""
        self.items.clear()
        self.held = 0
        for writer in self.writers:
            writer._changed()


def _probability(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be a probability between 0 and 1, not {value!r}")
    return float(value)


class Faults:
    """What happens to the datagrams a socket receives: loss, duplication, reordering.

    Each arriving datagram is lost with probability ``loss``; else it is
    queued twice with probability ``duplicate``; and it overtakes the
    datagram queued before it (one still unread) with probability
    ``reorder``.  The draws come from ``random.Random(seed)``: the same seed
    and the same traffic give the same faults.  The counters say what the
    faults did: :attr:`lost`, :attr:`duplicated`, :attr:`reordered`, and
    :attr:`delivered` (datagrams queued, copies included);
    :attr:`overflowed` counts datagrams dropped because the receive buffer
    was full, which happens with or without faults.

    Example::

        >>> from mockselector import DatagramSocket
        >>> sock = DatagramSocket(address=("127.0.0.1", 0), seed=3, loss=0.5)
        >>> for n in range(100):
        ...     _ = sock.sendto(b"%d" % n, sock.getsockname())
        >>> faults = sock.faults
        >>> faults.lost + faults.delivered
        100
        >>> 30 < faults.lost < 70
        True
    """

    __slots__ = ("delivered", "duplicate", "duplicated", "loss", "lost", "overflowed",
                 "reorder", "reordered", "rng", "seed")

    def __init__(self, seed: int | None = None, loss: float = 0.0, duplicate: float = 0.0,
                 reorder: float = 0.0) -> None:
        self.seed = seed
        self.loss = _probability("loss", loss)
        self.duplicate = _probability("duplicate", duplicate)
        self.reorder = _probability("reorder", reorder)
        self.rng = random.Random(seed) if self.active else None
        self.lost = self.duplicated = self.reordered = self.delivered = self.overflowed = 0

    @property
    def active(self) -> bool:
        """Whether any fault may happen.

        Example::

            >>> Faults(seed=1).active, Faults(seed=1, reorder=0.1).active
            (False, True)
        """
        return bool(self.loss or self.duplicate or self.reorder)

    def __repr__(self) -> str:
        return (f"<Faults seed={self.seed} loss={self.loss} duplicate={self.duplicate} "
                f"reorder={self.reorder}: delivered={self.delivered} lost={self.lost} "
                f"duplicated={self.duplicated} reordered={self.reordered} "
                f"overflowed={self.overflowed}>")

    def describe(self) -> str:
        """The knobs, for a socket's ``repr`` (only those set).

        Example::

            >>> Faults(seed=7, loss=0.1).describe()
            'seed=7 loss=0.1'
        """
        parts = [] if self.seed is None else [f"seed={self.seed}"]
        for name in ("loss", "duplicate", "reorder"):
            value = getattr(self, name)
            if value:
                parts.append(f"{name}={value}")
        return " ".join(parts)

    def deliver(self, queue: Queue, data: bytes, source: Any, datagram: bool) -> None:
        """Put ``data`` in ``queue``, through the faults (``datagram``: UDP, may be dropped)."""
        rng = self.rng
        copies = 1
        position = None
        if rng is not None:
            if self.loss and rng.random() < self.loss:
                self.lost += 1
                return
            if self.duplicate and rng.random() < self.duplicate:
                copies = 2
            if self.reorder and rng.random() < self.reorder and queue.items:
                position = len(queue.items) - 1
        for _ in range(copies):
            if datagram and not queue.accepts():
                self.overflowed += 1
                continue
            queue.put(data, source, position)
            self.delivered += 1
            if position is not None:
                self.reordered += 1
                position = None
        if copies == 2:
            self.duplicated += 1


# -- the address space ------------------------------------------------------------------------


def _oserror(code: int, what: str) -> OSError:
    return OSError(code, f"{os.strerror(code)}: {what}")


class AddressSpace:
    """Who is bound where: the addresses of datagram sockets, and who receives a datagram.

    What it asks of a socket: ``_family``, ``_sockname``, ``_dead`` and
    ``_reuses()``.  The interface a virtual network implements to route
    datagrams:

    - :meth:`bind` ``(sock, address)``: reserve ``address`` for ``sock``
      (port 0: an ephemeral port) and return the address it got;
      ``OSError(EADDRINUSE)`` when it is taken.
    - :meth:`unbind` ``(sock)``: release what ``sock`` holds.
    - :meth:`lookup` ``(family, address)``: the sockets a datagram sent to
      ``address`` reaches (none: nobody is bound there; several: a broadcast).
    - :meth:`source` ``(sock)``: the address a receiver sees as the sender.
    - :meth:`is_broadcast` ``(family, address)``: whether sending there needs
      ``SO_BROADCAST``.
    - :meth:`deliver` ``(receiver, data, source)``: hand a datagram over (a
      network may delay it, drop it, or trace it instead).
    - :attr:`version`, bumped by any change of where datagrams go, and
      :attr:`direct`, true while delivery is immediate and unconditional:
      only then may a socket remember a route and deliver along it without
      asking again, until the version changes.

    Without a network, every address is local: ``127.0.0.1``, ``::1``,
    ``localhost`` and the wildcard all reach the sockets bound on the port.

    Example::

        >>> from mockselector import _core
        >>> space = _core.state.datagrams
        >>> isinstance(space, AddressSpace)
        True
    """

    __slots__ = ("bound", "version")

    #: Whether delivery is immediate and unconditional (see the class docstring).
    direct = True

    def __init__(self) -> None:
        # (family, host, port) or (AF_UNIX, path) -> the sockets bound there, held
        # weakly: a socket nobody refers to any more frees its address, as a real
        # one that the garbage collector closes does.
        self.bound: dict[tuple[Any, ...], list[weakref.ref[Any]]] = {}
        # Bumped by every bind and unbind: a route a socket remembers holds while
        # the version it saw is the version now.
        self.version = 0

    def _alive(self, key: tuple[Any, ...]) -> list[Any]:
        """The live sockets bound at ``key`` (forgetting the dead ones)."""
        refs = self.bound.get(key)
        if not refs:
            return []
        socks = [sock for sock in (ref() for ref in refs) if sock is not None and not sock._dead]
        if len(socks) < len(refs):
            if socks:
                self.bound[key] = [weakref.ref(sock) for sock in socks]
            else:
                del self.bound[key]
        return socks

    @staticmethod
    def _host(family: int, host: str) -> str:
        if host == "localhost":
            return "::1" if family == _AF_INET6 else "127.0.0.1"
        return host

    def bind(self, sock: Any, address: Any) -> Any:
        """Reserve ``address`` (checked, normal) for ``sock``; return the address it gets."""
        self.version += 1
        family = sock._family
        if family == _AF_UNIX:
            path = address.decode() if isinstance(address, (bytes, bytearray)) else address
            if self._alive((family, path)):
                raise _oserror(errno.EADDRINUSE, f"bind({address!r})")
            self.bound[family, path] = [weakref.ref(sock)]
            return address
        host, port = self._host(family, address[0]), address[1]
        if port == 0:
            port = self._free_port(family)
        reuse = sock._reuses()
        for taken, other in self._at_port(family, port):
            if (host in _WILDCARDS or taken in _WILDCARDS or host == taken) \
                    and not (reuse and other._reuses()):
                raise _oserror(errno.EADDRINUSE, f"bind({address!r})")
        self.bound.setdefault((family, host, port), []).append(weakref.ref(sock))
        return (host, port, *address[2:]) if family == _AF_INET6 else (host, port)

    def _at_port(self, family: int, port: int) -> list[tuple[str, Any]]:
        """``(host, sock)`` for every socket of ``family`` bound on ``port``."""
        keys = [key for key in self.bound if key[0] == family and len(key) == 3 and key[2] == port]
        return [(key[1], sock) for key in keys for sock in self._alive(key)]

    def _free_port(self, family: int) -> int:
        for _ in range(15000):
            port = _core.state.next_port()
            if not self._at_port(family, port):
                return port
        raise _oserror(errno.EADDRINUSE, "bind(): no ephemeral port is free")

    def unbind(self, sock: Any) -> None:
        """Release every address ``sock`` holds."""
        self.version += 1
        for key, refs in list(self.bound.items()):
            kept = [ref for ref in refs if ref() is not sock]
            if len(kept) < len(refs):
                if kept:
                    self.bound[key] = kept
                else:
                    del self.bound[key]

    def lookup(self, family: int, address: Any) -> list[Any]:
        """The live sockets a datagram sent to ``address`` reaches (none, one, or many)."""
        if family == _AF_UNIX:
            path = address.decode() if isinstance(address, (bytes, bytearray)) else address
            return self._alive((family, path))
        refs = self.bound.get((family, *address[:2]))
        if refs is not None and len(refs) == 1:
            # The fast path: one socket bound at exactly this address.
            sock = refs[0]()
            if sock is not None and not sock._dead:
                return [sock]
        host, port = self._host(family, address[0]), address[1]
        if host in _WILDCARDS:
            host = "::1" if family == _AF_INET6 else "127.0.0.1"
        if self.is_broadcast(family, address):
            return [sock for host, sock in self._at_port(family, port) if host in _WILDCARDS]
        exact = self._alive((family, host, port))
        if exact:
            return exact[-1:]  # with SO_REUSEADDR, the last one bound receives
        return self._alive((family, "::" if family == _AF_INET6 else "0.0.0.0", port))[-1:]

    def source(self, sock: Any) -> Any:
        """What receivers see as the address of ``sock`` (asked when it is bound)."""
        address = sock._sockname
        if sock._family == _AF_UNIX:
            return address or None
        if address[0] in _WILDCARDS:
            host = "::1" if sock._family == _AF_INET6 else "127.0.0.1"
            return (host, *address[1:])
        return address

    def deliver(self, receiver: Any, data: bytes, source: Any) -> None:
        """Hand ``data``, sent from ``source``, to ``receiver`` now."""
        receiver._receive(data, source)

    def is_broadcast(self, family: int, address: Any) -> bool:
        """Whether ``address`` is a broadcast address (sending there needs ``SO_BROADCAST``)."""
        if family != int(socket.AF_INET):
            return False
        host = address[0]
        return host in ("255.255.255.255", "<broadcast>") or host == "127.255.255.255"


_core.state.datagrams = AddressSpace()
