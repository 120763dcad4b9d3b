"""sqlite-utils for the build, imported without pandas and numpy.

sqlite-utils imports pandas and numpy at import time whenever they are installed, only to
recognise their types in inserted values. The build never hands it either, and importing them
cost about 250 ms of a 480 ms cold build. They are hidden for that one import and stay
importable afterwards (etl.frames and the downloads use pandas).
"""

from __future__ import annotations

import sys

_hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # `import pandas` now raises ImportError, which sqlite-utils expects
try:
    import sqlite_utils
finally:
    for _name in _hidden:
        sys.modules.pop(_name, None)

__all__ = ["sqlite_utils"]
