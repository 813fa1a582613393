"""Sphinx configuration: build with ``python -m sphinx -W -b html docs docs/_build/html``."""

import mockselector

project = "mockselector"
author = "the mockselector developers"
copyright = "the mockselector developers"
release = mockselector.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"

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


def setup(app):
    app.connect("doctree-read", _strip_trailing_blank_lines)
