"""pytest plugin of mockselector: fixtures, and a check for leaked readers and writers.

pytest loads it by itself once mockselector is installed (the ``pytest11`` entry point
``mockselector``); from a source checkout, add ``-p mockselector.pytest_plugin``.
``import mockselector`` never imports it, nor pytest.

**Fixtures** (each function-scoped, closed after the test):

- :func:`mock_selector`: a :class:`~mockselector.TestSelector`;
- :func:`memory_loop`: a :class:`~mockselector.TestSelectorEventLoop`;
- :func:`virtual_time_loop`: the same with virtual time;
- :func:`network`: a :class:`~mockselector.Network` entered for the test
  (options from ``@pytest.mark.network(allow=[...])``);
- :func:`expect_sent`: ``expect_sent(sock, data)`` is ``sock.expect_sent(data)``,
  verified after the test.

**The trace**: ``--mockselector-trace`` on the command line makes the ``network``
fixture trace (as ``@pytest.mark.network(trace=True)`` does for one test); the report
of a test that fails then shows the network's timeline (see
:meth:`~mockselector.Network.timeline`) in a section of its own.

**Schedule perturbation**: ``--mockselector-seed=N`` on the command line gives every
fixture above the seed ``N`` (``Network(seed=N)``, ``TestSelector(seed=N)``,
``TestSelectorEventLoop(seed=N)``; a seed in the ``network`` marker wins), so that a run
that failed with a seed is replayed from the command line.  A failing test whose fixtures
are seeded gets a section ``mockselector schedule seed`` in its report, naming the seeds
and the command that replays it, and a ``mockselector_seed`` user property (in JUnit XML).

**The leak check**: ``@pytest.mark.no_watchers`` on a test, or ``--no-watchers`` on the
command line for every test, fails a test that leaves readers or writers registered on an
event loop it uses (one of the fixtures above, or pytest-asyncio's loop): a socket, transport
or server left open.  Only those added while the test ran count, and only if it passed.

**pytest-asyncio** runs ``async def`` tests on its own loop; to make that loop a
:class:`~mockselector.TestSelectorEventLoop`, put in ``conftest.py``, with pytest-asyncio
1.4 or later::

    def pytest_asyncio_loop_factories(config, item):
        return {"memory": mockselector.new_event_loop}

and with pytest-asyncio 0.23 to 1.3 (1.4 deprecates it)::

    @pytest.fixture(scope="session")
    def event_loop_policy():
        return mockselector.EventLoopPolicy()   # or EventLoopPolicy(virtual_time=True)

On Python 3.9, pip installs pytest-asyncio 1.2 at most (1.3 and later need 3.10), which
never calls ``pytest_asyncio_loop_factories``: a conftest that only implements that hook
(with ``optionalhook=True``) would leave the tests on a stock event loop.  The plugin
fails such a test instead, saying so (see :func:`pytest_runtest_call`).
"""

from __future__ import annotations

import asyncio
import shlex
from collections.abc import Iterator
from importlib import metadata
from typing import Any, Callable, TypeVar

from . import _expect
from ._expect import Expectation
from .aio import TestSelectorEventLoop, assert_no_watchers
from .network import Network
from .selector import TestSelector

try:
    import pytest
except ImportError:  # pragma: no cover - imported without pytest (a documentation tool)
    pytest = None  # type: ignore[assignment]

# Where the network fixture leaves its network on the test's item, for its report.
_NETWORK: Any = pytest.StashKey[Network]() if pytest is not None else None

__all__ = ["expect_sent", "memory_loop", "mock_selector", "network", "virtual_time_loop"]

_F = TypeVar("_F", bound=Callable[..., Any])


def _fixture(func: _F) -> _F:
    """``pytest.fixture``, or the plain function when pytest is absent."""
    return pytest.fixture(func) if pytest is not None else func  # type: ignore[return-value]


def _hookwrapper(func: _F) -> _F:
    """``pytest.hookimpl(hookwrapper=True)``, or the plain function when pytest is absent."""
    return pytest.hookimpl(hookwrapper=True)(func) if pytest is not None else func


# -- fixtures ------------------------------------------------------------------------------


def _seed_option(request: Any) -> int | None:
    """The seed given with ``--mockselector-seed``, or ``None``.

    Example, with a stand-in for pytest's request::

        >>> from types import SimpleNamespace
        >>> config = SimpleNamespace(getoption=lambda name, default=None: 1234)
        >>> _seed_option(SimpleNamespace(config=config))
        1234
    """
    seed: int | None = request.config.getoption("mockselector_seed", None)
    return seed


