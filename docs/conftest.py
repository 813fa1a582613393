"""The pages' doctests import the example programs, as a user's tests import theirs."""

import sys
from pathlib import Path

EXAMPLES = str(Path(__file__).resolve().parent.parent / "examples")
if EXAMPLES not in sys.path:
    sys.path.insert(0, EXAMPLES)
