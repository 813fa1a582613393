"""Tests of framing.py with unittest: Mock sockets made ready by hand, and in-memory ones."""

from __future__ import annotations

import asyncio
import sys
import unittest

from framing import read_message, write_message

import mockselector
from mockselector import SocketMock, TestSelector, set_read_ready, socketpair


class MockSocketTest(unittest.IsolatedAsyncioTestCase):
    """The asynctest style: the test says what recv() returns and when the socket is ready."""

    async def asyncSetUp(self) -> None:
        self.loop = asyncio.get_running_loop()
        # What asynctest.TestCase did for every test: let the loop's selector
        # hold virtual descriptors (the Mock sockets) next to its real ones.
        self.loop._selector = TestSelector(self.loop._selector)  # type: ignore[attr-defined]

    async def test_a_message_arriving_in_two_reads(self) -> None:
        sock = SocketMock()
        # A Mock returns what it is told, whatever the size asked: script each call.
        sock.recv.side_effect = [b"\x00\x05", b"he", BlockingIOError, b"llo"]
        task = asyncio.ensure_future(read_message(self.loop, sock))
        await asyncio.sleep(0)              # the loop now waits for the socket
        self.assertFalse(task.done())
        set_read_ready(sock, self.loop)     # ... which becomes readable
        self.assertEqual(await task, b"hello")

    async def test_eof_in_the_middle_of_a_message(self) -> None:
        sock = SocketMock()
        sock.recv.side_effect = [b"\x00\x05", b"he", b""]
        with self.assertRaises(EOFError):
            await read_message(self.loop, sock)

    async def test_write_message_sends_the_length_first(self) -> None:
        sock = SocketMock()
        await write_message(self.loop, sock, b"hello")
        sock.send.assert_called_once_with(b"\x00\x05hello")


class InMemorySocketTest(unittest.IsolatedAsyncioTestCase):
    """The same functions on a connected in-memory pair: readiness follows the data."""

    async def asyncSetUp(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.loop._selector = TestSelector(self.loop._selector)  # type: ignore[attr-defined]
        self.near, self.far = socketpair()
        self.near.setblocking(False)
        self.far.setblocking(False)

    async def asyncTearDown(self) -> None:
        # What asynctest's fail_on(active_selector_callbacks=True) checked.
        mockselector.check_no_watchers(self.loop)
        self.near.close()
        self.far.close()

    async def test_round_trip(self) -> None:
        reader = asyncio.ensure_future(read_message(self.loop, self.far))
        await write_message(self.loop, self.near, b"hello")
        self.assertEqual(await reader, b"hello")


@unittest.skipUnless(sys.version_info >= (3, 13), "loop_factory needs Python 3.13+")
class LoopFactoryTest(unittest.IsolatedAsyncioTestCase):
    """Python 3.13+: every test of the case runs on a mockselector loop."""

    loop_factory = mockselector.TestSelectorEventLoop

    async def test_round_trip(self) -> None:
        loop = asyncio.get_running_loop()
        near, far = socketpair()
        near.setblocking(False)
        far.setblocking(False)
        reader = asyncio.ensure_future(read_message(loop, far))
        await write_message(loop, near, b"hello")
        self.assertEqual(await reader, b"hello")
        near.close()
        far.close()


class PolicyTest(unittest.IsolatedAsyncioTestCase):
    """Any Python version: the tests of this case run on loops made by a mockselector policy."""

    @classmethod
    def setUpClass(cls) -> None:
        cls.saved_policy = asyncio.get_event_loop_policy()
        asyncio.set_event_loop_policy(mockselector.EventLoopPolicy(virtual_time=True))

    @classmethod
    def tearDownClass(cls) -> None:
        asyncio.set_event_loop_policy(cls.saved_policy)

    async def test_a_silent_peer_times_out_in_virtual_time(self) -> None:
        loop = asyncio.get_running_loop()
        near, far = socketpair()
        far.setblocking(False)
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(read_message(loop, far), timeout=30)
        self.assertEqual(loop.time(), 30)
        near.close()
        far.close()
