"""The station profile (站点信息) and the station in view.

The first-run dialog fills the home profile (the station this database belongs to). A county
database holds many stations, each imported from its packages; a replacement PC restored from its
own package holds one imported station and no home profile. Which station a page, a printout or a
statistic is about is decided once, at the top edge (:func:`choose` for the command line,
:func:`view` for the GUI's selector), and passed down to every service as a station code: no
service falls back to the home station for reading.
"""

from __future__ import annotations

import dataclasses
import re
from typing import cast

from station_app.db import faults, statements
from station_app.db.connection import database, db_cache, is_read_only
from station_app.db.models import ActivityDay, Deputy, Reception, Station
from station_app.domain import clock
from station_app.domain.records import StationProfile, StationView
from station_app.domain.roles import Permission
from station_app.domain.validators import check_phone, normalize_phone
from station_app.errors import KnownError, ValidationError
from station_app.printing.fonts import name_problem
from station_app.services import audit, context

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")


COUNTY_NAME = "全县"
READ_ONLY_REASON = ("{name}的数据来自该站报送的数据包，在这里只能查看：修改请在该站进行"
                    "（这里的改动会被该站下一个数据包覆盖）")


class _SoleStation:
    def __repr__(self) -> str:
        return "SOLE"


# The default of a reading service's ``station_code``: the database's only station. Where the
# database holds several, a service called without naming one refuses (StationChoiceError) instead
# of guessing; the GUI and the command line always name the station in view (None: every station).
SOLE: str = cast(str, _SoleStation())


def in_view(code: str | None) -> str | None:
    """The station code a service reads: ``code`` as given (None: every station, 全县), or for
    :data:`SOLE` the database's only station."""
    if code is SOLE:
        return sole_code()
    return code


def sole_code() -> str:
    """The code of the database's only station (the home station of a station database, or the
    one station restored from its own package); :class:`StationChoiceError` where there are several."""
    rows = statements.rows(("sole-station",), [2], lambda: Station.select(Station.code).limit(2))  # built once
    if len(rows) == 1:
        return rows[0][0]
    return choose(None).code


class StationChoiceError(KnownError):
    """No single station could be chosen (several and none named, or an unknown code): a wrong
    argument, so the command line exits 2."""

    exit_code = 2


def _to_profile(row: Station) -> StationProfile:
    rule, schedule = row.reception_rule or "", tuple(str(t) for t in row.schedule_rules or ())
    if row.is_home:  # at home the rules are the settings the clerk edits (设置, 活动日)
        from station_app.services import settings

        rule = str(settings.get("station.reception_rule") or "").strip()
        schedule = tuple(str(t) for t in settings.get("schedule.rules"))
    return StationProfile(code=row.code, name=row.name, township=row.township, county=row.county,
                          address=row.address, phone=row.phone, reception_rule=rule, schedule_rules=schedule,
                          is_home=bool(row.is_home))


def home_station() -> StationProfile | None:
    """The home station's profile, ``None`` before the station is set up."""
    row = Station.get_or_none(Station.is_home == True)  # noqa: E712
    return None if row is None else _to_profile(row)


def home_code() -> str:
    """The home station's code (kept per database); :class:`ValidationError` before it is set up."""
    cache = db_cache()
    code = cache.get("home_code")
    if code is None:
        st = home_station()
        if st is None:
            raise ValidationError({"station": "请先填写联络站信息（设置 → 站点信息）"})
        code = cache["home_code"] = st.code
    return code


def stations() -> list[StationProfile]:
    """Every station in the database, by code."""
    return [_to_profile(r) for r in Station.select().order_by(Station.code)]


def _holds_data(code: str) -> bool:
    return any(m.select().where(m.station_code == code).exists() for m in (Deputy, ActivityDay, Reception))


def data_stations() -> list[StationProfile]:
    """The stations a page, a printout or a statistic can be about: every imported station, and the
    home station unless it is an empty profile beside imported ones (a county office that filled in
    its own 站点信息 but keeps no records of its own)."""
    rows = stations()
    if not any(not r.is_home for r in rows):
        return rows
    return [r for r in rows if not r.is_home or _holds_data(r.code)]


def is_county() -> bool:
    """True when the database holds stations imported from packages (a county database, or a
    replacement PC restored from its own package)."""
    return Station.select().where(Station.is_home == False).exists()  # noqa: E712


def profile(code: str) -> StationProfile:
    """The profile of station ``code``; :class:`StationChoiceError` when there is none."""
    row = Station.get_or_none(Station.code == code)
    if row is None:
        raise StationChoiceError(f"数据库中没有站点编码为 {code} 的联络站。" + _listing(data_stations()))
    return _to_profile(row)