@_fixture
def mock_selector(request: Any) -> Iterator[TestSelector]:
    """A :class:`~mockselector.TestSelector` holding everything registered with it.

    Closed after the test; seeded with ``--mockselector-seed``.  Example (a test
    receives it by naming it)::

        >>> import selectors
        >>> from mockselector import TestSelector, socketpair
        >>> def test_data_makes_a_socket_readable(mock_selector):
        ...     a, b = socketpair()
        ...     key = mock_selector.register(a, selectors.EVENT_READ)
        ...     b.sendall(b"ping")
        ...     assert mock_selector.select() == [(key, selectors.EVENT_READ)]
        >>> with TestSelector() as selector:
        ...     test_data_makes_a_socket_readable(selector)
    """
    selector = TestSelector(seed=_seed_option(request))
    try:
        yield selector
    finally:
        selector.close()


@_fixture
def memory_loop(request: Any) -> Iterator[TestSelectorEventLoop]:
    """A :class:`~mockselector.TestSelectorEventLoop`: asyncio on in-memory sockets.

    A wait that nothing could end raises :class:`~mockselector.Stalled`.  It is not
    set as the current event loop: run coroutines with ``run_until_complete``.  After
    the test, the tasks it left pending are cancelled, and the loop is closed.  It is
    seeded with ``--mockselector-seed``.

    Example::

        >>> import asyncio, contextlib, mockselector
        >>> def test_sock_recv_reads_what_the_peer_sent(memory_loop):
        ...     a, b = mockselector.socketpair()
        ...     a.setblocking(False)
        ...     b.sendall(b"hello")
        ...     assert memory_loop.run_until_complete(memory_loop.sock_recv(a, 10)) == b"hello"
        >>> with contextlib.closing(mockselector.new_event_loop()) as loop:
        ...     test_sock_recv_reads_what_the_peer_sent(loop)
    """
    yield from _loop(seed=_seed_option(request))


@_fixture
def virtual_time_loop(request: Any) -> Iterator[TestSelectorEventLoop]:
    """A :class:`~mockselector.TestSelectorEventLoop` with virtual time.

    Its clock starts at 0.0 and jumps to the next timer when nothing else could happen:
    ``asyncio.sleep(3600)`` returns at once.  Otherwise as :func:`memory_loop`.

    Example::

        >>> import asyncio, contextlib, mockselector
        >>> def test_an_hour_passes_at_once(virtual_time_loop):
        ...     virtual_time_loop.run_until_complete(asyncio.sleep(3600))
        ...     assert virtual_time_loop.time() == 3600.0
        >>> with contextlib.closing(mockselector.new_event_loop(virtual_time=True)) as loop:
        ...     test_an_hour_passes_at_once(loop)
    """
    yield from _loop(virtual_time=True, seed=_seed_option(request))


@_fixture
def network(request: Any) -> Iterator[Network]:
    """A :class:`~mockselector.Network`, entered for the test and left after it.

    Keyword arguments of the marker ``@pytest.mark.network(...)`` on the test
    (or its class or module) are the network's: ``allow=[...]``, ``trace=True``,
    ``seed=...``.  With ``--mockselector-trace``, it traces unless the marker
    says ``trace=False``; without a seed, ``--mockselector-seed`` gives it.

    Example (a test receives it by naming it)::

        >>> import socket
        >>> from types import SimpleNamespace
        >>> def test_refused(network):
        ...     assert socket.socket().connect_ex(("localhost", 9)) != 0
        >>> fixture = network.__wrapped__ if hasattr(network, "__wrapped__") else network
        >>> request = SimpleNamespace(node=SimpleNamespace(get_closest_marker=lambda name: None),
        ...                           config=SimpleNamespace(
        ...                               getoption=lambda name, default=None:
        ...                               name == "mockselector_trace" or default))
        >>> for net in fixture(request):
        ...     test_refused(net)
        >>> net.trace[0].kind
        'refused'
    """
    marker = request.node.get_closest_marker("network")
    options = dict(marker.kwargs) if marker is not None else {}
    if request.config.getoption("mockselector_trace", False):
        options.setdefault("trace", True)
    seed = _seed_option(request)
    if seed is not None:
        options.setdefault("seed", seed)
    with Network(**options) as net:
        stash = getattr(request.node, "stash", None)
        if stash is not None and _NETWORK is not None:
            stash[_NETWORK] = net
        yield net


