"""设置 › 数据包签名密钥: this station's key fingerprint (EXCHANGE_FORMAT §2.3a), in groups of four,
to read out to the county or print; 复制 puts it on the clipboard; 生成密钥 makes the key before
the first export (which would make it anyway)."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QPushButton

from station_app.domain.package_signing import grouped
from station_app.errors import KnownError
from station_app.services import station
from station_app.services.exchange import keys


class StationKeyBox(QGroupBox):
    def __init__(self, parent=None):
        super().__init__(self.tr("数据包签名密钥"), parent)
        lay = QHBoxLayout(self)
        self.fingerprint_label = QLabel()
        self.fingerprint_label.setObjectName("keyFingerprint")
        self.fingerprint_label.setToolTip(self.tr("县里登记本站时核对这串字符：可以电话读给县里，或打印出来"))
        lay.addWidget(self.fingerprint_label, 1)
        self.copy_button = QPushButton(self.tr("复制"))
        self.copy_button.clicked.connect(self._on_copy)
        lay.addWidget(self.copy_button)
        self.make_button = QPushButton(self.tr("生成密钥"))
        self.make_button.clicked.connect(self._on_make)
        lay.addWidget(self.make_button)
        self.refresh()

    def fingerprint(self) -> str | None:
        home = station.home_station()
        return None if home is None else keys.own_fingerprint(home.code)

    def refresh(self) -> None:
        home = station.home_station()
        fp = self.fingerprint()
        if fp:
            self.fingerprint_label.setText(self.tr("密钥指纹：{0}（县里登记本站时核对）").format(grouped(fp)))
        elif home is None:
            self.fingerprint_label.setText(self.tr("请先填写站点信息"))
        else:
            self.fingerprint_label.setText(self.tr("尚未生成：第一次导出数据包时自动生成，也可以现在生成"))
        self.copy_button.setEnabled(bool(fp))
        self.make_button.setEnabled(home is not None and not fp)

    def _on_copy(self) -> None:
        fp = self.fingerprint()
        if fp:
            QGuiApplication.clipboard().setText(grouped(fp))

    def _on_make(self) -> None:
        home = station.home_station()
        if home is None:
            return
        try:
            keys.make_own_key(home.code)
        except KnownError as exc:
            self.fingerprint_label.setText(exc.message)
            return
        self.refresh()
