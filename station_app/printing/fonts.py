"""The bundled CJK font for ReportLab (TrueType outlines, embedded as a subset), and the one
rule of what it can draw.

- :func:`missing_chars` / :func:`can_draw`: pure functions over the font's character map. The
  services refuse a *name* (deputy, visitor, station) holding a character the font lacks, with
  :func:`name_problem`'s message, at entry — GUI, CLI and spreadsheet import alike.
- :func:`printable`: free text (summaries, opinions, minutes, themes…) prints every character:
  one the font lacks becomes a visible ``[U+1F600]`` (its code point, so a reader sees something
  was there and can look it up); a space-like character the font lacks (tab, em space) prints as a
  space. The registered font applies it itself (:class:`_PrintableTTFont`), in measuring and in
  drawing, so no printout — canvas text, platypus paragraph, chart label — can drop a character
  silently, whichever drawing path it takes.
"""

from __future__ import annotations

from functools import lru_cache

from station_app.resources import font_path

CJK = "StationCJK"


@lru_cache(maxsize=1)
def register_cjk_font() -> str:
    """Register the bundled font once; return its ReportLab name."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    class _PrintableTTFont(TTFont):
        """The bundled font, but text is passed through :func:`printable` before it is measured
        or split into glyphs: a character the font lacks shows as ``[U+XXXX]`` instead of an
        invisible .notdef glyph (which ``pdftotext`` would give back as nothing)."""

        # a character's advance in 1/1000 em: ReportLab measures Chinese text one character at a
        # time when it breaks lines (textsplit.getCharWidths), most of a table-heavy PDF's layout
        one: dict[str, float] = {}

        def stringWidth(self, text, size, encoding="utf8"):  # noqa: N802 - ReportLab's name
            if type(text) is str and len(text) == 1:
                w = self.one.get(text)
                if w is None:
                    w = self.one[text] = super().stringWidth(printable(text), 1000, encoding)
                return 0.001 * size * w  # what ReportLab computes: 0.001 × size × the glyphs' widths
            return super().stringWidth(printable(_as_str(text, encoding)), size, encoding)

        def splitString(self, text, doc, encoding="utf-8"):  # noqa: N802 - ReportLab's name
            return super().splitString(printable(_as_str(text, encoding)), doc, encoding)

    font = _PrintableTTFont(CJK, str(font_path()), subfontIndex=0)
    pdfmetrics.registerFont(font)
    _CODEPOINTS.append(frozenset(font.face.charToGlyph))
    return CJK


_CODEPOINTS: list[frozenset[int]] = []  # filled once by register_cjk_font


def _as_str(text, encoding: str) -> str:
    return text if isinstance(text, str) else bytes(text).decode(encoding or "utf-8")


def drawable_codepoints() -> frozenset[int]:
    """The code points the bundled font has a glyph for (its character map)."""
    register_cjk_font()
    return _CODEPOINTS[0]


def can_draw(ch: str, codepoints: frozenset[int] | None = None) -> bool:
    """Whether the font draws the single character ``ch`` (newlines count as drawable: every
    layout breaks lines there)."""
    if ch in "\n\r":
        return True
    return ord(ch) in (drawable_codepoints() if codepoints is None else codepoints)


def missing_chars(text: str | None, codepoints: frozenset[int] | None = None) -> list[str]:
    """The distinct characters of ``text`` the font cannot draw, in the order they first occur
    (white space is not counted: it prints as a space)."""
    cps = drawable_codepoints() if codepoints is None else codepoints
    seen: list[str] = []
    for ch in text or "":
        if ch not in seen and not ch.isspace() and not can_draw(ch, cps):
            seen.append(ch)
    return seen


def placeholder(ch: str) -> str:
    """What a character the font lacks prints as: ``[U+1F600]``."""
    return f"[U+{ord(ch):04X}]"


def printable(text: str, codepoints: frozenset[int] | None = None) -> str:
    """``text`` with every character the font lacks made visible (see the module's docstring)."""
    if not text:
        return text
    cps = drawable_codepoints() if codepoints is None else codepoints
    if all(ord(ch) in cps for ch in text):  # the usual case: nothing to do
        return text
    out = []
    for ch in text:
        if ord(ch) in cps or ch in "\n\r":
            out.append(ch)
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(placeholder(ch))
    return "".join(out)


def char_label(ch: str) -> str:
    """``“😀”（U+1F600）``: the character and its code, for a message (an invisible one such as a
    lone combining mark is still identifiable by its code)."""
    return f"“{ch}”（U+{ord(ch):04X}）"


def name_problem(name: str | None, what: str = "姓名") -> str | None:
    """``None`` when the font draws every character of ``name``; else the Chinese message that
    names the characters and says what to do."""
    missing = missing_chars(name)
    if not missing:
        return None
    import unicodedata

    chars = "、".join(char_label(ch) for ch in missing)
    rare = any(unicodedata.name(ch, "").startswith("CJK") for ch in missing)
    advice = "请改用常用字（如同音字）或拼音" if rare else "请改用文字"
    return f"{what}中的{chars}无法打印（字库中没有这个字），{advice}"
