"""Moved to :mod:`station_app.demo.make`.

``station_app.services.demo`` is that very module (not a copy), so every name (and a patch of one)
is the same from either place.
"""

import sys

from station_app.demo import make as _moved

sys.modules[__name__] = _moved
