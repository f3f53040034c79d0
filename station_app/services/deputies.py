"""代表名册: create, edit, deactivate, list (keyset pages), photos."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import peewee as pw

from station_app.core.paths import attachments_dir
from station_app.db.connection import current_url, database
from station_app.db.models import Deputy
from station_app.db.rows import tuples
from station_app.domain import clock, name_order
from station_app.domain.codes import Gender, Level, levels_to_mask, mask_to_levels
from station_app.domain.records import DeputyData, DeputyRecord, Page
from station_app.domain.validators import check_birth_date, check_name, check_phone, normalize_phone
from station_app.errors import (
    KnownError,
    NotFoundError,
    ValidationError,
    check_not_stale,
    storage_error_from_oserror,
)
from station_app.fileio import atomic_write_bytes
from station_app.printing.fonts import name_problem
from station_app.services import audit
from station_app.services.station import home_code, require_writable

PHOTO_SIZE = (480, 640)  # 3:4


@dataclass(frozen=True)
class DeputyFilter:
    """What the 代表 list shows: matching text, level, group, active or not, of which station."""
    text: str = ""  # part of the name, phone, sector or group
    level: str | None = None
    group: str | None = None
    active: bool | None = True  # None: both
    station_code: str | None = None


def validate(data: DeputyData) -> dict[str, str]:
    """Field → message for everything wrong with ``data`` (empty when fine)."""
    errors: dict[str, str] = {}
    msg = check_name(data.name) or name_problem(data.name)
    if msg:
        errors["name"] = msg
    if not data.levels:
        errors["levels"] = "请至少选择一个代表层级（全国/省/市/县/乡镇）"
    else:
        for lv in data.levels:
            if lv not in Level.codes():
                errors["levels"] = f"不认识的代表层级：{lv}"
    if data.gender not in (None, "", *Gender.codes()):
        errors["gender"] = "性别应为 男 或 女"
    msg = check_phone(data.phone)
    if msg:
        errors["phone"] = msg
    msg = check_phone(data.public_phone)
    if msg:
        errors["public_phone"] = "公开联系电话：" + msg
    if data.birth_date is not None:
        if not isinstance(data.birth_date, dt.date):
            errors["birth_date"] = "出生日期格式应为 1970-01-31"
        elif msg := check_birth_date(data.birth_date):
            errors["birth_date"] = msg
    for fname, limit, label in (("ethnicity", 20, "民族"), ("party", 20, "党派"), ("sector", 40, "界别/行业"),
                                ("group", 40, "代表小组"), ("term", 40, "届次")):
        if len(getattr(data, fname) or "") > limit:
            errors[fname] = f"{label}最多{limit}个字"
    return errors


def normalized(data: DeputyData) -> DeputyData:
    """``data`` tidied: text trimmed, phones normalised, levels in order from highest."""
    order = Level.codes()
    return dataclasses.replace(
        data,
        name=data.name.strip(),
        gender=data.gender or None,
        levels=tuple(sorted(set(data.levels), key=order.index)) if all(lv in order for lv in data.levels) else tuple(data.levels),
        phone=normalize_phone(data.phone), public_phone=normalize_phone(data.public_phone),
        ethnicity=data.ethnicity.strip(), party=data.party.strip(), sector=data.sector.strip(),
        group=data.group.strip(), term=data.term.strip(), note=data.note.strip(),
        commitment=data.commitment.strip(),
    )


def _row_values(data: DeputyData) -> dict:
    return dict(
        name=data.name, gender=data.gender, ethnicity=data.ethnicity, birth_date=data.birth_date,
        party=data.party, levels_mask=levels_to_mask(data.levels), sector=data.sector,
        group_name=data.group, phone=data.phone, term=data.term, active=data.active, note=data.note,
        commitment=data.commitment, sort_order=data.sort_order, public_phone=data.public_phone,
    )


def to_record(row: Deputy) -> DeputyRecord:
    """The frozen record of the row ``row``."""
    return DeputyRecord(
        uid=row.uid, station_code=row.station_code, name=row.name, gender=row.gender,
        ethnicity=row.ethnicity, birth_date=row.birth_date, party=row.party,
        levels=tuple(lv.value for lv in mask_to_levels(row.levels_mask)), sector=row.sector,
        group=row.group_name, phone=row.phone, term=row.term, active=bool(row.active), photo=row.photo,
        note=row.note, commitment=row.commitment, sort_order=row.sort_order, public_phone=row.public_phone,
        created_at=row.created_at, updated_at=row.updated_at, deleted_at=row.deleted_at,
    )


def audit_dict(rec: DeputyRecord) -> dict:
    """``rec`` as the audit log stores it (timestamps as text)."""
    out = dataclasses.asdict(rec)
    for key in ("created_at", "updated_at", "deleted_at"):
        out.pop(key, None)
    out["levels"] = list(rec.levels)
    out["birth_date"] = rec.birth_date.isoformat() if rec.birth_date else None
    return out


def get(uid: str) -> DeputyRecord:
    """The deputy ``uid`` (deleted ones too); :class:`NotFoundError` when unknown."""
    row = Deputy.get_or_none(Deputy.uid == uid)
    if row is None:
        raise NotFoundError("找不到这位代表（可能已被删除）")
    return to_record(row)


def create(data: DeputyData, photo_source: str | Path | None = None) -> DeputyRecord:
    """Add a deputy (with a photo when given) after checking ``data``."""
    data = normalized(data)
    errors = validate(data)
    if errors:
        raise ValidationError(errors)
    code = home_code()
    photo = import_photo(photo_source) if photo_source else None
    with database.atomic():
        row = Deputy.create(station_code=code, photo=photo, **_row_values(data))
        rec = to_record(row)
        audit.record("create", "deputy", rec.uid, None, audit_dict(rec), summary=f"新增代表 {rec.name}",
                     station_code=code)
    return rec


def update(uid: str, data: DeputyData, photo_source: str | Path | None = None,
           remove_photo: bool = False, expected_updated_at=None) -> DeputyRecord:
    """Save the deputy form; ``expected_updated_at`` (what the form loaded) guards against a save
    over a newer change (another window, an import): :class:`StaleEdit`, the newer data kept."""
    data = normalized(data)
    errors = validate(data)
    if errors:
        raise ValidationError(errors)
    photo = import_photo(photo_source) if photo_source else None
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, f"修改代表 {before.name}")
        check_not_stale(before.updated_at, expected_updated_at)
        values = _row_values(data)
        if photo:
            values["photo"] = photo
        elif remove_photo:
            values["photo"] = None
        values["updated_at"] = clock.now_ts()
        Deputy.update(**values).where(Deputy.uid == uid).execute()
        after = get(uid)
        if audit_dict(before) != audit_dict(after):
            action = "update"
            if before.active != after.active:
                action = "activate" if after.active else "deactivate"
            changed = audit.diff(audit_dict(before), audit_dict(after))
            audit.record(action, "deputy", uid, {k: v[0] for k, v in changed.items()},
                         {k: v[1] for k, v in changed.items()}, summary=f"修改代表 {after.name}",
                         station_code=after.station_code)
    return after


def set_active(uid: str, active: bool) -> DeputyRecord:
    """Deactivate (离任/暂停) or reactivate a deputy; the record and its history stay."""
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, f"修改代表 {before.name}")
        if before.active == active:
            return before
        Deputy.update(active=active, updated_at=clock.now_ts()).where(Deputy.uid == uid).execute()
        after = get(uid)
        audit.record("activate" if active else "deactivate", "deputy", uid, {"active": before.active},
                     {"active": after.active}, summary=f"{'恢复在任' if active else '设为不在任'} {after.name}",
                     station_code=after.station_code)
    return after


def delete(uid: str) -> DeputyRecord:
    """Tombstone: the row stays (it may have been exported) with ``deleted_at`` set."""
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, f"修改代表 {before.name}")
        if before.deleted_at is not None:
            return before
        ts = clock.now_ts()
        Deputy.update(deleted_at=ts, updated_at=ts).where(Deputy.uid == uid).execute()
        after = get(uid)
        audit.record("delete", "deputy", uid, audit_dict(before), None, summary=f"删除代表 {before.name}",
                     station_code=before.station_code)
    return after


def restore(uid: str) -> DeputyRecord:
    """Undo the deletion of the deputy ``uid``."""
    with database.atomic():
        before = get(uid)
        require_writable(before.station_code, f"修改代表 {before.name}")
        if before.deleted_at is None:
            return before
        Deputy.update(deleted_at=None, updated_at=clock.now_ts()).where(Deputy.uid == uid).execute()
        after = get(uid)
        audit.record("restore", "deputy", uid, None, audit_dict(after), summary=f"恢复代表 {after.name}",
                     station_code=after.station_code)
    return after


def _filtered(flt: DeputyFilter):
    query = Deputy.select().where(Deputy.deleted_at.is_null())
    if flt.station_code:
        query = query.where(Deputy.station_code == flt.station_code)
    if flt.active is not None:
        query = query.where(Deputy.active == flt.active)
    if flt.level:
        query = query.where(Deputy.levels_mask.bin_and(Level(flt.level).bit) != 0)
    if flt.group:
        query = query.where(Deputy.group_name == flt.group)
    text = (flt.text or "").strip()
    if text:
        query = query.where(
            Deputy.name.contains(text) | Deputy.phone.contains(text) | Deputy.sector.contains(text)
            | Deputy.group_name.contains(text)
        )
    return query


def count(flt: DeputyFilter = DeputyFilter()) -> int:
    """How many deputies match ``flt``."""
    return _filtered(flt).count()


# Above this many deputies in one list, the deputies page pages in SQL by (sort_order, name, id):
# code-point order, not the official one (a whole county; a station has 10–80 deputies).
PYTHON_ORDER_LIMIT = 3000


def names_order() -> str:
    """The setting ``names.order``: ``stroke`` (按姓氏笔画, the default) or ``pinyin``."""
    from station_app.services import settings

    value = settings.get("names.order")
    return value if value in (name_order.STROKE, name_order.PINYIN) else name_order.STROKE


def roster_key(name: str, sort_order: int, order: str) -> tuple:
    """The roster's order: deputies given an explicit 排序号 (non-zero) first, by that number;
    then everyone else by name in the official order (``domain.name_order``)."""
    return (0 if sort_order else 1, sort_order or 0, name_order.name_key(name, order))


def in_roster_order(records: list[DeputyRecord], order: str | None = None) -> list[DeputyRecord]:
    """``records`` in the roster's order (sort order, then names by strokes or pinyin)."""
    order = order or names_order()
    return sorted(records, key=lambda r: (*roster_key(r.name, r.sort_order, order), r.uid))


