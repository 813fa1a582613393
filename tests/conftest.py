"""Shared fixtures of the test suite."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest

from mockselector import FileDescriptor, TestSelector, socketpair


@pytest.fixture(autouse=True)
def _fresh_descriptors() -> Iterator[None]:
    """Each test starts numbering virtual descriptors from 1000 again."""
    saved = FileDescriptor.next_fd
    FileDescriptor.next_fd = 1000
    yield
    FileDescriptor.next_fd = max(saved, FileDescriptor.next_fd)


@pytest.fixture(params=["kernel", "memory"])
def kind(request: pytest.FixtureRequest) -> str:
    """Which socket pair a behavioural test runs on: the kernel's, or ours."""
    return str(request.param)


@pytest.fixture
def pair(kind: str) -> Iterator[tuple[Any, Any]]:
    """A connected pair of the ``kind`` under test, closed after the test."""
    a, b = socket.socketpair() if kind == "kernel" else socketpair()
    yield a, b
    a.close()
    b.close()


@pytest.fixture
def in_memory_selectors() -> Iterator[None]:
    """``selectors.DefaultSelector`` and socketserver's selector become TestSelector."""
    with mock.patch("selectors.DefaultSelector", TestSelector), \
            mock.patch("socketserver._ServerSelector", TestSelector):
        yield


@pytest.fixture
def run(pytester: Any, pytestconfig: pytest.Config) -> Any:
    """Run pytest on the files of ``pytester`` (in process), with this plugin loaded.

    A test module that uses it loads pytest's ``pytester`` plugin
    (``pytest_plugins = ["pytester"]``).  Hypothesis' plugin is left out: it
    imports hypothesis in each session, 0.6 s for nothing here.
    """
    loaded = pytestconfig.pluginmanager.has_plugin("mockselector")
    plugin = [] if loaded else ["-p", "mockselector.pytest_plugin"]
    pytester.makeini("[pytest]\nasyncio_default_fixture_loop_scope = function\n")

    def run(*args: str) -> pytest.RunResult:
        return pytester.runpytest_inprocess(  # type: ignore[no-any-return]
            *plugin, "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--strict-markers",
            *args)

    return run
