"""asynctest 0.13's own selector tests, run unchanged against mockselector.

The tests come from asynctest's source distribution (``test/test_selector.py``), which
this repository does not include: set ``MOCKSELECTOR_ASYNCTEST_SUITE`` to that file
(``.ci/run`` downloads the distribution and does so).  ``import asynctest`` in it gives
mockselector (see ``asynctest_shim``).  Its test classes are collected here as they are.
"""

from __future__ import annotations

import importlib.util
import os
import sys
import unittest
from collections.abc import Iterator
from pathlib import Path

import pytest

SUITE = os.environ.get("MOCKSELECTOR_ASYNCTEST_SUITE", "")

if not SUITE:
    pytest.skip(
        "asynctest 0.13.0's test/test_selector.py is not here: set MOCKSELECTOR_ASYNCTEST_SUITE "
        "to its path (.ci/run downloads it from the package index)",
        allow_module_level=True,
    )
if not Path(SUITE).is_file():
    raise FileNotFoundError(f"MOCKSELECTOR_ASYNCTEST_SUITE={SUITE!r} is not a file")

import asynctest_shim  # noqa: E402  (only once the suite is there)

asynctest_shim.install()
_spec = importlib.util.spec_from_file_location("asynctest_test_selector", SUITE)
assert _spec is not None and _spec.loader is not None
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)

_TEST_CLASSES = {name: cls for name, cls in vars(_suite).items()
                 if name.startswith("Test_") and isinstance(cls, type)
                 and issubclass(cls, unittest.TestCase)}
if sys.version_info >= (3, 10):
    # It calls asyncio.sleep(0, loop=...), and Python 3.10 removed the loop argument.
    _rw = _TEST_CLASSES["Test_set_read_write_ready"]
    _rw.test_nothing_scheduled = unittest.skip(  # type: ignore[attr-defined]
        "asynctest's test calls asyncio.sleep(loop=...), which Python 3.10 removed"
    )(_rw.test_nothing_scheduled)  # type: ignore[attr-defined]
globals().update(_TEST_CLASSES)


@pytest.fixture(autouse=True)
def _pollable_descriptor_0(request: pytest.FixtureRequest) -> Iterator[None]:
    """Descriptor 0 is a pipe during asynctest's test that gives a real selector FD 0.

    ``test_events_watched_outside_test_are_ignored`` resets virtual descriptors to 0
    and adds a reader for one on a stock loop, whose epoll selector registers the real
    descriptor 0: a terminal or a pipe when asynctest ran its tests, but ``/dev/null``
    under pytest's capture, which epoll refuses.
    """
    if request.node.name != "test_events_watched_outside_test_are_ignored":
        yield
        return
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    os.dup2(read_end, 0)
    try:
        yield
    finally:
        os.dup2(saved, 0)
        for descriptor in (saved, read_end, write_end):
            os.close(descriptor)


def test_the_suite_has_all_its_test_classes() -> None:
    expected = {"Test_FileDescriptor", "Test_FileMock", "Test_SocketMock", "Test_TestSelector",
                "Test_set_read_write_ready", "Test_fail_on_active_selector_callbacks"}
    assert expected <= set(_TEST_CLASSES)
