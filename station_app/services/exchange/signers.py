"""Who signed each package, read before an import (EXCHANGE_FORMAT §2.3a): the GUI asks the admin
to confirm the fingerprint of each station not yet enrolled, then imports with those fingerprints."""

from __future__ import annotations

from dataclasses import dataclass

import station_app.services.exchange.keys as keys
from station_app.domain import package_signing as signing
from station_app.errors import KnownError
from station_app.services.exchange.common import _Reject
from station_app.services.exchange.verify import _open_zip, _read_signed


@dataclass(frozen=True)
class PackageSigner:
    """Who signed a package (station, fingerprint) and whether the registry knows the key."""
    path: str
    station_code: str
    station_name: str
    fingerprint: str  # 20 hex digits
    state: str  # known / unknown (may be enrolled) / refused (the import will say why)

    @property
    def grouped(self) -> str:
        """The fingerprint in groups of four digits, for reading out over the phone."""
        return signing.grouped(self.fingerprint)


def package_signers(paths, password: str | None = None) -> list[PackageSigner]:
    """The verified signer of each readable, signed package (others are left to the import's report)."""
    out = []
    for path in map(str, paths):
        try:
            with _open_zip(path, password) as zf:
                manifest, public = _read_signed(zf, bool(password))
        except (_Reject, OSError):
            continue
        fp = signing.key_fingerprint(public)
        try:
            keys.registry_verdict(manifest.station_code, public)
            state = "known"
        except keys.UnknownStation:
            state = "unknown"
        except KnownError:
            state = "refused"
        out.append(PackageSigner(path, manifest.station_code, str(manifest.station.get("name") or ""), fp, state))
    return out


def reenroll_from_package(path, password: str | None = None) -> keys.StationKeyView:
    """Re-enrol the station of the package ``path`` with the key whose signature over it verifies
    (the GUI's 重新登记站点密钥; admin only, audited by :func:`keys.reenroll`)."""
    try:
        with _open_zip(str(path), password) as zf:
            manifest, public = _read_signed(zf, bool(password))
    except _Reject as exc:
        raise KnownError(exc.reason) from None
    except OSError as exc:
        raise KnownError(f"无法读取数据包：{exc}") from None
    return keys.reenroll(manifest.station_code, public)