@_fixture
def expect_sent() -> Iterator[Callable[..., Expectation]]:
    """A function: ``expect_sent(sock, data, *more)`` is ``sock.expect_sent(data, *more)``.

    It returns the :class:`~mockselector.Expectation`.  After the test, each
    expectation made with it is verified, as :meth:`~mockselector.Expectation.verify`
    does: a failure the code swallowed, or expected bytes never sent, fail the
    test at teardown (a failure the test itself raised is not reported again).

    Example (a test receives it by naming it)::

        >>> from mockselector import socketpair
        >>> def test_greets(expect_sent):
        ...     client, server = socketpair()
        ...     expect_sent(server, b"HELLO\\r\\n")
        ...     server.sendall(b"HELLO\\r\\n")
        >>> fixture = expect_sent.__wrapped__ if hasattr(expect_sent, "__wrapped__") \\
        ...     else expect_sent
        >>> for expect in fixture():
        ...     test_greets(expect)
    """
    made = _expect.Awaited()

    def expect(sock: Any, data: Any, *more: Any) -> Expectation:
        expectation: Expectation = sock.expect_sent(data, *more)
        if all(expectation is not seen for seen in made):
            made.watch(expectation)
        return expectation

    yield expect
    made.verify()


def _loop(**options: Any) -> Iterator[TestSelectorEventLoop]:
    loop = TestSelectorEventLoop(**options)
    try:
        yield loop
    finally:
        loop.close()  # cancels the tasks the test left pending first


# -- the leak check ------------------------------------------------------------------------


def pytest_addoption(parser: Any) -> None:
    """Add the ``--no-watchers`` and ``--mockselector-seed`` options (a pytest hook).

    Example, with a stand-in for pytest's parser::

        >>> class Group:
        ...     def addoption(self, *names, **options):
        ...         print(*names, options["action"])
        >>> class Parser:
        ...     def getgroup(self, name):
        ...         return Group()
        >>> pytest_addoption(Parser())
        --no-watchers store_true
        --mockselector-trace store_true
        --mockselector-seed store
    """
    group = parser.getgroup("mockselector")
    group.addoption(
        "--no-watchers", action="store_true", default=False,
        help="fail tests that leave readers or writers registered on an event loop they "
             "use (as @pytest.mark.no_watchers does for one test)",
    )
    group.addoption(
        "--mockselector-trace", action="store_true", default=False,
        help="make the `network` fixture trace, and show the timeline of its network in "
             "the report of a test that fails",
    )
    group.addoption(
        "--mockselector-seed", action="store", type=int, default=None, metavar="N",
        dest="mockselector_seed",
        help="seed the schedule perturbation of mockselector's fixtures (network, "
             "memory_loop, virtual_time_loop, mock_selector): replays a failing run",
    )


def pytest_report_header(config: Any) -> str | None:
    """Name the seed of ``--mockselector-seed`` in the header of the run (a pytest hook).

    Example, with a stand-in for pytest's config::

        >>> from types import SimpleNamespace
        >>> pytest_report_header(SimpleNamespace(getoption=lambda name, default: 1234))
        'mockselector: schedule seed 1234 (--mockselector-seed)'
    """
    seed = config.getoption("mockselector_seed", None)
    return None if seed is None else f"mockselector: schedule seed {seed} (--mockselector-seed)"


def pytest_configure(config: Any) -> None:
    """Register the ``network`` and ``no_watchers`` markers (a pytest hook).

    Example, with a stand-in for pytest's config::

        >>> class Config:
        ...     def addinivalue_line(self, name, line):
        ...         print(name, line.split(":")[0])
        >>> pytest_configure(Config())
        markers network(allow=[...], trace=False)
        markers no_watchers
    """
    config.addinivalue_line(
        "markers",
        "network(allow=[...], trace=False): options of the `network` fixture (a "
        "mockselector.Network)",
    )
    config.addinivalue_line(
        "markers",
        "no_watchers: fail the test if it leaves readers or writers registered on an event "
        "loop it uses (a socket, transport or server left open); see mockselector",
    )


