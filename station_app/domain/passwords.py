"""The password policy and the lockout policy (issue 19): pure functions, no clock of their own.

* A login password has at least :data:`MIN_LENGTH` characters (a Chinese character counts as one),
  is not one character repeated and is not the user's name.
* Wrong passwords in a row: the first :data:`FREE_FAILURES` cost nothing; after the 3rd the next
  try waits 2 s, after the 4th 4 s; the 5th locks the user for :data:`LOCK_MINUTES` minutes.
  A right password clears the count. The count and the lock are kept in the database (or the key
  file of an encrypted one), so a restart changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

MIN_LENGTH = 8
FREE_FAILURES = 2  # failures that cost no wait
LOCK_AFTER = 5  # the failure that locks
LOCK_MINUTES = 15
RECOVERY_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L
RECOVERY_GROUPS = 6
RECOVERY_GROUP_LEN = 4


def password_problem(password: str, username: str = "") -> str | None:
    """Why ``password`` may not be a login password (a plain Chinese sentence), or ``None``."""
    if len(password) < MIN_LENGTH:
        return f"密码至少要 {MIN_LENGTH} 个字符（汉字也算一个字符），现在只有 {len(password)} 个。"
    if len(set(password)) == 1:
        return "密码不能由同一个字符重复组成。"
    if username and password.strip().lower() == username.strip().lower():
        return "密码不能和用户名相同。"
    return None


def username_problem(username: str) -> str | None:
    """Why ``username`` may not be a user's name, or ``None``."""
    name = username.strip()
    if not name:
        return "请填写用户名。"
    if len(name) > 40:
        return "用户名最多 40 个字符。"
    if any(ch.isspace() for ch in name):
        return "用户名中不能有空格。"
    return None


def delay_after(failures: int) -> int:
    """Seconds the next try must wait after ``failures`` wrong passwords in a row (0: at once)."""
    if failures <= FREE_FAILURES or failures >= LOCK_AFTER:
        return 0
    return int(2 ** (failures - FREE_FAILURES))  # 3rd → 2 s, 4th → 4 s


@dataclass(frozen=True)
class Guard:
    """A user's lockout state: wrong passwords in a row, the last one's time, locked until when."""

    failures: int = 0
    last_failure: datetime | None = None
    locked_until: datetime | None = None


def wait_seconds(guard: Guard, now: datetime) -> int:
    """Seconds before a login may be tried (0: now). A lock that ran out leaves no wait."""
    if guard.locked_until is not None and now < guard.locked_until:
        return int((guard.locked_until - now).total_seconds() + 0.999)
    if guard.locked_until is not None:
        return 0
    delay = delay_after(guard.failures)
    if delay and guard.last_failure is not None:
        left = (guard.last_failure + timedelta(seconds=delay) - now).total_seconds()
        return max(0, int(left + 0.999))
    return 0


def after_failure(guard: Guard, now: datetime) -> Guard:
    """The state after one more wrong password at ``now`` (a lock that ran out starts afresh)."""
    failures = 0 if guard.locked_until is not None and now >= guard.locked_until else guard.failures
    failures += 1
    locked = now + timedelta(minutes=LOCK_MINUTES) if failures >= LOCK_AFTER else None
    return Guard(failures=failures, last_failure=now, locked_until=locked)


def refusal(guard: Guard, now: datetime) -> str:
    """The Chinese sentence telling the user to wait (empty when no wait)."""
    left = wait_seconds(guard, now)
    if not left:
        return ""
    if guard.locked_until is not None and now < guard.locked_until:
        minutes = (left + 59) // 60
        return f"密码连续输错 {guard.failures} 次，该用户已锁定，请 {minutes} 分钟后再试。"
    return f"密码已连续输错 {guard.failures} 次，请等 {left} 秒后再试。"


def new_recovery_code() -> str:
    """A fresh one-time recovery code: 6 groups of 4 from an alphabet without look-alikes."""
    groups = ("".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_GROUP_LEN))
              for _ in range(RECOVERY_GROUPS))
    return "-".join(groups)


def normal_recovery_code(text: str) -> str:
    """A typed recovery code as stored: upper case, without spaces and dashes (O→0 is not guessed:
    the alphabet has neither)."""
    return "".join(ch for ch in text.upper() if ch.isalnum())
