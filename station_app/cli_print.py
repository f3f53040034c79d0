"""``station-app print KIND``: the QR printouts of EXCHANGE_FORMAT §1 and §4.

Kinds: ``board`` (代表公示栏, A3 by default or A4) and ``cards`` (代表联系卡) are the contract;
``sanliang`` (三亮公示卡), ``nameplate`` (桌牌) and ``poster`` (联络站二维码海报) are extras.
Each kind is a sub-parser whose ``print_run`` default does the work, so other printouts
(``minutes``, ``notice``, ``report``, ``assign``/``feedback``, ``archive``, ``ranking``) are
added beside them with their own flags::

    kinds = add_print_parser(sub)
    p = kinds.add_parser("minutes", help=...); ...; p.set_defaults(print_run=run_minutes)

``print_run(args)`` returns the written file's ``Path`` (or a ``Layout``); the database is
opened from ``--db`` before it runs and closed after.

On success the PDF's path is printed on stdout; a ``KnownError`` propagates to ``cli.main``
(exit 1, message on stderr); wrong arguments exit 2 through the parser.
"""

from __future__ import annotations

import argparse

from station_app.cli_args import ArgumentsWrong


def _choice(allowed: tuple[str, ...], what: str, upper: bool = False):
    def parse(text: str) -> str:
        value = text.upper() if upper else text
        if value not in allowed:
            raise argparse.ArgumentTypeError(f"{what}应为 {' 或 '.join(allowed)}，不是 {text}")
        return value

    return parse


