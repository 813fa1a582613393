"""Sphinx configuration: build with ``python -m sphinx -W -b html docs docs/_build/html``."""

import zlib
from pathlib import Path

import mockselector

project = "mockselector"
author = "the mockselector developers"
copyright = "the mockselector developers"
release = mockselector.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"

# Links to the standard library.  The build first asks docs.python.org for its
# inventory; where it cannot be reached (a machine without network), it falls back
# on a small inventory of the objects these pages name, written at the start of the
# build (see _write_python_inventory): the links are then the same, and no warning
# is emitted.
PYTHON_DOCS = "https://docs.python.org/3"
intersphinx_mapping = {"python": (PYTHON_DOCS, None)}  # locations set by _use_python_inventory
intersphinx_timeout = 10

# (object, role, page of the Python documentation): the standard-library objects these
# pages and docstrings name.  The anchor on the page is the object's name (for a module,
# "module-" and its name), as on docs.python.org.
PYTHON_OBJECTS = [
    *[(name, "py:module", f"library/{name}.html") for name in (
        "asyncio", "selectors", "socket", "socketserver", "ssl", "unittest", "unittest.mock")],
    *[(name, "py:exception", "library/exceptions.html") for name in (
        "AssertionError", "BaseException", "BlockingIOError", "BrokenPipeError",
        "ConnectionResetError", "KeyError", "OSError", "RuntimeError", "TypeError",
        "ValueError")],
    *[(name, "py:class", "library/functions.html") for name in ("bool", "float", "int")],
    *[(name, "py:class", "library/stdtypes.html") for name in (
        "bytes", "bytearray", "memoryview", "str")],
    ("staticmethod", "py:function", "library/functions.html"),
    ("None", "py:data", "library/constants.html"),
    ("asyncio.AbstractEventLoop", "py:class", "library/asyncio-eventloop.html"),
    ("asyncio.SelectorEventLoop", "py:class", "library/asyncio-eventloop.html"),
    ("asyncio.DefaultEventLoopPolicy", "py:class", "library/asyncio-policy.html"),
    ("asyncio.Runner", "py:class", "library/asyncio-runner.html"),
    ("asyncio.run", "py:function", "library/asyncio-runner.html"),
    ("asyncio.open_connection", "py:function", "library/asyncio-stream.html"),
    ("asyncio.start_server", "py:function", "library/asyncio-stream.html"),
    ("collections.abc.Iterable", "py:class", "library/collections.abc.html"),
    ("collections.abc.Iterator", "py:class", "library/collections.abc.html"),
    ("selectors.BaseSelector", "py:class", "library/selectors.html"),
    ("selectors.BaseSelector.select", "py:method", "library/selectors.html"),
    ("selectors.DefaultSelector", "py:class", "library/selectors.html"),
    ("selectors.SelectorKey", "py:class", "library/selectors.html"),
    ("socket.socket", "py:class", "library/socket.html"),
    ("socket.socketpair", "py:function", "library/socket.html"),
    ("ssl.SSLSocket", "py:class", "library/ssl.html"),
    ("unittest.IsolatedAsyncioTestCase", "py:class", "library/unittest.html"),
    ("unittest.TestCase", "py:class", "library/unittest.html"),
    ("unittest.mock.Mock", "py:class", "library/unittest.mock.html"),
]

# The module-level defaults, documented in the API reference under their modules:
# docstrings name them without the module.
DEFAULTS = {
    "DEFAULT_CAPACITY": "mockselector.sockets",
    "DEFAULT_PATIENCE": "mockselector",
    "DEFAULT_STALL_LIMIT": "mockselector.selector",
}

html_theme = "alabaster"
html_title = f"mockselector {release}"
html_static_path: list = []
pygments_style = "sphinx"


def _strip_trailing_blank_lines(app, doctree):
    """Drop the blank line that ends each doctest block.

    A ``>>>`` example in a Markdown page needs a blank line before the closing
    fence, or doctest would take the fence for expected output.
    """
    from docutils import nodes

    for block in doctree.findall(nodes.literal_block):
        text = block.astext()
        if block.rawsource == text and text != text.rstrip("\n"):
            block.rawsource = text.rstrip("\n")
            block.children[:] = [nodes.Text(block.rawsource)]


def _use_python_inventory(app, config):
    """Write the fallback inventory of the standard library, and use it after the real one."""
    lines = "".join(
        f"{name} {role} 1 {page}#{'module-' if role == 'py:module' else ''}{name} -\n"
        for name, role, page in PYTHON_OBJECTS)
    header = ("# Sphinx inventory version 2\n# Project: Python\n# Version: 3\n"
              "# The remainder of this file is compressed using zlib.\n")
    path = Path(app.doctreedir) / "python-stdlib-objects.inv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(header.encode() + zlib.compress(lines.encode()))
    config.intersphinx_mapping["python"] = (PYTHON_DOCS, (None, str(path)))


def _resolve_defaults(app, env, node, contnode):
    """Link ``:data:`DEFAULT_...``` to the constant in its module."""
    target = node.get("reftarget", "")
    module = DEFAULTS.get(target.rsplit(".", 1)[-1])
    if node.get("refdomain") != "py" or module is None:
        return None
    name = f"{module}.{target.rsplit('.', 1)[-1]}"
    return env.get_domain("py").resolve_xref(
        env, node["refdoc"], app.builder, "data", name, node, contnode)


def setup(app):
    app.connect("doctree-read", _strip_trailing_blank_lines)
    # Before intersphinx checks its mapping (config-inited, priority 800).
    app.connect("config-inited", _use_python_inventory, priority=700)
    app.connect("missing-reference", _resolve_defaults)
