"""The trace of a network: its events, a text timeline of them, and a pcapng file.

A :class:`Tracer` records what happens on a :class:`~mockselector.Network`
while it traces (``Network(trace=True)``, or ``net.start_trace()``): each
stream connection made, accepted, the bytes sent each way, shutdowns,
closes and resets, refused connects, datagrams, and what other parts of
the network report (conditions).  Each is a frozen :class:`TraceEvent`
stamped with the network's clock.

Three things read the events:

- :meth:`mockselector.Network.trace` hands them out;
- :func:`timeline` formats them, one line each;
- :func:`write_pcapng` turns them into packets a capture tool reads:
  synthetic IPv4/IPv6 headers, TCP segments with a three-way handshake,
  sequence and acknowledgement numbers, FIN and RST, and UDP datagrams.

**How the bytes are seen.**  The bytes sent on a connection are seen by a
*tap* on each of its two pipes (``pipe.taps``, see
:mod:`mockselector._pipe`): a tap is called with every accepted write
before it is buffered, and keeps a copy of it.  The taps are added when a
connection is made while tracing (or when tracing starts, on the
connections still open) and removed when tracing stops; taps that other
features put on a pipe are left as they are.

**Memory.**  The trace keeps a copy of every byte sent while it records:
it grows with the traffic, not with what is buffered.  Trace a test, not a
benchmark.

Every method of :class:`Tracer` is called holding :data:`mockselector._core.lock`.
"""

from __future__ import annotations

import dataclasses
import os
import socket
import struct
from collections.abc import Iterable
from typing import Any, BinaryIO

from ._conditions import Clock

_AF_INET, _AF_INET6 = int(socket.AF_INET), int(socket.AF_INET6)
_SHUT_NAMES = {int(socket.SHUT_RD): "SHUT_RD", int(socket.SHUT_WR): "SHUT_WR",
               int(socket.SHUT_RDWR): "SHUT_RDWR"}
_WILDCARD_TO_LOOPBACK = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}

#: Bytes of a data event shown by :func:`timeline` (its ``repr``, then ``...``).
PREVIEW = 40

#: The kinds of events a trace holds.
KINDS = ("connect", "accept", "data", "shutdown", "close", "reset", "refused", "datagram",
         "condition")


@dataclasses.dataclass(frozen=True, repr=False)
class TraceEvent:
    """One event of a :class:`~mockselector.Network`'s trace (see :attr:`Network.trace`).

    - ``time``: seconds on the network's clock since the network was made
      (virtual seconds with ``virtual_time=True``);
    - ``connection``: the connection's number, from 1, in the order of
      :attr:`Network.connections` (``net.connections[event.connection - 1]``
      is its :class:`~mockselector.Connection`); ``None`` for what belongs
      to no connection (datagrams, refused connects);
    - ``kind``: ``"connect"``, ``"accept"``, ``"data"``, ``"shutdown"``,
      ``"close"``, ``"reset"``, ``"refused"``, ``"datagram"`` or
      ``"condition"``;
    - ``source``, ``destination``: the addresses, from the end that acts
      (sends, shuts down, closes, resets, accepts) to the other one; for
      a connection, as its client sees them (``getsockname()`` and
      ``getpeername()``);
    - ``size``, ``data``: the bytes of ``"data"`` and ``"datagram"``
      (``0`` and ``b""`` for the others);
    - ``detail``: a few words more (``"SHUT_WR"``, why a reset, ...).

    Example::

        >>> import socket
        >>> from mockselector import Network
        >>> with Network(trace=True, virtual_time=True) as net:
        ...     a, b = socket.socketpair()
        ...     a.sendall(b"hello")
        >>> event = net.trace[-1]
        >>> event.kind, event.connection, event.size, event.data
        ('data', 1, 5, b'hello')
        >>> event
        <TraceEvent    0.000000  #1 (unnamed) -> (unnamed)  data 5 bytes b'hello'>
    """

    __slots__ = ("connection", "data", "destination", "detail", "kind", "size", "source",
                 "time")

    time: float
    connection: int | None
    kind: str
    source: Any
    destination: Any
    size: int
    data: bytes
    detail: str

    def __repr__(self) -> str:
        return f"<TraceEvent {format_event(self)}>"


