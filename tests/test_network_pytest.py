"""The pytest fixture ``network`` and the marker ``@pytest.mark.network(...)``."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = ["pytester"]


def test_the_network_fixture_is_active_for_the_test_and_left_after_it(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import socket
        import mockselector
        from mockselector import _core
        real = socket.socket

        def test_uses_it(network):
            assert isinstance(network, mockselector.Network)
            assert _core.state.network is network
            network.add_host("db.internal", "10.0.0.7")
            server = socket.create_server(("10.0.0.7", 5432))
            client = socket.create_connection(("db.internal", 5432))
            assert server.accept()[1] == client.getsockname()

        def test_it_was_left():
            assert _core.state.network is None
            assert socket.socket is real
    """)
    run().assert_outcomes(passed=2)


def test_the_marker_passes_options_to_the_network(pytester: pytest.Pytester, run: Any) -> None:
    pytester.makepyfile("""
        import pytest

        @pytest.mark.network(allow=["127.0.0.1:5432"])
        def test_allowed(network):
            assert network._allow == [("127.0.0.1", 5432)]
    """)
    run().assert_outcomes(passed=1)


def test_a_pytest_asyncio_test_with_the_network_fixture_runs_on_the_network(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytest.importorskip("pytest_asyncio", reason="the test dependency pytest-asyncio")
    pytester.makepyfile("""
        import asyncio
        import pytest
        from mockselector import TestSelectorEventLoop

        @pytest.mark.asyncio
        async def test_by_address(network):
            async def echo(reader, writer):
                writer.write(await reader.readline())
                writer.close()

            network.add_host("api.internal", "10.0.0.9")
            server = await asyncio.start_server(echo, "10.0.0.9", 8000)
            reader, writer = await asyncio.open_connection("api.internal", 8000)
            writer.write(b"ping\\n")
            assert await reader.readline() == b"ping\\n"
            writer.close()
            server.close()
            await server.wait_closed()
            assert isinstance(asyncio.get_running_loop(), TestSelectorEventLoop)
    """)
    run().assert_outcomes(passed=1)
