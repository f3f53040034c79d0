"""代表名册 import from an Excel (.xlsx) or CSV template, and export to Excel.

The template, the export and the importer share one column table (:data:`COLUMNS`), so an
exported roster can be edited and imported again.

Rules of the importer:

- the first sheet whose header row holds 姓名 and at least one other known column is read
  (headers match with or without the trailing ``*``, with full-width characters, with a
  ``（必填）`` suffix, and by a few common aliases such as 电话 or 层级); unknown columns are
  ignored; the 姓名 and 代表层级 columns must be present;
- fully empty rows are skipped, and so is the **example row**: any row whose 姓名 starts with
  ``示例`` (the template ships one, ``示例：张三``, in grey italic);
- CSV may be UTF-8 (with or without BOM), GBK/GB18030 (what Excel on Chinese Windows saves) or
  UTF-16; the separator is a comma, a tab or a semicolon;
- every problem of every row is reported (:class:`RowError` with the spreadsheet row number and
  the Chinese column name); if there is any, nothing is written. Otherwise all rows go in one
  transaction through :func:`station_app.services.deputies.create` (same normalisation,
  validation and audit as the dialog) plus one ``import`` audit entry.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import cast

from station_app.db.connection import database
from station_app.db.models import Deputy
from station_app.db.rows import tuples
from station_app.domain.codes import ETHNICITIES, PARTIES, Gender, levels_label, parse_levels_text
from station_app.domain.records import DeputyData, DeputyRecord, ImportReport, RowError
from station_app.domain.validators import normalize_phone, parse_date
from station_app.errors import ImportRejected, os_reason
from station_app.fileio import atomic_write_bytes
from station_app.services import audit, deputies
from station_app.services.deputies import DeputyFilter
from station_app.services.station import home_code, home_station

log = logging.getLogger(__name__)

SHEET_NAME = "代表名册"
HELP_SHEET_NAME = "填写说明"
EXAMPLE_PREFIX = "示例"
MAX_FILE_BYTES = 20 * 1024 * 1024
XLSX_SUFFIXES = (".xlsx", ".xlsm")
_HEADER_SCAN_ROWS = 20  # the header row is looked for among the first rows of a sheet
_VALIDATION_ROWS = 1000  # dropdowns and cell formats of the template cover this many rows


@dataclass(frozen=True)
class Column:
    """A column of the deputy spreadsheet template: its field, header, width, whether required, and help text."""
    key: str  # DeputyData field (``levels`` and ``active`` are parsed from text)
    header: str  # as written in the template, ``*`` marks a required column
    width: float
    required: bool
    help: str
    example: str
    aliases: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The column name without ``*`` (used in error messages)."""
        return self.header.rstrip("*")


