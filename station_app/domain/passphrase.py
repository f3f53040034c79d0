"""The export password's policy (issue 19): at least :data:`MIN_LENGTH` characters, or a passphrase
the program generates (:func:`generate`: five groups of four characters from an alphabet without
look-alikes, read out over the phone or typed at the county without confusion)."""

from __future__ import annotations

import secrets

from station_app.errors import ValidationError

MIN_LENGTH = 12
# no 0/O/o, 1/l/I/i, 2/Z/z, 5/S/s, 8/B, u/v: what a clerk can copy from paper unambiguously
ALPHABET = "34679acdefghjkmnpqrtwxy"
GROUPS, GROUP_SIZE = 5, 4


def generate() -> str:
    """A new random passphrase: ``k7dq-m3xa-…`` (5 groups of 4, about 90 bits)."""
    return "-".join("".join(secrets.choice(ALPHABET) for _ in range(GROUP_SIZE)) for _ in range(GROUPS))


def problem(password: str) -> str | None:
    """What is wrong with ``password`` as an export password (Chinese), or None."""
    if len(password) < MIN_LENGTH:
        return (f"密码太短：至少 {MIN_LENGTH} 个字符（现在 {len(password)} 个）。"
                "可以点“生成口令”得到一个好记又安全的口令")
    if password.strip() != password:
        return "密码的开头和结尾不能是空格"
    return None


def check(password: str, field: str = "password") -> None:
    """Raise :class:`ValidationError` (on ``field``) when ``password`` breaks the policy."""
    why = problem(password)
    if why:
        raise ValidationError({field: why})