def format_address(address: Any) -> str:
    """An address as a timeline shows it: ``ip:port``, ``[ip6]:port``, a path.

    Example::

        >>> format_address(("127.0.0.1", 80)), format_address(("::1", 80, 0, 0))
        ('127.0.0.1:80', '[::1]:80')
        >>> format_address("/run/app.sock"), format_address("\\0abstract"), format_address("")
        ('/run/app.sock', '@abstract', '(unnamed)')
    """
    if isinstance(address, tuple) and len(address) >= 2:
        host, port = address[0], address[1]
        return f"[{host}]:{port}" if ":" in str(host) else f"{host}:{port}"
    if isinstance(address, (bytes, bytearray)):
        address = os.fsdecode(bytes(address))
    if not address:
        return "(unnamed)"
    if isinstance(address, str) and address.startswith("\0"):
        return "@" + address[1:]  # a Linux abstract name, as ss shows it
    return str(address)


def format_event(event: TraceEvent) -> str:
    """One line of a timeline: time, connection, addresses, kind and what it carried.

    Example::

        >>> print(format_event(TraceEvent(0.25, 3, "data", ("10.0.0.1", 40000),
        ...                               ("10.0.0.2", 80), 2, b"hi", "")))
          0.250000  #3 10.0.0.1:40000 -> 10.0.0.2:80  data 2 bytes b'hi'
    """
    if event.connection is not None:
        label = f"#{event.connection}"
    else:
        label = "udp" if event.kind == "datagram" else "--"
    line = (f"{event.time:10.6f}  {label} {format_address(event.source)} -> "
            f"{format_address(event.destination)}  {event.kind}")
    if event.kind in ("data", "datagram"):
        preview = repr(event.data[:PREVIEW]) + ("..." if event.size > PREVIEW else "")
        line += f" {event.size} byte{'s' if event.size != 1 else ''} {preview}"
    if event.detail:
        line += f" {event.detail}"
    return line


def _matches(event: TraceEvent, which: Any) -> bool:
    if isinstance(which, int) and not isinstance(which, bool):
        return event.connection == which
    for address in (event.source, event.destination):
        if isinstance(which, tuple):
            if isinstance(address, tuple) and tuple(address[:len(which)]) == which[:2]:
                return True
        elif which == address or which == format_address(address) or (
                isinstance(address, tuple) and which == address[0]):
            return True
    return False


def timeline(events: Iterable[TraceEvent], which: Any = None) -> str:
    """The events as text, one line each; only those of ``which`` if given.

    ``which`` is a connection number, an address (``("10.0.0.2", 80)``,
    ``"10.0.0.2:80"``, an ``AF_UNIX`` path) or a host (``"10.0.0.2"``):
    the events whose source or destination it is.

    Example::

        >>> events = [TraceEvent(0.0, 1, "connect", ("10.0.0.1", 40000), ("10.0.0.2", 80),
        ...                      0, b"", ""),
        ...           TraceEvent(0.5, None, "refused", ("10.0.0.1", 40001), ("10.0.0.3", 81),
        ...                      0, b"", "nothing listens there")]
        >>> print(timeline(events))
          0.000000  #1 10.0.0.1:40000 -> 10.0.0.2:80  connect
          0.500000  -- 10.0.0.1:40001 -> 10.0.0.3:81  refused nothing listens there
        >>> print(timeline(events, "10.0.0.3"))
          0.500000  -- 10.0.0.1:40001 -> 10.0.0.3:81  refused nothing listens there
    """
    return "\n".join(format_event(event) for event in events
                     if which is None or _matches(event, which))


# -- recording ------------------------------------------------------------------------------