COLUMNS: tuple[Column, ...] = (
    Column("name", "姓名*", 16, True,
           "代表的姓名。少数民族姓名中间的点照原样填写，如 赛山·托西别克。",
           "张三", ("代表姓名", "名字")),
    Column("gender", "性别", 7, False, "填 男 或 女（可从下拉框选择），可以不填。", "男"),
    Column("ethnicity", "民族", 10, False, "如 汉族、回族、维吾尔族，可以不填。", "汉族"),
    Column("birth_date", "出生日期", 13, False,
           "写成 1970-01-31（也认 1970/1/31、1970年1月31日、19700131），可以不填。",
           "1970-01-31", ("出生年月日", "出生年月", "生日")),
    Column("party", "党派", 13, False, "如 中共党员、民盟、无党派人士、群众，可以不填。", "中共党员",
           ("政治面貌",)),
    Column("levels", "代表层级*", 16, True,
           "必填。写 全国、省、市、县、乡镇 中的一个或几个，几个之间用顿号（、）或逗号分开，"
           "如 县、乡镇（同时是县、乡镇两级人大代表）。",
           "县、乡镇", ("层级", "代表级别", "级别")),
    Column("sector", "界别/行业", 16, False, "如 农业种养、教育、村（社区）干部，可以不填。", "农业种养",
           ("界别", "行业", "界别行业", "职业")),
    Column("group", "代表小组", 14, False, "所在的代表小组，如 第一代表小组，可以不填。", "第一代表小组",
           ("小组", "所属小组", "所属代表小组")),
    Column("phone", "联系电话", 16, False,
           "11位手机号（如 13812345678）或座机号（如 0534-5123456），可以不填。"
           "本列已设为文本格式，请不要改成数字格式。",
           "13812345678", ("电话", "手机", "手机号", "手机号码", "电话号码")),
    Column("term", "届次", 13, False, "如 第十八届，可以不填。", "第十八届", ("届别",)),
    Column("active", "是否在任", 10, False, "填 是 或 否（可从下拉框选择）；不填按“是”处理。", "是",
           ("在任", "在任情况")),
    Column("commitment", "承诺", 30, False, "代表的履职承诺（亮承诺），可以不填。",
           "每月至少进站接待选民一次", ("履职承诺", "亮承诺")),
    Column("note", "备注", 24, False, "其他需要说明的情况，可以不填。", "", ()),
    # last, so a roster typed into an older template keeps its columns where they were
    Column("public_phone", "公开联系电话", 16, False,
           "代表同意公开的号码：联系卡、公示栏和二维码上完整印出，群众可以直接拨打；"
           "不填则只印联络站电话。格式同联系电话，本列也是文本格式。",
           "13812345678", ("公开电话", "对外联系电话", "对外电话")),
)

_BY_KEY = {c.key: c for c in COLUMNS}
_FIELD_LABELS = {c.key: c.label for c in COLUMNS}

_TRUE_WORDS = {"是", "在任", "y", "yes", "true", "1", "√", "✓", "✔", "对"}
_FALSE_WORDS = {"否", "不在任", "离任", "已离任", "n", "no", "false", "0", "×", "✗", "✘", "x"}


# --- header matching -----------------------------------------------------------------------

def _header_key(text: object) -> str:
    """``' 姓名＊ '`` / ``'联系电话（必填）'`` → ``'姓名'`` / ``'联系电话'``."""
    if text is None:
        return ""
    value = unicodedata.normalize("NFKC", str(text))
    value = re.sub(r"\s+", "", value).strip("*")
    value = re.sub(r"\([^()]*\)$", "", value).strip("*")
    return value


_HEADER_LOOKUP: dict[str, str] = {}
for _col in COLUMNS:
    for _name in (_col.label, *_col.aliases):
        _HEADER_LOOKUP[_header_key(_name)] = _col.key


def _match_header(cells: Iterable[object]) -> dict[int, str] | None:
    """Column index → field key, when ``cells`` is a header row (姓名 and one more known column)."""
    found: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = _HEADER_LOOKUP.get(_header_key(cell))
        if key is not None and key not in found.values():
            found[index] = key
    if "name" in found.values() and len(found) >= 2:
        return found
    return None


# --- reading ---------------------------------------------------------------------------------