def _listing(choices: list[StationProfile]) -> str:
    if not choices:
        return "数据库中还没有任何联络站的数据。"
    return "可选的站点：" + "；".join(f"{s.code} {s.name}" for s in choices)


def choose(code: str | None) -> StationProfile:
    """The station a command is about (the command line's ``--station``): the one named, else the
    only station the database holds. Several and none named, or a code the database does not hold:
    :class:`StationChoiceError` listing the codes and names."""
    code = (code or "").strip()
    if code:
        return profile(code)
    choices = data_stations()
    if len(choices) == 1:
        return choices[0]
    if not choices:
        raise ValidationError({"station": "请先填写联络站信息（设置 → 站点信息），或导入联络站的数据包"})
    raise StationChoiceError(f"数据库中有 {len(choices)} 个联络站，请用 --station 指定一个。" + _listing(choices))


def view(code: str | None) -> StationView:
    """The GUI's station in view: ``code`` None is 全县 (every station of the database)."""
    if code is None:
        return StationView(None, COUNTY_NAME, writable=False,
                           read_only_reason="全县汇总只能查看；请在上方选择一个联络站查看它的明细")
    st = profile(code)
    if st.is_home and is_read_only():
        return StationView(st.code, st.name, writable=False, read_only_reason=faults.READ_ONLY)
    user = context.current_user()
    if st.is_home and not context.may(Permission.CHANGE) and user is not None:
        return StationView(st.code, st.name, writable=False,
                           read_only_reason=f"您以{user.role.label}身份登录，只能查看，不能修改")
    if st.is_home:
        return StationView(st.code, st.name, writable=True)
    return StationView(st.code, st.name, writable=False, read_only_reason=READ_ONLY_REASON.format(name=st.name))


def default_view() -> StationView | None:
    """Where the GUI opens: the home station of a station database; at a county database the only
    station, or 全县 when it holds several. None: nothing to show yet (the first-run dialog)."""
    home = home_station()
    if home is not None and not is_county():
        return view(home.code)
    choices = data_stations()
    if not choices:
        return None
    return view(choices[0].code) if len(choices) == 1 else view(None)


def database_read_only() -> bool:
    """True when the database was opened read-only (a read-only folder or medium, issue 18)."""
    return is_read_only()


def require_writable(code: str, what: str = "修改") -> None:
    """Refuse a change to a record of station ``code`` unless it is the home station's: a record
    imported from another station's package belongs to that station. The logged-in user's role must
    allow changes (:func:`station_app.services.context.require`): a 只读 user is refused here, in the
    service, whatever the UI offered."""
    context.require(Permission.CHANGE, what)
    if is_read_only():
        raise faults.ReadOnlyDatabase(f"不能{what}：" + faults.READ_ONLY)
    home = home_station()
    if home is None or home.code != code:
        row = Station.get_or_none(Station.code == code)
        name = row.name if row else code
        raise KnownError(f"不能{what}：" + READ_ONLY_REASON.format(name=name))


def save_imported_profile(values: dict) -> None:
    """Store the profile a package carries (EXCHANGE_FORMAT §2.2 ``station``) for an imported
    station; the home profile is never touched from a package."""
    code = values["code"]
    fields: dict = {k: str(values.get(k) or "")[:n] for k, n in (("name", 100), ("township", 100), ("county", 100),
                                                                ("address", 200), ("phone", 40), ("reception_rule", 200))}
    fields["schedule_rules"] = [str(t)[:200] for t in values.get("schedule_rules") or ()][:20]
    row = Station.get_or_none(Station.code == code)
    if row is None:
        Station.create(code=code, is_home=False, **fields)
        return
    if row.is_home:
        return
    # an older package lacks the newer fields: keep what a newer one brought
    fields = {k: v for k, v in fields.items() if k in ("name", "township", "county") or k in values}
    if any(getattr(row, k) != v for k, v in fields.items()):
        Station.update(updated_at=clock.now_ts(), **fields).where(Station.id == row.id).execute()


def validate_profile(p: StationProfile) -> dict[str, str]:
    """field → what to type, for every problem of ``p`` (empty when it is fine)."""
    errors = {}
    if not _CODE.fullmatch(p.code or ""):
        errors["code"] = "站点编码：1–32位字母、数字、-或_，如 NJ-CHX-01（县里统一分配）"
    if not (p.name or "").strip():
        errors["name"] = "请填写联络站名称，如 长官镇人大代表联络站"
    else:
        msg = name_problem(p.name, "联络站名称")
        if msg:
            errors["name"] = msg
    msg = check_phone(p.phone)
    if msg:
        errors["phone"] = msg
    return errors


def save_home_station(p: StationProfile) -> StationProfile:
    """Create or update the home station's profile after checking it."""
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
