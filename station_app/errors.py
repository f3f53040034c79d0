"""Errors a user can act on.

Everything that derives from :class:`KnownError` carries a plain Chinese message meant
for the clerk (USB removed, disk full, read-only, database locked, bad package, bad input).
Any other exception is a bug: it is logged with a traceback and shown as such.
"""

from __future__ import annotations


class KnownError(Exception):
    """An error with a message the user can act on (in Chinese)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.message


class ValidationError(KnownError):
    """Bad input.  ``fields`` maps a field name to what the user should type there."""

    def __init__(self, fields: dict[str, str], message: str | None = None):
        self.fields = dict(fields)
        if message is None:
            message = "；".join(self.fields.values()) or "输入有误"
        super().__init__(message)


class NotFoundError(KnownError):
    """A record the user asked for does not exist (or was deleted)."""


class DatabaseError(KnownError):
    """The database cannot be opened, is locked, damaged or too new."""


class StorageError(KnownError):
    """A file could not be written or read: disk full, read-only, stick removed."""


class ImportRejected(KnownError):
    """A file offered for import was rejected as a whole; nothing was written."""

    def __init__(self, message: str, problems: list[str] | None = None):
        super().__init__(message)
        self.problems = list(problems or [])


def storage_error_from_oserror(exc: OSError, path: object) -> StorageError:
    """Translate an ``OSError`` into a message a clerk understands."""
    import errno

    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC:
        text = f"磁盘空间不足，无法写入：{path}。请清理空间或换一个U盘后重试。"
    elif code in (errno.EROFS, errno.EACCES, errno.EPERM):
        text = f"没有写入权限（可能是只读或写保护的U盘）：{path}。"
    elif code in (errno.ENOENT, errno.ENODEV, errno.EIO, errno.ENXIO):
        text = f"找不到目标位置或设备已拔出：{path}。请重新插好后重试。"
    else:
        text = f"文件读写失败：{path}（{exc.strerror or exc}）。"
    err = StorageError(text)
    err.__cause__ = exc
    return err