def _clean_cell(value: object) -> str | dt.date:
    """A cell as text (numbers without a spurious ``.0``) or, for date cells, a date."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value).strip()


def _rows_from_table(rows: Iterable[tuple[int, list[object]]], where: str) -> list[tuple[int, dict]]:
    """Find the header row, then map each later non-empty row to ``{field: value}``."""
    rows = iter(rows)
    header: dict[int, str] | None = None
    for row_no, cells in rows:
        if row_no > _HEADER_SCAN_ROWS:
            break
        header = _match_header(cells)
        if header is not None:
            break
    if header is None:
        raise ImportRejected(
            f"{where}中找不到表头：第一行应是“姓名*、性别、……、代表层级*”等栏目。"
            "请使用“保存导入模板”得到的模板填写。")
    missing = [c.label for c in COLUMNS if c.required and c.key not in header.values()]
    if missing:
        raise ImportRejected(f"表头缺少必填的栏目：{'、'.join(missing)}。请使用导入模板填写。")
    out: list[tuple[int, dict]] = []
    for row_no, cells in rows:
        record: dict[str, str | dt.date] = {}
        for index, key in header.items():
            record[key] = _clean_cell(cells[index]) if index < len(cells) else ""
        if not any(v not in ("", None) for v in record.values()):
            continue  # fully empty (or only unknown columns filled)
        name = record.get("name", "")
        if isinstance(name, str) and name.startswith(EXAMPLE_PREFIX):
            continue  # the template's example row
        out.append((row_no, record))
    return out


def _check_file(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise ImportRejected(f"找不到文件：{path}") from exc
    except OSError as exc:
        raise ImportRejected(f"无法读取文件：{path}（{os_reason(exc)}）") from exc
    if path.is_dir():
        raise ImportRejected(f"选择的是一个文件夹，不是名册文件：{path}")
    if size > MAX_FILE_BYTES:
        raise ImportRejected(f"文件太大（{size // (1024 * 1024)} MB），不像是代表名册：{path}")


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except PermissionError as exc:
        raise ImportRejected(f"无法读取文件（可能正被 Excel 等程序打开，请关闭后重试）：{path}") from exc
    except OSError as exc:
        raise ImportRejected(f"无法读取文件：{path}（{os_reason(exc)}）") from exc


def _read_xlsx(path: Path) -> list[tuple[int, dict]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    data = _read_bytes(path)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, InvalidFileException, KeyError, ValueError,
            TypeError, IndexError, EOFError, SyntaxError, zlib.error) as exc:  # SyntaxError: XML errors
        log.info("unreadable xlsx %s", path, exc_info=True)
        raise ImportRejected(
            f"无法读取这个 Excel 文件（可能已损坏、设置了打开密码，或其实不是 .xlsx 格式）：{path.name}") from exc
    try:
        for sheet in workbook.worksheets:
            rows = list(_sheet_rows(sheet))
            if any(_match_header(cells) for n, cells in rows if n <= _HEADER_SCAN_ROWS):
                return _rows_from_table(rows, f"工作表“{sheet.title}”")
        first = workbook.worksheets[0]
        return _rows_from_table(_sheet_rows(first), f"工作表“{first.title}”")
    finally:
        workbook.close()


def _sheet_rows(sheet) -> Iterable[tuple[int, list[object]]]:
    for cells in sheet.iter_rows():
        if not cells:
            continue
        yield cells[0].row, [c.value for c in cells]


def _decode_text(data: bytes, name: str) -> str:
    if b"\x00" in data and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(f"{name} 不是文本格式的 CSV 文件（请在 Excel 中另存为 CSV 或直接用 .xlsx）")
    encodings: tuple[str, ...]
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ("utf-16",)
    else:
        encodings = ("utf-8", "gb18030")
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportRejected(f"无法识别 {name} 的文字编码（支持 UTF-8 和 GBK）。建议直接导入 .xlsx 文件。")


def _read_csv(path: Path) -> list[tuple[int, dict]]:
    text = _decode_text(_read_bytes(path), path.name)
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ImportRejected(f"CSV 文件格式有误，无法读取：{path.name}（{exc}）") from exc
    # Row numbers count records, as Excel shows them when it opens the CSV.
    return _rows_from_table(((i, list(cells)) for i, cells in enumerate(records, start=1)), "文件")


def read_rows(path: str | Path) -> list[tuple[int, dict]]:
    """The data rows of a roster file as ``(spreadsheet row number, {field: value})``.

    Fields are the keys of :data:`COLUMNS` (``name``, ``levels``, ``phone``…) for the columns
    present. Values are stripped text (numbers without a spurious ``.0``), or ``datetime.date``
    for date cells. Empty rows and the example row are skipped.
    Raises :class:`ImportRejected` for an unsupported or unreadable file.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise ImportRejected("不支持旧版 Excel（.xls）文件：请在 Excel 中“另存为” .xlsx 格式后再导入。")
    if suffix not in (*XLSX_SUFFIXES, ".csv"):
        raise ImportRejected(f"只能导入 Excel（.xlsx）或 CSV（.csv）文件，不能导入 {path.name}")
    _check_file(path)
    if suffix == ".csv":
        return _read_csv(path)
    return _read_xlsx(path)