@_hookwrapper
def pytest_runtest_call(item: Any) -> Iterator[None]:
    """Fail a test marked ``no_watchers`` (or any, with ``--no-watchers``) that leaks.

    A pytest hook wrapper around the test's call: the event loops among the
    test's fixtures (pytest-asyncio's too) are checked with
    :class:`~mockselector.assert_no_watchers` if the test passed.  Example,
    with stand-ins for pytest's objects::

        >>> from types import SimpleNamespace
        >>> import mockselector
        >>> loop = mockselector.new_event_loop()
        >>> item = SimpleNamespace(
        ...     funcargs={"memory_loop": loop},
        ...     config=SimpleNamespace(getoption=lambda name, default: False),
        ...     get_closest_marker=lambda name: name == "no_watchers")
        >>> hook = pytest_runtest_call(item)
        >>> next(hook)                   # the test runs now, and leaves a reader:
        >>> a, b = mockselector.socketpair()
        >>> loop.add_reader(a, print)
        >>> try:
        ...     hook.send(SimpleNamespace(excinfo=None, force_exception=print))
        ... except StopIteration:
        ...     pass
        1 reader or writer left registered on <TestSelectorEventLoop ...>:
          <MockSocket fd=...> waits to be readable for <Handle print()...>
        Close the sockets, transports and servers the code opened.
        >>> loop.remove_reader(a), loop.close()
        (True, None)
    """
    _check_loop_factories_hook(item)
    checks = []
    if item.config.getoption("no_watchers", False) or item.get_closest_marker("no_watchers"):
        checks = [assert_no_watchers(loop) for loop in _loops_of(item)]
    outcome: Any = yield
    if outcome.excinfo is not None:  # an UnexpectedWrite the test raised is not raised again
        _expect.reported(outcome.excinfo[1])  # when the network fixture verifies
    if not checks or outcome.excinfo is not None:
        return
    try:
        for check in checks:
            check.__exit__(None, None, None)
    except AssertionError as error:
        force_exception = getattr(outcome, "force_exception", None)
        if force_exception is None:  # pragma: no cover - pluggy < 1.1
            raise
        force_exception(error)


@_hookwrapper
def pytest_runtest_makereport(item: Any, call: Any) -> Iterator[None]:
    """Add what replays and explains a failing test to its report (a pytest hook wrapper).

    - The seeded fixtures (see :func:`_seeds_of`) go in
      ``item.user_properties`` as ``("mockselector_seed", seed)``; when the
      test fails, its report gets a section ``mockselector schedule seed``:
      the seeds, and the command line that replays the run.
    - The first report of the test that fails (its setup, call or teardown)
      gets a section ``mockselector trace`` with the
      :meth:`~mockselector.Network.timeline` of a traced ``network`` fixture.

    Example, with stand-ins for pytest's objects::

        >>> import socket
        >>> from types import SimpleNamespace
        >>> with Network(trace=True, virtual_time=True, seed=1234) as net:
        ...     refused = socket.socket().connect_ex(("127.0.0.1", 9))
        >>> report = SimpleNamespace(failed=True, when="call", sections=[])
        >>> item = SimpleNamespace(funcargs={"network": net}, stash={_NETWORK: net},
        ...                        user_properties=[], nodeid="test_x.py::test_race")
        >>> hook = pytest_runtest_makereport(item, SimpleNamespace(when="call"))
        >>> next(hook)
        >>> try:
        ...     hook.send(SimpleNamespace(get_result=lambda: report))
        ... except StopIteration:
        ...     pass
        >>> for name, text in report.sections:
        ...     print(name); print(text)
        mockselector schedule seed
        network: Network(seed=1234)
        replay: pytest --mockselector-seed=1234 test_x.py::test_race
        mockselector trace
          0.000000  -- 127.0.0.1:32768 -> 127.0.0.1:9  refused nothing listens there
        >>> item.user_properties
        [('mockselector_seed', 1234)]
    """
    seeds = _seeds_of(item)  # the fixtures exist from the end of setup on
    for _, seed, _ in seeds:
        if ("mockselector_seed", seed) not in item.user_properties:
            item.user_properties.append(("mockselector_seed", seed))  # the report copies them
    outcome: Any = yield
    report = outcome.get_result()
    if not report.failed:
        return
    if seeds:
        lines = [f"{name}: {maker}(seed={seed})" for name, seed, maker in seeds]
        if len({seed for _, seed, _ in seeds}) == 1:
            lines.append(f"replay: pytest --mockselector-seed={seeds[0][1]} "
                         f"{shlex.quote(item.nodeid)}")
        report.sections.append(("mockselector schedule seed", "\n".join(lines)))
    _add_timeline(item, report)


def _add_timeline(item: Any, report: Any) -> None:
    """Add the timeline of the test's traced network to a failing report, once."""
    stash = getattr(item, "stash", None)
    if _NETWORK is None or stash is None:
        return
    net = stash.get(_NETWORK, None)
    if net is None or net._traced is None:
        return
    del stash[_NETWORK]  # once: a failing teardown after a failing call adds nothing more
    report.sections.append(
        ("mockselector trace", net.timeline() or "(nothing happened on the network)"))