def add_print_parser(subparsers) -> argparse._SubParsersAction:
    """Add ``print`` to the main parser's sub-commands; return its kinds' sub-parsers."""
    from station_app.domain.qrcontent import MODE_LABELS, QR_MODES  # the whole parser only (cli.parse)

    p = subparsers.add_parser("print", help="打印：代表公示栏、联系卡、三亮公示卡、桌牌、二维码海报（PDF）",
                              description="生成带二维码的打印文件（PDF）。二维码内容默认按“设置”，可用参数临时改变。")
    kinds = p.add_subparsers(dest="print_kind", metavar="种类", required=True, parser_class=type(p))
    modes = "、".join(f"{m} {MODE_LABELS[m]}" for m in QR_MODES)

    def add(kind: str, help_text: str, papers: tuple[str, ...], run, qr: bool = True,
            phones: bool = True, chosen: bool = False) -> argparse.ArgumentParser:
        k = kinds.add_parser(kind, help=help_text, description=help_text)
        k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
        k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
        k.add_argument("--paper", type=_choice(papers, "纸张", upper=True), default=papers[0],
                       metavar="|".join(papers), help=f"纸张：{' 或 '.join(papers)}（默认 {papers[0]}）")
        _station_arg(k)
        if qr:
            k.add_argument("--qr-mode", type=_choice(QR_MODES, "二维码内容"), metavar="|".join(QR_MODES), help=f"二维码内容：{modes}（默认按设置）")
            k.add_argument("--deputy-template", metavar="T",
                           help="代表二维码网址模板，可用 {station_code} {deputy_uid} {deputy_name}")
            k.add_argument("--station-template", metavar="T", help="联络站二维码网址模板，可用 {station_code}")
        if phones:
            k.add_argument("--full-numbers", action="store_true", help="没有公开联系电话的代表，印出其完整联系电话（默认按设置：印联络站电话）")
        if chosen:
            k.add_argument("--deputy", action="append", metavar="UID", dest="deputies",
                           help="只印这位代表（代表的 uid，可重复；默认全部在任代表）")
        k.set_defaults(print_run=run)
        return k

    add("board", "代表公示栏：联络站二维码和每位在任代表的二维码（默认 A3）", ("A3", "A4"), _run_board)
    add("cards", "代表联系卡：每张 A4 纸 8 张，带裁切线", ("A4",), _run_cards, chosen=True)
    add("sanliang", "三亮公示卡（亮身份、亮服务、亮承诺）：每位代表一张 A5", ("A5",), _run_sanliang, chosen=True)
    add("nameplate", "桌牌：A4 横向对折，正反两面都是代表姓名", ("A4",), _run_nameplate, qr=False, phones=False,
        chosen=True)
    add("poster", "联络站二维码海报（A4）", ("A4",), _run_poster, phones=False)

    k = kinds.add_parser("minutes", help="活动日活动记录（会议纪要）", description="一个活动日的活动记录（A4）")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
    k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
    k.add_argument("--activity-day", required=True, metavar="UID_OR_DATE", help="活动日的 uid 或日期（如 2026-03-16）")
    _station_arg(k)
    k.set_defaults(print_run=_run_minutes)
    k = kinds.add_parser("notice", help="接访计划公示：时间段内的活动日和值班代表",
                         description="接访计划公示（A4）：日期、主题、值班代表和联络站二维码")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
    k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
    k.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD", help="开始日期")
    k.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD", help="结束日期")
    _station_arg(k)
    k.set_defaults(print_run=_run_notice)
    k = kinds.add_parser("report", help="接待工作月报/季报/年报：时间段内的统计和表格",
                         description="接待工作报告（A4）：接待人次、意见建议、办结率、满意率，按类别、村、代表、月份")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
    k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
    k.add_argument("--from", dest="date_from", required=True, type=_date, metavar="YYYY-MM-DD", help="开始日期")
    k.add_argument("--to", dest="date_to", required=True, type=_date, metavar="YYYY-MM-DD", help="结束日期")
    _station_arg(k, county=True)
    k.add_argument("--title", help="报告名称，如 2026年第三季度（决定月报/季报/年报的标题）")
    k.set_defaults(print_run=_run_report)
    for kind, text in (("assign", "意见建议交办通知单"), ("feedback", "意见建议办理情况反馈单")):
        k = kinds.add_parser(kind, help=text, description=f"{text}（A4，带编号二维码）")
        k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
        k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
        k.add_argument("--case", required=True, metavar="NUMBER_OR_UID", help="意见建议编号（如 2026-0001）或 uid")
        _station_arg(k)
        k.set_defaults(print_run=_run_case_sheet, sheet=kind)
    k = kinds.add_parser("archive", help="代表履职档案（述职参考材料）：一位代表一年的积分和履职记录",
                         description="代表履职档案（A4）：基本情况、年度积分和等次、履职概况、积分构成和每条履职记录")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
    k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
    k.add_argument("--deputy", required=True, metavar="UID_OR_NAME",
                   help="代表的 uid，或代表姓名（须与本站一位代表的姓名完全一致且不重名）")
    k.add_argument("--year", required=True, type=_year, metavar="YYYY", help="年度，如 2026")
    _station_arg(k)
    k.set_defaults(print_run=_run_archive)
    k = kinds.add_parser("ranking", help="代表履职积分排名表：本站在任代表的年度积分、分类积分和等次",
                         description="代表履职积分排名表（A4 横向）：排名、分类积分、年度积分、百分制、等次")
    k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
    k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
    k.add_argument("--year", required=True, type=_year, metavar="YYYY", help="年度，如 2026")
    _station_arg(k)
    k.set_defaults(print_run=_run_ranking)
    _add_livelihood_kinds(kinds)
    return kinds


def _add_livelihood_kinds(kinds) -> None:
    """民生实事 (issue 22): 选票 and 计票结果公告 of a 票决 session, the year's 公示, and two monthly
    sheets of 公开 (意见建议办理结果, 代表履职情况通报)."""
    spec = (("ballot", "民生实事项目票决选票：候选项目和赞成、反对、弃权方格", "--session", _run_ballot),
            ("tally", "民生实事项目票决计票结果公告：到会人数、每个项目的票数、通过与否和名次", "--session", _run_tally),
            ("publicity", "民生实事项目实施情况公示：票决通过的项目、责任单位、预算、节点和进度", "--year", _run_publicity),
            ("outcomes", "意见建议办理结果公开：一个月内办结的意见建议和群众评价（反映人姓名隐去）", "--month", _run_outcomes),
            ("bulletin", "代表履职情况通报：一个月内每位代表的活动日出勤、接待次数和办结意见建议", "--month", _run_bulletin))
    for kind, text, flag, run in spec:
        k = kinds.add_parser(kind, help=text, description=f"{text}（A4）")
        k.add_argument("--db", required=True, help="数据库：文件路径或数据库地址")
        k.add_argument("--out", required=True, type=_pdf_out, metavar="FILE.pdf", help="输出的 PDF 文件（以 .pdf 结尾）")
        if flag == "--session":
            k.add_argument("--session", required=True, metavar="UID", help="票决会议的 uid（民生实事 → 票决 中可复制）")
        elif flag == "--year":
            k.add_argument("--year", required=True, type=_year, metavar="YYYY", help="年度，如 2026")
        else:
            k.add_argument("--month", required=True, type=_month, metavar="YYYY-MM", help="月份，如 2026-03")
        _station_arg(k)
        k.set_defaults(print_run=run)