def _client_view(record: Any) -> tuple[Any, Any]:
    """``(client address, server address)`` of a connection, as its client sees them."""
    client, server = record.client, record.server
    if record._family == _AF_INET and isinstance(server, tuple) and len(server) == 4 \
            and str(server[0]).startswith("::ffff:"):
        server = (server[0][7:], server[1])  # an IPv6 listener took it as a mapped address
    return client, server


class _Tap:
    """What a tracer puts on a pipe: it records each write as a ``"data"`` event."""

    __slots__ = ("connection", "destination", "source", "tracer")

    def __init__(self, tracer: Tracer, connection: int, source: Any, destination: Any) -> None:
        self.tracer = tracer
        self.connection = connection
        self.source = source
        self.destination = destination

    def __call__(self, pipe: Any, chunk: Any) -> None:
        data = bytes(chunk)  # the chunk may be a view of the caller's buffer: copy it
        self.tracer.add(self.connection, "data", self.source, self.destination,
                        len(data), data)


class Tracer:
    """The events of a network while it traces (see the module).

    Example::

        >>> from mockselector._conditions import Clock
        >>> tracer = Tracer(Clock(virtual=True))
        >>> tracer.add(None, "condition", "", "", detail="latency 0.2 s")
        >>> tracer.events
        [<TraceEvent    0.000000  -- (unnamed) -> (unnamed)  condition latency 0.2 s>]
    """

    __slots__ = ("clock", "events", "reset_ends")

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.events: list[TraceEvent] = []
        # (connection, side) of the ends that were reset: their close adds nothing.
        self.reset_ends: set[tuple[int, int]] = set()

    def add(self, connection: int | None, kind: str, source: Any, destination: Any,
            size: int = 0, data: bytes = b"", detail: str = "") -> None:
        """Record an event now."""
        self.events.append(TraceEvent(self.clock.elapsed(), connection, kind, source,
                                      destination, size, data, detail))

    def _of(self, end: Any, reverse: bool = False) -> tuple[int, Any, Any]:
        """``(connection, source, destination)`` of what ``end`` of a connection does."""
        record = end._record
        client, server = _client_view(record)
        ours = end._side ^ reverse
        return record._number, (server if ours else client), (client if ours else server)

    # -- connections

    def connected(self, record: Any) -> None:
        """A connection was made: record it and watch its bytes."""
        client, server = _client_view(record)
        detail = "socketpair()" if client == server == "" else ""
        self.add(record._number, "connect", client, server, detail=detail)
        self.attach(record)

    def attach(self, record: Any) -> None:
        """Tap both directions of a connection that is still open."""
        client, server = _client_view(record)
        for end, source, destination in ((record._client_end, client, server),
                                         (record._server_end, server, client)):
            pipe = end._out
            if end._dead or pipe is None or any(isinstance(tap, _Tap) and tap.tracer is self
                                                for tap in pipe.taps):
                continue
            pipe.taps = (*pipe.taps, _Tap(self, record._number, source, destination))
            pipe.refresh()

    def detach(self, record: Any) -> None:
        """Remove this tracer's taps from a connection (others' stay)."""
        for end in (record._client_end, record._server_end):
            pipe = end._out
            if pipe is not None and pipe.taps:
                pipe.taps = tuple(tap for tap in pipe.taps
                                  if not (isinstance(tap, _Tap) and tap.tracer is self))
                pipe.refresh()

    def accepted(self, end: Any) -> None:
        """The server end of a connection was accepted."""
        connection, source, destination = self._of(end)
        self.add(connection, "accept", source, destination)

    def shutdown(self, end: Any, how: int) -> None:
        """An end shut down reading, writing or both."""
        connection, source, destination = self._of(end)
        self.add(connection, "shutdown", source, destination,
                 detail=_SHUT_NAMES.get(how, str(how)))

    def reset(self, end: Any, detail: str, reverse: bool = False) -> None:
        """An end resets the connection (``reverse``: its peer does)."""
        connection, source, destination = self._of(end, reverse)
        self.reset_ends.add((connection, end._side ^ reverse))
        self.add(connection, "reset", source, destination, detail=detail)

    def closed(self, end: Any, unread: int, reset: bool) -> None:
        """An end was closed; ``reset``: with ``unread`` bytes, so its peer is reset."""
        connection, source, destination = self._of(end)
        if (connection, end._side) in self.reset_ends:
            return  # reset() closed it: the reset said it all
        if reset:
            self.reset_ends.add((connection, end._side))
            self.add(connection, "reset", source, destination,
                     detail=f"close() with {unread} byte{'s' if unread != 1 else ''} unread")
        else:
            self.add(connection, "close", source, destination)

    def refused(self, source: Any, destination: Any, detail: str) -> None:
        """A connect from ``source`` to ``destination`` was refused."""
        self.add(None, "refused", source, destination, detail=detail)

    # -- datagrams

    def datagram(self, receiver: Any, data: bytes, source: Any) -> None:
        """A datagram from ``source`` reaches ``receiver``."""
        destination = receiver._sockname
        if isinstance(destination, tuple) and destination[0] in _WILDCARD_TO_LOOPBACK:
            # Bound to every address: the capture shows the loopback one.
            destination = (_WILDCARD_TO_LOOPBACK[destination[0]], *destination[1:])
            if isinstance(source, tuple) and len(source) == 4 and len(destination) == 4 \
                    and str(source[0]).startswith("::ffff:"):
                destination = ("::ffff:127.0.0.1", *destination[1:])
        self.add(None, "datagram", source, destination, len(data), data)


