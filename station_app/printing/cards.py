"""Per-deputy printouts: 代表联系卡 (8 per A4, with cut marks), the 三亮 card (A5) and the
desk name plate (铭牌, an A4 landscape tent card folded in the middle)."""

from __future__ import annotations

from pathlib import Path

from station_app.domain import qrcontent
from station_app.domain.codes import Gender
from station_app.printing.board import DEPUTY_QR_SYMBOL
from station_app.printing.jobs import PAPERS_MM, Layout, PrintJob

CARD_W, CARD_H = 90.0, 54.0  # a business card, a little wider
CARD_COLS, CARD_ROWS = 2, 4
CARD_QR = 38.0
MARK, MARK_GAP = 6.0, 2.0  # cut mark length, and its distance from the card edge


def render_cards(job: PrintJob, out: str | Path) -> Layout:
    """Contact cards, eight to an A4 sheet, edge to edge with cut marks in the margins."""
    from station_app.printing.kit import write_pdf

    size = PAPERS_MM["A4"]
    items = [(d, job.deputy_qr(d)) for d in job.deputies]
    per_page = CARD_COLS * CARD_ROWS
    left = (size[0] - CARD_COLS * CARD_W) / 2
    top = (size[1] - CARD_ROWS * CARD_H) / 2

    def draw(sheet) -> None:
        for start in range(0, max(len(items), 1), per_page):
            if start:
                sheet.new_page()
            _cut_marks(sheet, left, top)
            for k, (deputy, content) in enumerate(items[start:start + per_page]):
                _card(sheet, job, deputy, content, left + (k % CARD_COLS) * CARD_W, top + (k // CARD_COLS) * CARD_H)

    return write_pdf(out, size, f"{job.station.name} 代表联系卡", draw)


def _cut_marks(sheet, left: float, top: float) -> None:
    from station_app.printing.kit import INK

    right, bottom = left + CARD_COLS * CARD_W, top + CARD_ROWS * CARD_H
    for i in range(CARD_COLS + 1):
        x = left + i * CARD_W
        sheet.line(x, top - MARK_GAP - MARK, x, top - MARK_GAP, INK, 0.4)
        sheet.line(x, bottom + MARK_GAP, x, bottom + MARK_GAP + MARK, INK, 0.4)
    for j in range(CARD_ROWS + 1):
        y = top + j * CARD_H
        sheet.line(left - MARK_GAP - MARK, y, left - MARK_GAP, y, INK, 0.4)
        sheet.line(right + MARK_GAP, y, right + MARK_GAP + MARK, y, INK, 0.4)


def _card(sheet, job: PrintJob, deputy, content: str, x: float, y: float) -> None:
    from station_app.printing.kit import GREY, INK, LINE, RED, WHITE

    sheet.record("card", x, y, CARD_W, CARD_H, deputy.uid)
    sheet.rect(x, y, CARD_W, CARD_H, stroke=LINE, width=0.25)  # a faint edge, in case the cut drifts
    band = 9.0
    sheet.rect(x, y, CARD_W, band, fill=RED)
    sheet.text(x + 4, y + 6.2, "人大代表联系卡", 11, WHITE, bold=True)
    sheet.text(x + CARD_W - 4, y + 6.0, job.station.name, 7.5, WHITE, "right", CARD_W - 40)
    qx, qy = x + CARD_W - CARD_QR - 2, y + band + (CARD_H - band - CARD_QR) / 2
    sheet.qr(content, qx, qy, CARD_QR, "deputy_qr", deputy.uid, DEPUTY_QR_SYMBOL)
    tx, tw = x + 4.5, qx - x - 5.5
    drawn = sheet.text(tx, y + band + 9, deputy.name, 17, INK, width=tw, bold=True, condense=0.75)
    sheet.record("name", tx, y + band + 3.5, drawn, 6, deputy.uid)
    sheet.text(tx, y + band + 15, qrcontent.deputy_title(deputy), 8.5, RED, width=tw)
    sheet.line(tx, y + band + 17.5, tx + tw, y + band + 17.5, LINE, 0.4)
    phone = job.phone(deputy)
    lines = [(job.station.name, GREY), (job.rule and f"接待日：{job.rule}", GREY),
             (phone and f"{phone.label}：{phone.number}", INK)]
    ty = y + band + 22.5
    for line, color in lines:
        if line:
            sheet.text(tx, ty, line, 8, color, width=tw)
            ty += 5.2


def render_sanliang(job: PrintJob, out: str | Path) -> Layout:
    """One A5 三亮 card per deputy: 亮身份 (photo and who), 亮服务 (where and when, the code),
    亮承诺 (the deputy's commitment; ruled lines to write one by hand when there is none)."""
    from station_app.printing.kit import write_pdf

    size = PAPERS_MM["A5"]
    items = [(d, job.deputy_qr(d)) for d in job.deputies]

    def draw(sheet) -> None:
        for k, (deputy, content) in enumerate(items):
            if k:
                sheet.new_page()
            _sanliang_page(sheet, job, deputy, content, size)

    return write_pdf(out, size, f"{job.station.name} 三亮公示", draw)


def _phone_fact(phone: qrcontent.ContactPhone) -> tuple[str, str]:
    """The 亮服务 line: the deputy's own number, or the station's marked as such."""
    if not phone or phone.own:
        return ("联系电话", phone.number)
    return ("联系电话", f"{phone.number}（联络站）")


def _section(sheet, x: float, y: float, w: float, label: str) -> None:
    from station_app.printing.kit import RED, WHITE

    sheet.rect(x, y, 19, 6.5, fill=RED)
    sheet.text(x + 9.5, y + 4.8, label, 10.5, WHITE, "center", bold=True)
    sheet.line(x + 19, y + 6.5, x + w, y + 6.5, RED, 0.8)


def _sanliang_page(sheet, job: PrintJob, deputy, content: str, size) -> None:
    from station_app.printing.kit import GREY, INK, LINE, PALE_RED, RED

    m = 10.0
    w = size[0] - 2 * m
    sheet.record("card", 0, 0, size[0], size[1], deputy.uid)
    sheet.band(m, m, w, 20, "亮身份　亮服务　亮承诺", 19, job.station.name, 9.5)
    # 亮身份
    y = m + 25
    _section(sheet, m, y, w, "亮身份")
    y += 10
    sheet.photo(job.photos.get(deputy.uid), m, y, 33, 44, deputy.uid)
    tx, tw = m + 38, w - 38
    drawn = sheet.text(tx, y + 7.5, deputy.name, 22, INK, width=tw, bold=True, condense=0.75)
    sheet.record("name", tx, y + 1.5, drawn, 8, deputy.uid)
    sheet.text(tx, y + 15, qrcontent.deputy_title(deputy), 11, RED, width=tw)
    facts = [
        ("性别民族", "　".join(filter(None, (Gender.label_of(deputy.gender), deputy.ethnicity)))),
        ("政治面貌", deputy.party), ("界　　别", deputy.sector), ("代表小组", deputy.group), ("届　　次", deputy.term),
    ]
    ty = y + 21.5
    for label, value in facts:
        if value:
            sheet.text(tx, ty, label, 9, GREY)
            sheet.text(tx + 17, ty, value, 9, INK, width=tw - 17)
            ty += 5
    # 亮服务
    y += 49
    _section(sheet, m, y, w, "亮服务")
    y += 9
    qr_side = 38.0
    sheet.qr(content, m + w - qr_side + 2, y, qr_side, "deputy_qr", deputy.uid, DEPUTY_QR_SYMBOL)
    service = [("联络站", job.station.name), ("接待日", job.rule), ("近期接待", job.dates_text()),
               ("地　址", job.station.address), _phone_fact(job.phone(deputy))]
    ty, sw = y + 6, w - qr_side - 2
    for label, value in service:
        if value:
            sheet.text(m, ty, label, 9, GREY)
            ty = sheet.paragraph(m + 17, ty, value, 9.5, sw - 17, max_lines=2)
    sheet.text(m, y + qr_side - 2, "扫码联系代表，反映意见建议", 8, GREY)
    # 亮承诺
    y += qr_side + 4
    _section(sheet, m, y, w, "亮承诺")
    y += 9
    box_h = size[1] - m - 8 - y
    sheet.rect(m, y, w, box_h, fill=PALE_RED)
    if deputy.commitment:
        sheet.paragraph(m + 4, y + 8, deputy.commitment, 11, w - 8, 7.0, INK, max_lines=int((box_h - 4) // 7))
    else:
        for ly in range(1, int(box_h // 9) + 1):
            sheet.line(m + 4, y + ly * 9, m + w - 4, y + ly * 9, LINE, 0.5)
    sheet.text(size[0] / 2, size[1] - m - 1, f"{job.station.name}　制", 8, GREY, "center")


def render_nameplate(job: PrintJob, out: str | Path) -> Layout:
    """Desk name plates: A4 landscape folded along the middle into a tent; the name is printed
    on both halves, the far half upside down, so it reads from both sides of the desk."""
    from station_app.printing.kit import write_pdf

    size = PAPERS_MM["A4-landscape"]

    def draw(sheet) -> None:
        for k, deputy in enumerate(job.deputies):
            if k:
                sheet.new_page()
            _plate(sheet, deputy, size)

    return write_pdf(out, size, f"{job.station.name} 代表铭牌", draw)


def _plate(sheet, deputy, size) -> None:
    from station_app.printing.kit import GREY, LINE, PT_MM, RED

    w, h = size
    half = h / 2
    sheet.line(8, half, w - 8, half, LINE, 0.6, dash=(4, 3))
    sheet.text(10, half - 1.5, "沿虚线对折", 7, GREY)
    for turned in (True, False):
        top = 0.0 if turned else half
        cx, cy = w / 2, top + half / 2
        sheet.record("plate", 0, top, w, half, deputy.uid)

        def face(top=top, cx=cx) -> None:
            size_pt, _ = sheet.fit(deputy.name, 130, w - 50, condense=0.8)  # the name, as big as fits
            em = size_pt * PT_MM
            base = top + half * 0.45 + em * 0.35  # ideographs sit about 0.35 em above the baseline
            sheet.text(cx, base, deputy.name, 130, "#000000", "center", w - 50, bold=True, condense=0.8)
            rule = base + em * 0.08 + 6
            sheet.rect(cx - 60, rule, 120, 0.8, fill=RED)
            sheet.text(cx, rule + 10, qrcontent.deputy_title(deputy), 16, RED, "center", w - 60)

        if turned:
            with sheet.turned(cx, cy):
                face()
        else:
            face()