def _month(text: str) -> str:
    """A month on the command line: ``2026-03``, its year within the range every date keeps."""
    parts = text.split("-")
    if len(parts) != 2 or len(parts[0]) != 4 or not all(p.isdigit() for p in parts) or not 1 <= int(parts[1]) <= 12:
        raise argparse.ArgumentTypeError(f"月份应写成 2026-03 这样的年-月，不是 {text}")
    _year(parts[0])
    return f"{parts[0]}-{int(parts[1]):02d}"


def _run_ballot(args):
    from station_app.services.livelihood_print import print_ballot

    return print_ballot(args.session, args.out, args.station_code)


def _run_tally(args):
    from station_app.services.livelihood_print import print_tally

    return print_tally(args.session, args.out, args.station_code)


def _run_publicity(args):
    from station_app.services.livelihood_print import print_publicity

    return print_publicity(args.year, args.out, args.station_code)


def _run_outcomes(args):
    from station_app.services.livelihood_print import print_outcomes

    return print_outcomes(args.month, args.out, args.station_code)


def _run_bulletin(args):
    from station_app.services.livelihood_print import print_bulletin

    return print_bulletin(args.month, args.out, args.station_code)


COUNTY_WORDS = ("all", "全县")


def _station_arg(k: argparse.ArgumentParser, county: bool = False) -> None:
    extra = "；all 或 全县：全县各站合计" if county else ""
    k.add_argument("--station", metavar="CODE",
                   help=f"联络站的站点编码：数据库中只有一个联络站时可省略，县级数据库（多个站点）必须指定{extra}")


def station_in_view(arg: str | None, county: bool = False) -> str | None:
    """The station a command is about, decided once at the top edge from ``--station``: the one
    named, else the database's only station; ``county`` allows ``all``/``全县`` (None: every
    station). Several and none named, or an unknown code: ``StationChoiceError`` (exit 2)."""
    from station_app.services import station

    if county and (arg or "").strip().lower() in COUNTY_WORDS:
        return None
    try:
        return station.choose(arg).code
    except station.StationChoiceError as exc:
        if county and not (arg or "").strip():
            exc.message += "；全县合计请用 --station all"
        raise


