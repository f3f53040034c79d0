"""Removable volumes (U盘) the clerk can export to, from ``QStorageInfo.mountedVolumes()``.

Qt has no "removable" flag, so each platform is asked in its own way:

- Linux: a block device (``/dev/…``) mounted under ``/media``, ``/run/media`` or ``/mnt`` (where
  udisks and clerks mount sticks), or whose disk says ``/sys/block/<disk>/removable`` = 1 or sits on
  the USB bus;
- Windows: ``GetDriveTypeW(root) == DRIVE_REMOVABLE`` (2);
- macOS: a volume under ``/Volumes/``.

Pseudo file systems (tmpfs, overlay, …) never count. When nothing is found the list is empty and
the page's 选择文件夹… is the way.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStorageInfo

LINUX_MOUNT_PARENTS = ("/media/", "/run/media/", "/mnt/")
PSEUDO_FS = frozenset({
    "tmpfs", "devtmpfs", "ramfs", "proc", "sysfs", "overlay", "squashfs", "cgroup", "cgroup2", "autofs",
    "devpts", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "configfs", "fusectl",
    "hugetlbfs", "binfmt_misc", "nsfs", "efivarfs", "rpc_pipefs", "selinuxfs",
})
DRIVE_REMOVABLE = 2


@dataclass(frozen=True)
class Volume:
    name: str  # the label the clerk sees (or the mount folder's name)
    root: str  # where files go
    free: int  # bytes available to this user
    total: int
    read_only: bool

    def label(self) -> str:
        """``KINGSTON（/media/clerk/KINGSTON）`` — name and where it is, for a list."""
        return self.name if self.name == self.root else f"{self.name}（{self.root}）"


def format_bytes(n: int) -> str:
    """1.5 GB, 320 MB, 12 KB, 800 B — for free space and package sizes."""
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit in ("B", "KB") else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - unreachable


def _sys_block_disk(device: str, sys_root: str = "/sys") -> Path | None:
    """``/dev/sdb1`` → ``/sys/block/sdb`` (the whole disk), when it can be resolved."""
    name = os.path.basename(os.path.realpath(device)) if device.startswith("/dev/") else ""
    if not name:
        return None
    cls = Path(sys_root, "class", "block", name)
    try:
        real = cls.resolve(strict=True)
    except OSError:
        return None
    disk = real if (real / "removable").exists() else real.parent  # a partition's parent is its disk
    return disk if (disk / "removable").exists() else None


def linux_is_removable(root: str, device: str, fs_type: str, sys_root: str = "/sys") -> bool:
    """The Linux rule (see the module doc); pure apart from reading ``sys_root``."""
    if fs_type in PSEUDO_FS or not device.startswith("/dev/"):
        return False
    if root.rstrip("/") and any((root.rstrip("/") + "/").startswith(p) and root.rstrip("/") + "/" != p
                                for p in LINUX_MOUNT_PARENTS):
        return True
    disk = _sys_block_disk(device, sys_root)
    if disk is None:
        return False
    try:
        if (disk / "removable").read_text().strip() == "1":
            return True
        return "/usb" in str(disk.resolve())
    except OSError:
        return False


def mac_is_removable(root: str) -> bool:
    return root.startswith("/Volumes/") and root.rstrip("/") != "/Volumes"


def windows_is_removable(root: str) -> bool:  # pragma: no cover - Windows only
    if sys.platform != "win32":  # ctypes.windll exists on Windows only
        return False
    import ctypes

    return ctypes.windll.kernel32.GetDriveTypeW(root) == DRIVE_REMOVABLE


def _decode(value) -> str:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value or "")


def is_removable(info: QStorageInfo, platform: str | None = None) -> bool:
    platform = platform or sys.platform
    root = info.rootPath()
    if platform.startswith("win"):
        return windows_is_removable(root)
    if platform == "darwin":
        return mac_is_removable(root)
    return linux_is_removable(root, _decode(info.device()), _decode(info.fileSystemType()))


def removable_volumes() -> list[Volume]:
    """Mounted, ready, removable volumes, by name; empty when none (or none can be told apart)."""
    out: list[Volume] = []
    for info in QStorageInfo.mountedVolumes():
        if not (info.isValid() and info.isReady()):
            continue
        try:
            if not is_removable(info):
                continue
        except Exception:  # noqa: BLE001 - a volume we cannot ask about is simply not offered
            continue
        root = info.rootPath()
        name = info.displayName() or info.name() or os.path.basename(root.rstrip("/\\")) or root
        out.append(Volume(name=name, root=root, free=max(0, info.bytesAvailable()),
                          total=max(0, info.bytesTotal()), read_only=info.isReadOnly()))
    out.sort(key=lambda v: (v.name.lower(), v.root))
    return out