# -- pcapng ---------------------------------------------------------------------------------

_LINKTYPE_RAW = 101  # packets begin with their IPv4 or IPv6 header
_SNAPLEN = 262144
_SEGMENT = 65000  # payload of one TCP segment: an IPv4 packet holds at most 65535 bytes
_FIN, _SYN, _RST, _PSH, _ACK = 0x01, 0x02, 0x04, 0x08, 0x10
_TCP, _UDP = 6, 17
_MASK = 0xFFFFFFFF
_WINDOW = 65535


def checksum(data: bytes) -> int:
    """The Internet checksum (RFC 1071) of ``data``: the ones' complement of its sum.

    The ones' complement sum of 16-bit words is the number the bytes make,
    modulo 0xFFFF (2**16 is 1 modulo 0xFFFF), which Python computes at C
    speed for a segment of any size.

    Example (RFC 1071's own)::

        >>> hex(checksum(bytes([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7])))
        '0x220d'
    """
    if len(data) % 2:
        data += b"\0"
    number = int.from_bytes(data, "big")
    total = number % 0xFFFF
    if total == 0 and number:
        total = 0xFFFF  # a nonzero sum is never 0 in ones' complement
    return ~total & 0xFFFF


def _ip_of(address: Any) -> tuple[int, bytes, int] | None:
    """``(family, packed address, port)`` of an IPv4/IPv6 address, else ``None``."""
    if not isinstance(address, tuple) or len(address) < 2:
        return None
    host = str(address[0]).split("%", 1)[0]
    for family in (_AF_INET, _AF_INET6):
        try:
            return family, socket.inet_pton(family, host), int(address[1])
        except (OSError, ValueError):
            continue
    return None


def _endpoints(source: Any, destination: Any
               ) -> tuple[int, bytes, int, bytes, int] | None:
    """``(family, source ip, port, destination ip, port)``; ``None`` without IP."""
    ours, theirs = _ip_of(source), _ip_of(destination)
    if ours is None or theirs is None:
        return None
    if ours[0] != theirs[0]:  # an IPv4 end of an IPv6 socket: as the IPv6 side sees it
        mapped = [(_AF_INET6, b"\0" * 10 + b"\xff\xff" + end[1], end[2])
                  if end[0] == _AF_INET else end for end in (ours, theirs)]
        ours, theirs = mapped[0], mapped[1]
    return ours[0], ours[1], ours[2], theirs[1], theirs[2]


