"""``--user NAME`` (EXCHANGE_FORMAT §1): log in before a command opens a protected database.

An encrypted database (db/keyslots.py) needs ``--user`` and the password, from the environment
variable ``STATION_APP_PASSWORD`` or a prompt (never an argument): missing → exit 2; wrong → exit 1,
the failure counted like a wrong password at the window. After the login the key is remembered
for the database (db/connection.py), so the command's own opening finds it, and the user's role
decides what the services allow. A plain database works as before, with or without ``--user``
(given, the user logs in and the audit log names them)."""

from __future__ import annotations

import getpass
import os
import sys

from station_app.cli_args import ArgumentsWrong

PASSWORD_ENV = "STATION_APP_PASSWORD"


def _password(username: str) -> str:
    given = os.environ.get(PASSWORD_ENV)
    if given is not None:
        return given
    if not sys.stdin or not sys.stdin.isatty():
        raise ArgumentsWrong(f"需要用户“{username}”的密码：请在提示时输入，或设置环境变量 {PASSWORD_ENV}")
    return getpass.getpass(f"用户“{username}”的密码：")


def log_in_for(args) -> None:
    """Log ``args.user`` in on ``args.db`` when the command opens a database that needs it."""
    from station_app.core.paths import sqlite_file_of
    from station_app.db import close_database
    from station_app.services import users

    db = getattr(args, "db", None)
    user = getattr(args, "user", None)
    if not db:
        return
    file = sqlite_file_of(db)
    if users.is_protected(db):
        if not user:
            raise ArgumentsWrong(f"数据库已加密：请用 --user 用户名 登录（密码从提示输入或环境变量 {PASSWORD_ENV}）")
        users.open_protected(db, user, _password(user))
        close_database()  # the command opens it again, with the key remembered
        return
    if user and (file is None or file.exists()):
        from station_app.db import open_database

        open_database(db)
        try:
            users.login(user, _password(user))
        finally:
            close_database()
