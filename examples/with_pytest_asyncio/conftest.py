"""Run the pytest-asyncio tests of this folder on a mockselector event loop."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Mapping
from importlib.metadata import version

import pytest

import mockselector

PYTEST_ASYNCIO = tuple(int(part) for part in version("pytest-asyncio").split(".")[:2])


@pytest.hookimpl(optionalhook=True)
def pytest_asyncio_loop_factories(
    config: pytest.Config, item: pytest.Item,
) -> Mapping[str, Callable[[], asyncio.AbstractEventLoop]]:
    """pytest-asyncio 1.4 and later: the loops its tests run on."""
    return {"mockselector": functools.partial(mockselector.new_event_loop, virtual_time=True)}


if PYTEST_ASYNCIO < (1, 4):

    @pytest.fixture
    def event_loop_policy() -> mockselector.EventLoopPolicy:
        """pytest-asyncio before 1.4: the policy that makes the loops."""
        return mockselector.EventLoopPolicy(virtual_time=True)
