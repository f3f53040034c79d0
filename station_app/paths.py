"""Where data lives: moved to :mod:`station_app.core.paths`.

``station_app.paths`` is that very module (not a copy), so ``paths.program_dir`` patched here is
the one ``paths.is_portable`` calls.
"""

import sys

from station_app.core import paths as _paths

sys.modules[__name__] = _paths
