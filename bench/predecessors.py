"""Optional columns: the packages mockselector 1.0 replaces, loaded side by side with it.

mockselector 0.2.3 has the same import name as this project, so it cannot live in
the same environment.  Install both predecessors into a directory of their own::

    python -m pip install --target /tmp/pred mockselector==0.2.3 asynctest

and pass ``--predecessors --predecessors-path /tmp/pred``.  Nothing is installed by
the benchmark.  The 0.2.3 package is imported from that directory under the alias
``mockselector_0_2_3`` (its modules import each other relatively, so the alias
holds), leaving ``mockselector`` bound to this checkout.  asynctest 0.13 imports
only on Python 3.9 and 3.10 (it uses ``asyncio.coroutine``, removed in 3.11): run
the benchmark with such a Python to fill its column.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

PRED_02 = "mockselector 0.2.3"
PRED_ASYNCTEST = "asynctest"
INSTALL_HINT = (
    "python -m pip install --target /tmp/pred mockselector==0.2.3 asynctest; then "
    "--predecessors --predecessors-path /tmp/pred (asynctest needs Python 3.9 or 3.10)"
)


def _load_package(directory: Path, name: str, alias: str) -> ModuleType:
    """Import the package ``directory/name`` as the top-level module ``alias``."""
    init = directory / name / "__init__.py"
    if not init.is_file():
        raise ImportError(f"no package {name!r} in {directory}")
    spec = importlib.util.spec_from_file_location(
        alias, init, submodule_search_locations=[str(init.parent)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {init}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[alias] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        for key in [key for key in sys.modules if key == alias or key.startswith(alias + ".")]:
            del sys.modules[key]
        raise
    return module


class Predecessors:
    """The predecessor modules that could be loaded, and why the others could not."""

    def __init__(self, directory: str | None) -> None:
        self.mockselector02: ModuleType | None = None
        self.asynctest: ModuleType | None = None
        self.problems: dict[str, str] = {}
        if directory is None:
            self.problems[PRED_02] = "no --predecessors-path given"
        else:
            path = Path(directory)
            try:
                module = _load_package(path, "mockselector", "mockselector_0_2_3")
                version = getattr(module, "__version__", "?")
                if not str(version).startswith("0.2"):
                    raise ImportError(f"found mockselector {version}, not 0.2.x")
                self.mockselector02 = module
            except Exception as exc:
                self.problems[PRED_02] = f"{type(exc).__name__}: {exc}"
        try:
            if directory is not None and (Path(directory) / "asynctest").is_dir():
                self.asynctest = _load_package(Path(directory), "asynctest", "asynctest")
            else:
                import asynctest  # type: ignore[import-not-found]

                self.asynctest = asynctest
        except Exception as exc:
            self.problems[PRED_ASYNCTEST] = f"{type(exc).__name__}: {exc}"

    @property
    def columns(self) -> list[str]:
        return [PRED_02, PRED_ASYNCTEST]

    def describe(self) -> list[str]:
        lines = []
        for name, module in ((PRED_02, self.mockselector02), (PRED_ASYNCTEST, self.asynctest)):
            if module is not None:
                lines.append(f"{name}: loaded from {getattr(module, '__file__', '?')}")
            else:
                lines.append(f"{name}: not available ({self.problems.get(name, '?')})")
        if self.problems:
            lines.append(f"to install: {INSTALL_HINT}")
        return lines
