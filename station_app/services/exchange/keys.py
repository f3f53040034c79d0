"""Station keys (EXCHANGE_FORMAT §2.3a): this station's own key pair and the registry of the
stations whose packages this database accepts.

- :func:`own_key` makes the home station's Ed25519 key pair at its first export (or when the
  设置 page's 生成密钥 is pressed) and keeps it in the ``own_key`` table. The private key never
  leaves this database, which is encrypted at rest (SQLCipher, docs/security.md) and unlocked by
  a user's login; it is not in any package, backup aside.
- :func:`registry_verdict` decides, for a package signed by ``public_key`` for ``station_code``,
  whether it may be imported: the station's enrolled key, or the home station's own key; a
  station not yet enrolled only when the import enrols it; a different key never (re-enrolling a
  station is :func:`reenroll`, an admin action, audited).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal, overload

from station_app.db.connection import database
from station_app.db.models import OwnKey, StationKey
from station_app.domain import clock
from station_app.domain import package_signing as sig
from station_app.domain.roles import Permission
from station_app.errors import KnownError
from station_app.services import audit, context


@dataclass(frozen=True)
class StationKeyView:
    """A station's enrolled signing key as the 设置 page shows it: key, fingerprint, when and by whom enrolled."""
    station_code: str
    public_key: str
    fingerprint: str  # 20 hex digits
    enrolled_at: str
    enrolled_by: str
    enrolments: int

    @property
    def grouped(self) -> str:
        """The fingerprint in groups of four digits, for reading out over the phone."""
        return sig.grouped(self.fingerprint)


def _pair_of(row: OwnKey) -> sig.KeyPair:
    return sig.KeyPair(row.private_key, row.public_key)


def own_fingerprint(code: str) -> str | None:
    """The fingerprint of the station ``code``'s own key (None before its first export)."""
    row = OwnKey.get_or_none(OwnKey.station_code == code)
    return None if row is None else row.fingerprint


@overload
def own_key(code: str, create: Literal[True] = True) -> sig.KeyPair: ...
@overload
def own_key(code: str, create: bool) -> sig.KeyPair | None: ...


def own_key(code: str, create: bool = True) -> sig.KeyPair | None:
    """The station ``code``'s own key pair, made (and audited) on first use when ``create``."""
    row = OwnKey.get_or_none(OwnKey.station_code == code)
    if row is not None:
        return _pair_of(row)
    if not create:
        return None
    pair = sig.new_key_pair()
    with database.atomic():
        OwnKey.create(station_code=code, private_key=pair.private_b64, public_key=pair.public_b64,
                      fingerprint=pair.fingerprint, created_at=clock.now_ts())
        audit.record("create", "own_key", code, None, {"fingerprint": pair.fingerprint},
                     summary=f"生成本站数据包签名密钥（指纹 {sig.grouped(pair.fingerprint)}）", station_code=code)
    return pair


def enrolled(code: str) -> StationKeyView | None:
    """The enrolled key of station ``code``, or None when none is enrolled yet."""
    row = StationKey.get_or_none(StationKey.station_code == code)
    if row is None:
        return None
    return StationKeyView(row.station_code, row.public_key, row.fingerprint, clock.format_ts(row.enrolled_at)
                          if not isinstance(row.enrolled_at, str) else row.enrolled_at, row.enrolled_by, row.enrolments)


def registry() -> list[StationKeyView]:
    """Every enrolled station, by code."""
    codes = [r.station_code for r in StationKey.select(StationKey.station_code).order_by(StationKey.station_code)]
    return [v for v in (enrolled(c) for c in codes) if v is not None]


class UnknownStation(Exception):
    """A package's station is not enrolled (the import may enrol it); carries the fingerprint."""

    def __init__(self, code: str, fingerprint: str):
        super().__init__(code)
        self.code, self.fingerprint = code, fingerprint


def registry_verdict(code: str, public_b64: str, enroll: bool | Collection[str] = False) -> str | None:
    """None when the key may sign ``code``'s packages as things stand; ``"enrol"`` when it is a new
    station that ``enroll`` allows to be enrolled (True, or a collection holding its fingerprint);
    raises :class:`KnownError` with the reason otherwise (an unknown station not allowed: the
    reason names the fingerprint and how to enrol)."""
    fp = sig.key_fingerprint(public_b64)
    own = OwnKey.get_or_none(OwnKey.station_code == code)
    if own is not None:
        if own.public_key == public_b64:
            return None
        raise KnownError(f"数据包自称来自本站 {code}，但签名密钥不是本站的（指纹 {sig.grouped(fp)}）：数据包不可信，已拒绝")
    row = StationKey.get_or_none(StationKey.station_code == code)
    if row is not None:
        if row.public_key == public_b64:
            return None
        raise KnownError(
            f"数据包的签名密钥（指纹 {sig.grouped(fp)}）与已登记的站点 {code} 的密钥（指纹 {sig.grouped(row.fingerprint)}）"
            "不同：可能是伪造的数据包。如果该站确实更换了电脑，请管理员在“数据交换”页核对新指纹后重新登记")
    if enroll is True or (not isinstance(enroll, bool) and fp in enroll):
        return "enrol"
    raise UnknownStation(code, fp)


def unknown_reason(code: str, fingerprint: str) -> str:
    """Why a package signed by a not yet enrolled key of station ``code`` is held back, in Chinese."""
    return (f"站点 {code} 的签名密钥尚未登记（指纹 {sig.grouped(fingerprint)}）：请与该站核对指纹后由管理员登记"
            "（导入时确认，或命令行 import --enroll）")


def enrol(code: str, public_b64: str) -> None:
    """Enrol a new station's key (inside the import's transaction). Admin only."""
    context.require(Permission.ENROL, "登记站点密钥")
    fp = sig.key_fingerprint(public_b64)
    StationKey.create(station_code=code, public_key=public_b64, fingerprint=fp, enrolled_at=clock.now_ts(),
                      enrolled_by=context.current_actor()[:40], enrolments=1)
    audit.record("enrol", "station_key", code, None, {"fingerprint": fp},
                 summary=f"登记站点 {code} 的签名密钥（指纹 {sig.grouped(fp)}）", station_code=code)


def reenroll(code: str, public_b64: str) -> StationKeyView:
    """Replace station ``code``'s enrolled key by ``public_b64`` (a new PC). Admin only; the audit
    log keeps the old and the new fingerprint."""
    context.require(Permission.ENROL, "重新登记站点密钥")
    fp = sig.key_fingerprint(public_b64)
    with database.atomic():
        row = StationKey.get_or_none(StationKey.station_code == code)
        if row is None:
            raise KnownError(f"站点 {code} 尚未登记，不需要重新登记：导入它的数据包时确认指纹即可")
        before = {"fingerprint": row.fingerprint, "public_key": row.public_key}
        StationKey.update(public_key=public_b64, fingerprint=fp, enrolled_at=clock.now_ts(),
                          enrolled_by=context.current_actor()[:40],
                          enrolments=StationKey.enrolments + 1).where(StationKey.id == row.id).execute()
        audit.record("reenrol", "station_key", code, before, {"fingerprint": fp, "public_key": public_b64},
                     summary=f"重新登记站点 {code} 的签名密钥：{sig.grouped(row.fingerprint)} → {sig.grouped(fp)}",
                     station_code=code)
    view = enrolled(code)
    assert view is not None
    return view


def make_own_key(code: str) -> sig.KeyPair:
    """The 设置 page's 生成密钥: the home station's key pair, made now (a user who may change it)."""
    from station_app.services import station

    station.require_writable(code, "生成数据包签名密钥")
    return own_key(code)
