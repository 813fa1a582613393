"""CPython's own selector tests, run against our selectors.

``test.test_selectors`` is imported from the running interpreter (its
contents differ between Python versions) and its ``BaseSelectorTestCase``
and ``ScalableSelectorMixIn`` are subclassed, in four setups:

- ``TestSelector(selectors.DefaultSelector())`` with real socket pairs: the
  real objects go to the wrapped selector, and every test applies;
- a bare ``TestSelector()`` with real socket pairs: it keeps real objects
  registered but never polls them, so the tests that need their readiness
  reported, or a real wait, do not apply;
- a bare ``TestSelector()`` with our in-memory ``socketpair()``: readiness is
  reported by the sockets themselves, at any scale; only real waiting and
  the tests acting on the process's real descriptors do not apply;
- ``MockSelector`` with in-memory pairs: the registration tests apply;
  ``select()`` returns the script, so the readiness tests do not.

Each test that does not apply is replaced by a skipped test that says why.
"""

from __future__ import annotations

import importlib.util
import selectors
import unittest
from typing import Any, Callable
from unittest import mock

import pytest

import mockselector
from mockselector import MockSelector, TestSelector

if importlib.util.find_spec("test") is None or \
        importlib.util.find_spec("test.test_selectors") is None:
    pytest.skip("this Python has no `test` package (CPython's test suite, often packaged "
                "apart, e.g. Debian's libpython3-testsuite), so its selector tests cannot run",
                allow_module_level=True)

from test import test_selectors as cpython

# Why a test does not apply.
REAL_READINESS = (
    "a bare TestSelector never polls real file objects (it keeps them registered, and "
    "reports them only when told with set_read_ready/set_write_ready), so it cannot report "
    "the readiness of a real socket pair"
)
REAL_WAIT = (
    "with nothing it could wait for, a TestSelector's select() returns [] at once whatever "
    "its timeout (it never hangs), so it neither waits out a timeout nor blocks long enough "
    "for a signal to interrupt it"
)
REAL_DESCRIPTORS = (
    "the test calls os.dup2() on the sockets' descriptor numbers, which act on the "
    "process's real descriptors; in-memory sockets have virtual numbers"
)
NO_KERNEL_MODIFY = (
    "bpo-30014 is about the kernel's modify() failing (the selector must then unregister "
    "the object); a bare selector has no kernel object, and its own modify() checks the "
    "event mask before changing anything (test_selector.py tests that)"
)
SCRIPTED = "a MockSelector's select() returns its script, not the sockets' readiness"


def _not_applicable(reason: str) -> Callable[[Any], None]:
    @unittest.skip(reason)
    def test(self: Any) -> None:
        raise AssertionError("skipped")  # pragma: no cover

    return test


def _exclude(**reasons: str) -> Callable[[type], type]:
    """Replace the named tests, where this Python's test_selectors has them, by skipped ones."""

    def decorate(cls: type) -> type:
        for name, reason in reasons.items():
            if hasattr(cls, name):
                setattr(cls, name, _not_applicable(reason))
        return cls

    return decorate


class _InMemoryPairs:
    def make_socketpair(self) -> tuple[mockselector.MockSocket, mockselector.MockSocket]:
        rd, wr = mockselector.socketpair()
        self.addCleanup(rd.close)  # type: ignore[attr-defined]
        self.addCleanup(wr.close)  # type: ignore[attr-defined]
        return rd, wr


class WrappedDefaultSelectorTest(
    cpython.BaseSelectorTestCase, cpython.ScalableSelectorMixIn, unittest.TestCase,
):
    """TestSelector(DefaultSelector()) with real socket pairs: every test applies."""

    def SELECTOR(self) -> TestSelector:
        return TestSelector(selectors.DefaultSelector())

    def test_modify_unregister(self) -> None:
        # CPython's version runs only for a class named like a stdlib selector;
        # this is the same check through the wrapper: make the wrapped
        # selector's kernel object fail in modify(), and the object must be
        # unregistered from the TestSelector too (bpo-30014).
        cls = selectors.DefaultSelector
        if not hasattr(cls, "_selector_cls"):
            self.skipTest(f"{cls.__name__} has no kernel object whose modify() could fail")
        with mock.patch.object(cls, "_selector_cls") as kernel:
            kernel.return_value.modify.side_effect = ZeroDivisionError
            s = TestSelector(cls())
        self.addCleanup(s.close)
        rd, _ = self.make_socketpair()
        s.register(rd, selectors.EVENT_READ)
        self.assertEqual(len(s.get_map()), 1)
        with self.assertRaises(ZeroDivisionError):
            s.modify(rd, selectors.EVENT_WRITE)
        self.assertEqual(len(s.get_map()), 0)
        self.assertRaises(KeyError, s.get_key, rd)


@_exclude(
    test_select=REAL_READINESS,
    test_select_read_write=REAL_READINESS,
    test_selector=REAL_READINESS,
    test_above_fd_setsize=REAL_READINESS,
    test_timeout=REAL_WAIT,
    test_select_interrupt_exc=REAL_WAIT,
    test_select_interrupt_noraise=REAL_WAIT,
    test_modify_unregister=NO_KERNEL_MODIFY,
)
class BareTestSelectorRealSocketsTest(
    cpython.BaseSelectorTestCase, cpython.ScalableSelectorMixIn, unittest.TestCase,
):
    """A bare TestSelector() with real socket pairs: registration applies, readiness does not."""

    SELECTOR = TestSelector


@_exclude(
    test_timeout=REAL_WAIT,
    test_select_interrupt_exc=REAL_WAIT,
    test_select_interrupt_noraise=REAL_WAIT,
    test_unregister_after_fd_close_and_reuse=REAL_DESCRIPTORS,
    test_modify_unregister=NO_KERNEL_MODIFY,
)
class BareTestSelectorInMemoryTest(
    _InMemoryPairs, cpython.BaseSelectorTestCase, cpython.ScalableSelectorMixIn,
    unittest.TestCase,
):
    """A bare TestSelector() with in-memory socket pairs, thousands of them in the scalable test."""

    SELECTOR = TestSelector


@_exclude(
    test_select=SCRIPTED,
    test_select_read_write=SCRIPTED,
    test_selector=SCRIPTED,
    test_above_fd_setsize=SCRIPTED,
    test_timeout=SCRIPTED,
    test_select_interrupt_exc=SCRIPTED,
    test_select_interrupt_noraise=SCRIPTED,
    test_unregister_after_fd_close_and_reuse=REAL_DESCRIPTORS,
    test_modify_unregister=NO_KERNEL_MODIFY,
)
class MockSelectorInMemoryTest(
    _InMemoryPairs, cpython.BaseSelectorTestCase, cpython.ScalableSelectorMixIn,
    unittest.TestCase,
):
    """MockSelector with in-memory socket pairs: the registration half of the contract."""

    def SELECTOR(self) -> MockSelector:
        # A script of one timeout: test_empty_select's select(timeout=0) returns [].
        return MockSelector([[]])
