"""List numbering (the numbering part): the label of each numbered paragraph, as Word counts and writes it.

A paragraph is numbered by ``w:numPr`` (``w:numId`` and ``w:ilvl``), written on it or on its style. The num
names an abstract definition whose levels give the start value, the number format, the label text (``%1.%2``)
with its run properties, what follows the label (a tab, a space or nothing) and the level's indents. Counters
belong to the abstract definition, so nums sharing one continue each other's count unless a num restarts a
level with ``w:lvlOverride/w:startOverride``; using a level restarts the deeper ones (``w:lvlRestart``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import cn2an
from lxml import etree

from docgen.pdf.ooxml import on_off, qn, wval

_LEVELS = 9
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
_HEAVENLY_STEMS = "甲乙丙丁戊己庚辛壬癸"
_EARTHLY_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_DIGITS = "〇一二三四五六七八九"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
# Bullets drawn from symbol fonts sit in the Private Use Area; each is given as the Unicode character it shows.
_SYMBOL_BULLETS = {
    "\uf0b7": "•", "\uf0a7": "▪", "\uf06c": "●", "\uf06e": "■", "\uf0a8": "□", "\uf075": "◆", "\uf076": "❖",
    "\uf0d8": "➢", "\uf0fc": "✓", "\uf0e8": "➔", "\uf0ae": "→", "\uf09f": "•", "\uf0b2": "◇", "\uf06f": "○",
}
PICTURE_BULLET = "•"  # drawn for a picture bullet (w:lvlPicBulletId), which the engine does not draw
SYMBOL_FONTS = frozenset({"Symbol", "Wingdings", "Wingdings 2", "Wingdings 3", "Webdings"})


def format_number(value: int, fmt: str) -> str | None:
    """``value`` written in the number format ``fmt`` (ST_NumberFormat); None for a format not supported."""
    if fmt in ("decimal", "decimalZero"):
        return f"{value:02d}" if fmt == "decimalZero" and 0 <= value < 10 else str(value)
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in str(value))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return _CIRCLED[value - 1] if 1 <= value <= len(_CIRCLED) else str(value)
    if fmt == "decimalEnclosedParen":
        return chr(0x2473 + value) if 1 <= value <= 20 else f"({value})"
    if fmt == "decimalEnclosedFullstop":
        return chr(0x2487 + value) if 1 <= value <= 20 else f"{value}."
    if fmt == "ideographEnclosedCircle":
        return chr(0x321F + value) if 1 <= value <= 10 else f"({cn2an.an2cn(value)})"
    if fmt in ("chineseCounting", "chineseCountingThousand", "taiwaneseCounting", "taiwaneseCountingThousand",
               "japaneseCounting"):
        return cn2an.an2cn(value) if value > 0 else "〇"
    if fmt in ("chineseLegalSimplified", "ideographLegalTraditional"):
        return cn2an.an2cn(value, "up") if value > 0 else "零"
    if fmt in ("ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand"):
        return "".join(_DIGITS[int(c)] for c in str(value))
    if fmt in ("ideographTraditional", "ideographZodiac"):
        cycle = _HEAVENLY_STEMS if fmt == "ideographTraditional" else _EARTHLY_BRANCHES
        return cycle[(value - 1) % len(cycle)] if value > 0 else str(value)
    if fmt in ("lowerLetter", "upperLetter"):
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1) if value > 0 else ""
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in ("lowerRoman", "upperRoman"):
        roman = _roman(value)
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "none":
        return ""
    return None


def _roman(value: int) -> str:
    out = []
    for amount, letters in _ROMAN:
        count, value = divmod(value, amount)
        out.append(letters * count)
    return "".join(out)


@dataclass(frozen=True, slots=True)
class Level:
    """One level of an abstract numbering definition."""

    start: int = 0
    fmt: str = "decimal"
    text: str | None = None  # w:lvlText; None when absent (Word then shows no label)
    restart: int | None = None  # w:lvlRestart (1-based level after which to restart; 0 never); None: default
    legal: bool = False  # w:isLgl: the label shows every level as a decimal number
    suffix: str = "tab"
    jc: str = "left"
    picture: bool = False  # w:lvlPicBulletId: a picture bullet, shown as •
    ppr: etree._Element | None = None
    rpr: etree._Element | None = None

    @classmethod
    def from_xml(cls, lvl: etree._Element) -> Level:
        """The level a ``w:lvl`` element defines."""
        def val(tag: str) -> str | None:
            return wval(lvl.find(qn(f"w:{tag}")))

        start, restart = val("start"), val("lvlRestart")
        legal = lvl.find(qn("w:isLgl"))
        text = lvl.find(qn("w:lvlText"))
        return cls(
            start=int(start) if start and start.lstrip("-").isdigit() else 0,
            fmt=val("numFmt") or "decimal",
            text=wval(text) if text is not None else None,
            restart=int(restart) if restart and restart.isdigit() else None,
            legal=legal is not None and on_off(wval(legal)),
            suffix=val("suff") or "tab",
            jc=val("lvlJc") or "left",
            picture=lvl.find(qn("w:lvlPicBulletId")) is not None,
            ppr=lvl.find(qn("w:pPr")),
            rpr=lvl.find(qn("w:rPr")),
        )


@dataclass(frozen=True, slots=True)
class Label:
    """What numbering puts before a paragraph's text, and the level whose indents and run properties it takes."""

    text: str
    level: Level
    unsupported: tuple[str, ...] = ()  # number formats written as decimals


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # w:startOverride by level
    levels: dict[int, Level] = field(default_factory=dict)  # w:lvlOverride/w:lvl by level


