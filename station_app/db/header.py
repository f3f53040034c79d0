"""What a database file is, from its first bytes: plain SQLite, encrypted, or neither.

Read before anything opens the file (the GUI's start reads it before the window paints), so this
module imports neither peewee nor SQLCipher.
"""

from __future__ import annotations

import os

HEADER = b"SQLite format 3\x00"


def has_plain_header(path: str | os.PathLike[str]) -> bool | None:
    """True for a plain SQLite file, False for a non-empty file without the SQLite header (an
    encrypted one, or not a database at all), None when the file is missing or empty."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(len(HEADER))
    except FileNotFoundError:
        return None
    if not head:
        return None
    return head == HEADER


def looks_encrypted(path: str | os.PathLike[str]) -> bool:
    """True for a non-empty file that is neither a plain SQLite file nor a plain one whose first
    bytes were damaged: a plain file's header keeps its payload fractions (64, 32, 32) at bytes
    21–23, which an encrypted page 1 (all of it ciphertext after the salt) has by chance only; and
    an encrypted file is whole pages (a short text file is not one)."""
    try:
        size = os.path.getsize(path)
        with open(path, "rb") as handle:
            head = handle.read(24)
    except OSError:
        return False
    if not size or size % 512:  # an encrypted file is whole pages (4 KiB by default)
        return False
    return not head.startswith(HEADER) and head[21:24] != b"\x40\x20\x20"