class _Packets:
    """The packets of a capture, made from the events in order."""

    def __init__(self) -> None:
        self.packets: list[tuple[float, bytes]] = []
        self.ident = 0
        self.isn = 0

    def ip(self, when: float, ends: tuple[int, bytes, int, bytes, int], proto: int,
           payload: bytes) -> None:
        family, source, _, destination, _ = ends
        if family == _AF_INET:
            self.ident = (self.ident + 1) & 0xFFFF
            header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), self.ident,
                                 0x4000, 64, proto, 0, source, destination)
            header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
        else:
            header = struct.pack("!IHBB16s16s", 0x60000000, len(payload), proto, 64,
                                 source, destination)
        self.packets.append((when, header + payload))

    @staticmethod
    def pseudo(ends: tuple[int, bytes, int, bytes, int], proto: int, length: int) -> bytes:
        family, source, _, destination, _ = ends
        if family == _AF_INET:
            return struct.pack("!4s4sxBH", source, destination, proto, length)
        return struct.pack("!16s16sI3xB", source, destination, length, proto)

    def tcp(self, when: float, ends: tuple[int, bytes, int, bytes, int], seq: int, ack: int,
            flags: int, payload: bytes = b"") -> None:
        header = struct.pack("!HHIIBBHHH", ends[2], ends[4], seq & _MASK, ack & _MASK,
                             5 << 4, flags, _WINDOW, 0, 0)
        total = checksum(self.pseudo(ends, _TCP, 20 + len(payload)) + header + payload)
        header = header[:16] + struct.pack("!H", total) + header[18:]
        self.ip(when, ends, _TCP, header + payload)

    def udp(self, when: float, ends: tuple[int, bytes, int, bytes, int],
            payload: bytes) -> None:
        length = 8 + len(payload)
        header = struct.pack("!HHHH", ends[2], ends[4], length, 0)
        total = checksum(self.pseudo(ends, _UDP, length) + header + payload) or 0xFFFF
        self.ip(when, ends, _UDP, header[:6] + struct.pack("!H", total) + payload)

    def next_isn(self) -> int:
        """A new initial sequence number: made up, distinct, reproducible."""
        self.isn += 1
        return (self.isn * 0x01000193 * 1000) & _MASK


class _Flow:
    """A TCP connection of a capture: its two directions, as ``[client, server]``."""

    __slots__ = ("ends", "fin", "keys", "reset", "seq")

    def __init__(self, ends: tuple[int, bytes, int, bytes, int], source: Any,
                 destination: Any, packets: _Packets) -> None:
        family, ip_a, port_a, ip_b, port_b = ends
        self.ends = (ends, (family, ip_b, port_b, ip_a, port_a))
        self.keys = (tuple(source[:2]), tuple(destination[:2]))
        self.seq = [packets.next_isn(), packets.next_isn()]
        self.fin = [False, False]
        self.reset = False

    def side(self, event: TraceEvent) -> int:
        return 0 if tuple(event.source[:2]) == self.keys[0] else 1

    def send(self, packets: _Packets, when: float, side: int, flags: int,
             payload: bytes = b"") -> None:
        ack = self.seq[1 - side] if flags & _ACK else 0
        packets.tcp(when, self.ends[side], self.seq[side], ack, flags, payload)
        self.seq[side] += len(payload) + (1 if flags & (_SYN | _FIN) else 0)


