"""Users, roles and login (issue 19): the first 管理员 and their one-time recovery code, login with
the lockout policy (domain/passwords.py), the admin's user management, password changes.

Passwords and recovery codes are kept as argon2id hashes (argon2-cffi). A database without users
is used as before users existed (everything allowed, nobody logged in).

Where the lockout state lives is hidden behind :class:`_GuardStore`: in the ``user`` row for a
database whose user table can be read before login (plain SQLite, PostgreSQL), in the key file of
an encrypted SQLite file (``db/keyslots.py``: its user table cannot be read before the key is
unwrapped with the password).
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import dataclass
from types import ModuleType

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from station_app.core.paths import sqlite_file_of
from station_app.db.connection import database
from station_app.db.models import User
from station_app.domain import clock, passwords
from station_app.domain.roles import Permission, Role
from station_app.errors import KnownError, ValidationError
from station_app.services import audit, context
from station_app.services.context import Actor

_hasher = PasswordHasher()  # argon2id with the library's current parameters
RECOVERY_SLOT = "{0}#recovery"  # the key slot a recovery code opens (encrypted databases)


class LoginRefused(KnownError):
    """A login was refused: wrong name or password, a wait, a lock. ``wait`` is the seconds to wait
    before the next try (0: may try again now)."""

    def __init__(self, message: str, wait: int = 0):
        super().__init__(message)
        self.wait = wait


@dataclass(frozen=True)
class UserInfo:
    """A user as the 用户管理 page lists them."""

    uid: str
    username: str
    display_name: str
    role: Role
    active: bool
    last_login_at: str


# -- the key file of an encrypted database (db/keyslots.py, helper S2) ------------------------
def _keyslots() -> ModuleType | None:
    try:
        from station_app.db import keyslots
    except ImportError:  # not built yet: every database is a plain one
        return None
    return keyslots


def is_protected(url: str) -> bool:
    """Is ``url`` an encrypted SQLite file (login before it can be opened)? The open database is
    told by its connection, never by reading its file (db/connection.is_open_here)."""
    from station_app.db import connection

    if connection.is_open_here(url):
        return connection.current_key() is not None
    file = sqlite_file_of(url)
    ks = _keyslots()
    return bool(file is not None and ks is not None and file.exists() and ks.is_protected(str(file)))


# -- where the lockout state lives ---------------------------------------------------------------
class _GuardStore:
    """The lockout state of a user: the ``user`` row (``db_path`` None) or the encrypted file's key
    file (``db_path``)."""

    def __init__(self, db_path: str | None = None):
        self.db_path = db_path

    def read(self, username: str) -> passwords.Guard:
        if self.db_path is not None:
            ks = _keyslots()
            assert ks is not None
            got = ks.read_guard(self.db_path, username) or {}
            until = got.get("locked_until")
            return passwords.Guard(int(got.get("failures") or 0), _last_failure.get((self.db_path, username)),
                                   clock.parse_ts(until) if until else None)
        row = User.get_or_none(User.username == username)
        if row is None:
            return passwords.Guard()
        # the last failure's time is not kept in a column: the growing delay counts from the last
        # update of the row, which a failure writes
        last = row.updated_at if row.failed_logins else None
        return passwords.Guard(row.failed_logins, last, row.locked_until)

    def write(self, username: str, guard: passwords.Guard) -> None:
        until = clock.format_ts(guard.locked_until) if guard.locked_until else None
        if self.db_path is not None:
            ks = _keyslots()
            assert ks is not None
            ks.write_guard(self.db_path, username, guard.failures, until)
            _last_failure[(self.db_path, username)] = guard.last_failure
            return
        stamp = guard.last_failure or clock.now()
        User.update(failed_logins=guard.failures, locked_until=guard.locked_until,
                    updated_at=stamp).where(User.username == username).execute()


# the sidecar keeps the count and the lock (they survive a restart); the growing delay's start is
# kept in this process only
_last_failure: dict[tuple[str, str], dt.datetime | None] = {}


def _now(now: dt.datetime | None) -> dt.datetime:
    return now or clock.now()


def _check_wait(store: _GuardStore, username: str, now: dt.datetime) -> passwords.Guard:
    guard = store.read(username)
    wait = passwords.wait_seconds(guard, now)
    if wait:
        raise LoginRefused(passwords.refusal(guard, now), wait)
    return guard


def _count_failure(store: _GuardStore, username: str, guard: passwords.Guard, now: dt.datetime) -> None:
    """Record one wrong password and refuse, saying what the user must wait."""
    after = passwords.after_failure(guard, now)
    store.write(username, after)
    locked = after.locked_until is not None
    if store.db_path is None and database.obj is not None:
        with database.atomic():
            audit.event("lock" if locked else "login_failed",
                        f"用户“{username}”" + ("连续输错密码，已锁定" if locked else f"密码错误（第 {after.failures} 次）"))
    wait = passwords.wait_seconds(after, now)
    reason = passwords.refusal(after, now) or "用户名或密码不对。"
    if not locked and wait:
        reason = "用户名或密码不对。" + reason
    raise LoginRefused(reason, wait)


# -- reading -----------------------------------------------------------------------------------
def has_users() -> bool:
    """Does the open database have any user (then a login is needed)?"""
    return User.select().exists()


def _info(row: User) -> UserInfo:
    return UserInfo(row.uid, row.username, row.display_name, Role(row.role), bool(row.active),
                    clock.format_ts(row.last_login_at)[:16] if row.last_login_at else "")


def list_users() -> list[UserInfo]:
    """Every user, by name (admin only)."""
    context.require(Permission.MANAGE_USERS, "查看用户")
    return [_info(r) for r in User.select().order_by(User.username)]


# -- first admin, login ------------------------------------------------------------------------
def _validate(username: str, password: str) -> str:
    name = username.strip()
    problem = passwords.username_problem(name)
    if problem:
        raise ValidationError({"username": problem})
    problem = passwords.password_problem(password, name)
    if problem:
        raise ValidationError({"password": problem})
    return name


def _new_recovery(username: str) -> tuple[str, str]:
    code = passwords.new_recovery_code()
    return code, _hasher.hash(passwords.normal_recovery_code(code))


def create_first_admin(username: str, password: str, display_name: str = "", protect: str | None = None) -> str:
    """Create the 管理员 of a database without users; return the one-time recovery code (shown once,
    to be printed and kept). Logs the admin in. ``protect``: the SQLite file's URL, encrypted
    under the admin's key slot at once (:func:`convert_to_protected`)."""
    name = _validate(username, password)
    if has_users():
        raise KnownError("这个数据库已经有用户了，请用已有的管理员登录后再添加用户。")
    code, recovery_hash = _new_recovery(name)
    with database.atomic():
        row = User.create(username=name, display_name=display_name.strip(), password_hash=_hasher.hash(password),
                          role=Role.ADMIN.value, recovery_hash=recovery_hash, last_login_at=clock.now())
        actor = Actor(row.username, Role.ADMIN, row.display_name)
        context.set_user(actor)
        audit.event("user_create", f"创建第一个管理员“{name}”", uid=row.uid)
    if protect is not None and sqlite_file_of(protect) is not None and _keyslots() is not None:
        return convert_to_protected(protect, password)
    return code


