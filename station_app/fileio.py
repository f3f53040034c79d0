"""Atomic file writing: moved to :mod:`station_app.core.fileio`; importable from here too."""

from station_app.core.fileio import atomic_write, atomic_write_bytes, fsync_dir

__all__ = ["atomic_write", "atomic_write_bytes", "fsync_dir"]
