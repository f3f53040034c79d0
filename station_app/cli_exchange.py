"""Where the command line's export and import take their password from (issue 19).

Never from the database, and preferably never from the process arguments (other users of the PC
see them with ``ps``): a prompt (getpass), the environment variable
``STATION_APP_EXPORT_PASSWORD``, or ``--password-file FILE`` (its first line). ``--password P`` of
EXCHANGE_FORMAT §1 keeps working for scripts already written, with a warning on stderr;
``--password`` with no value means "ask at a prompt". ``export`` without any source asks (or
takes the password kept in the OS keyring, where one works); ``export --no-encrypt`` writes an
unencrypted package and says the risk on stderr.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from station_app.cli_args import ArgumentsWrong

ENV = "STATION_APP_EXPORT_PASSWORD"
PROMPT = object()  # ``--password`` given without a value

RISK = ("警告：数据包不加密。群众的姓名、电话、身份证号等个人信息将以明文存放在U盘上，"
        "U盘丢失或被他人拷贝即会泄露。除非U盘全程由专人保管，否则请加密导出。")
PS_WARNING = ("警告：--password 写在命令行上，这台电脑的其他用户可以用 ps 等命令看到密码。"
              f"请改用环境变量 {ENV}、--password-file 文件，或只写 --password 在提示时输入。")


def add_password_arguments(p, export: bool) -> None:
    """``--password [P]``, ``--password-file FILE`` (and ``--no-encrypt`` for export)."""
    what = "加密密码（AES-256，至少12个字符）" if export else "数据包密码"
    p.add_argument("--password", nargs="?", const=PROMPT, default=None, metavar="P",
                   help=f"{what}；只写 --password 不跟值时在提示中输入（推荐）。写在命令行上的密码其他用户可见，"
                        f"请优先用环境变量 {ENV} 或 --password-file"
                        + ("；空字符串表示不加密（同 --no-encrypt）" if export else ""))
    p.add_argument("--password-file", metavar="FILE", help="从文件第一行读取密码")
    if export:
        p.add_argument("--no-encrypt", action="store_true",
                       help="不加密导出（个人信息以明文存放在U盘上，有泄露风险；默认加密）")


def _from_file(name: str) -> str:
    try:
        text = Path(name).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ArgumentsWrong(f"无法读取密码文件 {name}：{exc.strerror or exc}") from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def _prompt(confirm: bool) -> str:
    if not sys.stdin or not sys.stdin.isatty():  # a script, a scheduled task: no one to ask
        raise ArgumentsWrong(f"需要数据包密码，但没有终端可以输入：请设置环境变量 {ENV}，或用 --password-file FILE"
                             + ("；确实不加密时用 --no-encrypt" if confirm else ""))
    first = getpass.getpass("数据包密码：")
    if confirm and getpass.getpass("再输入一次：") != first:
        raise ArgumentsWrong("两次输入的密码不一致")
    return first


def _given(args) -> str | None:
    """The password from an explicit source, or None when none was named."""
    sources = [s for s in (args.password is not None, bool(args.password_file)) if s]
    if len(sources) > 1:
        raise ArgumentsWrong("--password 与 --password-file 只能用一个")
    if args.password is PROMPT:
        return _prompt(confirm=getattr(args, "no_encrypt", None) is not None)
    if args.password is not None:
        if args.password:
            print(PS_WARNING, file=sys.stderr)
        return args.password
    if args.password_file:
        return _from_file(args.password_file)
    return os.environ.get(ENV) or None


def export_password(args, station_code: str | None) -> str:
    """The password ``export`` encrypts with; "" for an unencrypted package (stated on stderr)."""
    from station_app.domain import passphrase

    if args.no_encrypt:
        if args.password or args.password_file:
            raise ArgumentsWrong("--no-encrypt 不能与 --password、--password-file 同时使用")
        print(RISK, file=sys.stderr)
        return ""
    password = _given(args)
    if password == "":  # §1: "--password ''" asks for no encryption
        print(RISK, file=sys.stderr)
        return ""
    if password is None:
        from station_app.services import secret_store

        password = (secret_store.get_password(station_code) if station_code else None) or _prompt(confirm=True)
    why = passphrase.problem(password)
    if why:
        raise ArgumentsWrong(why)
    return password


def import_password(args) -> str | None:
    """The password ``import`` opens encrypted packages with (None: none given)."""
    return _given(args) or None