@functools.cache
def _unknown_user_hash() -> str:
    return _hasher.hash("no such user")


def _verify(hashed: str, secret: str) -> bool:
    try:
        return _hasher.verify(hashed, secret)
    except (VerificationError, InvalidHashError):
        return False


def _logged_in(row: User, store: _GuardStore) -> Actor:
    if store.db_path is not None:
        store.write(row.username, passwords.Guard())
    actor = Actor(row.username, Role(row.role), row.display_name)
    with database.atomic():
        User.update(failed_logins=0, locked_until=None, last_login_at=clock.now()).where(User.id == row.id).execute()
        context.set_user(actor)
        audit.event("login", f"用户“{row.username}”登录（{actor.role.label}）", uid=row.uid)
    return actor


def login(username: str, password: str, now: dt.datetime | None = None) -> Actor:
    """Log ``username`` in on the open (plain) database: the lockout policy first, then the
    password. Raises :class:`LoginRefused` with the reason and the wait."""
    name = username.strip()
    at = _now(now)
    store = _GuardStore()
    guard = _check_wait(store, name, at)
    row = User.get_or_none(User.username == name)
    if row is None or not row.active or not _verify(row.password_hash, password):
        if row is None:  # no row to count in: the same answer and the same argon2 work, so neither
            _verify(_unknown_user_hash(), password)  # the words nor the time tell a name exists
            raise LoginRefused("用户名或密码不对。")
        _count_failure(store, name, guard, at)
    if _hasher.check_needs_rehash(row.password_hash):
        User.update(password_hash=_hasher.hash(password)).where(User.id == row.id).execute()
    return _logged_in(row, store)