def page(flt: DeputyFilter = DeputyFilter(), after: tuple | None = None, limit: int = 256) -> Page:
    """A keyset page in the roster's order (:func:`roster_key`); pass ``next_key`` back for the
    next one. Lists of up to :data:`PYTHON_ORDER_LIMIT` deputies are ordered here (the key cannot
    be computed in SQL); longer ones by (sort_order, name, id) in SQL."""
    query = _filtered(flt)
    if after is None or after[0] == "roster":
        keys = list(query.select(Deputy.id, Deputy.sort_order, Deputy.name)
                    .limit(PYTHON_ORDER_LIMIT + 1).tuples())
        if after is not None or len(keys) <= PYTHON_ORDER_LIMIT:
            return _page_in_roster_order(keys, after, limit)
        query = _filtered(flt)
    if after is not None:
        s, n, i = after
        query = query.where(
            (Deputy.sort_order > s)
            | ((Deputy.sort_order == s) & (Deputy.name > n))
            | ((Deputy.sort_order == s) & (Deputy.name == n) & (Deputy.id > i))
        )
    rows = list(query.order_by(Deputy.sort_order, Deputy.name, Deputy.id).limit(limit))
    next_key = None
    if len(rows) == limit:
        last = rows[-1]
        next_key = (last.sort_order, last.name, last.id)
    return Page(rows=tuple(to_record(r) for r in rows), next_key=next_key)


