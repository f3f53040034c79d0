"""Atomic file writing: temp file in the target folder → fsync → ``os.replace``.

Nothing is ever left under the final name unless it was completely written. The temp file is
``mkstemp``'s, so on POSIX every file written here is readable by its owner alone (0600).
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from station_app.core.errors import storage_error_from_oserror


def fsync_dir(folder: Path) -> None:
    """Make a rename durable (POSIX); a no-op where directories cannot be opened."""
    if os.name == "nt":
        return
    try:
        fd = os.open(str(folder), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None) -> Iterator[IO]:
    """Write ``path`` atomically; on any error the target is untouched and the temp is removed.

    ``OSError`` is turned into a :class:`~station_app.errors.StorageError` with a Chinese message.
    """
    target = Path(path)
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=str(folder))
    except OSError as exc:
        raise storage_error_from_oserror(exc, target) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
        fsync_dir(folder)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise storage_error_from_oserror(exc, target) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def open_private(path: str | os.PathLike, mode: str = "wb", encoding: str | None = None) -> IO:
    """Open ``path`` for writing (``w``/``a`` modes), a new file readable by its owner alone
    (0600 on POSIX: packages, crash logs — the atomic writes get it from ``mkstemp``)."""
    if os.name != "posix":
        return open(path, mode, encoding=encoding)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    return os.fdopen(os.open(path, flags, 0o600), mode, encoding=encoding)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> None:
    with atomic_write(path, "wb") as handle:
        handle.write(data)
