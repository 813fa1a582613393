"""The pytest plugin: fixtures, the no_watchers marker and option, and pytest-asyncio.

Each behaviour runs in an isolated pytest session (``pytester``).  The plugin is loaded
there as it is here: by its entry point when mockselector is installed, else with ``-p``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import mockselector

pytest_plugins = ["pytester"]

SRC = str(Path(mockselector.__file__).resolve().parent.parent)


@pytest.fixture
def asyncio_plugin() -> Any:
    return pytest.importorskip("pytest_asyncio", reason="the test dependency pytest-asyncio")


# -- fixtures ---------------------------------------------------------------------------------


def test_mock_selector_is_a_test_selector_closed_after_the_test(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import mockselector
        seen = []

        def test_uses_it(mock_selector):
            assert isinstance(mock_selector, mockselector.TestSelector)
            assert mock_selector.get_map() is not None
            seen.append(mock_selector)

        def test_it_was_closed():
            assert seen[0].get_map() is None
    """)
    run().assert_outcomes(passed=2)


def test_memory_loop_is_a_test_selector_event_loop_closed_after_the_test(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import asyncio, mockselector
        seen = []

        def test_uses_it(memory_loop):
            assert isinstance(memory_loop, mockselector.TestSelectorEventLoop)
            a, b = mockselector.socketpair()
            a.setblocking(False)
            b.sendall(b"ping")
            assert memory_loop.run_until_complete(memory_loop.sock_recv(a, 10)) == b"ping"
            seen.append(memory_loop)

        def test_it_was_closed():
            assert seen[0].is_closed()
    """)
    run().assert_outcomes(passed=2)


def test_memory_loop_cancels_the_tasks_a_test_left_pending(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import asyncio
        tasks = []

        def test_leaves_a_task(memory_loop):
            tasks.append(memory_loop.create_task(asyncio.sleep(10)))

        def test_it_was_cancelled():
            assert tasks[0].cancelled()
    """)
    run("-W", "error::RuntimeWarning").assert_outcomes(passed=2)