def _page_in_roster_order(keys: list[tuple], after: tuple | None, limit: int) -> Page:
    order = after[1] if after is not None else names_order()  # one order for every page of a list
    ranked = sorted((*roster_key(name, sort_order, order), id_) for id_, sort_order, name in keys)
    if after is not None:
        ranked = [k for k in ranked if k > after[2]]
    chosen = ranked[:limit]
    by_id = {r.id: r for r in Deputy.select().where(Deputy.id.in_([k[-1] for k in chosen]))} if chosen else {}
    rows = tuple(to_record(by_id[k[-1]]) for k in chosen if k[-1] in by_id)
    next_key = ("roster", order, chosen[-1]) if len(ranked) > limit else None
    return Page(rows=rows, next_key=next_key)


def all_deputies(flt: DeputyFilter = DeputyFilter(active=None)) -> list[DeputyRecord]:
    """Every deputy the filter selects, in the roster's order (:func:`roster_key`)."""
    return in_roster_order([to_record(r) for r in _filtered(flt)])


def distinct_values(field: str) -> list[str]:
    """Known groups / sectors / terms / parties, for autocomplete."""
    column = {"group": Deputy.group_name, "sector": Deputy.sector, "term": Deputy.term,
              "party": Deputy.party, "ethnicity": Deputy.ethnicity}[field]
    query = (Deputy.select(column).where(Deputy.deleted_at.is_null() & (column != ""))
             .group_by(column).order_by(pw.fn.COUNT(Deputy.id).desc(), column))
    return [r for (r,) in tuples(query)]