def _year(text: str) -> int:
    from station_app.domain.validators import EARLIEST_DATE, latest_date

    if not (text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年度应写成四位数字，如 2026，不是 {text}")
    first, last = EARLIEST_DATE.year, latest_date().year
    if not first <= int(text) <= last:
        raise argparse.ArgumentTypeError(f"年度超出合理范围：应在 {first} 到 {last} 之间，不是 {text}")
    return int(text)


def _date(text: str):
    """A date on the command line: ``2026-01-31``, within the range every date input keeps
    (:func:`station_app.domain.validators.check_date_range`); anything else exits 2."""
    import datetime as dt

    from station_app.domain.validators import check_date_range

    try:
        value = dt.date.fromisoformat(text)
    except ValueError:
        if len(text) == 10 and text[4] == text[7] == "-" and text.replace("-", "").isdigit():
            raise argparse.ArgumentTypeError(f"日期无效：{text} 没有这一天（日期应写成 2026-01-31 这样的年-月-日）") from None
        raise argparse.ArgumentTypeError(f"日期应写成 2026-01-31，不是 {text}") from None
    msg = check_date_range(value)
    if msg:
        raise argparse.ArgumentTypeError(msg)
    return value


def _pdf_out(text: str) -> str:
    if not text.lower().endswith(".pdf") or len(text) <= 4:
        raise argparse.ArgumentTypeError(f"输出文件应以 .pdf 结尾，如 公示栏.pdf，不是 {text}")
    return text


def _run_minutes(args):
    from station_app.services.activity import print_minutes

    return print_minutes(args.activity_day, args.out, args.station_code)


def _run_notice(args):
    from station_app.services.activity import print_notice

    return print_notice(args.date_from, args.date_to, args.out, args.station_code)


def _run_report(args):
    from station_app.services.stats import print_report

    return print_report(args.date_from, args.date_to, args.out, args.station_code, args.title)


def _run_case_sheet(args):
    from station_app.services.cases import print_sheet

    return print_sheet(args.case, args.sheet, args.out, args.station_code)


def deputy_uid_of(text: str, station_code: str) -> str:
    """The uid of the deputy ``text`` names: a uid of a deputy of the station in view, else the
    exact name of exactly one deputy of that station (in office or not). Several of that name: exit 2 with
    each one's name, 代表小组, 界别 and uid. None: ``NotFoundError``."""
    from station_app.errors import NotFoundError
    from station_app.services import deputies

    text = (text or "").strip()
    if not text:
        raise NotFoundError("请指定代表（uid 或姓名）")
    try:
        rec = deputies.get(text)
    except NotFoundError:
        rec = None
    if rec is not None and rec.deleted_at is None and rec.station_code == station_code:
        return rec.uid
    same = deputies.same_name(text, station_code=station_code)
    if len(same) == 1:
        return same[0].uid
    if len(same) > 1:  # say who they are, so the clerk can pick one: exit 2 like any wrong argument
        lines = [f"  {d.name}　代表小组：{d.group or '（未填）'}　界别/单位：{d.sector or '（未填）'}"
                 f"{'' if d.active else '　（已离任）'}　uid：{d.uid}" for d in same]
        raise ArgumentsWrong(f"本站有 {len(same)} 位代表名叫“{text}”，请在 --deputy 后写其中一位的 uid：\n"
                             + "\n".join(lines))
    raise NotFoundError(f"找不到代表“{text}”（请用代表的 uid 或本站代表的完整姓名）")


def _run_archive(args):
    from station_app.services.scoring import print_archive

    return print_archive(deputy_uid_of(args.deputy, args.station_code), args.year, args.out)


def _run_ranking(args):
    from station_app.services.scoring import print_ranking

    return print_ranking(args.year, args.out, args.station_code)


def cmd_print(args) -> int:
    """Run the chosen kind; print the PDF's path."""
    from station_app.db import close_database, open_database

    open_database(args.db)
    try:
        args.station_code = station_in_view(args.station, county=args.print_kind == "report")
        result = args.print_run(args)  # a Layout, or the Path of what was written
    finally:
        close_database()
    print(getattr(result, "path", result))
    return 0


def _qr(args):
    from station_app.services.printing import qr_options

    return qr_options(args.qr_mode, args.deputy_template, args.station_template)


def _full(args) -> bool | None:
    return True if args.full_numbers else None  # None: as the privacy setting says


def _run_board(args):
    from station_app.services.printing import print_board

    return print_board(args.out, args.paper, _qr(args), args.station_code, _full(args))


def _run_cards(args):
    from station_app.services.printing import print_cards

    return print_cards(args.out, _qr(args), args.station_code, _full(args), deputy_uids=args.deputies)


def _run_sanliang(args):
    from station_app.services.printing import print_sanliang

    return print_sanliang(args.out, _qr(args), args.station_code, _full(args), deputy_uids=args.deputies)


def _run_nameplate(args):
    from station_app.services.printing import print_nameplate

    return print_nameplate(args.out, args.station_code, deputy_uids=args.deputies)


def _run_poster(args):
    from station_app.services.printing import print_poster

    return print_poster(args.out, _qr(args), args.station_code)
