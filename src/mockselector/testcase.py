"""unittest integration: :class:`unittest.IsolatedAsyncioTestCase` on a TestSelectorEventLoop.

Derive from :class:`AsyncioTestCase`: each test runs on a new
:class:`~mockselector.TestSelectorEventLoop`, on every supported Python.

Without the base class, the recipe is::

    class MyTest(unittest.IsolatedAsyncioTestCase):
        loop_factory = staticmethod(mockselector.new_event_loop)    # Python 3.13+

        @classmethod
        def setUpClass(cls):                                         # Python 3.9-3.12
            asyncio.set_event_loop_policy(mockselector.EventLoopPolicy())
            cls.addClassCleanup(asyncio.set_event_loop_policy, None)

``loop_factory`` is what :class:`~unittest.IsolatedAsyncioTestCase` calls to make its loop
from Python 3.13 on; before, it asks the event loop policy, which ``setUpClass`` sets for
the tests of the class (and ``addClassCleanup`` restores).  ``loop_factory =
mockselector.new_event_loop``, without ``staticmethod``, works as well.

One difference on Python 3.9 and 3.10: with the recipe, a test that stalls fails, but
the :class:`~mockselector.Stalled` of the loop's teardown then escapes
``TestCase.run()`` (those versions run every step of a test in one task, which the
stalled step blocks for ever), so a plain ``unittest`` run stops there; pytest reports it
as that test's failure.  :class:`AsyncioTestCase` cancels the stalled step and goes on.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import sys
import unittest
from typing import Any, Callable, ClassVar

from .aio import check_no_watchers, new_event_loop
from .descriptors import Stalled

__all__ = ["AsyncioTestCase"]


class AsyncioTestCase(unittest.IsolatedAsyncioTestCase):
    """An :class:`~unittest.IsolatedAsyncioTestCase` whose tests run on a TestSelectorEventLoop.

    Each test gets a new :class:`~mockselector.TestSelectorEventLoop` (made by
    :meth:`loop_factory`), on Python 3.9-3.13 alike: in-memory sockets work,
    a wait that nothing could end fails the test with
    :class:`~mockselector.Stalled` instead of hanging it.  Two class attributes:

    - ``virtual_time = True`` runs the tests on virtual time;
    - ``no_watchers = True`` fails a test (that passed) if it leaves readers
      or writers registered on the loop after its ``asyncTearDown`` and
      cleanups: a socket, transport or server left open (see
      :func:`~mockselector.check_no_watchers`).

    Override :meth:`loop_factory` for other loop options.  Like its base
    class, it runs the loop in debug mode: ``loop.sock_*`` want non-blocking
    sockets (``sock.setblocking(False)``).

    Example::

        >>> import asyncio, unittest, mockselector
        >>> class HourTest(AsyncioTestCase):
        ...     virtual_time = True
        ...
        ...     async def test_an_hour_passes_at_once(self):
        ...         await asyncio.sleep(3600)
        ...         self.assertEqual(asyncio.get_running_loop().time(), 3600.0)
        >>> result = unittest.TestResult()
        >>> _ = unittest.defaultTestLoader.loadTestsFromTestCase(HourTest).run(result)
        >>> result.testsRun, result.wasSuccessful()
        (1, True)
    """

    #: Run the tests on virtual time (see :class:`~mockselector.TestSelectorEventLoop`).
    virtual_time: ClassVar[bool] = False
    #: Fail a test that leaves readers or writers registered on its loop.
    no_watchers: ClassVar[bool] = False

    def loop_factory(self) -> asyncio.AbstractEventLoop:  # type: ignore[override,unused-ignore]
        """Make the loop of a test: a TestSelectorEventLoop with ``virtual_time``.

        Example::

            >>> import mockselector
            >>> class ExampleTest(AsyncioTestCase):
            ...     def loop_factory(self):
            ...         return mockselector.new_event_loop(patience=1.0)
            >>> loop = ExampleTest().loop_factory()
            >>> type(loop).__name__
            'TestSelectorEventLoop'
            >>> loop.close()
        """
        return new_event_loop(virtual_time=self.virtual_time)

    def run(self, result: unittest.result.TestResult | None = None
            ) -> unittest.result.TestResult | None:
        """Run the test on a loop from :meth:`loop_factory`, as unittest does.

        Example::

            >>> import asyncio
            >>> class LoopTest(AsyncioTestCase):
            ...     async def test_loop(self):
            ...         self.assertEqual(type(asyncio.get_running_loop()).__name__,
            ...                          "TestSelectorEventLoop")
            >>> LoopTest("test_loop").run().wasSuccessful()
            True
        """
        name = self._testMethodName
        if self.no_watchers:
            self._check_no_watchers_after(name)
        try:
            if sys.version_info >= (3, 13):  # IsolatedAsyncioTestCase calls loop_factory
                return super().run(result)
            saved = asyncio.get_event_loop_policy()
            asyncio.set_event_loop_policy(_FactoryPolicy(self.loop_factory))
            try:
                return super().run(result)
            finally:
                asyncio.set_event_loop_policy(saved)
        finally:
            self.__dict__.pop(name, None)

    if sys.version_info < (3, 11):
        # Python 3.9 and 3.10 run setUp, the test, tearDown and the cleanups in one
        # runner task.  After a Stalled, that task would await the stalled call for ever
        # (so tearDown would stall, and the loop's teardown would raise out of run()):
        # cancel that call, and the runner goes on with the next.  These are the
        # private methods of those two versions, which will not change any more.

        def _callAsync(self, func: Any, /, *args: Any, **kwargs: Any) -> Any:
            return self._call_in_runner(func(*args, **kwargs))

        def _callMaybeAsync(self, func: Any, /, *args: Any, **kwargs: Any) -> Any:
            result = func(*args, **kwargs)
            return self._call_in_runner(result) if inspect.isawaitable(result) else result

        def _call_in_runner(self, awaitable: Any) -> Any:
            loop = self._asyncioTestLoop
            future = loop.create_future()
            self._asyncioCallsQueue.put_nowait((future, awaitable))
            try:
                return loop.run_until_complete(future)
            except Stalled:
                future.cancel()  # so that the runner does not set it
                self._asyncioCallsTask.cancel()  # the runner catches it, and goes on
                raise

    def _check_no_watchers_after(self, name: str) -> None:
        """Check for leaks after the cleanups of test ``name``, if the test itself passed."""
        method = getattr(self, name)
        passed = []

        if inspect.iscoroutinefunction(method):
            @functools.wraps(method)
            async def test(*args: Any, **kwargs: Any) -> Any:
                outcome = await method(*args, **kwargs)
                passed.append(True)
                return outcome
        else:
            @functools.wraps(method)
            def test(*args: Any, **kwargs: Any) -> Any:
                outcome = method(*args, **kwargs)
                passed.append(True)
                return outcome

        async def check() -> None:
            if passed:  # after a failure, leaks are expected: do not report them too
                check_no_watchers(asyncio.get_running_loop())

        setattr(self, name, test)
        self.addAsyncCleanup(check)  # the first cleanup added runs last


class _FactoryPolicy(asyncio.DefaultEventLoopPolicy):  # type: ignore[misc,valid-type,unused-ignore]
    """A policy whose new loops come from a factory (Python 3.9-3.12)."""

    def __init__(self, factory: Callable[[], asyncio.AbstractEventLoop]) -> None:
        super().__init__()
        self._factory = factory

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return self._factory()