def packets_of(events: Iterable[TraceEvent]) -> list[tuple[float, bytes]]:
    """``(time, IP packet)`` of each packet the events make (see :func:`write_pcapng`).

    Example::

        >>> events = [TraceEvent(0.0, 1, "connect", ("10.0.0.1", 40000), ("10.0.0.2", 80),
        ...                      0, b"", "")]
        >>> [packet[33] for _, packet in packets_of(events)]   # the TCP flags
        [2, 18, 16]
    """
    packets = _Packets()
    flows: dict[int, _Flow] = {}
    for event in events:
        ends = _endpoints(event.source, event.destination)
        if ends is None:
            continue  # AF_UNIX: no IP
        when, kind = event.time, event.kind
        if kind == "datagram":
            packets.udp(when, ends, event.data)
            continue
        if kind == "refused":
            # The SYN, and the RST that answers it.
            isn = packets.next_isn()
            packets.tcp(when, ends, isn, 0, _SYN)
            back = (ends[0], ends[3], ends[4], ends[1], ends[2])
            packets.tcp(when, back, 0, isn + 1, _RST | _ACK)
            continue
        if event.connection is None or kind in ("accept", "condition"):
            continue
        flow = flows.get(event.connection)
        if flow is None:
            # A connection first seen now (traced from its connect, or from the middle).
            flow = flows[event.connection] = _Flow(ends, event.source, event.destination,
                                                   packets)
            if kind == "connect":
                flow.send(packets, when, 0, _SYN)
                packets.tcp(when, flow.ends[1], flow.seq[1], flow.seq[0], _SYN | _ACK)
                flow.seq[1] += 1
                flow.send(packets, when, 0, _ACK)
                continue
        if flow.reset or kind == "connect":
            continue
        side = flow.side(event)
        if kind == "data":
            data = event.data
            for start in range(0, len(data), _SEGMENT):
                piece = data[start:start + _SEGMENT]
                last = start + _SEGMENT >= len(data)
                flow.send(packets, when, side, _ACK | (_PSH if last else 0), piece)
        elif kind == "reset":
            flow.send(packets, when, side, _RST | _ACK)
            flow.reset = True
        elif kind == "close" or (kind == "shutdown" and event.detail != "SHUT_RD"):
            if not flow.fin[side]:
                flow.fin[side] = True
                flow.send(packets, when, side, _FIN | _ACK)
                flow.send(packets, when, 1 - side, _ACK)  # the peer acknowledges the FIN
    return packets.packets


def _block(kind: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    length = 12 + len(body)
    return struct.pack("<II", kind, length) + body + struct.pack("<I", length)


def _option(code: int, value: bytes) -> bytes:
    return struct.pack("<HH", code, len(value)) + value + b"\0" * (-len(value) % 4)


_END_OF_OPTIONS = b"\0\0\0\0"


def write_pcapng(events: Iterable[TraceEvent], file: BinaryIO) -> int:
    """Write the events as a pcapng capture to a binary ``file``; return the packet count.

    One section, one interface (``LINKTYPE_RAW``: packets begin with their
    IP header), timestamps in microseconds of the network's clock (from
    1970-01-01 on, as a capture tool shows them).  A connection is a
    three-way handshake at its connect, its bytes in segments of at most
    65,000 bytes with their sequence and acknowledgement numbers, a FIN
    (and its acknowledgement) for each end that shuts down writing or
    closes, an RST for a reset; a refused connect is a SYN answered by an
    RST; a datagram is a UDP packet.  ``AF_UNIX`` has no IP: its
    connections and datagrams are left out.  Checksums are computed.

    Example::

        >>> import io
        >>> events = [TraceEvent(0.0, 1, "connect", ("10.0.0.1", 40000), ("10.0.0.2", 80),
        ...                      0, b"", "")]
        >>> file = io.BytesIO()
        >>> write_pcapng(events, file), file.getvalue()[:4]
        (3, b'\\n\\r\\r\\n')
    """
    shb = _block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1)
                 + _option(4, b"mockselector") + _END_OF_OPTIONS)
    idb = _block(1, struct.pack("<HHI", _LINKTYPE_RAW, 0, _SNAPLEN)
                 + _option(2, b"network") + _option(9, b"\x06") + _END_OF_OPTIONS)
    file.write(shb + idb)
    packets = packets_of(events)
    for when, packet in packets:
        stamp = max(0, round(when * 1_000_000))
        file.write(_block(6, struct.pack("<IIIII", 0, stamp >> 32, stamp & _MASK,
                                         len(packet), len(packet)) + packet))
    return len(packets)
