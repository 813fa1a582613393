"""AsyncioTestCase, and the recipe for IsolatedAsyncioTestCase without it, on Python 3.9-3.13.

Each behaviour defines a small test case and runs it with unittest's own machinery.
"""

from __future__ import annotations

import asyncio
import sys
import unittest
from collections.abc import Iterator

import pytest

import mockselector
from mockselector import (
    ListenSocket,
    Stalled,
    TestSelectorEventLoop,
    new_event_loop,
    socketpair,
)
from mockselector.testcase import AsyncioTestCase


def run_case(case: type[unittest.TestCase]) -> unittest.TestResult:
    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(case).run(result)
    return result


def messages(result: unittest.TestResult) -> str:
    return "\n".join(text for _, text in result.errors + result.failures)


@pytest.fixture(autouse=True)
def policy_unchanged() -> Iterator[None]:
    """Each test leaves the event loop policy of the kind it found."""
    before = asyncio.get_event_loop_policy()
    yield
    assert type(asyncio.get_event_loop_policy()) is type(before)


async def loop_type() -> type:
    return type(asyncio.get_running_loop())


def test_tests_run_on_a_test_selector_event_loop() -> None:
    seen: list[type] = []

    class Case(AsyncioTestCase):
        async def test_it(self) -> None:
            seen.append(await loop_type())

    assert run_case(Case).wasSuccessful()
    assert seen == [TestSelectorEventLoop]


def test_each_test_gets_a_new_loop() -> None:
    loops: list[asyncio.AbstractEventLoop] = []

    class Case(AsyncioTestCase):
        async def test_one(self) -> None:
            loops.append(asyncio.get_running_loop())

        async def test_two(self) -> None:
            loops.append(asyncio.get_running_loop())

    assert run_case(Case).wasSuccessful()
    assert loops[0] is not loops[1]
    assert all(loop.is_closed() for loop in loops)


def test_virtual_time_attribute_runs_tests_on_virtual_time() -> None:
    times: list[float] = []

    class Case(AsyncioTestCase):
        virtual_time = True

        async def test_it(self) -> None:
            await asyncio.sleep(3600)
            times.append(asyncio.get_running_loop().time())

    assert run_case(Case).wasSuccessful()
    assert times == [3600.0]


def test_loop_factory_can_be_overridden() -> None:
    patience: list[float] = []

    class Case(AsyncioTestCase):
        def loop_factory(self) -> asyncio.AbstractEventLoop:
            return new_event_loop(patience=0.5)

        async def test_it(self) -> None:
            patience.append(asyncio.get_running_loop()._patience)  # type: ignore[attr-defined]

    assert run_case(Case).wasSuccessful()
    assert patience == [0.5]


