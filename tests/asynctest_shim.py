"""``import asynctest`` served by mockselector, to run asynctest's own selector tests unchanged.

asynctest 0.13 ships its tests in its source distribution; ``test/test_selector.py``
uses ``asynctest.selector`` (the names mockselector succeeds) and, for its last test
class, ``asynctest.TestCase`` with the ``active_selector_callbacks`` check of
``asynctest._fail_on``.  :func:`install` puts three modules in :data:`sys.modules`:

- ``asynctest.selector``: mockselector's own objects under asynctest's names
  (``FileDescriptor``, ``FileMock``, ``SocketMock``, ``SSLSocketMock``, ``TestSelector``,
  ``set_read_ready``, ``set_write_ready``, ``fd``, ``isfilemock``);
- ``asynctest._fail_on``: the ``DEFAULTS`` table of checks that the tests patch;
- ``asynctest``: those names again, and :class:`TestCase`, a small adapter (not a
  reimplementation of asynctest's test case): a loop per test, and the leak check done by
  :class:`mockselector.assert_no_watchers`, reported with asynctest's wording.
"""

from __future__ import annotations

import asyncio
import sys
import types
import unittest
from typing import Any

import mockselector

SELECTOR_NAMES = (
    "FileDescriptor", "FileMock", "SocketMock", "SSLSocketMock", "TestSelector",
    "set_read_ready", "set_write_ready", "fd", "isfilemock",
)


class TestCase(unittest.TestCase):
    """A test case with ``self.loop`` whose leaked readers and writers fail it.

    ``use_default_loop = True`` runs on the current event loop; otherwise each test
    gets a new :class:`~mockselector.TestSelectorEventLoop`, closed afterwards.  When
    ``asynctest._fail_on.DEFAULTS["active_selector_callbacks"]`` is true, readers and
    writers added by the test and not removed by its end (before its cleanups) fail it.
    """

    __test__ = False  # a base class for asynctest's tests, not a test itself

    use_default_loop = False
    loop: asyncio.AbstractEventLoop

    def setUp(self) -> None:
        if self.use_default_loop:
            self.loop = asyncio.get_event_loop()
        else:
            self.loop = mockselector.new_event_loop()
            asyncio.set_event_loop(self.loop)
            self.addCleanup(asyncio.set_event_loop, None)
            self.addCleanup(self.loop.close)
        fail_on = sys.modules["asynctest._fail_on"].DEFAULTS
        self._leak_check = (mockselector.assert_no_watchers(self.loop)
                            if fail_on.get("active_selector_callbacks") else None)

    def tearDown(self) -> None:
        if self._leak_check is None:
            return
        try:
            self._leak_check.__exit__(None, None, None)
        except AssertionError as leak:
            self.fail(f"some events watched during the tests were not removed:\n{leak}")


def install() -> types.ModuleType:
    """Make ``import asynctest`` (and its two submodules above) give the shim; return it."""
    selector = types.ModuleType("asynctest.selector", "mockselector under asynctest's names")
    names: dict[str, Any] = {name: getattr(mockselector, name) for name in SELECTOR_NAMES
                             if hasattr(mockselector, name)}  # SSLSocketMock needs ssl
    vars(selector).update(names)
    fail_on = types.ModuleType("asynctest._fail_on", "the checks a test case runs")
    fail_on.DEFAULTS = {"active_selector_callbacks": False}  # type: ignore[attr-defined]
    package = types.ModuleType("asynctest", "mockselector, as asynctest's tests import it")
    vars(package).update(names, selector=selector, _fail_on=fail_on, TestCase=TestCase)
    sys.modules.update({
        "asynctest": package, "asynctest.selector": selector, "asynctest._fail_on": fail_on,
    })
    return package
