"""The station profile (站点信息): the first-run dialog fills it."""

from __future__ import annotations

import dataclasses
import re

from station_app.db.connection import database, db_cache
from station_app.db.models import Deputy, Station
from station_app.domain import clock
from station_app.domain.records import StationProfile
from station_app.domain.validators import check_phone, normalize_phone
from station_app.errors import ValidationError
from station_app.services import audit

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


def _to_profile(row: Station) -> StationProfile:
    return StationProfile(code=row.code, name=row.name, township=row.township, county=row.county,
                          address=row.address, phone=row.phone)


def home_station() -> StationProfile | None:
    row = Station.get_or_none(Station.is_home == True)  # noqa: E712
    return None if row is None else _to_profile(row)


def home_code() -> str:
    cache = db_cache()
    code = cache.get("home_code")
    if code is None:
        st = home_station()
        if st is None:
            raise ValidationError({"station": "请先填写联络站信息（设置 → 站点信息）"})
        code = cache["home_code"] = st.code
    return code


def stations() -> list[StationProfile]:
    return [_to_profile(r) for r in Station.select().order_by(Station.code)]


def validate_profile(p: StationProfile) -> dict[str, str]:
    errors = {}
    if not _CODE.fullmatch(p.code or ""):
        errors["code"] = "站点编码：1–32位字母、数字、-或_，如 NJ-CHX-01（县里统一分配）"
    if not (p.name or "").strip():
        errors["name"] = "请填写联络站名称，如 长官镇人大代表联络站"
    msg = check_phone(p.phone)
    if msg:
        errors["phone"] = msg
    return errors


def save_home_station(p: StationProfile) -> StationProfile:
    p = dataclasses.replace(p, code=(p.code or "").strip(), name=(p.name or "").strip(),
                            phone=normalize_phone(p.phone))
    db_cache().pop("home_code", None)
    errors = validate_profile(p)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        row = Station.get_or_none(Station.is_home == True)  # noqa: E712
        before = None if row is None else dataclasses.asdict(_to_profile(row))
        if row is not None and row.code != p.code:
            used = Deputy.select().where(Deputy.station_code == row.code).exists()
            if used:
                raise ValidationError({"code": f"站点编码 {row.code} 已用于已有记录，不能再修改"})
        other = Station.get_or_none((Station.code == p.code) & (Station.is_home == False))  # noqa: E712
        if other is not None:
            raise ValidationError({"code": f"站点编码 {p.code} 已是另一个站点的编码"})
        values = dict(code=p.code, name=p.name, township=p.township.strip(), county=p.county.strip(),
                      address=p.address.strip(), phone=p.phone, updated_at=clock.now_ts())
        if row is None:
            Station.create(is_home=True, **values)
        else:
            Station.update(**values).where(Station.id == row.id).execute()
        audit.record("create" if before is None else "update", "station", p.code, before,
                     dataclasses.asdict(p), summary=f"站点信息 {p.name}", station_code=p.code)
    return p