def open_protected(url: str, username: str, password: str, now: dt.datetime | None = None, **open_kwargs) -> Actor:
    """Log in to an encrypted SQLite file: unwrap its key with the password (a wrong one counts in
    the key file's guard), open the database with the key, read the user's role."""
    from station_app.db import connection

    ks = _keyslots()
    file = sqlite_file_of(url)
    assert ks is not None and file is not None
    name = username.strip()
    at = _now(now)
    store = _GuardStore(str(file))
    guard = _check_wait(store, name, at)
    try:
        key = ks.unlock(str(file), name, password)
    except ks.WrongPassword:
        _count_failure(store, name, guard, at)
    connection.open_database(url, key=key, **open_kwargs)
    row = User.get_or_none(User.username == name)
    if row is None or not row.active:
        connection.close_database()
        connection.forget_key(url)
        raise LoginRefused("这个用户已停用，请联系管理员。")
    return _logged_in(row, store)


def _key_file() -> tuple[ModuleType, str, bytes] | None:
    """(keyslots, file, key) when the open database is an encrypted file, else None."""
    from station_app.db.connection import current_key, current_url

    file = sqlite_file_of(current_url())
    ks = _keyslots()
    key = current_key()
    if ks is None or file is None or key is None:
        return None
    return ks, str(file), key


def logout() -> None:
    """The user logs out (the window asks for a login again)."""
    user = context.current_user()
    if user is not None and database.obj is not None:
        with database.atomic():
            audit.event("logout", f"用户“{user.username}”注销")
    context.set_user(None)


def check_password(password: str, now: dt.datetime | None = None) -> None:
    """The idle lock: the logged-in user gives their password again. A wrong one counts like a
    failed login (a lock logs them out)."""
    user = context.current_user()
    if user is None:
        return
    at = _now(now)
    files = _key_file()
    store = _GuardStore(files[1] if files else None)
    guard = _check_wait(store, user.username, at)
    row = User.get(User.username == user.username)
    if not _verify(row.password_hash, password):
        _count_failure(store, user.username, guard, at)
    store.write(user.username, passwords.Guard())
    with database.atomic():
        audit.event("unlock", f"用户“{user.username}”解除窗口锁定", uid=row.uid)


# -- the admin's user management ------------------------------------------------------------------
def add_user(username: str, role: Role | str, password: str, display_name: str = "") -> UserInfo:
    """Add a user (admin only); an encrypted database gets the user's key slot."""
    context.require(Permission.MANAGE_USERS, "添加用户")
    name = _validate(username, password)
    if User.get_or_none(User.username == name) is not None:
        raise ValidationError({"username": f"用户名“{name}”已经有了。"})
    role = Role(role)
    with database.atomic():
        row = User.create(username=name, display_name=display_name.strip(), role=role.value,
                          password_hash=_hasher.hash(password))
        audit.event("user_create", f"添加用户“{name}”（{role.label}）", uid=row.uid)
        files = _key_file()
        if files:
            ks, file, key = files
            ks.add_slot(file, key, name, password)
    return _info(row)