def test_async_set_up_and_the_test_share_the_loop() -> None:
    class Case(AsyncioTestCase):
        async def asyncSetUp(self) -> None:
            async def echo(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
                writer.write(await reader.readline())
                writer.close()

            self.listener = ListenSocket(address=("127.0.0.1", 80))
            self.server = await asyncio.start_server(echo, sock=self.listener)

        async def asyncTearDown(self) -> None:
            self.server.close()
            await self.server.wait_closed()

        async def test_echo(self) -> None:
            reader, writer = await asyncio.open_connection(sock=self.listener.new_connection())
            writer.write(b"hello\n")
            self.assertEqual(await reader.read(), b"hello\n")
            writer.close()

    result = run_case(Case)
    assert result.wasSuccessful(), messages(result)


def test_a_test_that_would_hang_fails_with_stalled() -> None:
    class Case(AsyncioTestCase):
        async def test_waits_for_nothing(self) -> None:
            a, _b = socketpair()
            reader, writer = await asyncio.open_connection(sock=a)
            try:
                await reader.read(1)
            finally:
                writer.close()

    result = run_case(Case)
    assert len(result.errors) == 1
    assert f"{Stalled.__module__}.Stalled: " in messages(result)


def test_the_tests_after_a_stalled_one_run_normally() -> None:
    class Case(AsyncioTestCase):
        async def test_1_waits_for_nothing(self) -> None:
            await asyncio.get_running_loop().create_future()

        async def test_2_sleeps(self) -> None:
            await asyncio.sleep(0)

    result = run_case(Case)
    assert result.testsRun == 2
    assert [str(test).split()[0] for test, _ in result.errors] == ["test_1_waits_for_nothing"]


def test_async_tear_down_runs_after_a_stalled_test() -> None:
    torn_down: list[bool] = []

    class Case(AsyncioTestCase):
        async def asyncTearDown(self) -> None:
            await asyncio.sleep(0)
            torn_down.append(True)

        async def test_waits_for_nothing(self) -> None:
            await asyncio.get_running_loop().create_future()

    result = run_case(Case)
    assert len(result.errors) == 1
    assert torn_down == [True]


# -- no_watchers ----------------------------------------------------------------------------------


def leaky() -> type[AsyncioTestCase]:
    """A test case whose test leaves a reader registered (made here: not a test of ours)."""

    class Leaky(AsyncioTestCase):
        no_watchers = True

        async def test_leaves_a_reader(self) -> None:
            self.a, self.b = socketpair()
            asyncio.get_running_loop().add_reader(self.a, print)

    return Leaky


def test_no_watchers_fails_a_test_that_leaves_a_reader() -> None:
    result = run_case(leaky())
    assert len(result.failures) == 1
    assert "1 reader or writer left registered on <TestSelectorEventLoop" in messages(result)
    assert "waits to be readable for <Handle print()" in messages(result)


def test_without_no_watchers_a_leak_is_not_checked() -> None:
    class Case(leaky()):  # type: ignore[misc]
        no_watchers = False

    assert run_case(Case).wasSuccessful()


def test_no_watchers_checks_after_async_tear_down_and_cleanups() -> None:
    class Case(leaky()):  # type: ignore[misc]
        async def asyncTearDown(self) -> None:
            self.addAsyncCleanup(self.remove)

        async def remove(self) -> None:
            asyncio.get_running_loop().remove_reader(self.a)

    result = run_case(Case)
    assert result.wasSuccessful(), messages(result)


def test_no_watchers_passes_a_test_that_closes_everything() -> None:
    class Case(AsyncioTestCase):
        no_watchers = True

        async def test_closes_its_stream(self) -> None:
            a, _b = socketpair()
            _, writer = await asyncio.open_connection(sock=a)
            writer.close()
            await writer.wait_closed()

    result = run_case(Case)
    assert result.wasSuccessful(), messages(result)


def test_no_watchers_adds_nothing_to_a_test_that_failed() -> None:
    class Case(leaky()):  # type: ignore[misc]
        async def test_leaves_a_reader(self) -> None:
            await super().test_leaves_a_reader()
            self.fail("the real problem")

    result = run_case(Case)
    assert len(result.failures) == 1
    assert "the real problem" in messages(result)
    assert "left registered" not in messages(result)


# -- the recipe without the base class ----------------------------------------------------------


def recipe() -> type[unittest.IsolatedAsyncioTestCase]:
    """The recipe of mockselector.testcase's docstring, as a user writes it."""

    class Recipe(unittest.IsolatedAsyncioTestCase):
        loop_factory = staticmethod(mockselector.new_event_loop)

        @classmethod
        def setUpClass(cls) -> None:
            asyncio.set_event_loop_policy(mockselector.EventLoopPolicy())
            cls.addClassCleanup(asyncio.set_event_loop_policy, None)

        async def test_runs_on_a_test_selector_event_loop(self) -> None:
            self.assertIsInstance(asyncio.get_running_loop(), mockselector.TestSelectorEventLoop)

    return Recipe


def test_the_recipe_runs_tests_on_a_test_selector_event_loop() -> None:
    result = run_case(recipe())
    assert result.testsRun == 1
    assert result.wasSuccessful(), messages(result)


@pytest.mark.skipif(sys.version_info < (3, 13), reason="loop_factory is new in 3.13")
def test_on_3_13_the_recipe_needs_only_loop_factory() -> None:
    class Case(recipe()):  # type: ignore[misc,valid-type]
        @classmethod
        def setUpClass(cls) -> None:
            pass

    result = run_case(Case)
    assert result.wasSuccessful(), messages(result)

