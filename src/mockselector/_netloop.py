"""The asyncio event loop that new loops are inside a network.

A :class:`~mockselector.TestSelectorEventLoop` that resolves names on the
loop itself, from the network's DNS (a stock loop sends ``getaddrinfo`` to
an executor thread), and keeps a real wake-up pipe (so that
``call_soon_threadsafe`` wakes it at once).  Everything else reaches the
network through ``socket.socket``, as a stock loop does.
"""

from __future__ import annotations

import selectors
from typing import Any

from . import _core
from .aio import TestSelectorEventLoop

_RealDefaultSelector = selectors.DefaultSelector


class NetworkEventLoop(TestSelectorEventLoop):
    """A :class:`~mockselector.TestSelectorEventLoop` that resolves names on the network."""

    __test__ = False

    def __init__(self, selector: selectors.BaseSelector | None = None, **kwargs: Any) -> None:
        network = _core.state.network
        if network is not None and network._virtual_time:
            kwargs.setdefault("virtual_time", True)  # Network(virtual_time=True)
        super().__init__(selector if selector is not None else _RealDefaultSelector(), **kwargs)

    async def getaddrinfo(self, host: Any, port: Any, *, family: int = 0, type: int = 0,
                          proto: int = 0, flags: int = 0) -> list[Any]:
        network = _core.state.network
        if network is None or network._resolves_for_real(host):
            return await super().getaddrinfo(host, port, family=family, type=type,
                                             proto=proto, flags=flags)
        return network._getaddrinfo(host, port, family, type, proto, flags)  # type: ignore[no-any-return]

    async def getnameinfo(self, sockaddr: Any, flags: int = 0) -> tuple[str, str]:
        network = _core.state.network
        if network is None:
            return await super().getnameinfo(sockaddr, flags)
        return network._getnameinfo(sockaddr, flags)  # type: ignore[no-any-return]