def _row(username: str) -> User:
    row = User.get_or_none(User.username == username)
    if row is None:
        raise KnownError(f"没有用户“{username}”。")
    return row


def _other_admins(row: User) -> int:
    return User.select().where(User.role == Role.ADMIN.value, User.active == True, User.id != row.id).count()  # noqa: E712


def change_role(username: str, role: Role | str) -> UserInfo:
    """Give ``username`` another role (admin only; the last active 管理员 keeps theirs)."""
    context.require(Permission.MANAGE_USERS, "修改用户角色")
    row = _row(username)
    role = Role(role)
    if row.role == Role.ADMIN.value and role != Role.ADMIN and not _other_admins(row):
        raise KnownError("至少要保留一个管理员：请先把另一个用户设为管理员。")
    with database.atomic():
        before = Role(row.role)
        User.update(role=role.value, updated_at=clock.now()).where(User.id == row.id).execute()
        audit.event("user_update", f"用户“{username}”的角色：{before.label} → {role.label}", uid=row.uid)
    return _info(User.get_by_id(row.id))


def set_active(username: str, active: bool) -> UserInfo:
    """Deactivate (or activate again) ``username`` (admin only; not oneself, not the last 管理员)."""
    context.require(Permission.MANAGE_USERS, "停用用户")
    row = _row(username)
    me = context.current_user()
    if not active and me is not None and me.username == row.username:
        raise KnownError("不能停用自己。")
    if not active and row.role == Role.ADMIN.value and not _other_admins(row):
        raise KnownError("至少要保留一个管理员。")
    with database.atomic():
        User.update(active=active, updated_at=clock.now()).where(User.id == row.id).execute()
        audit.event("user_update", f"{'启用' if active else '停用'}用户“{username}”", uid=row.uid)
        files = _key_file()
        if files and not active:
            files[0].remove_slot(files[1], username)
    return _info(User.get_by_id(row.id))


def _set_password(row: User, password: str) -> None:
    problem = passwords.password_problem(password, row.username)
    if problem:
        raise ValidationError({"password": problem})
    User.update(password_hash=_hasher.hash(password), failed_logins=0, locked_until=None,
                updated_at=clock.now()).where(User.id == row.id).execute()
    files = _key_file()
    if files:
        ks, file, key = files
        ks.add_slot(file, key, row.username, password)  # replaces the user's slot
        ks.write_guard(file, row.username, 0, None)


def reset_password(username: str, password: str) -> None:
    """The admin sets another user's password (admin only)."""
    context.require(Permission.MANAGE_USERS, "重设用户密码")
    row = _row(username)
    with database.atomic():
        _set_password(row, password)
        audit.event("password_reset", f"管理员重设了用户“{username}”的密码", uid=row.uid)


def change_own_password(old: str, new: str) -> None:
    """The logged-in user changes their own password (the old one first)."""
    user = context.current_user()
    if user is None:
        raise KnownError("没有登录，不能修改密码。")
    row = _row(user.username)
    if not _verify(row.password_hash, old):
        raise ValidationError({"old": "原密码不对。"})
    with database.atomic():
        _set_password(row, new)
        audit.event("password_reset", f"用户“{user.username}”修改了自己的密码", uid=row.uid)


