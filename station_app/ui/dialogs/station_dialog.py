"""站点信息: the first-run dialog, also reachable from 设置."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout

from station_app.domain.records import StationProfile
from station_app.errors import KnownError, ValidationError
from station_app.services import station
from station_app.ui.forms import FieldForm


class StationDialog(QDialog):
    """Edit the home station's profile; saves through ``services.station``."""

    def __init__(self, parent=None, first_run: bool = False):
        super().__init__(parent)
        self.setWindowTitle(self.tr("站点信息"))
        self.setMinimumWidth(480)
        self.saved: StationProfile | None = None
        lay = QVBoxLayout(self)
        if first_run:
            intro = QLabel(self.tr("欢迎使用联络站工作台。请先填写本联络站的基本信息（以后可在“设置”中修改）。\n"
                                   "站点编码由县人大常委会代表工委统一分配，用于向县里报送数据。"))
            intro.setWordWrap(True)
            lay.addWidget(intro)
        self.form = FieldForm(self)
        self.name = self.form.add("name", self.tr("联络站名称*"), QLineEdit())
        self.name.setPlaceholderText(self.tr("如 长官镇人大代表联络站"))
        self.code = self.form.add("code", self.tr("站点编码*"), QLineEdit())
        self.code.setPlaceholderText(self.tr("如 NJ-CG01"))
        self.township = self.form.add("township", self.tr("所在乡镇（街道）"), QLineEdit())
        self.county = self.form.add("county", self.tr("所在县（区）"), QLineEdit())
        self.address = self.form.add("address", self.tr("地址"), QLineEdit())
        self.phone = self.form.add("phone", self.tr("联系电话"), QLineEdit())
        self.phone.setPlaceholderText(self.tr("座机如 0534-5123456，或11位手机号"))
        lay.addLayout(self.form.layout)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Save).setText(self.tr("保存"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        current = station.home_station()
        if current:
            for field in ("name", "code", "township", "county", "address", "phone"):
                getattr(self, field).setText(getattr(current, field))

    def profile(self) -> StationProfile:
        return StationProfile(code=self.code.text().strip(), name=self.name.text().strip(),
                              township=self.township.text().strip(), county=self.county.text().strip(),
                              address=self.address.text().strip(), phone=self.phone.text().strip())

    def show_errors(self, fields: dict[str, str]) -> None:
        """Each message at its field, word-wrapped and whole: the dialog grows to the height its
        wrapped lines need (a form layout does not ask for it by itself; the lines were clipped)."""
        self.form.show_errors(fields)
        lay = self.layout()
        assert lay is not None, "the dialog's layout is set when it is built"
        lay.activate()
        need = self.heightForWidth(self.width())
        if need > self.height():
            self.resize(self.width(), need)

    def accept(self) -> None:
        self.form.clear_errors()
        try:
            self.saved = station.save_home_station(self.profile())
        except ValidationError as exc:
            self.show_errors(exc.fields)
            return
        except KnownError as exc:  # e.g. the database is read-only: said at the top of the form
            self.show_errors({"": exc.message})
            return
        super().accept()
