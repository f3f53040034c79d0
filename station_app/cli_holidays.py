"""``station-app holidays parse|load``: the State Council's notice of a year's holidays.

``parse FILE [--json]`` prints what the notice says (``--json``: ``{"year", "days_off",
"workdays"}``); ``load --db DB FILE`` stores it as that year's arrangement (replacing an earlier one
of the year) and marks the year entered, so 生成全年 works for it. A text that is not such a notice
exits 1 with the reason (``NotANotice`` is a ``KnownError``).
"""

from __future__ import annotations

import json

_WEEKDAYS = "一二三四五六日"


def add_holidays_parser(subparsers) -> None:
    p = subparsers.add_parser(
        "holidays", help="读取国务院办公厅关于部分节假日安排的通知（放假和调休上班日期）",
        description="读取国务院办公厅关于某年部分节假日安排的通知（.txt 文本，UTF-8 或 GB18030 编码；或 .docx）")
    actions = p.add_subparsers(dest="holidays_action", metavar="操作", required=True, parser_class=type(p))
    k = actions.add_parser("parse", help="显示通知中的放假和调休上班日期（不写数据库）",
                           description="显示通知中的放假和调休上班日期（不写数据库）")
    k.add_argument("file", metavar="FILE", help="通知文件（.txt 或 .docx）")
    k.add_argument("--json", action="store_true",
                   help='以 JSON 输出：{"year": 年份, "days_off": [放假日期], "workdays": [调休上班日期]}')
    k = actions.add_parser("load", help="把通知载入数据库，作为该年的节假日安排（替换该年原有的安排）",
                           description="把通知载入数据库，作为该年的节假日安排（替换该年原有的安排），"
                                       "并标记该年“已录入全年安排”")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址（须已存在）")
    k.add_argument("file", metavar="FILE", help="通知文件（.txt 或 .docx）")


def _describe(notice) -> list[str]:
    def day(d):
        return f"{d.month}月{d.day}日（周{_WEEKDAYS[d.weekday()]}）"

    lines = [f"{notice.year}年节假日安排：放假 {len(notice.days_off)} 天，调休上班 {len(notice.workdays)} 天"]
    for h in notice.holidays:
        span = day(h.first) if h.days == 1 else f"{day(h.first)}至{day(h.last)}"
        if h.first.year != notice.year:
            span = f"{h.first.year}年" + span
        text = f"  {h.name}：{span}放假，共{h.days}天"
        if h.workdays:
            text += "；" + "、".join(day(d) for d in h.workdays) + "上班"
        lines.append(text)
    return lines


def cmd_holidays(args) -> int:
    from station_app.services import holiday_notice

    notice = holiday_notice.parse_notice_file(args.file)
    if args.holidays_action == "parse":
        if args.json:
            print(json.dumps(notice.to_json(), ensure_ascii=False))
        else:
            print("\n".join(_describe(notice)))
        return 0
    from station_app.db import close_database, open_database

    open_database(args.db)
    try:
        stored = holiday_notice.store_notice(notice)
    finally:
        close_database()
    print("\n".join(_describe(notice)))
    replaced = f"（替换了原有的 {stored.replaced} 条设置）" if stored.replaced else ""
    print(f"已载入{stored.year}年节假日安排{replaced}，可以为{stored.year}年生成活动日 → {args.db}")
    return 0