# --- photos -------------------------------------------------------------------------------

def _open_image(source: str | Path):
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(source) as img:
            return ImageOps.exif_transpose(img).convert("RGB")
    except FileNotFoundError as exc:
        raise KnownError(f"找不到照片文件：{source}") from exc
    except (UnidentifiedImageError, OSError) as exc:
        raise ValidationError({"photo": "这个文件不是能识别的照片（请用 JPG 或 PNG）"}) from exc


def _store_jpeg(img) -> str:
    """Store ``img`` content-addressed beside the database; return ``attachments/{sha256}.jpg``."""
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=88)
    data = buf.getvalue()
    name = f"attachments/{hashlib.sha256(data).hexdigest()}.jpg"
    path = photo_path(name)
    if not path.exists():
        try:
            atomic_write_bytes(path, data)
        except OSError as exc:  # pragma: no cover - atomic_write already translates
            raise storage_error_from_oserror(exc, path) from exc
    return name


def import_photo(source: str | Path) -> str:
    """Crop a photo to 3:4 (centred, a little towards the top where faces are), scale it to
    480×640 and store it content-addressed in the data dir. Returns ``attachments/{sha256}.jpg``."""
    from PIL import Image

    img = _open_image(source)
    w, h = img.size
    target = 3 / 4
    if w / h > target:  # too wide: cut the sides
        new_w = round(h * target)
        left = (w - new_w) // 2
        box = (left, 0, left + new_w, h)
    else:  # too tall: keep more of the top
        new_h = round(w / target)
        top = (h - new_h) // 3
        box = (0, top, w, top + new_h)
    return _store_jpeg(img.crop(box).resize(PHOTO_SIZE, Image.Resampling.LANCZOS))


def import_picture(source: str | Path, longest: int = 1600) -> str:
    """An activity photo: kept whole, scaled so its longest side is at most ``longest`` pixels."""
    img = _open_image(source)
    img.thumbnail((longest, longest))
    return _store_jpeg(img)


def photo_path(photo: str) -> Path:
    """The file behind a stored ``attachments/…`` name."""
    base = attachments_dir(current_url())
    return base / Path(photo).name


def same_name(name: str, *, station_code: str | None, except_uid: str | None = None) -> list[DeputyRecord]:
    """The deputies on record (in office or not, not deleted) named exactly ``name``, of station
    ``station_code`` (None: every station), ``except_uid`` left out: the deputy dialog warns of
    them before saving a second deputy of the same name."""
    name = (name or "").strip()
    if not name:
        return []
    q = Deputy.select().where(Deputy.deleted_at.is_null(), Deputy.name == name)
    if station_code:
        q = q.where(Deputy.station_code == station_code)
    if except_uid:
        q = q.where(Deputy.uid != except_uid)
    return [to_record(r) for r in q.order_by(Deputy.sort_order, Deputy.id)]