# --- parsing -----------------------------------------------------------------------------

def _text(value: str | dt.date | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return value.strip()


def _code_text(value: str | dt.date | None) -> str:
    """Text typed for a code-like field: full-width letters and digits made plain."""
    return unicodedata.normalize("NFKC", _text(value)).strip()


def _parse_gender(value) -> str | None:
    text = _code_text(value)
    if not text:
        return None
    if text in ("男性", "女性"):
        text = text[0]
    return Gender.from_label(text).value


def _parse_birth_date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    text = _code_text(value)
    if re.fullmatch(r"\d{5}", text):  # an Excel date serial in a column formatted as 常规
        from openpyxl.utils.datetime import from_excel

        return from_excel(int(text)).date()
    return parse_date(text)


def _parse_active(value) -> bool:
    text = _code_text(value).lower()
    if not text:
        return True
    if text in _TRUE_WORDS:
        return True
    if text in _FALSE_WORDS:
        return False
    raise ValueError(text)


def _parse_phone(value) -> str:
    text = _code_text(value)
    if re.fullmatch(r"\d+\.0+", text):
        text = text.split(".")[0]
    if re.fullmatch(r"\d(\.\d+)?e\+?\d+", text, flags=re.IGNORECASE):
        raise ValueError("scientific")
    return text


def _parse_ethnicity(value) -> str:
    text = _text(value)
    if text and not text.endswith("族") and f"{text}族" in ETHNICITIES:
        return f"{text}族"  # 汉 → 汉族
    return text


def _convert(row_no: int, record: dict) -> tuple[DeputyData | None, list[RowError]]:
    """One row → DeputyData (normalised as ``deputies.create`` would) and its errors."""
    errors: dict[str, str] = {}
    gender = None
    birth_date = None
    levels: tuple[str, ...] = ()
    active = True
    phone = public_phone = ""
    try:
        gender = _parse_gender(record.get("gender"))
    except ValueError:
        errors["gender"] = f"“{_text(record.get('gender'))}”不是性别：请填 男 或 女"
    try:
        birth_date = _parse_birth_date(record.get("birth_date"))
    except (ValueError, OverflowError):
        errors["birth_date"] = f"“{_text(record.get('birth_date'))}”不是有效日期：请写成 1970-01-31"
    raw_levels = _text(record.get("levels"))
    try:
        levels = tuple(lv.value for lv in parse_levels_text(unicodedata.normalize("NFKC", raw_levels)))
    except ValueError:
        errors["levels"] = (f"代表层级“{raw_levels}”看不懂：请写 全国、省、市、县、乡镇 中的一个或几个，"
                            "用顿号分开，如 县、乡镇")
    try:
        active = _parse_active(record.get("active"))
    except ValueError:
        errors["active"] = f"“{_text(record.get('active'))}”看不懂：是否在任请填 是 或 否"
    try:
        phone = _parse_phone(record.get("phone"))
    except ValueError:
        errors["phone"] = ("电话号码被 Excel 显示成了科学计数法（如 1.38E+10），位数已丢失："
                           "请把这一列设为“文本”格式后重新输入完整号码")
    try:
        public_phone = _parse_phone(record.get("public_phone"))
    except ValueError:
        errors["public_phone"] = ("公开联系电话被 Excel 显示成了科学计数法（如 1.38E+10），位数已丢失："
                                  "请把这一列设为“文本”格式后重新输入完整号码")
    data = DeputyData(
        name=_text(record.get("name")), levels=levels, gender=gender,
        ethnicity=_parse_ethnicity(record.get("ethnicity")), birth_date=birth_date,
        party=_text(record.get("party")), sector=_text(record.get("sector")),
        group=_text(record.get("group")), phone=phone, term=_text(record.get("term")),
        active=active, note=_text(record.get("note")), commitment=_text(record.get("commitment")),
        public_phone=public_phone,
    )
    data = deputies.normalized(data)
    for field, message in deputies.validate(data).items():
        errors.setdefault(field, message)  # a parse error of the same field says more
    order = [c.key for c in COLUMNS]
    row_errors = [RowError(row=row_no, field=_FIELD_LABELS.get(f, f), message=m)
                  for f, m in sorted(errors.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)]
    return (None if row_errors else data), row_errors


def _dup_key(name: str, phone: str) -> tuple[str, str]:
    return re.sub(r"\s+", "", name or ""), normalize_phone(phone)


def _parse_file(path: str | Path) -> tuple[list[tuple[int, DeputyData]], list[RowError], int]:
    """(good rows, errors, number of data rows) — everything that can be told from the file."""
    rows = read_rows(path)
    good: list[tuple[int, DeputyData]] = []
    errors: list[RowError] = []
    seen: dict[tuple[str, str], int] = {}
    for row_no, record in rows:
        data, row_errors = _convert(row_no, record)
        errors.extend(row_errors)
        if data is not None:
            key = _dup_key(data.name, data.phone)
            if key in seen:
                errors.append(RowError(row=row_no, field=_FIELD_LABELS["name"],
                                       message=_dup_message(f"与第{seen[key]}行重复", data.phone)))
                continue
            seen[key] = row_no
            good.append((row_no, data))
    return good, errors, len(rows)


def _dup_message(what: str, phone: str) -> str:
    if phone:
        return f"{what}（姓名和联系电话都相同），请删去重复的一行"
    return f"{what}（同名且都没有填电话）；如确是两位同名代表，请填写各自的联系电话以便区分"


def _database_duplicates(rows: list[tuple[int, DeputyData]]) -> list[RowError]:
    """Rows whose name + phone is already a (not deleted) deputy of this station."""
    station = home_station()
    query = Deputy.select(Deputy.name, Deputy.phone).where(Deputy.deleted_at.is_null())
    if station is not None:
        query = query.where(Deputy.station_code == station.code)
    existing = {_dup_key(name, phone) for name, phone in tuples(query)}
    return [RowError(row=row_no, field=_FIELD_LABELS["name"],
                     message=_dup_message("名册中已有这位代表", data.phone))
            for row_no, data in rows if _dup_key(data.name, data.phone) in existing]


def _sorted(errors: Iterable[RowError]) -> tuple[RowError, ...]:
    order = [c.label for c in COLUMNS]
    return tuple(sorted(errors, key=lambda e: (e.row, order.index(e.field) if e.field in order else 99)))


def _check(path: str | Path) -> tuple[list[tuple[int, DeputyData]], tuple[RowError, ...], int]:
    """(rows without problems, every problem sorted by row and column, number of data rows)."""
    good, problems, total = _parse_file(path)
    errors = _sorted([*problems, *_database_duplicates(good)])
    flagged = {e.row for e in errors}
    return [(row_no, data) for row_no, data in good if row_no not in flagged], errors, total


def parse_deputies(path: str | Path) -> tuple[list[DeputyData], list[RowError]]:
    """The deputies of a roster file and every problem found, row by row.

    The list holds the rows without problems (normalised, ready for ``deputies.create``);
    a row that repeats an earlier row, or a deputy already in the database (same name and
    phone, not deleted), is a problem. Raises :class:`ImportRejected` when the file cannot be
    read at all.
    """
    good, errors, _total = _check(path)
    return [data for _row, data in good], list(errors)


def import_deputies(path: str | Path) -> ImportReport:
    """Import a roster: all rows in one transaction, or nothing and a report of every problem.

    Raises :class:`ImportRejected` (unreadable file) or :class:`ValidationError` (no station
    profile yet); both are ``KnownError``s with a Chinese message.
    """
    code = home_code()  # fail early, before reading, when the station is not set up
    good, errors, total = _check(path)
    if total == 0:
        return ImportReport(total=0, imported=0, errors=(RowError(row=0, field="", message="文件中没有代表数据"),))
    if errors:
        return ImportReport(total=total, imported=0, errors=errors)
    name = Path(path).name
    with database.atomic():
        uids = [deputies.create(data).uid for _row, data in good]
        audit.record("import", "deputy", f"import:{name}"[:64], None,
                     {"file": name, "count": len(uids), "uids": uids},
                     summary=f"从 {name} 导入代表 {len(uids)} 名", station_code=code)
    return ImportReport(total=total, imported=len(uids))


def error_report_text(report: ImportReport) -> str:
    """``第3行 联系电话：手机号应为11位数字…``, one line per problem (plain Chinese)."""
    if report.ok:
        return f"已导入 {report.imported} 名代表。"
    lines = []
    for err in report.errors:
        where = f"第{err.row}行" if err.row > 0 else ""
        field = f"{where} {err.field}".strip()
        lines.append(f"{field}：{err.message}" if field else err.message)
    return "\n".join(lines)


# --- writing -----------------------------------------------------------------------------

def _record_cells(rec: DeputyData) -> list[str | dt.date]:
    values = {
        "name": rec.name, "gender": Gender.label_of(rec.gender), "ethnicity": rec.ethnicity,
        "birth_date": rec.birth_date, "party": rec.party, "levels": levels_label(rec.levels),
        "sector": rec.sector, "group": rec.group, "phone": rec.phone, "public_phone": rec.public_phone,
        "term": rec.term,
        "active": "是" if rec.active else "否", "commitment": rec.commitment, "note": rec.note,
    }
    return ["" if (value := values[c.key]) is None else value for c in COLUMNS]


def _roster_workbook(records: Iterable[DeputyData], example: bool):
    """The 代表名册 sheet (+ 填写说明); ``example`` adds the grey italic example row."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = cast(Worksheet, wb.active)  # a new workbook starts with one worksheet
    ws.title = SHEET_NAME
    ws.append([c.header for c in COLUMNS])
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.freeze_panes = "A2"
    ws.row_dimensions[1].height = 22
    letters = {c.key: get_column_letter(i) for i, c in enumerate(COLUMNS, start=1)}
    for i, col in enumerate(COLUMNS, start=1):
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = col.width
    # Phones stay text (no 1.38E+10), dates show as 1970-01-31, in rows typed later too.
    ws.column_dimensions[letters["phone"]].number_format = "@"
    ws.column_dimensions[letters["public_phone"]].number_format = "@"
    ws.column_dimensions[letters["birth_date"]].number_format = "yyyy-mm-dd"

    rows: list[list[str | dt.date]] = []
    if example:
        sample: list[str | dt.date] = [c.example for c in COLUMNS]
        sample[0] = f"{EXAMPLE_PREFIX}：{COLUMNS[0].example}"
        rows.append(sample)
    rows.extend(_record_cells(r) for r in records)
    grey = Font(italic=True, color="808080")
    for offset, values in enumerate(rows):
        row_no = offset + 2
        for i, (col, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            cell = ws.cell(row=row_no, column=i)
            if col.key == "birth_date" and value and not isinstance(value, dt.date):
                value = dt.date.fromisoformat(str(value))
            cell.value = value if value != "" else None
            if col.key in ("phone", "public_phone"):
                cell.number_format = "@"
            elif col.key == "birth_date":
                cell.number_format = "yyyy-mm-dd"
            if example and offset == 0:
                cell.font = grey
    last = max(_VALIDATION_ROWS, len(rows) + 1)

    def dropdown(key: str, options: Iterable[str], strict: bool, prompt: str) -> None:
        dv = DataValidation(type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                            showErrorMessage=strict, showInputMessage=True)
        dv.promptTitle = _BY_KEY[key].label
        dv.prompt = prompt
        if strict:
            dv.errorTitle = _BY_KEY[key].label
            dv.error = prompt
        ws.add_data_validation(dv)
        dv.add(f"{letters[key]}2:{letters[key]}{last}")

    dropdown("gender", ("男", "女"), True, "请选择 男 或 女")
    dropdown("active", ("是", "否"), True, "请选择 是 或 否")
    dropdown("levels", ("县、乡镇", "乡镇", "县", "市", "省", "全国", "市、县", "市、县、乡镇"), False,
             "可多选：用顿号分开，如 县、乡镇")
    dropdown("party", PARTIES, False, "可从下拉框选择，也可直接填写")
    dropdown("ethnicity", ETHNICITIES, False, "可从下拉框选择，也可直接填写")
    _help_sheet(wb)
    return wb


def _help_sheet(wb) -> None:
    from openpyxl.styles import Alignment, Font

    ws = wb.create_sheet(HELP_SHEET_NAME)
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 8
    ws.column_dimensions["C"].width = 70
    ws.column_dimensions["D"].width = 22
    ws.append(["代表名册填写说明"])
    ws["A1"].font = Font(bold=True, size=14)
    notes = (
        "1. 在“代表名册”表中每行填写一位代表，第一行的栏目名称不要改动，栏目顺序可以调整。",
        f"2. 第2行灰色斜体的“{EXAMPLE_PREFIX}：张三”是示例，导入时自动跳过，可以保留也可以删除；"
        f"姓名以“{EXAMPLE_PREFIX}”开头的行都不会导入。",
        "3. 带 * 的栏目必须填写，其他栏目可以空着。",
        "4. 导入前会逐行检查：只要有一处错误，就一个代表也不导入，并列出第几行哪一栏该怎么改；改正后重新导入即可。",
        "5. 同一文件中姓名和电话都相同的两行、或名册中已有的代表（姓名和电话都相同），会提示重复，不会重复导入。",
        "6. 也可以另存为 CSV 文件导入（UTF-8 或 Excel 默认的 GBK 编码都可以）。",
    )
    for note in notes:
        ws.append([note])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=4)
        ws.cell(row=ws.max_row, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[ws.max_row].height = 30
    ws.append([])
    ws.append(["栏目", "必填", "怎么填", "例子"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for col in COLUMNS:
        ws.append([col.label, "必填" if col.required else "", col.help, col.example])
        for cell in ws[ws.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _save_workbook(wb, path: str | Path) -> None:
    buf = io.BytesIO()
    wb.save(buf)
    atomic_write_bytes(path, buf.getvalue())


def save_template(path: str | Path) -> None:
    """Write the import template (.xlsx): header, example row, dropdowns and 填写说明."""
    _save_workbook(_roster_workbook((), example=True), path)


def export_deputies(path: str | Path, flt: DeputyFilter = DeputyFilter(active=None)) -> int:
    """Write the deputies matching ``flt`` (not deleted) as .xlsx in the template's columns,
    phones in full (the clerk's own roster). Returns how many were written."""
    records: list[DeputyRecord] = deputies.all_deputies(flt)
    _save_workbook(_roster_workbook(records, example=False), path)
    return len(records)


__all__ = [
    "COLUMNS", "EXAMPLE_PREFIX", "error_report_text", "export_deputies", "import_deputies",
    "parse_deputies", "read_rows", "save_template",
]
