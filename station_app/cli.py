"""The command line of EXCHANGE_FORMAT §1. No subcommand starts the GUI.

Exit status: 0 success; 1 the work failed (message on stderr, in Chinese); 2 wrong arguments.
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from pathlib import Path

from station_app import APP_TITLE, __version__
from station_app.cli_args import ArgumentsWrong
from station_app.core.errors import KnownError

# the subcommands' modules (cli_exchange, cli_holidays, cli_points, cli_print) are imported where
# a subcommand is parsed or run: a start of the GUI needs none of them before its window paints
log = logging.getLogger("station_app")


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese headings, Chinese error messages and exit status 2 on wrong arguments."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "子命令和参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage:", "用法：", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage:", "用法：", 1)

    def error(self, message: str):  # noqa: D401
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: 参数错误：{chinese_error(message)}\n（运行 {self.prog} --help 查看用法）\n")


# argparse's own messages (Python 3.10–3.13), in the order they are tried; {0}… are the groups
_ARGPARSE_ZH = [
    (r"the following arguments are required: (.*)", "缺少必需的参数：{0}"),
    (r"one of the arguments (.*) is required", "以下参数须给出其中一个：{0}"),
    (r"unrecognized arguments: (.*)", "无法识别的参数：{0}"),
    (r"invalid choice: (.*?) \(choose from (.*)\)", "无效的选项 {0}（可选：{1}）"),
    (r"invalid int value: (.*)", "应为整数，不是 {0}"),
    (r"invalid float value: (.*)", "应为数字，不是 {0}"),
    (r"invalid (\S+) value: (.*)", "无效的值 {1}"),
    (r"expected one argument", "后面应跟一个值"),
    (r"expected at most one argument", "后面最多跟一个值"),
    (r"expected at least one argument", "后面应至少跟一个值"),
    (r"expected (\d+) arguments?", "后面应跟 {0} 个值"),
    (r"not allowed with argument (.*)", "不能与参数 {0} 同时使用"),
    (r"ambiguous option: (\S+) could match (.*)", "选项 {0} 有歧义，可能是：{1}"),
    (r"ignored explicit argument (.*)", "多余的值 {0}"),
    (r"argument (\S+?): (.*)", "参数 {0}：{1}"),
]


def chinese_error(message: str) -> str:
    """argparse's English error message in Chinese (an already Chinese one stays as it is)."""
    import re

    for pattern, template in _ARGPARSE_ZH:
        m = re.fullmatch(pattern, message, flags=re.S)
        if m:
            groups = [chinese_error(g) if i == len(m.groups()) - 1 and template.endswith(f"{{{i}}}") else g
                      for i, g in enumerate(m.groups())]
            return template.format(*groups)
    return message


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The whole command line; without ``subcommands`` only the options of a start of the GUI."""
    parser = _Parser(prog="station-app", exit_on_error=subcommands, description=f"{APP_TITLE} {__version__} — 人大代表联络站日常工作软件（离线）",
                     epilog="不带子命令时启动图形界面。")
    parser.add_argument("--version", action="version", version=f"{APP_TITLE} {__version__}", help="显示版本号并退出")
    parser.add_argument("--db", help="数据库：文件路径、sqlite:///路径 或 postgresql://用户@主机/库名（默认：用户数据目录中的内置数据库）")
    parser.add_argument("--self-test", action="store_true", help="自检：临时数据库读写、生成含中文和二维码的PDF")
    parser.add_argument("--user", metavar="NAME",
                        help="用户名：加密的数据库须登录（密码从提示输入或环境变量 STATION_APP_PASSWORD，不在命令行上给出）")
    if not subcommands:
        parser.set_defaults(command=None)
        return parser
    from station_app.cli_exchange import add_password_arguments
    from station_app.cli_holidays import add_holidays_parser
    from station_app.cli_points import add_points_parser
    from station_app.cli_print import _date, add_print_parser

    sub = parser.add_subparsers(dest="command", metavar="子命令", parser_class=_Parser)

    p = sub.add_parser("demo", help="生成演示数据（确定性的中文示例数据）")
    p.add_argument("--db", required=True, help="目标数据库（应为新文件）")
    p.add_argument("--seed", type=int, default=1, help="随机种子，相同种子生成相同数据（默认 1）")
    p.add_argument("--deputies", type=int, default=30, help="代表人数（默认 30）")
    p.add_argument("--receptions", type=int, default=None,
                   help="接待登记条数（含意见建议和办理过程；默认 400，约一年的量）")

    p = sub.add_parser("check", help="检查数据库的完整性和一致性；有问题时退出码为 1")
    p.add_argument("--db", required=True)

    p = sub.add_parser("backup", help="用 SQLite 备份接口备份数据库并校验")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="备份文件路径")

    p = sub.add_parser("restore", help="用备份替换数据库（先校验；被替换的文件另存一份）")
    p.add_argument("--db", required=True)
    p.add_argument("--from", dest="source", required=True, help="备份文件")
    p.add_argument("--yes", action="store_true",
                   help="备份是空的、属于另一个联络站或是县级汇总库时，仍然恢复（默认：说明情况后不恢复）")

    p = sub.add_parser("stats", help="统计：接待人次、意见建议、办结率、满意率等")
    p.add_argument("--db", required=True)
    p.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD", help="开始日期（含）")
    p.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD", help="结束日期（含）")
    p.add_argument("--station", metavar="CODE",
                   help="联络站的站点编码：数据库中只有一个联络站时可省略，县级数据库（多个站点）必须指定；"
                        "all 或 全县：全县各站合计（JSON 另附 by_station 各站分列）")
    p.add_argument("--json", action="store_true", help="以 JSON 输出（供程序读取）")

    p = sub.add_parser("export", help="导出数据包到U盘或文件夹，打印数据包路径")
    p.add_argument("--db", required=True)
    p.add_argument("--out", required=True, help="目标文件夹（U盘）")
    p.add_argument("--from", dest="date_from", type=_date, metavar="YYYY-MM-DD",
                   help="期间开始日期（默认：上次导出的截止日期次日，首次为最早记录的日期）")
    p.add_argument("--to", dest="date_to", type=_date, metavar="YYYY-MM-DD", help="期间结束日期（默认：今天）")
    p.add_argument("--full", action="store_true", help="导出全部数据（默认只导出上次导出以来有变化的记录）")
    p.add_argument("--reports", action="store_true",
                   help="同时附上台账（Excel）和汇总（PDF），供没有安装本软件的人查看（导入时不读取；默认不附）")
    add_password_arguments(p, export=True)

    p = sub.add_parser("import", help="导入各站的数据包；有被拒绝的数据包时退出码为 1")
    p.add_argument("--db", required=True, help="数据库（不存在时新建，作为县级汇总库）")
    add_password_arguments(p, export=False)
    p.add_argument("--enroll", action="store_true",
                   help="登记尚未登记的站点的签名密钥（请先与该站核对报告中的指纹）")
    p.add_argument("--json", action="store_true", help="以 JSON 列表输出每个数据包的结果")
    p.add_argument("packages", nargs="+", metavar="PACKAGE", help="数据包文件（.zip）")

    add_print_parser(sub)
    add_points_parser(sub)
    add_holidays_parser(sub)
    return parser


def _open(db_arg: str | None):
    from station_app.core.paths import default_database
    from station_app.db import open_database

    return open_database(db_arg or default_database())


def cmd_demo(args) -> int:
    from station_app.core.paths import sqlite_file_of
    from station_app.demo.make import make_demo

    if args.deputies < 1 or args.deputies > 2000:
        raise _ArgumentsWrong("--deputies 代表人数应在 1 到 2000 之间")
    if args.receptions is not None and args.receptions < 0:
        raise _ArgumentsWrong("--receptions 接待登记条数不能是负数")
    from station_app.db.instance import hold, refuse_if_held

    refuse_if_held(args.db, "生成演示数据")
    file = sqlite_file_of(args.db)
    new_file = file if file is not None and not file.exists() else None  # made by this command
    try:
        with hold(args.db, "生成演示数据"):  # a GUI started meanwhile is refused
            _open(args.db)
            summary = make_demo(seed=args.seed, deputies=args.deputies, receptions=args.receptions)
    except BaseException:
        if new_file:  # a failing demo leaves no database behind
            _remove_new_database(new_file)
        raise
    print(f"已生成演示数据：站点 {summary.station_code}，代表 {summary.deputies} 名，"
          f"活动日 {summary.activity_days} 个（签到 {summary.attendances} 人次），"
          f"接待登记 {summary.receptions} 次，意见建议 {summary.cases} 条（办理过程 {summary.case_events} 步），"
          f"履职记录 {summary.duty_records} 条"
          f" → {args.db}")
    return 0


def cmd_check(args) -> int:
    from station_app.core.paths import sqlite_file_of
    from station_app.services import health
    from station_app.services.check import run_check

    file = sqlite_file_of(args.db)
    damaged = health.findings(file, full=True) if file is not None else []
    if damaged:  # read from the file itself: a damaged file never reaches SQLite's English errors
        for message in damaged:
            print("错误：" + message, file=sys.stderr)
        print(f"检查未通过：数据库文件已损坏。可以用 station-app restore --db {args.db} --from 备份文件 "
              "从备份恢复（自动备份在数据库旁的 backups 文件夹中）", file=sys.stderr)
        return 1
    # integrity_check ran just now when the pages could be read: not a second time in run_check (on
    # a county's file each pass takes minutes)
    checked = file is not None and health.pages_readable(file)
    _open(args.db)
    findings = run_check(integrity=not checked)
    errors = [f for f in findings if f.severity == "error"]
    for f in findings:
        print(("错误：" if f.severity == "error" else "提示：") + f.message, file=sys.stderr if f.severity == "error" else sys.stdout)
    if errors:
        print(f"检查未通过：{len(errors)} 个问题", file=sys.stderr)
        return 1
    print("检查通过：数据库完整，数据一致。")
    return 0


def cmd_backup(args) -> int:
    from station_app.db import close_database
    from station_app.services.backup import backup

    _open(args.db)  # migrates an old file first, so the copy is current
    close_database()
    out = backup(args.db, args.out)
    print(out)
    return 0


def cmd_restore(args) -> int:
    from station_app.db.instance import hold, refuse_if_held
    from station_app.services.backup import kept_text, restore
    from station_app.services.backup_store import restore_warnings

    refuse_if_held(args.db, "恢复数据库")
    warnings = restore_warnings(args.db, args.source)
    for text in warnings:
        print("注意：" + text, file=sys.stderr)
    if warnings and not args.yes:
        print("未恢复。如确实要用这个备份替换数据库，请加 --yes 再运行一次。", file=sys.stderr)
        return 1
    with hold(args.db, "恢复数据库"):  # a GUI started meanwhile is refused
        kept = restore(args.db, args.source)
    print(f"已从 {args.source} 恢复数据库 {args.db}；{kept_text(kept)}")
    return 0


def self_test() -> int:
    """EXCHANGE_FORMAT §1: every step in station_app.selftest; a failure is a KnownError naming it."""
    from station_app.selftest import run_self_test

    print(run_self_test())
    return 0


def cmd_stats(args) -> int:
    from station_app.domain.codes import Category
    from station_app.services import stats

    _open(args.db)
    from station_app.cli_print import station_in_view

    code = station_in_view(args.station, county=True)  # 全县 (all): every station, by_station beside
    result = stats.statistics(args.date_from, args.date_to, code, breakdowns=False)  # neither prints them
    if args.json:
        import json

        print(json.dumps(result.to_json(), ensure_ascii=False, sort_keys=True))
        return 0
    f = result.figures
    print(f"{args.date_from} 至 {args.date_to}" + (f"（{code}）" if code else "（全县）"))
    print(stats.headline(f))
    for code, n in sorted(f.by_category.items(), key=lambda kv: -kv[1]):
        print(f"  {Category.label_of(code)}：{n} 条")
    return 0


def cmd_export(args) -> int:
    from station_app.services import exchange
    from station_app.services.station import home_station

    _open(args.db)
    home = home_station()
    from station_app.cli_exchange import export_password

    password = export_password(args, home.code if home else None)
    result = exchange.export_package(args.out, date_from=args.date_from, date_to=args.date_to, full=args.full,
                                     password=password, reports=args.reports)
    print(result.path)
    return 0


def _remove_new_database(file: Path) -> None:
    """Close and delete the SQLite file this command itself created (a failed command leaves none)."""
    from station_app.db import close_database

    close_database()
    for leftover in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        leftover.unlink(missing_ok=True)


def cmd_import(args) -> int:
    from station_app.core.paths import sqlite_file_of
    from station_app.db.instance import hold, refuse_if_held
    from station_app.domain.package_signing import grouped
    from station_app.services import exchange

    refuse_if_held(args.db, "导入数据包")
    from station_app.cli_exchange import import_password

    password = import_password(args)
    file = sqlite_file_of(args.db)
    new_file = file if file is not None and not file.exists() else None  # made by this command
    try:
        with hold(args.db, "导入数据包"):  # a GUI started meanwhile is refused
            _open(args.db)
            reports = exchange.import_packages(args.packages, password=password, enroll=args.enroll)
    except BaseException:
        if new_file:
            _remove_new_database(new_file)
        raise
    if new_file and not any(r.status == "imported" for r in reports):
        _remove_new_database(new_file)  # nothing imported: no empty county database left behind
    if args.json:
        import json

        print(json.dumps([r.to_json() for r in reports], ensure_ascii=False, indent=2))
    else:
        for r in reports:
            if r.status == "imported":
                print(f"已导入 {r.package}：新增 {r.inserted} 条，更新 {r.updated} 条，未变 {r.unchanged} 条")
                if r.enrolled:
                    print(f"已登记站点 {r.station_code} 的签名密钥，指纹 {grouped(r.fingerprint or '')}")
            else:
                print(f"已拒绝 {r.package}：{r.reason}", file=sys.stderr)
    rejected = sum(r.status != "imported" for r in reports)
    if rejected and not args.json:
        print(f"共 {len(reports)} 个数据包，{rejected} 个被拒绝（数据库未因它们改动）", file=sys.stderr)
    return 1 if rejected else 0


_ArgumentsWrong = ArgumentsWrong  # the old name, still importable

# commands that may make a new database (EXCHANGE_FORMAT §1) or restore onto a fresh machine;
# every other command refuses a --db path that does not exist
_MAY_CREATE = {"demo", "import", "restore"}


def _missing_database(args) -> str | None:
    from station_app.core.paths import sqlite_file_of

    db = getattr(args, "db", None)
    if args.command is None or args.command in _MAY_CREATE or not db:  # None: the GUI
        return None
    file = sqlite_file_of(db)
    if file is not None and not file.exists():
        return f"找不到数据库：{file}（请检查 --db 的路径；只有 demo、import 和图形界面会新建数据库）"
    return None


def cmd_holidays(args) -> int:
    from station_app.cli_holidays import cmd_holidays as run

    return run(args)


def cmd_print(args) -> int:
    from station_app.cli_print import cmd_print as run

    return run(args)


def cmd_points(args) -> int:
    from station_app.cli_points import cmd_points as run

    return run(args)


COMMANDS = {"holidays": cmd_holidays, "export": cmd_export, "import": cmd_import, "demo": cmd_demo, "stats": cmd_stats, "check": cmd_check, "backup": cmd_backup, "restore": cmd_restore,
            "print": cmd_print, "points": cmd_points}


def parse(argv: list[str]) -> argparse.Namespace:
    """The arguments. A start of the GUI (no subcommand, no help asked) is read without building
    every subcommand's parser: its window paints sooner (issue 21); anything else, and any mistake,
    goes through the whole parser, with its messages."""
    if not any(a in COMMANDS or a in ("-h", "--help") for a in argv):
        try:
            args, rest = build_parser(subcommands=False).parse_known_args(argv)
        except argparse.ArgumentError:
            rest = argv  # said below, by the whole parser
        if not rest:
            return args
    return build_parser().parse_args(argv)


def _setup_logging() -> None:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")


def main(argv: list[str] | None = None) -> int:
    import multiprocessing

    # a frozen program (the installer) started as the child of a big export or import runs only
    # the child's work here; a no-op otherwise
    multiprocessing.freeze_support()
    argv = sys.argv[1:] if argv is None else argv
    args = parse(argv)
    _setup_logging()
    missing = _missing_database(args)
    if missing:
        print(f"错误：{missing}", file=sys.stderr)
        return 2
    try:
        if args.self_test:
            return self_test()
        if args.command is None:
            from station_app.ui.app import run_gui

            return run_gui(args.db)
        from station_app.cli_login import log_in_for

        log_in_for(args)
        return COMMANDS[args.command](args)
    except _ArgumentsWrong as exc:
        print(f"station-app: 参数错误：{exc}", file=sys.stderr)
        return 2
    except KnownError as exc:
        print(f"错误：{exc.message}", file=sys.stderr)
        return getattr(exc, "exit_code", 1)  # 2: a wrong argument found late (an unknown --station)
    except Exception:  # a bug: say so plainly, keep the traceback
        text = traceback.format_exc()
        print("程序内部错误（请把下面的信息发给维护人员）：\n" + text, file=sys.stderr)
        from station_app.core.crashlog import write_crash_log

        write_crash_log(text)
        return 1


def dumps(obj) -> str:
    import json

    return json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=True)
