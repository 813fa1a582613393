"""Make the example programs importable from the tests in sub-folders too."""

import sys
from pathlib import Path

EXAMPLES = str(Path(__file__).resolve().parent)
if EXAMPLES not in sys.path:
    sys.path.insert(0, EXAMPLES)
