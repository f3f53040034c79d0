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
    elif code in (errno.ENOTDIR, errno.EEXIST):
        text = f"目标位置不是文件夹（同名的文件已经存在）：{path}。请另选一个文件夹。"
    elif code == errno.EISDIR:
        text = f"这里是一个文件夹，不能当作文件写入：{path}。"
    elif code in (errno.ENAMETOOLONG, errno.EINVAL):
        text = f"路径太长或含有U盘不支持的字符：{path}。请换一个文件夹。"
    elif code == errno.EDQUOT:
        text = f"磁盘配额已用完，无法写入：{path}。"
    else:
        # the system's own text may be English: keep it out of the sentence, give only its number
        text = f"文件读写失败：{path}（系统错误 {code}）。请检查U盘或文件夹后重试。" if code \
            else f"文件读写失败：{path}。请检查U盘或文件夹后重试。"
    err = StorageError(text)
    err.__cause__ = exc
    return err


def os_reason(exc: OSError) -> str:
    """A few Chinese words for why a file could not be read or written (never the system's own
    text, which is English on most machines)."""
    import errno

    code: int | None = getattr(exc, "errno", None)
    words = {errno.ENOENT: "文件不存在", errno.EACCES: "没有访问权限", errno.EPERM: "没有访问权限",
             errno.EIO: "设备读写出错，U盘可能已拔出", errno.ENODEV: "设备已拔出", errno.ENXIO: "设备已拔出",
             errno.ENOSPC: "磁盘空间不足", errno.EROFS: "只读的磁盘", errno.ENOTDIR: "路径中有一段不是文件夹",
             errno.EISDIR: "这是一个文件夹", errno.ENAMETOOLONG: "路径太长", errno.EMFILE: "打开的文件太多"}
    return words.get(code or 0, f"系统错误 {code}" if code else "未知错误")



class StaleEdit(KnownError):
    """A form saved after someone else changed the record (another window, an imported package):
    refused, the newer data kept."""

    def __init__(self, message: str = "该记录已被修改（可能来自另一个窗口或导入的数据包），请重新打开后再改。"):
        super().__init__(message)


def check_not_stale(current, expected) -> None:
    """Raise :class:`StaleEdit` when ``expected`` (the ``updated_at`` a form loaded; None: no check)
    differs from the record's ``current`` one. Datetimes and their ISO text compare alike."""
    if expected is None:
        return

    import datetime as dt

    def key(v):
        return dt.datetime.fromisoformat(v) if isinstance(v, str) and v else v

    if key(current) != key(expected):
        raise StaleEdit()
