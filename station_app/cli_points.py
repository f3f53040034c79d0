"""``station-app points ACTION``: the 年度评定 of 履职积分 from the command line.

``close-year`` freezes the year's scores and grades of the database's own station (what the
履职积分 page's 年度评定 button does); ``reopen-year`` undoes it, only with a ``--reason``;
``status`` says whether a year is closed. Every change is in the audit log (actor: ``--actor``,
else the login name).
"""

from __future__ import annotations

import argparse


def _year(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"年度应为四位数字，如 2026，不是 {text}") from None
    if not 2000 <= value <= 2100:
        raise argparse.ArgumentTypeError(f"年度 {text} 不在 2000–2100 之间")
    return value


def add_points_parser(sub) -> None:
    p = sub.add_parser("points", help="履职积分的年度评定：冻结或重新开放一年的积分和等次")
    actions = p.add_subparsers(dest="points_action", metavar="操作", required=True, parser_class=type(p))
    for name, text in (("close-year", "年度评定：冻结本站该年度每位代表的积分和最终等次（记入操作日志）"),
                       ("reopen-year", "重新开放已评定的年度（须说明原因，记入操作日志）"),
                       ("status", "显示该年度是否已年度评定")):
        a = actions.add_parser(name, help=text, description=text)
        a.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
        a.add_argument("--year", required=True, type=_year, metavar="YYYY", help="年度，如 2026")
        if name != "status":
            a.add_argument("--actor", help="操作人（记入操作日志；默认为当前登录名）")
        if name == "reopen-year":
            a.add_argument("--reason", required=True, help="重新开放的原因")


def cmd_points(args) -> int:
    from station_app.db import close_database, open_database
    from station_app.services import scoring
    from station_app.services.context import set_actor

    open_database(args.db)
    try:
        if getattr(args, "actor", None):
            set_actor(args.actor)
        if args.points_action == "close-year":
            st = scoring.close_year(args.year)
            n = len(scoring.ranking(args.year))
            print(f"{args.year}年度评定完成：已冻结 {n} 位代表的积分和等次（积分截至 {st.as_of.isoformat()}）")
        elif args.points_action == "reopen-year":
            scoring.reopen_year(args.year, args.reason)
            print(f"{args.year}年度已重新开放：等次改为按进度显示，直至再次年度评定")
        else:
            st = scoring.year_status(args.year)
            if st.closed:
                print(f"{args.year}年：已年度评定（{st.closed_by}，{st.closed_at:%Y-%m-%d %H:%M}；积分截至 {st.as_of.isoformat()}）")
            else:
                print(f"{args.year}年：{st.label}（积分截至 {st.as_of.isoformat()}，尚未年度评定）")
    finally:
        close_database()
    return 0