def reset_with_recovery_code(username: str, code: str, new_password: str, now: dt.datetime | None = None,
                             url: str | None = None) -> str:
    """The 管理员 forgot the password: the one-time recovery code sets a new one. The code is then
    used up; a new code is returned (to be printed and kept). A wrong code counts like a wrong
    password. On the open (plain) database, or with ``url`` an encrypted file, which the recovery
    code's own key slot opens."""
    name = username.strip()
    at = _now(now)
    if url is not None and is_protected(url):
        store = _GuardStore(str(sqlite_file_of(url)))
        guard = _check_wait(store, name, at)
        _open_with_recovery(url, store, name, code, guard, at)
    else:
        store = _GuardStore()
        guard = _check_wait(store, name, at)
    row = User.get_or_none(User.username == name)
    if row is None or row.role != Role.ADMIN.value or not row.recovery_hash:
        raise LoginRefused("只有管理员可以用恢复码重设密码。")
    if not _verify(row.recovery_hash, passwords.normal_recovery_code(code)):
        _count_failure(store, name, guard, at)
    fresh, fresh_hash = _new_recovery(name)
    with database.atomic():
        _set_password(row, new_password)
        User.update(recovery_hash=fresh_hash).where(User.id == row.id).execute()
        _recovery_slot(name, fresh)
        audit.event("password_reset", f"管理员“{name}”用恢复码重设了密码，旧恢复码作废", uid=row.uid)
    return fresh


# -- encryption (db/keyslots.py) ------------------------------------------------------------------
def _open_with_recovery(url: str, store: _GuardStore, name: str, code: str, guard: passwords.Guard,
                        at: dt.datetime) -> None:
    from station_app.db import connection

    ks = _keyslots()
    assert ks is not None and store.db_path is not None
    try:
        key = ks.unlock(store.db_path, RECOVERY_SLOT.format(name), passwords.normal_recovery_code(code))
    except ks.WrongPassword:
        _count_failure(store, name, guard, at)
    connection.open_database(url, key=key)


def _recovery_slot(username: str, code: str) -> None:
    """An encrypted file: the recovery code gets a key slot of its own (replacing the old code's)."""
    files = _key_file()
    if files:
        ks, file, key = files
        ks.add_slot(file, key, RECOVERY_SLOT.format(username), passwords.normal_recovery_code(code))


def may_create_first_admin(url: str) -> bool:
    """A plain SQLite file with no users yet: the first 管理员 can be made (and the file encrypted)."""
    return sqlite_file_of(url) is not None and _keyslots() is not None and not is_protected(url) and not has_users()


def may_encrypt(url: str) -> bool:
    """Could the logged-in user encrypt this database now? A 管理员 on a plain SQLite file."""
    return (sqlite_file_of(url) is not None and _keyslots() is not None and not is_protected(url)
            and context.current_user() is not None and context.may(Permission.MANAGE_USERS))


def convert_to_protected(url: str, password: str) -> str:
    """Encrypt the plain SQLite database ``url`` (the logged-in 管理员's own password gives the
    first key slot; every other active user's slot follows when they next get a password from the
    admin). Returns the admin's new one-time recovery code, which the encrypted file's recovery
    slot opens. PostgreSQL and encrypted files: :class:`KnownError`."""
    from station_app.db import connection

    context.require(Permission.MANAGE_USERS, "加密数据库")
    ks = _keyslots()
    file = sqlite_file_of(url)
    if ks is None or file is None:
        raise KnownError("只有本机的 SQLite 数据库文件可以加密。")
    if is_protected(url):
        raise KnownError("数据库已经加密了。")
    me = context.current_user()
    assert me is not None
    row = _row(me.username)
    if not _verify(row.password_hash, password):
        raise ValidationError({"password": "密码不对。"})
    connection.close_database()
    key = ks.protect(str(file), me.username, password)
    from station_app.services.backup_store import encrypt_plain_copies

    encrypted = encrypt_plain_copies(url, key)  # the copies made while it was plain, encrypted alike
    connection.open_database(url, key=key)
    code, recovery_hash = _new_recovery(me.username)
    with database.atomic():
        User.update(recovery_hash=recovery_hash).where(User.id == row.id).execute()
        _recovery_slot(me.username, code)
        audit.event("user_update", f"管理员“{me.username}”加密了数据库（另加密备份和留存副本 {encrypted} 个）", uid=row.uid)
    return code


def needs_login(url: str) -> bool:
    """Must a user log in now? An encrypted file not yet open (the login opens it), or an open
    plain database that has users. A plain database without users: never (as before users)."""
    if is_protected(url):
        return database.obj is None or database.is_closed()
    return database.obj is not None and not database.is_closed() and has_users()
