"""The conditions of a :class:`~mockselector.Network`: latency, bandwidth, partitions, resets.

The network's half of :mod:`mockselector._conditions`: the rules the test
sets (:class:`Condition`), which connections and datagrams they apply to
(a target and a direction), and what they did (the counters of each rule,
and :class:`NetworkStats` for the whole network).  :class:`Conditions` is
mixed into :class:`~mockselector.Network`; its public methods are the
network's (``net.conditions()``, ``net.partition()``, ...).

**Who is where.**  A connection has a server end (the address it was
accepted on) and a client end.  A client that bound an address before it
connected is at that address; one that did not (the common case) is the
test's own process, on no host of the network.  A target names a host (a
name or an address: every address of the name) or one address
``(host, port)``; ``direction="to"`` applies to what is sent to the
target, ``"from"`` to what it sends, ``"both"`` to either.

Every method that changes state takes :data:`mockselector._core.lock`.
"""

from __future__ import annotations

import errno
import random
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from . import _core
from ._conditions import Link

if TYPE_CHECKING:
    from ._conditions import Clock

_AF_UNIX = 1
_DIRECTIONS = ("both", "to", "from")

#: How long Linux retries the SYN of a connect that gets no answer (6 retries).
SYN_TIMEOUT = 127.0

_COUNTERS = ("bytes_delayed", "bytes_held", "segments", "resets", "connects_blocked",
             "datagrams_delayed", "datagrams_dropped", "datagrams_duplicated",
             "datagrams_reordered")


class _Counters:
    """What conditions did: every counter starts at 0."""

    __slots__ = _COUNTERS

    bytes_delayed: int
    bytes_held: int
    segments: int
    resets: int
    connects_blocked: int
    datagrams_delayed: int
    datagrams_dropped: int
    datagrams_duplicated: int
    datagrams_reordered: int

    def __init__(self) -> None:
        for name in _COUNTERS:
            setattr(self, name, 0)

    def carried(self, size: int, delay: float) -> None:
        """Count a piece of a stream put in flight ``delay`` seconds before it arrives."""
        self.segments += 1
        if delay == float("inf"):
            self.bytes_held += size
        elif delay > 0:
            self.bytes_delayed += size

    @property
    def fired(self) -> bool:
        """Whether the condition did anything at all (a condition that never fired is inert).

        Example::

            >>> NetworkStats().fired
            False
        """
        return any(getattr(self, name) for name in _COUNTERS)

    def __getitem__(self, name: str) -> int:
        """A counter by name, as in :meth:`counts` (``KeyError`` for an unknown one).

        Example::

            >>> NetworkStats()["resets"]
            0
        """
        if name not in _COUNTERS:
            raise KeyError(f"{name!r} is not a counter of conditions: one of "
                           f"{', '.join(_COUNTERS)}")
        return int(getattr(self, name))

    def counts(self) -> dict[str, int]:
        """The counters that are not 0, by name.

        Example::

            >>> NetworkStats().counts()
            {}
        """
        return {name: getattr(self, name) for name in _COUNTERS if getattr(self, name)}


class NetworkStats(_Counters):
    """What the conditions of a network did, all together (``net.stats``).

    ``bytes_delayed`` (stream bytes that arrived later than sent),
    ``bytes_held`` (stream bytes held by :meth:`~mockselector.Network.hold`
    or a partition), ``segments`` (pieces of streams carried under a
    condition), ``resets`` (connections reset), ``connects_blocked``
    (connects into a partition), and ``datagrams_delayed``,
    ``datagrams_dropped``, ``datagrams_duplicated``, ``datagrams_reordered``.

    Example::

        >>> import socket
        >>> from mockselector import Network
        >>> with Network(virtual_time=True) as net:
        ...     _ = net.conditions(latency=0.1)
        ...     a, b = socket.socketpair()
        ...     a.sendall(b"hello")
        ...     b.recv(10), net.stats.bytes_delayed, round(net.time(), 3)
        (b'hello', 5, 0.1)
    """

    __slots__ = ()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={value}" for name, value in self.counts().items())
        return f"<NetworkStats {counts or 'nothing happened'}>"