class Numbering:
    """The numbering part of one document, with the counters of the paragraphs read so far."""

    def __init__(self, root: etree._Element | None, style_num: Callable[[], dict[str, str]] = dict):
        self._abstracts: dict[str, dict[int, Level]] = {}
        self._links: dict[str, str] = {}  # abstract id → the numbering style its w:numStyleLink names
        self._nums: dict[str, _Num] = {}
        self._counters: dict[str, list[int | None]] = {}
        self._started: set[str] = set()
        self._style_num = style_num  # numbering style id → the num its w:numPr names, read when first needed
        if root is not None:
            self._read(root)

    def _read(self, root: etree._Element) -> None:
        for abstract in root.iterfind(qn("w:abstractNum")):
            key = wval(abstract, "abstractNumId") or ""
            self._abstracts[key] = {
                int(wval(lvl, "ilvl") or "0"): Level.from_xml(lvl) for lvl in abstract.iterfind(qn("w:lvl"))
            }
            link = abstract.find(qn("w:numStyleLink"))
            if link is not None and wval(link):
                self._links[key] = wval(link) or ""
        for num in root.iterfind(qn("w:num")):
            ref = num.find(qn("w:abstractNumId"))
            entry = _Num(wval(ref) or "")
            for override in num.iterfind(qn("w:lvlOverride")):
                ilvl = int(wval(override, "ilvl") or "0")
                start = override.find(qn("w:startOverride"))
                if start is not None and (wval(start) or "").lstrip("-").isdigit():
                    entry.starts[ilvl] = int(wval(start) or "0")
                lvl = override.find(qn("w:lvl"))
                if lvl is not None:
                    entry.levels[ilvl] = Level.from_xml(lvl)
            self._nums[wval(num, "numId") or ""] = entry

    def __bool__(self) -> bool:
        return bool(self._nums)

    def _abstract_of(self, num_id: str) -> str | None:
        """The abstract definition a num uses, following a numbering style link once (w:numStyleLink)."""
        num = self._nums.get(num_id)
        if num is None:
            return None
        abstract = num.abstract
        link = self._links.get(abstract)
        if link is not None:
            linked = self._nums.get(self._linked_styles.get(link, ""))
            if linked is not None:
                abstract = linked.abstract
        return abstract if abstract in self._abstracts else None

    @cached_property
    def _linked_styles(self) -> dict[str, str]:
        return self._style_num()

    def level(self, num_id: str, ilvl: int) -> Level | None:
        """The level definition (for indents and label format) without counting; None when not defined."""
        abstract = self._abstract_of(num_id)
        if abstract is None:
            return None
        override = self._nums[num_id].levels.get(ilvl)
        return override or self._abstracts[abstract].get(ilvl)

    def next(self, num_id: str, ilvl: int) -> Label | None:
        """Count a paragraph of (``num_id``, ``ilvl``) and return its label; None when nothing is numbered."""
        abstract = self._abstract_of(num_id)
        level = self.level(num_id, ilvl) if abstract is not None else None
        if abstract is None or level is None or not 0 <= ilvl < _LEVELS:
            return None
        num = self._nums[num_id]
        counters = self._counters.setdefault(abstract, [None] * _LEVELS)
        if num_id not in self._started:
            self._started.add(num_id)
            for at in num.starts:
                if 0 <= at < _LEVELS:
                    counters[at] = None
        current = counters[ilvl]
        counters[ilvl] = self._start(num, abstract, ilvl) if current is None else current + 1
        for deeper in range(ilvl + 1, _LEVELS):
            deeper_level = self.level(num_id, deeper)
            restart = deeper_level.restart if deeper_level is not None else None
            if restart is None or (restart != 0 and ilvl < restart):
                counters[deeper] = None
        return self._label(num_id, num, abstract, level, counters)

    def _start(self, num: _Num, abstract: str, ilvl: int) -> int:
        if ilvl in num.starts:
            return num.starts[ilvl]
        level = num.levels.get(ilvl) or self._abstracts[abstract].get(ilvl)
        return level.start if level is not None else 0

    def _label(self, num_id: str, num: _Num, abstract: str, level: Level, counters: list[int | None]) -> Label:
        if level.picture:
            return Label(PICTURE_BULLET, level)
        if level.text is None:
            return Label("", level)
        if level.fmt == "bullet":
            return Label("".join(_SYMBOL_BULLETS.get(char, char) for char in level.text), level)
        out: list[str] = []
        unsupported: list[str] = []
        text = level.text
        at = 0
        while at < len(text):
            char = text[at]
            if char == "%" and at + 1 < len(text) and text[at + 1] in "123456789":
                shown = int(text[at + 1]) - 1
                shown_level = self.level(num_id, shown)
                value = counters[shown]
                if value is None:
                    value = self._start(num, abstract, shown)
                fmt = "decimal" if level.legal else (shown_level.fmt if shown_level is not None else "decimal")
                written = format_number(value, fmt)
                if written is None:
                    unsupported.append(fmt)
                    written = str(value)
                out.append(written)
                at += 2
                continue
            out.append(char)
            at += 1
        return Label("".join(out), level, tuple(unsupported))


def numbering_styles(styles: etree._Element | None) -> dict[str, str]:
    """Numbering style id → the num its ``w:pPr/w:numPr/w:numId`` names (for ``w:numStyleLink``)."""
    found: dict[str, str] = {}
    if styles is None:
        return found
    for style in styles.iterfind(qn("w:style")):
        if style.get(qn("w:type")) != "numbering":
            continue
        num = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}/{qn('w:numId')}")
        if num is not None and wval(num):
            found[style.get(qn("w:styleId"), "")] = wval(num) or ""
    return found


def symbol_font(rpr: etree._Element | None) -> bool:
    """Whether a level's run properties name a symbol font (its bullets are mapped to Unicode characters)."""
    fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
    if fonts is None:
        return False
    return any(local_value in SYMBOL_FONTS for local_value in (fonts.get(qn(f"w:{n}")) for n in ("ascii", "hAnsi")))