def test_memory_loop_raises_stalled_where_the_test_would_hang(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import mockselector

        def test_waits_for_nothing(memory_loop):
            a, b = mockselector.socketpair()
            a.setblocking(False)
            memory_loop.run_until_complete(memory_loop.sock_recv(a, 10))
    """)
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Stalled*would wait forever*"])


def test_virtual_time_loop_runs_on_a_virtual_clock(pytester: pytest.Pytester, run: Any) -> None:
    pytester.makepyfile("""
        import asyncio, time

        def test_sleeps_an_hour(virtual_time_loop):
            started = time.monotonic()
            virtual_time_loop.run_until_complete(asyncio.sleep(3600))
            assert virtual_time_loop.time() == 3600.0
            assert time.monotonic() - started < 1
    """)
    run().assert_outcomes(passed=1)


# -- the leak check: marker and option --------------------------------------------------------

LEAKY = """
    import pytest, mockselector

    {mark}
    def test_leaves_a_reader(memory_loop):
        a, b = mockselector.socketpair()
        memory_loop.add_reader(a, print)
"""

CLEAN = """
    import asyncio, pytest, mockselector

    {mark}
    def test_closes_its_stream(memory_loop):
        async def main():
            a, b = mockselector.socketpair()
            reader, writer = await asyncio.open_connection(sock=a)
            writer.close()
            await writer.wait_closed()
        memory_loop.run_until_complete(main())
"""

MARK = "@pytest.mark.no_watchers"


def test_no_watchers_marker_fails_a_test_that_leaves_a_reader(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile(LEAKY.format(mark=MARK))
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "*AssertionError: 1 reader or writer left registered on <TestSelectorEventLoop*",
        "*<MockSocket fd=* waits to be readable for <Handle print()*",
    ])


def test_no_watchers_marker_passes_a_test_that_closes_everything(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile(CLEAN.format(mark=MARK))
    run().assert_outcomes(passed=1)


def test_without_marker_or_option_a_leak_is_not_checked(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile(LEAKY.format(mark=""))
    run().assert_outcomes(passed=1)


def test_no_watchers_option_checks_every_test(pytester: pytest.Pytester, run: Any) -> None:
    pytester.makepyfile(LEAKY.format(mark=""))
    run("--no-watchers").assert_outcomes(failed=1)


def test_no_watchers_option_passes_a_test_that_closes_everything(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile(CLEAN.format(mark=""))
    run("--no-watchers").assert_outcomes(passed=1)


def test_no_watchers_adds_nothing_to_a_test_that_failed(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile(LEAKY.format(mark=MARK) + "        assert False, 'the real problem'\n")
    result = run()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*the real problem*"])
    result.stdout.no_fnmatch_line("*left registered*")


def test_no_watchers_ignores_what_fixtures_registered_before_the_test(
    pytester: pytest.Pytester, run: Any,
) -> None:
    pytester.makepyfile("""
        import pytest, mockselector

        @pytest.fixture
        def watched(memory_loop):
            a, b = mockselector.socketpair()
            memory_loop.add_reader(a, print)
            yield a
            memory_loop.remove_reader(a)

        @pytest.mark.no_watchers
        def test_uses_a_watched_socket(watched):
            pass
    """)
    run().assert_outcomes(passed=1)


def test_no_watchers_marker_is_registered(pytester: pytest.Pytester, run: Any) -> None:
    pytester.makepyfile(CLEAN.format(mark=MARK))
    run("--strict-markers").assert_outcomes(passed=1)
    run("--markers").stdout.fnmatch_lines(["@pytest.mark.no_watchers: fail the test if*"])


def test_no_watchers_option_is_in_the_help(pytester: pytest.Pytester, run: Any) -> None:
    run("--help").stdout.fnmatch_lines(["*--no-watchers*"])


# -- pytest-asyncio -------------------------------------------------------------------------------

ASYNC_TESTS = """
    import asyncio, time, pytest, mockselector

    @pytest.mark.asyncio
    async def test_runs_on_a_test_selector_event_loop():
        assert isinstance(asyncio.get_running_loop(), mockselector.TestSelectorEventLoop)

    @pytest.mark.asyncio
    async def test_streams_over_in_memory_sockets():
        listener = mockselector.ListenSocket(address=("127.0.0.1", 80))

        async def echo(reader, writer):
            writer.write(await reader.readline())
            writer.close()

        server = await asyncio.start_server(echo, sock=listener)
        reader, writer = await asyncio.open_connection(sock=listener.new_connection())
        writer.write(b"hello\\n")
        assert await reader.read() == b"hello\\n"
        writer.close()
        server.close()

    @pytest.mark.asyncio
    async def test_a_wait_nothing_could_end_fails_with_stalled():
        a, b = mockselector.socketpair()
        reader, writer = await asyncio.open_connection(sock=a)
        try:
            await reader.read(1)
        finally:
            writer.close()
"""

VIRTUAL_TIME_TEST = """
    @pytest.mark.asyncio
    async def test_sleeps_an_hour_at_once():
        started = time.monotonic()
        await asyncio.sleep(3600)
        assert asyncio.get_running_loop().time() == 3600.0
        assert time.monotonic() - started < 1
"""

POLICY_CONFTEST = """
    import pytest, mockselector

    @pytest.fixture(scope="session")
    def event_loop_policy():
        return mockselector.EventLoopPolicy(virtual_time=True)
"""

FACTORIES_CONFTEST = """
    import functools, mockselector

    def pytest_asyncio_loop_factories(config, item):
        return {"memory": functools.partial(mockselector.new_event_loop, virtual_time=True)}
"""


def check_async_tests(result: pytest.RunResult) -> None:
    result.assert_outcomes(passed=3, failed=1)
    result.stdout.fnmatch_lines([
        "E *Stalled: <TestSelectorEventLoop*would wait forever*",
    ])


def test_pytest_asyncio_runs_tests_on_the_loop_of_event_loop_policy(
    pytester: pytest.Pytester, run: Any, asyncio_plugin: Any, pytestconfig: pytest.Config,
) -> None:
    if "event_loop_policy" not in dir(asyncio_plugin.plugin):
        pytest.skip("pytest-asyncio older than 0.23 has no event_loop_policy fixture")
    pytester.makeconftest(POLICY_CONFTEST)
    pytester.makepyfile(ASYNC_TESTS + VIRTUAL_TIME_TEST)
    check_async_tests(run())


def test_pytest_asyncio_runs_tests_on_the_loop_of_loop_factories(
    pytester: pytest.Pytester, run: Any, asyncio_plugin: Any, pytestconfig: pytest.Config,
) -> None:
    hook = getattr(pytestconfig.hook, "pytest_asyncio_loop_factories", None)
    if getattr(hook, "spec", None) is None:  # a conftest may implement it without the spec
        pytest.skip("pytest-asyncio older than 1.4 has no pytest_asyncio_loop_factories hook")
    pytester.makeconftest(FACTORIES_CONFTEST)
    pytester.makepyfile(ASYNC_TESTS + VIRTUAL_TIME_TEST)
    check_async_tests(run())


OPTIONAL_FACTORIES_CONFTEST = """
    import pytest, mockselector

    @pytest.hookimpl(optionalhook=True)
    def pytest_asyncio_loop_factories(config, item):
        return {"memory": mockselector.new_event_loop}
"""

LOOP_TYPE_TEST = """
    import asyncio, pytest

    @pytest.mark.asyncio
    async def test_loop_type():
        print("loop:", type(asyncio.get_running_loop()).__name__)

    def test_not_async():
        pass
"""


def test_a_loop_factories_hook_that_pytest_asyncio_ignores_fails_the_test(
    pytester: pytest.Pytester, run: Any, asyncio_plugin: Any, pytestconfig: pytest.Config,
) -> None:
    # pytest-asyncio before 1.4 (on Python 3.9: 1.2) has no such hook: without the
    # plugin's check, the test would pass on a stock loop.
    if getattr(getattr(pytestconfig.hook, "pytest_asyncio_loop_factories", None), "spec", None):
        pytest.skip("this pytest-asyncio calls pytest_asyncio_loop_factories")
    pytester.makeconftest(OPTIONAL_FACTORIES_CONFTEST)
    pytester.makepyfile(LOOP_TYPE_TEST)
    result = run("-s")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*pytest_asyncio_loop_factories is implemented*never calls it*stock*instead of a "
        "TestSelectorEventLoop*event_loop_policy*",
    ])
    result.stdout.no_fnmatch_line("loop: *")


def test_a_loop_factories_hook_with_the_policy_fallback_runs_on_a_test_loop(
    pytester: pytest.Pytester, run: Any, asyncio_plugin: Any,
) -> None:
    # The conftest of the documentation: the hook for pytest-asyncio 1.4+, the
    # event_loop_policy fixture for older ones.
    pytester.makeconftest(OPTIONAL_FACTORIES_CONFTEST + """
    from importlib.metadata import version

    if tuple(int(part) for part in version("pytest-asyncio").split(".")[:2]) < (1, 4):
        @pytest.fixture
        def event_loop_policy():
            return mockselector.EventLoopPolicy()
""")
    pytester.makepyfile(LOOP_TYPE_TEST)
    result = run("-s")
    result.assert_outcomes(passed=2)
    result.stdout.fnmatch_lines(["*loop: TestSelectorEventLoop*"])


def test_no_watchers_checks_the_loop_of_a_pytest_asyncio_test(
    pytester: pytest.Pytester, run: Any, asyncio_plugin: Any,
) -> None:
    pytester.makeconftest(POLICY_CONFTEST)
    pytester.makepyfile("""
        import asyncio, pytest, pytest_asyncio, mockselector

        @pytest_asyncio.fixture
        async def writers():
            writers = []
            yield writers
            for writer in writers:  # after the check: close what the test left open
                writer.close()

        @pytest.mark.no_watchers
        @pytest.mark.asyncio
        async def test_leaves_a_stream_open(writers):
            a, b = mockselector.socketpair()
            reader, writer = await asyncio.open_connection(sock=a)
            writers.append(writer)

        @pytest.mark.no_watchers
        @pytest.mark.asyncio
        async def test_closes_its_stream():
            a, b = mockselector.socketpair()
            reader, writer = await asyncio.open_connection(sock=a)
            writer.close()
            await writer.wait_closed()
    """)
    result = run()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*waits to be readable for <Handle _SelectorSocketTransport*"])


# -- imports ----------------------------------------------------------------------------------


def python(code: str) -> str:
    """Run ``code`` in a fresh interpreter that finds mockselector; return its output."""
    env = {"PYTHONPATH": SRC, "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, check=True)
    return done.stdout.strip()


def test_importing_mockselector_imports_neither_the_plugin_nor_pytest() -> None:
    code = ("import sys, mockselector; "
            "print(sorted(m for m in ('pytest', 'mockselector.pytest_plugin') "
            "if m in sys.modules))")
    assert python(code) == "[]"


def test_the_plugin_imports_where_pytest_is_absent() -> None:
    code = ("import sys; sys.modules['pytest'] = None; "
            "import mockselector.pytest_plugin as plugin; print(callable(plugin.memory_loop))")
    assert python(code) == "True"
