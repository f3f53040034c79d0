"""The QR settings as one value: what every printout with a QR code starts from.

Its own module so that activity days (the notice's station code) and the print centre both read
it without importing each other.
"""

from __future__ import annotations

from station_app.domain.qrcontent import QrOptions
from station_app.services import settings


def qr_options(mode: str | None = None, deputy_template: str | None = None,
               station_template: str | None = None) -> QrOptions:
    """The QR settings, with whatever is given here taking their place."""
    return QrOptions(
        mode=mode or settings.get("qr.mode"),
        deputy_template=settings.get("qr.deputy_template") if deputy_template is None else deputy_template,
        station_template=settings.get("qr.station_template") if station_template is None else station_template,
    )