class Condition(_Counters):
    """One rule set on a network, and what it did (its counters, as :class:`NetworkStats`).

    Returned by :meth:`~mockselector.Network.conditions`,
    :meth:`~mockselector.Network.hold` and :meth:`~mockselector.Network.reset`;
    :attr:`fired` says whether it ever acted, so a test can tell a condition
    that was silently inert.

    Example::

        >>> import socket
        >>> from mockselector import Network
        >>> with Network(virtual_time=True) as net:
        ...     slow = net.conditions("localhost", bandwidth=1000)
        ...     server = socket.create_server(("127.0.0.1", 80))
        ...     client = socket.create_connection(("localhost", 80))
        ...     conn, _ = server.accept()
        ...     client.sendall(b"x" * 2000)
        ...     len(conn.recv(5000)) > 0, slow.fired
        (True, True)
    """

    __slots__ = ("_addresses", "_drawn", "_rng", "_seed", "after_bytes", "at", "direction", "held",
                 "probability", "settings", "target")

    def __init__(self, target: Any, addresses: Any, direction: str,
                 settings: dict[str, Any], *, held: bool = False,
                 after_bytes: int | None = None, at: float | None = None,
                 probability: float = 1.0, seed: int | None = None) -> None:
        super().__init__()
        #: What the rule applies to, as given (``None``: everything).
        self.target = target
        self._addresses = addresses  # set of ips, or (ip, port) pairs; None: all
        self.direction = direction
        #: The stream and datagram settings the rule sets (only those given).
        self.settings = settings
        self.held = held
        self.after_bytes = after_bytes
        self.at = at
        self.probability = probability
        self._seed = seed
        self._rng = random.Random(seed)
        self._drawn: dict[Any, bool] = {}

    def __repr__(self) -> str:
        what = ", ".join(f"{key}={value!r}" for key, value in self.settings.items())
        if self.held:
            what = "held"
        if self.after_bytes is not None or self.at is not None:
            what = f"reset after_bytes={self.after_bytes} at={self.at}"
        counts = ", ".join(f"{name}={value}" for name, value in self.counts().items())
        return (f"<Condition {self.target!r} {self.direction}: {what}: "
                f"{counts or 'not fired yet'}>")

    def _matches(self, sender: Any, receiver: Any) -> bool:
        """Whether the rule applies to what goes from ``sender`` to ``receiver`` (addresses)."""
        addresses = self._addresses
        if addresses is None:
            return True
        direction = self.direction
        return ((direction != "from" and _within(receiver, addresses))
                or (direction != "to" and _within(sender, addresses)))

    def _draw(self, key: Any) -> bool:
        """Whether the rule hits the connection ``key`` (drawn once per connection)."""
        if self.probability >= 1.0:
            return True
        drawn = self._drawn.get(key)
        if drawn is None:
            drawn = self._drawn[key] = self._rng.random() < self.probability
        return drawn


def _check_direction(direction: Any) -> None:
    if direction not in _DIRECTIONS:
        raise ValueError(f"direction must be one of {', '.join(_DIRECTIONS)}, "
                         f"not {direction!r}")


def _within(address: Any, addresses: Any) -> bool:
    if address is None:
        return False
    return address[0] in addresses or address in addresses