def _seeds_of(item: Any) -> list[tuple[str, int, str]]:
    """``(fixture name, seed, maker)`` of each fixture of a test seeded by its own seed.

    A network, a :class:`~mockselector.TestSelector` or a
    :class:`~mockselector.TestSelectorEventLoop` with a seed of its own
    (not one derived from a seeded network's).  Example::

        >>> from types import SimpleNamespace
        >>> import mockselector
        >>> item = SimpleNamespace(funcargs={"sel": mockselector.TestSelector(seed=5),
        ...                                  "plain": mockselector.TestSelector()})
        >>> _seeds_of(item)
        [('sel', 5, 'TestSelector')]
    """
    found = []
    for name, value in list(getattr(item, "funcargs", {}).items()):
        if isinstance(value, Network):
            if value.seed is not None:
                found.append((name, value.seed, "Network"))
            continue
        selector = getattr(value, "_selector", None) \
            if isinstance(value, TestSelectorEventLoop) else value
        if isinstance(selector, TestSelector) and selector.seed is not None \
                and selector._seed_maker is not None:
            found.append((name, selector.seed, selector._seed_maker))
    return found


def _check_loop_factories_hook(item: Any) -> None:
    """Fail a pytest-asyncio test whose ``pytest_asyncio_loop_factories`` goes unheard.

    A conftest may implement the hook with ``optionalhook=True``; a pytest-asyncio
    older than 1.4 (all that Python 3.9 gets) then never calls it, and the test would
    run on a stock loop, silently.  When the hook has implementations but no
    specification, and the test's loop is no :class:`~mockselector.TestSelectorEventLoop`,
    the test fails with what to do.  Example, with stand-ins for pytest's objects::

        >>> import asyncio
        >>> from types import SimpleNamespace
        >>> loop = asyncio.new_event_loop()
        >>> hook = SimpleNamespace(spec=None, get_hookimpls=lambda: ["conftest.py"])
        >>> item = SimpleNamespace(
        ...     funcargs={"event_loop": loop}, get_closest_marker=lambda name: name,
        ...     ihook=SimpleNamespace(pytest_asyncio_loop_factories=hook))
        >>> try:
        ...     _check_loop_factories_hook(item)
        ... except BaseException as failure:   # pytest.fail() raises a BaseException
        ...     print(failure)
        pytest_asyncio_loop_factories is implemented ... but pytest-asyncio ... never calls it: ...
        >>> loop.close()
    """
    if not item.get_closest_marker("asyncio"):
        return
    hook = getattr(item.ihook, "pytest_asyncio_loop_factories", None)
    if hook is None or getattr(hook, "spec", None) is not None or not hook.get_hookimpls():
        return
    loops = _loops_of(item)
    if not loops or any(isinstance(loop, TestSelectorEventLoop) for loop in loops):
        return  # an event_loop_policy fixture gave the loop: the hook was not needed
    try:
        version = metadata.version("pytest-asyncio")
    except metadata.PackageNotFoundError:  # pragma: no cover - a pytest-asyncio not installed
        version = "(unknown version)"
    pytest.fail(
        f"pytest_asyncio_loop_factories is implemented (in a conftest.py or plugin), but "
        f"pytest-asyncio {version} never calls it: the hook is new in pytest-asyncio 1.4, "
        f"which needs Python 3.10+.  This test would run on a stock "
        f"{type(loops[0]).__name__} instead of a TestSelectorEventLoop.  Also define the "
        "event_loop_policy fixture, returning mockselector.EventLoopPolicy() (see "
        "mockselector's pytest page, 'With pytest-asyncio'), or install pytest-asyncio 1.4 "
        "or later.",
        pytrace=False,
    )


def _loops_of(item: Any) -> list[asyncio.AbstractEventLoop]:
    """The open event loops among the fixtures of a test (pytest-asyncio's included)."""
    loops: list[asyncio.AbstractEventLoop] = []
    for value in list(getattr(item, "funcargs", {}).values()):
        loop = value
        if type(value).__name__ == "Runner" and callable(getattr(value, "get_loop", None)):
            try:  # pytest-asyncio 0.26+ runs tests with an asyncio.Runner
                loop = value.get_loop()
            except RuntimeError:  # a closed runner
                continue
        if isinstance(loop, asyncio.AbstractEventLoop) and not loop.is_closed() \
                and all(loop is not seen for seen in loops):
            loops.append(loop)
    return loops
