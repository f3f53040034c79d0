"""履职积分: what the page's tabs share (stylesheet, colours, column numbers, small helpers)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from station_app.ui import charts, style

if TYPE_CHECKING:
    from PySide6.QtCore import Signal
    from PySide6.QtWidgets import QComboBox, QLabel, QPushButton, QSpinBox, QTableView, QWidget

    from station_app.domain.scoring import RuleSet
    from station_app.services import scoring
    from station_app.services.scoring import DeputyScore, DutyRecordView
    from station_app.ui import tasks
    from station_app.ui.models.duty_records import DutyRecordsModel
    from station_app.ui.pages.points.archive import ArchiveData
    from station_app.ui.pdfview import SavedPdfDialog
    from station_app.ui.station_view import StationViewHost

    class PointsHost(StationViewHost, Protocol):
        """What the tabs of :class:`PointsPage` rely on: the page's widgets and state, and the
        methods one tab calls on another (type checking only)."""

        changed: ClassVar[Signal]
        # the page's head and state (ui/pages/points/__init__.py)
        year: QSpinBox
        busy: QLabel
        year_state: QLabel
        close_year_button: QPushButton
        _ready: bool
        _busy: bool
        _work: tasks.OneAtATime
        _ranking: list[DeputyScore]
        _status: scoring.YearStatus | None
        _rules: RuleSet | None
        _records: list[DutyRecordView]
        _score: DeputyScore | None
        _deputy_uid: str | None
        _archive: ArchiveData | None
        _select_next: str | None
        preview_dialog: SavedPdfDialog | None
        # the archive tab's widgets (archive.py)
        deputy: QComboBox
        explain: QLabel
        print_archive_button: QPushButton
        records_model: DutyRecordsModel
        records_table: QTableView
        add_button: QPushButton
        approve_button: QPushButton
        reject_button: QPushButton
        delete_button: QPushButton
        evidence_button: QPushButton

        def refresh(self) -> None: ...
        def current_tab(self) -> str: ...
        def show_deputy(self, uid: str) -> bool: ...
        def _load_failed(self, exc: Exception) -> None: ...
        def _set_busy(self, busy: bool) -> None: ...
        def _show_message(self, text: str, kind: str) -> None: ...
        def _final(self) -> bool: ...
        def _standing_text(self, s: DeputyScore) -> str: ...
        def _fill_records(self, rs: RuleSet) -> None: ...
        def selected_record(self) -> DutyRecordView | None: ...
        def _update_record_buttons(self) -> None: ...
        def add_record(self) -> DutyRecordView | None: ...
        def approve_selected(self) -> bool: ...
        def reject_selected(self) -> bool: ...
        def delete_selected(self) -> bool: ...
        def _on_record_double_clicked(self, row: int, _col: int) -> None: ...
        def open_evidence(self, rec: DutyRecordView | None) -> bool: ...
        def _folder(self) -> str: ...
        def request_print_ranking(self) -> None: ...
        def request_print_archive(self) -> None: ...
        def request_year_closing(self) -> bool: ...

    class PointsTab(PointsHost, QWidget):
        """The page as each tab mixin sees it."""

        # set by the tabs themselves as well as by the page: declared here again, or mypy takes a
        # tab's first assignment for the attribute's definition
        _deputy_uid: str | None
        _archive: ArchiveData | None
        _select_next: str | None
        preview_dialog: SavedPdfDialog | None
else:
    PointsTab = object  # at run time the tabs are plain mixins of PointsPage

STYLE = charts.CHART_VIEW_STYLE + f"""
#banner {{ background: #FFF4E5; border: 1px solid #F0B45A; border-radius: 4px; }}
#bannerText {{ color: #8A4B00; font-weight: bold; }}
#scoreLine {{ font-size: 12pt; }}
#profileLine {{ color: {style.TEXT_DIM}; }}
#explainLine {{ font-size: 11pt; color: {style.DARK_RED}; font-weight: bold; }}
#sectionTitle {{ color: {style.DARK_RED}; font-weight: bold; font-size: 11pt; }}
#rulesState {{ color: {style.TEXT_DIM}; }}
#pointsMessage[kind="error"] {{ color: {style.RED}; }}
#pointsMessage[kind="info"] {{ color: {style.GREEN}; }}
"""

TABS = ("ranking", "archive", "tasks", "rules")
RED = style.RED
GREEN = style.GREEN
PENDING = style.qcolor(style.ORANGE)
MUTED = style.qcolor(style.MUTED)
CHART_HEIGHT = 230

# archive records table columns
R_DATE, R_IND, R_CAT, R_QTY, R_PTS, R_COUNTED, R_SOURCE, R_STATE, R_NOTE, R_EVIDENCE = range(10)


def _cap_of(rs, code: str) -> float:
    ind = rs.indicator(code)
    return ind.cap if ind is not None and ind.cap is not None else 0.0
