"""What the command-line modules share without importing ``cli`` (which imports them)."""

from __future__ import annotations


class ArgumentsWrong(Exception):
    """Arguments argparse let through but the command cannot take: exit 2 with this message."""
