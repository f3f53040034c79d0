"""The county view: every station of the database, its packages and the gaps in its chain."""

from __future__ import annotations

from station_app.db.models import Deputy, ExchangeImported, Reception, Station
from station_app.services.exchange.results import StationStatus


def county_stations() -> list[StationStatus]:
    """Every station of the database with the packages imported for it and whether its chain has a
    gap: a package (after the newest full one, which carries everything) whose predecessor was
    never imported. The database's own profile is left out while it holds no data (a county's)."""
    out = []
    packages: dict[str, list] = {}
    for row in ExchangeImported.select().where(ExchangeImported.status == "imported") \
            .order_by(ExchangeImported.created_at):
        packages.setdefault(row.station_code, []).append(row)
    names = {s.code: s.name for s in Station.select()}
    home = Station.get_or_none(Station.is_home == True)  # noqa: E712
    if home is not None and home.code not in packages and not (
            Deputy.select().where(Deputy.station_code == home.code).exists()
            or Reception.select().where(Reception.station_code == home.code).exists()):
        names.pop(home.code, None)  # the county's own profile: no station's data, not a row of zeros
    for code in sorted(set(names) | set(packages)):
        rows = packages.get(code, [])
        ids = {r.package_id for r in rows}
        fulls = [i for i, r in enumerate(rows) if r.kind == "full"]
        start = fulls[-1] + 1 if fulls else 0
        missing = [r for r in rows[start:] if r.previous_package_id and r.previous_package_id not in ids]
        note = ""
        if missing:
            first = missing[0]
            note = (f"{first.created_at:%Y-%m-%d %H:%M} 的数据包（{first.period_from}至{first.period_to}）之前的数据包"
                    f"没有导入（缺少编号 {first.previous_package_id[:8]}…）")
            if len(missing) > 1:
                note += f"，共 {len(missing)} 处断档"
        out.append(StationStatus(
            code=code, name=names.get(code, code), packages=len(rows),
            last_imported_at=max((r.imported_at for r in rows), default=None),
            period_from=min((r.period_from for r in rows), default=None),
            period_to=max((r.period_to for r in rows), default=None),
            gap=bool(missing), gap_note=note))
    return out

