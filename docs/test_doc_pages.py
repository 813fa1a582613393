"""Keep the pages honest: every example runs, every public name is documented.

The ``>>>`` examples of the pages run as doctests (pytest's
``--doctest-glob=*.md``); the programs they include come from ``examples/``,
whose tests run there.  These tests check that nothing escapes both.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import mockselector

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
PAGES = sorted(DOCS.glob("*.md"))
FENCE = re.compile(r"^(```+)(\S*)[ \t]*(.*)$")


def blocks(page: Path):
    """(line number, language, argument, body, paragraph before) of each fenced block."""
    lines = page.read_text(encoding="utf-8").splitlines()
    previous, index = "", 0
    while index < len(lines):
        match = FENCE.match(lines[index])
        if not match:
            if lines[index].strip() and not lines[index - 1].strip():
                previous = lines[index]  # the first line of a paragraph
            index += 1
            continue
        fence, language, argument = match.groups()
        end = index + 1
        while not lines[end].startswith(fence):
            end += 1
        yield index + 1, language, argument, lines[index + 1:end], previous
        previous, index = "", end + 1


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_code_block_is_executed(page: Path) -> None:
    for line, language, argument, body, previous in blocks(page):
        where = f"{page.name}:{line}"
        if language == "pycon":
            assert any(row.startswith(">>> ") for row in body), f"{where}: pycon without >>>"
            assert body[-1] == "", f"{where}: a doctest needs a blank line before its closing fence"
        elif language == "python":
            # Code of the predecessors (asynctest, mockselector 0.2) cannot run here.
            assert previous.startswith("**Before**"), f"{where}: python block not run; use pycon"
        elif language == "{literalinclude}":
            included = (page.parent / argument).resolve()
            assert included.is_file(), f"{where}: {argument} does not exist"
            assert included.parent.is_relative_to(ROOT / "examples"), f"{where}: not an example"
        else:
            assert language in ("text", "{toctree}", "{eval-rst}"), f"{where}: {language}?"


def test_every_example_program_has_tests() -> None:
    examples = ROOT / "examples"
    programs = [path for path in examples.rglob("*.py")
                if not path.name.startswith("test_") and path.name != "conftest.py"]
    for program in programs:
        assert (program.parent / f"test_{program.name}").is_file(), f"{program} has no tests"


def test_every_public_name_is_in_the_api_reference() -> None:
    api = (DOCS / "api.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\.\. auto\w+:: (\w+)", api, re.MULTILINE))
    assert set(mockselector.__all__) - documented == set()


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The HTML pages, built with warnings as errors (the build's stderr if it failed)."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_parser")
    out = tmp_path_factory.mktemp("html")
    build = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", str(DOCS), str(out)],
        capture_output=True, text=True, check=False,
    )
    assert build.returncode == 0, build.stderr
    return out


def test_the_html_builds_without_warnings(html: Path) -> None:
    assert (html / "index.html").is_file()


def test_the_standard_library_is_linked_with_or_without_network(html: Path) -> None:
    api = (html / "api.html").read_text(encoding="utf-8")
    assert 'href="https://docs.python.org/3/library/selectors.html#selectors.BaseSelector"' in api
    assert 'href="https://docs.python.org/3/library/exceptions.html#KeyError"' in api


def test_the_defaults_are_documented_and_linked(html: Path) -> None:
    api = (html / "api.html").read_text(encoding="utf-8")
    for name in ("sockets.DEFAULT_CAPACITY", "selector.DEFAULT_STALL_LIMIT",
                 "DEFAULT_PATIENCE"):
        assert f'id="mockselector.{name}"' in api
        assert f'href="#mockselector.{name}" title="mockselector.{name}"' in api