def _number(name: str, value: Any, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{name} must be a number of seconds or bytes, not {value!r}")
    if not (value > 0 if positive else value >= 0) or value != value:
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, not {value!r}")
    return float(value)


def _probability(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a probability between 0 and 1, not {value!r}")
    return float(value)


class Conditions:
    """The conditions half of :class:`~mockselector.Network` (see the module)."""

    # Provided by Network.
    _seed: int | None
    _clock: Clock
    _connections: list[Any]
    _clients: dict[int, Any]
    _datagram_space: Any
    _tracer: Any

    def _init_conditions(self) -> None:
        self._rules: list[Condition] = []
        self._stats = NetworkStats()
        # The groups of a partition (sets of addresses), or None.
        self._groups: list[set[str]] | None = None
        # Connects waiting for a partition to heal.
        self._blocked: list[Any] = []

    # -- the public surface ------------------------------------------------------------

    def time(self) -> float:
        """The network's time: seconds since it was made (virtual with ``virtual_time=True``).

        Example::

            >>> from mockselector import Network
            >>> Network(virtual_time=True).time()
            0.0
        """
        return self._clock.elapsed()

    @property
    def stats(self) -> NetworkStats:
        """What the network's conditions did, all together (see :class:`NetworkStats`).

        Example::

            >>> from mockselector import Network
            >>> Network().stats.fired
            False
        """
        return self._stats

    def conditions(self, target: Any = None, *, latency: float = 0.0, jitter: float = 0.0,
                   bandwidth: float | None = None, segment: int | None = None,
                   loss: float = 0.0, duplicate: float = 0.0, reorder: float = 0.0,
                   direction: str = "both", seed: int | None = None) -> Condition:
        """Set conditions on the traffic of ``target`` (``None``: all traffic); return the rule.

        Streams: ``latency`` seconds (plus up to ``jitter`` more, drawn
        from ``random.Random(seed)``; bytes never overtake one another),
        ``bandwidth`` bytes per second, ``segment``: writes cut into pieces
        of at most that many bytes, each arriving on its own.  Datagrams:
        the latency too, and ``loss``, ``duplicate``, ``reorder``
        probabilities.  ``target``: a host (name or address) or an address
        ``(host, port)``; ``direction``: ``"to"`` it, ``"from"`` it, or
        ``"both"``.  A TCP connect takes one round trip of latency (the SYN
        and its answer).  Conditions apply to the connections already made and
        to those made later; a later rule overrides what an earlier one set
        for the same traffic.  With ``virtual_time=True`` delays cost no
        wall time and are exact on the network's clock (``net.time()``,
        which asyncio loops of the network share); otherwise they are real
        delays.

        Example::

            >>> import asyncio
            >>> from mockselector import Network
            >>> async def ping():
            ...     server = await asyncio.start_server(echo, "127.0.0.1", 7)
            ...     reader, writer = await asyncio.open_connection("127.0.0.1", 7)
            ...     writer.write(b"ping\\n")
            ...     line = await reader.readline()
            ...     writer.close(); server.close()
            ...     return line, asyncio.get_running_loop().time()
            >>> async def echo(reader, writer):
            ...     writer.write(await reader.readline())
            >>> with Network(virtual_time=True) as net:
            ...     rule = net.conditions(latency=0.2)
            ...     asyncio.run(ping())
            (b'ping\\n', 0.8)
        """
        _check_direction(direction)
        settings: dict[str, Any] = {}
        if latency:
            settings["latency"] = _number("latency", latency)
        if jitter:
            settings["jitter"] = _number("jitter", jitter)
        if bandwidth is not None:
            settings["bandwidth"] = _number("bandwidth", bandwidth, positive=True)
        if segment is not None:
            if isinstance(segment, bool) or not isinstance(segment, int) or segment < 1:
                raise ValueError(f"segment must be a positive number of bytes, not {segment!r}")
            settings["segment"] = segment
        for name, value in (("loss", loss), ("duplicate", duplicate), ("reorder", reorder)):
            if value:
                settings[name] = _probability(name, value)
        if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
            raise TypeError(f"seed must be an int or None, not {seed!r}")
        rule = Condition(target, self._addresses_of_target(target), direction, settings,
                         seed=self._seed_of(seed))
        return self._add_rule(rule)

    def hold(self, target: Any = None, *, direction: str = "both") -> Condition:
        """Hold the stream traffic of ``target``: bytes written stay in flight until released.

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network() as net:
            ...     a, b = socket.socketpair(); b.setblocking(False)
            ...     rule = net.hold()
            ...     a.sendall(b"later")
            ...     try:
            ...         b.recv(10)
            ...     except BlockingIOError:
            ...         print("held")
            ...     net.release()
            ...     b.recv(10), rule.bytes_held
            held
            (b'later', 5)
        """
        _check_direction(direction)
        rule = Condition(target, self._addresses_of_target(target), direction, {}, held=True)
        return self._add_rule(rule)

    def release(self, target: Any = None) -> None:
        """End :meth:`hold` for ``target`` (``None``: every hold): what was held is sent now.

        Example::

            >>> from mockselector import Network
            >>> with Network() as net:
            ...     _ = net.hold("localhost")
            ...     net.release("localhost")
        """
        with _core.lock:
            self._rules = [rule for rule in self._rules
                           if not (rule.held and (target is None or rule.target == target))]
            self._relink_all()
            self._note(f"release {'everything' if target is None else repr(target)}")

    def clear_conditions(self) -> None:
        """Remove every condition, hold and reset rule (what is in flight arrives at once).

        Example::

            >>> from mockselector import Network
            >>> with Network() as net:
            ...     _ = net.conditions(latency=1.0)
            ...     net.clear_conditions()
        """
        with _core.lock:
            self._rules = []
            self._relink_all()
            self._note("conditions cleared")

    def reset(self, target: Any = None, *, after_bytes: int | None = None,
              at: float | None = None, probability: float = 1.0,
              seed: int | None = None, direction: str = "both") -> Condition:
        """Reset the connections of ``target``: now, after some bytes, or at a time.

        Without ``after_bytes`` and ``at``, the connections of ``target``
        open now are reset at once.  With ``after_bytes=N``, each connection
        of ``target`` (open now or made later) is reset when more than
        ``N`` bytes have gone one way on it: the first ``N`` arrive, then
        both ends see ``ConnectionResetError`` (``after_bytes=0``: the first
        write resets it).  With ``at=t``, those open at network time ``t``
        (:meth:`time`) are reset then.  ``probability`` (drawn once per
        connection from ``random.Random(seed)``) resets only some of them:
        a flaky server.

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network() as net:
            ...     server = socket.create_server(("127.0.0.1", 80))
            ...     rule = net.reset(("127.0.0.1", 80), after_bytes=3)
            ...     client = socket.create_connection(("127.0.0.1", 80))
            ...     conn, _ = server.accept()
            ...     client.sendall(b"abcdef")
            ...     conn.recv(10)
            ...     try:
            ...         conn.recv(10)
            ...     except ConnectionResetError:
            ...         print("reset", rule.resets)
            b'abc'
            reset 1
        """
        if after_bytes is not None and (isinstance(after_bytes, bool)
                                        or not isinstance(after_bytes, int) or after_bytes < 0):
            raise ValueError(f"after_bytes must be a number of bytes >= 0, not {after_bytes!r}")
        if at is not None:
            at = _number("at", at)
        probability = _probability("probability", probability)
        _check_direction(direction)
        rule = Condition(target, self._addresses_of_target(target), direction, {},
                         after_bytes=after_bytes, at=at, probability=probability,
                         seed=self._seed_of(seed))
        with _core.lock:
            if after_bytes is None and at is None:
                for record in self._live():
                    if self._rule_hits(rule, record):
                        self._reset_connection(record, rule)
                return rule
            if at is not None:
                clock = self._clock
                clock.at(clock.epoch + at, lambda: self._reset_at(rule))
        return self._add_rule(rule)

    def partition(self, *groups: Iterable[str], reset: bool = False) -> None:
        """Split the network: hosts in different groups no longer reach one another.

        Each group is a set of hosts (names or addresses); hosts in no group,
        and clients that did not bind an address (the test's own process),
        form one more group together.  Connections that cross the partition
        stall (what is sent is held, as on a cable pulled out) until
        :meth:`heal`, or are reset at once with ``reset=True``; a new
        connect across it gets no answer: it completes when the partition
        heals, or fails with ``TimeoutError`` (``ETIMEDOUT``) after 127
        seconds of network time, as Linux gives up, or at the socket's
        timeout.  Datagrams across it are lost.

        Example::

            >>> import socket
            >>> from mockselector import Network
            >>> with Network(virtual_time=True) as net:
            ...     net.add_host("db", "10.0.0.7")
            ...     server = socket.create_server(("10.0.0.7", 5432))
            ...     net.partition({"db"})
            ...     try:
            ...         socket.create_connection(("db", 5432))
            ...     except TimeoutError as error:
            ...         print(error.errno == 110, net.time())
            True 127.0
        """
        resolved = []
        for group in groups:
            if isinstance(group, str):
                raise TypeError(f"a group is a set of hosts, such as {{{group!r}}}, not one str")
            addresses: set[str] = set()
            for host in group:
                addresses.update(self._addresses_of(host))  # type: ignore[attr-defined]
            resolved.append(addresses)
        if not resolved:
            raise ValueError("partition() needs at least one group of hosts")
        with _core.lock:
            self._groups = resolved
            self._note("partition " + " | ".join(
                "{" + ", ".join(sorted(group)) + "}" for group in resolved))
            for record in self._live():
                if reset and self._crosses(*self._hosts_of(record)):
                    self._reset_connection(record, None)
            self._relink_all()

    def heal(self) -> None:
        """End the partition: held traffic flows, waiting connects proceed.

        Example::

            >>> from mockselector import Network
            >>> with Network() as net:
            ...     net.partition({"127.0.0.1"})
            ...     net.heal()
        """
        with _core.lock:
            self._groups = None
            self._note("heal")
            self._relink_all()
            blocked, self._blocked = self._blocked, []
            for sock in blocked:
                self._unblock(sock)  # type: ignore[attr-defined]
            _core.wake()

    # -- targets -----------------------------------------------------------------------

    def _seed_of(self, seed: int | None) -> int | None:
        if seed is not None:
            return seed
        return self._seed  # the network's (Network(seed=...)), if any

    def _addresses_of_target(self, target: Any) -> Any:
        if target is None:
            return None
        if isinstance(target, tuple) and len(target) == 2:
            host, port = target
            if isinstance(port, bool) or not isinstance(port, int):
                raise TypeError(f"a target address is (host, port), not {target!r}")
            return {(ip, port) for ip in self._addresses_of(host)}  # type: ignore[attr-defined]
        if isinstance(target, str):
            return set(self._addresses_of(target))  # type: ignore[attr-defined]
        raise TypeError(f"a target is a host (name or address) or (host, port), or None for "
                        f"all traffic, not {target!r}")

    def _hosts_of(self, record: Any) -> tuple[Any, Any]:
        """The ``(ip, port)`` of a connection's client and server ends (``None``: local)."""
        if record._family == _AF_UNIX:
            return None, None
        client = record._client_end
        binding = client._binding
        client_address = None
        if type(binding) is tuple and self._clients.get(binding[1]) is not client:
            client_address = (record.client[0], record.client[1])
        return client_address, (record.server[0], record.server[1])

    def _crosses(self, client: Any, server: Any) -> bool:
        """Whether a partition separates the two addresses (``None``: the local process)."""
        groups = self._groups
        if groups is None:
            return False

        def group_of(address: Any) -> int:
            if address is None:
                return -1
            for index, group in enumerate(groups):
                if address[0] in group:
                    return index
            return -1

        return group_of(client) != group_of(server)

    def _live(self) -> list[Any]:
        return [record for record in self._connections
                if not (record._client_end._dead and record._server_end._dead)]

    # -- links -------------------------------------------------------------------------

    def _relink_all(self) -> None:
        for record in self._live():
            self._relink(record)
        self._datagram_routes_changed()
        _core.wake()

    def _arrive_all(self) -> None:
        """Deliver every byte in flight at once: the network is left (holding the lock).

        Its clock no longer runs: what it still carried arrives now, so that the
        sockets used after the scope read it instead of waiting forever.
        """
        for record in self._live():
            for end in (record._client_end, record._server_end):
                pipe = getattr(end, "_out", None)
                if pipe is not None and pipe.link is not None:
                    pipe.link.flush(pipe)
                    pipe.link = None  # entered again, the network links them anew
                    pipe.refresh()
        _core.wake()

    def _datagram_routes_changed(self) -> None:
        """Datagrams go straight to their receiver only while nothing conditions them."""
        space = self._datagram_space
        space.direct = space.faults is None and not self._rules and self._groups is None \
            and self._tracer is None
        space.version += 1  # the routes sockets remember no longer hold

    def _relink(self, record: Any) -> None:
        """Give each direction of ``record`` the link its rules ask for (holding the lock)."""
        client_address, server_address = self._hosts_of(record)
        crossing = self._crosses(client_address, server_address)
        for end, sender, receiver in ((record._client_end, client_address, server_address),
                                      (record._server_end, server_address, client_address)):
            pipe = getattr(end, "_out", None)
            if pipe is None or pipe.reader is None:
                continue
            settings: dict[str, Any] = {}
            counters: list[Any] = []
            held = crossing
            budget_rule = None
            jitter_seed = None
            for rule in self._rules:
                if record._family == _AF_UNIX and rule._addresses is not None:
                    continue
                if not rule._matches(sender, receiver):
                    continue
                if rule.held:
                    held = True
                    counters.append(rule)
                elif rule.after_bytes is not None:
                    if rule._draw(record):
                        budget_rule = rule
                elif rule.settings:
                    settings.update(rule.settings)
                    counters.append(rule)
                    if "jitter" in rule.settings:
                        jitter_seed = rule._seed
            link = pipe.link
            if not (settings or held or budget_rule is not None):
                if link is not None:
                    link.flush(pipe)
                    pipe.link = None
                    pipe.refresh()
                continue
            if link is None:
                link = Link(self._clock)
                pipe.link = link
                pipe.refresh()
            link.latency = settings.get("latency", 0.0)
            jitter = settings.get("jitter", 0.0)
            if jitter and link.rng is None:
                # Each direction of each connection draws from its own generator, derived
                # from the rule's seed and the connection's place: reproducible.
                index = 2 * (record._number - 1) + (end is not record._client_end)
                link.rng = random.Random(None if jitter_seed is None
                                         else jitter_seed * 1_000_003 + index)
            link.jitter = jitter
            link.bandwidth = settings.get("bandwidth")
            link.segment = settings.get("segment")
            link.stats = (*counters, self._stats)
            if budget_rule is not None and link.on_spent is None:
                link.budget_rule = budget_rule
                link.budget = budget_rule.after_bytes
                link.on_spent = self._spent
            was_held = link.held
            link.held = held
            if was_held and not held:
                link.release(pipe)

    def _spent(self, pipe: Any) -> None:
        """A link's reset budget is spent: reset its connection."""
        link = pipe.link
        rule = link.budget_rule
        record = getattr(pipe.writer, "_record", None) or getattr(pipe.reader, "_record", None)
        if record is None:
            return
        if link.delays():
            # The reset travels behind the bytes that made it: it arrives after them.
            self._clock.at(max(link.last, self._clock.now() + link.latency),
                           lambda: self._reset_connection(record, rule))
        else:
            self._reset_connection(record, rule)

    def _round_trip(self, client: Any, server: Any) -> float:
        """The latency of a connect's handshake: one way and back (holding the lock)."""
        return sum(float(self._settings(sender, receiver)[0].get("latency", 0.0))
                   for sender, receiver in ((client, server), (server, client)))

    def _settings(self, sender: Any, receiver: Any) -> tuple[dict[str, Any], list[Condition]]:
        """What the rules set for traffic from ``sender`` to ``receiver``, and those rules.

        Later rules override what earlier ones set (holding the lock).
        """
        settings: dict[str, Any] = {}
        rules = []
        for rule in self._rules:
            if rule.settings and rule._matches(sender, receiver):
                settings.update(rule.settings)
                rules.append(rule)
        return settings, rules

    def _rule_hits(self, rule: Condition, record: Any) -> bool:
        client_address, server_address = self._hosts_of(record)
        if record._family == _AF_UNIX and rule._addresses is not None:
            return False
        return ((rule._matches(client_address, server_address)
                 or rule._matches(server_address, client_address)) and rule._draw(record))

    def _reset_at(self, rule: Condition) -> None:
        for record in self._live():
            if self._rule_hits(rule, record):
                self._reset_connection(record, rule)

    def _reset_connection(self, record: Any, rule: Condition | None) -> None:
        """Reset both ends of ``record``, as an RST in each direction would (holding the lock)."""
        client, server = record._client_end, record._server_end
        if client._dead and server._dead:
            return
        if client._peer is not server:
            return  # already reset, or one end closed and gone
        for end in (client, server):
            for pipe in (end._in, end._out):
                if pipe.transit:
                    pipe.transit.clear()
                    pipe.flight = 0
                if pipe.link is not None:
                    pipe.link = None
                    pipe.refresh()
        for end in (client, server):
            if not end._dead:
                end._set_error(ConnectionResetError(
                    errno.ECONNRESET, f"Connection reset by peer (the network reset "
                    f"{record!r}{'' if rule is None else f' by {rule!r}'})"))
        client._peer = server._peer = None
        for end in (client, server):
            end._in.end()
        self._stats.resets += 1
        if rule is not None:
            rule.resets += 1
        self._trace_event(record, "reset",  # type: ignore[attr-defined]
                          "by the network" if rule is None else f"by {rule!r}")

    def _add_rule(self, rule: Condition) -> Condition:
        with _core.lock:
            self._rules.append(rule)
            self._relink_all()
            self._note(repr(rule).split(":")[0].lstrip("<") + " set")
        return rule

    def _note(self, detail: str) -> None:
        """Say in the trace (if the network traces) that conditions changed."""
        self._trace_event(None, "condition", detail)  # type: ignore[attr-defined]

    def _connected(self, record: Any) -> None:
        """A connection was made: its links, if any rule or partition applies."""
        if self._rules or self._groups is not None:
            self._relink(record)

    # -- datagrams ---------------------------------------------------------------------

    def _datagram_rules(self, source: Any, destination: Any) -> tuple[bool, dict[str, Any],
                                                                      list[Condition]]:
        """``(lost to a partition, settings, rules)`` for a datagram (holding the lock)."""
        if self._groups is not None and self._crosses(source, destination):
            return True, {}, []
        return (False, *self._settings(source, destination))
