"""Write resources/hanzi_order.tsv (stroke count and reading per Chinese character) from Unihan.

The official order of names (按姓氏笔画为序) and its alternative (按拼音) need each character's
total stroke count and Mandarin reading; nothing installed with the program has them, so they come
from the Unicode Han Database (Unihan), once, by this script. The generated file is committed;
CI does not regenerate it.

Getting the data (Debian/Ubuntu; any Unihan 15.x folder will do)::

    apt-get download unicode-data
    dpkg-deb -x unicode-data_*.deb /tmp/ud
    python3 tools/make_hanzi_order.py /tmp/ud/usr/share/unicode

Options: ``--licence FILE`` (the Unicode licence text; default the package's
``usr/share/doc/unicode-data/copyright`` next to the folder given), ``--out DIR`` (default
``resources/``), ``--font FILE`` (only characters this TrueType font draws; default the bundled
WenQuanYi Micro Hei — what a printout can show), ``--all`` (every character of the two blocks).

What is written (UTF-8, one character a line, ``#`` lines are comments)::

    张<TAB>7<TAB>zhang1

- the characters: CJK Unified Ideographs (U+4E00–U+9FFF) and Extension A (U+3400–U+4DBF) that
  have both a stroke count and a reading (and that the font draws, unless ``--all``);
- strokes: ``kTotalStrokes``, the first value (the simplified, zh-Hans count where two are given);
- reading: ``kMandarin``, the first value — unless that one is toneless (a neutral-tone particle
  reading such as 卜 bo, 地 de) and another follows, then the first with a tone; written in
  ASCII with ü as ``v`` and the tone as a digit 1–4 (5 = neutral tone).

Beside it ``UNICODE-LICENSE.txt``: the Unicode licence, with the notice of what was changed.
"""

from __future__ import annotations

import argparse
import bz2
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCKS = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF))  # CJK Unified Ideographs, Extension A
TONE_MARKS = {"\u0304": 1, "\u0301": 2, "\u030C": 3, "\u0300": 4}


def in_blocks(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in BLOCKS)


def read_field(path: Path, field: str) -> dict[int, str]:
    """``{code point: value}`` of one Unihan field, from a ``.txt`` or ``.txt.bz2`` file."""
    opener = bz2.open if path.suffix == ".bz2" else open
    values: dict[int, str] = {}
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            code, name, value = line.rstrip("\n").split("\t", 2)
            if name == field:
                values[int(code[2:], 16)] = value
    return values


def numbered(syllable: str) -> str:
    """``zhāng`` → ``zhang1``, ``lǜ`` → ``lv4``, ``de`` → ``de5``."""
    tone = 5
    letters = []
    for ch in unicodedata.normalize("NFD", syllable.lower()):
        if ch in TONE_MARKS:
            tone = TONE_MARKS[ch]
        elif ch == "\u0308":  # the dieresis of ü
            letters[-1] = "v"
        elif unicodedata.combining(ch):
            continue  # other marks (ê's circumflex, m̀'s grave are tones above) carry no order
        else:
            letters.append(ch)
    return "".join(letters) + str(tone)


def reading(value: str) -> str:
    readings = [numbered(r) for r in value.split()]
    toned = [r for r in readings if not r.endswith("5")]
    return (toned or readings)[0]


def font_chars(font: Path) -> set[int]:
    from reportlab.pdfbase.ttfonts import TTFontFile

    return set(TTFontFile(str(font), subfontIndex=0).charToGlyph)


def find(folder: Path, stem: str) -> Path:
    for name in (stem + ".txt", stem + ".txt.bz2"):
        if (folder / name).is_file():
            return folder / name
    raise SystemExit(f"{stem}.txt(.bz2) not found in {folder}")


def build(unihan: Path, font: Path | None) -> list[tuple[str, int, str]]:
    strokes = read_field(find(unihan, "Unihan_IRGSources"), "kTotalStrokes")
    mandarin = read_field(find(unihan, "Unihan_Readings"), "kMandarin")
    drawn = font_chars(font) if font else None
    rows = []
    for cp in sorted(set(strokes) & set(mandarin)):
        if not in_blocks(cp) or (drawn is not None and cp not in drawn):
            continue
        rows.append((chr(cp), int(strokes[cp].split()[0]), reading(mandarin[cp])))
    return rows


def unihan_version(unihan: Path) -> str:
    readme = unihan / "ReadMe.txt"
    if readme.is_file():
        for line in readme.read_text(encoding="utf-8", errors="replace").splitlines():
            if "for Version" in line:
                return line.split("for Version", 1)[1].strip().rstrip(".").split()[0]
    return "unknown"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("unihan", type=Path, help="folder holding Unihan_IRGSources.txt(.bz2) and Unihan_Readings.txt(.bz2)")
    ap.add_argument("--licence", type=Path, help="the Unicode licence text (default: the Debian package's copyright file)")
    ap.add_argument("--out", type=Path, default=ROOT / "resources")
    ap.add_argument("--font", type=Path, default=ROOT / "resources" / "fonts" / "wqy-microhei.ttc")
    ap.add_argument("--all", action="store_true", help="every character of the two blocks, drawn or not")
    args = ap.parse_args(argv)

    licence = args.licence or args.unihan.parent / "doc" / "unicode-data" / "copyright"
    if not licence.is_file():
        raise SystemExit(f"licence text not found: {licence} (give it with --licence)")
    version = unihan_version(args.unihan)
    rows = build(args.unihan, None if args.all else args.font)
    scope = "every character of the two blocks" if args.all else f"those the font {args.font.name} draws"
    head = [
        "# hanzi_order.tsv — total strokes and Mandarin reading per character, for the order of names",
        f"# Generated by tools/make_hanzi_order.py from the Unicode Han Database (Unihan) {version}:",
        "#   kTotalStrokes (first value, zh-Hans) and kMandarin (first toned value), converted to",
        "#   ASCII pinyin with ü as v and a tone digit (5 = neutral). Modified from the Unicode data:",
        "#   fields extracted and reformatted only. Licence: UNICODE-LICENSE.txt beside this file.",
        f"# Characters: CJK Unified Ideographs and Extension A, {scope}: {len(rows)}.",
        "# char\tstrokes\treading",
    ]
    body = "".join(f"{c}\t{s}\t{r}\n" for c, s, r in rows)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "hanzi_order.tsv").write_text("\n".join(head) + "\n" + body, encoding="utf-8")
    notice = (
        "The file hanzi_order.tsv beside this one is derived from the Unicode Han Database (Unihan)\n"
        f"{version}, © 1991-2022 Unicode, Inc. It was modified: the fields kTotalStrokes and kMandarin\n"
        "were extracted for some characters and reformatted (see the file's header). The original data\n"
        "is at https://www.unicode.org/Public/ and is used under the following licence.\n\n"
    )
    text = licence.read_text(encoding="utf-8")
    start = text.find("UNICODE, INC. LICENSE AGREEMENT")
    text = text[start:] if start >= 0 else text  # without the packager's preamble
    (args.out / "UNICODE-LICENSE.txt").write_text(notice + text.rstrip() + "\n", encoding="utf-8")
    print(f"{len(rows)} characters → {args.out / 'hanzi_order.tsv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
