"""Effective formatting: document defaults → style chain → direct formatting, as Word resolves it.

Properties are merged as plain dicts (``{"spacing": {"before": "120"}, "pBdr/bottom": {...}}``) so one generic
merge serves paragraphs, runs, tables and cells; ``paragraph_format`` and ``run_format`` then turn the merged dict
into the typed formats of ``model.py``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from docgen.pdf.model import Border, ParagraphFormat, RunFormat, TabStop
from docgen.pdf.ooxml import A, attrs, first_child, local, on_off, qn
from docgen.pdf.package import PARSER
from docgen.pdf.stylepart import Fragment, IndexedPart, index
from docgen.pdf.units import eighth_points, half_points, twips

Props = dict[str, dict[str, str]]

# Elements whose attributes merge one by one across layers (Word does this for spacing, indents and fonts).
_ATTRIBUTE_MERGED = {"spacing", "ind", "rFonts"}
# w:ind attributes that set one indent each (ECMA-376 17.3.1.12): the first of each tuple names the slot.
# start/end are the 2010 names of left/right; a layer setting hanging or firstLine sets the one first-line slot.
_IND_SLOTS = (
    ("start", "left"), ("startChars", "leftChars"), ("end", "right"), ("endChars", "rightChars"),
)
# Elements whose children are properties in their own right (each border side, each margin, each tab).
_CONTAINERS = {"pBdr", "tblBorders", "tcBorders", "tblCellMar", "tcMar", "tblPrEx", "numPr"}
_NUMPR = qn("w:numPr")
# Property elements that hold other property groups and are merged separately.
_NESTED_GROUPS = {"rPr", "sectPr", "pPrChange", "rPrChange", "tblPrChange", "tcPrChange", "trPrChange"}


def merge(props: Props, element: etree._Element | None) -> Props:
    """Merge the property children of ``element`` (a pPr, rPr, tblPr, tcPr or trPr) over ``props`` in place."""
    if element is None:
        return props
    for child in element:
        tag = local(child)
        if not tag or tag in _NESTED_GROUPS:
            continue
        if tag in _CONTAINERS:
            for side in child:
                if local(side):
                    props[f"{tag}/{local(side)}"] = attrs(side)
        elif tag == "tabs":
            _merge_tabs(props, child)
        elif tag == "rFonts":
            _merge_fonts(props.setdefault(tag, {}), attrs(child))
        elif tag == "ind":
            _merge_indents(props.setdefault(tag, {}), attrs(child))
        elif tag in _ATTRIBUTE_MERGED:
            props.setdefault(tag, {}).update(attrs(child))
        else:
            props[tag] = attrs(child)
    return props


def _merge_fonts(fonts: dict[str, str], layer: dict[str, str]) -> None:
    """A font named in a higher layer replaces a theme font of a lower one, and vice versa (as in Word)."""
    for key, value in layer.items():
        other = key[: -len("Theme")] if key.endswith("Theme") else f"{key}Theme"
        if key.lower().startswith("cstheme") or key == "cs":
            other = "cs" if key.lower() == "cstheme" else "cstheme"
        fonts.pop(other, None)
        fonts[key] = value


def _merge_indents(ind: dict[str, str], layer: dict[str, str]) -> None:
    """Merge one layer's w:ind over the inherited slots (ECMA-376 17.3.1.12), each slot inherited on its own.

    The slots are start, end and first line, each once in twips and once in hundredths of a character:
    ``first``/``firstChars`` hold the signed first-line offset (negative: hanging). hanging and firstLine are
    one property, so a layer giving either replaces what a lower layer gave with the other (LibreOffice saves
    ``w:hanging="0"`` in Normal under a body style's ``w:firstLine="640"``); within one layer hanging wins over
    firstLine and hangingChars over firstLineChars, as the standard has it.
    """
    for slot, alias in _IND_SLOTS:
        value = layer.get(slot, layer.get(alias))
        if value is not None:
            ind[slot] = value
    for slot, hanging, first in (("first", "hanging", "firstLine"), ("firstChars", "hangingChars", "firstLineChars")):
        if hanging in layer:
            ind[slot] = _negated(layer[hanging])
        elif first in layer:
            ind[slot] = layer[first]


def _negated(value: str) -> str:
    return value[1:] if value.startswith("-") else f"-{value}"


def _merge_tabs(props: Props, tabs: etree._Element) -> None:
    for tab in tabs:
        values = attrs(tab)
        key = f"tabs/{values.get('pos', '0')}"
        if values.get("val") == "clear":
            props.pop(key, None)
        else:
            props[key] = values


@dataclass(frozen=True, slots=True)
class ThemeFonts:
    """Theme font names: ``major``/``minor`` Latin and East Asian faces."""

    fonts: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, theme: etree._Element | None) -> ThemeFonts:
        """Read ``a:majorFont``/``a:minorFont`` of a theme part (East Asian: ``a:ea`` or the Hans script font)."""
        fonts: dict[str, str] = {}
        if theme is None:
            return cls(fonts)
        for kind in ("major", "minor"):
            scheme = theme.find(f".//{{{A}}}{kind}Font")
            if scheme is None:
                continue
            latin = scheme.find(f"{{{A}}}latin")
            ea = scheme.find(f"{{{A}}}ea")
            hans = scheme.find(f"{{{A}}}font[@script='Hans']")
            fonts[f"{kind}HAnsi"] = latin.get("typeface", "") if latin is not None else ""
            east = ea.get("typeface", "") if ea is not None else ""
            if not east and hans is not None:
                east = hans.get("typeface", "")
            fonts[f"{kind}EastAsia"] = east
        return cls(fonts)

    def name(self, theme_ref: str) -> str:
        """Font name of a theme reference such as ``minorEastAsia`` or ``majorHAnsi``."""
        kind = "major" if theme_ref.startswith("major") else "minor"
        part = "EastAsia" if theme_ref.endswith("EastAsia") else "HAnsi"
        return self.fonts.get(f"{kind}{part}", "")


@dataclass(slots=True)
class _Style:
    based_on: str
    ppr: etree._Element | None
    rpr: etree._Element | None
    tblpr: etree._Element | None
    tcpr: etree._Element | None
    conditional: bool

    @classmethod
    def from_xml(cls, style: etree._Element) -> _Style:
        based = style.find(qn("w:basedOn"))
        return cls(
            based_on=based.get(qn("w:val"), "") if based is not None else "",
            ppr=style.find(qn("w:pPr")),
            rpr=style.find(qn("w:rPr")),
            tblpr=style.find(qn("w:tblPr")),
            tcpr=style.find(qn("w:tcPr")),
            conditional=style.find(qn("w:tblStylePr")) is not None,
        )


class StyleSheet:
    """The styles part: resolves the layered properties of paragraphs, runs, tables and cells."""

    def __init__(self, styles: etree._Element | None, theme: ThemeFonts):
        self.theme = theme
        # Each style's element, or its still unparsed bytes (``from_part``); read into a _Style on first use.
        self._sources: dict[str, etree._Element | Fragment | None] = {}
        self._part: IndexedPart | None = None  # searched for the styles not in _sources yet
        self._styles: dict[str, _Style] = {}
        self._defaults: dict[str, str] = {}
        self._doc_ppr: etree._Element | None = None
        self._doc_rpr: etree._Element | None = None
        self._chains: dict[tuple[str, str], list[_Style]] = {}
        self._bases: dict[tuple[str, ...], Props] = {}
        if styles is not None:
            self._read(styles)

    @classmethod
    def from_part(cls, data: bytes | None, theme: ThemeFonts) -> StyleSheet:
        """The style sheet of a styles part's bytes; only the styles a document uses get parsed, when possible."""
        part = index(data) if data is not None else None
        if part is None:
            return cls(etree.fromstring(data, PARSER) if data is not None else None, theme)
        sheet = cls(None, theme)
        sheet._read_defaults(part.doc_defaults)
        for kind, style_id, default in part.defaults():
            sheet._note_default(kind, style_id, default)
        sheet._part = part
        return sheet

    def _read(self, root: etree._Element) -> None:
        self._read_defaults(root.find(qn("w:docDefaults")))
        for style in root.iterfind(qn("w:style")):
            self._index(style.get(qn("w:styleId"), ""), style.get(qn("w:type"), "paragraph"),
                        style.get(qn("w:default")), style)

    def _read_defaults(self, defaults: etree._Element | None) -> None:
        if defaults is not None:
            self._doc_ppr = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}")
            self._doc_rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")

    def _index(self, style_id: str, kind: str, default: str | None, source: etree._Element) -> None:
        self._sources.setdefault(style_id, source)  # the first of duplicate ids (ECMA-376 17.7.4.17)
        self._note_default(kind, style_id, default)

    def _note_default(self, kind: str, style_id: str, default: str | None) -> None:
        """Make ``style_id`` the default of its type when its w:default is on (the last such style wins)."""
        if default is not None and on_off(default):
            self._defaults[kind] = style_id

    def _source(self, style_id: str) -> etree._Element | Fragment | None:
        if style_id not in self._sources and self._part is not None:
            self._sources[style_id] = self._part.find(style_id)
        return self._sources.get(style_id)

    def _style(self, style_id: str) -> _Style:
        style = self._styles.get(style_id)
        if style is None:
            source = self._source(style_id)
            assert source is not None  # callers ask for styles the part has
            element = source.element if isinstance(source, Fragment) else source
            style = self._styles[style_id] = _Style.from_xml(element)
        return style

    def has_conditional_formatting(self, table_style: str) -> bool:
        """True when the table style (or a base) has w:tblStylePr, which the engine does not apply."""
        return any(s.conditional for s in self.chain(table_style, "table"))

    def chain(self, style_id: str, kind: str) -> list[_Style]:
        """The style and its bases, root first; the kind's default style when ``style_id`` is empty or unknown."""
        key = (style_id, kind)
        if key not in self._chains:
            self._chains[key] = self._build_chain(style_id, kind)
        return self._chains[key]

    def _build_chain(self, style_id: str, kind: str) -> list[_Style]:
        if self._source(style_id) is None:
            style_id = self._defaults.get(kind, "")
        chain: list[_Style] = []
        seen: set[str] = set()
        while self._source(style_id) is not None and style_id not in seen:
            seen.add(style_id)
            style = self._style(style_id)
            chain.append(style)
            style_id = style.based_on
        return chain[::-1]

    def paragraph_props(
        self, ppr: etree._Element | None, style_id: str, table_style: str | None,
        numbering: etree._Element | None = None,
    ) -> Props:
        """Merged paragraph properties: defaults → table style → paragraph style chain → list level → direct."""
        return merge(merge(_copy(self._paragraph_base(style_id, table_style)), numbering), ppr)

    def _paragraph_base(self, style_id: str, table_style: str | None) -> Props:
        """The paragraph properties of the defaults and styles alone (memoised; callers copy before changing)."""
        key = ("p", style_id, table_style or "\0")
        base = self._bases.get(key)
        if base is None:
            base = {}
            merge(base, self._doc_ppr)
            if table_style is not None:
                for style in self.chain(table_style, "table"):
                    merge(base, style.ppr)
            for style in self.chain(style_id, "paragraph"):
                merge(base, style.ppr)
            self._bases[key] = base
        return base

    def numbering(self, ppr: etree._Element | None, style_id: str, table_style: str | None) -> tuple[str, int] | None:
        """The (numId, ilvl) numbering a paragraph, from its own w:numPr over its style's; None when not numbered.

        numId 0 takes away the numbering a style gives.
        """
        base = self._paragraph_base(style_id, table_style)
        num_id = base.get("numPr/numId", {}).get("val")
        ilvl = base.get("numPr/ilvl", {}).get("val")
        own = first_child(ppr, _NUMPR) if ppr is not None else None
        if own is not None:
            for child in own:
                if local(child) == "numId":
                    num_id = child.get(qn("w:val"))
                elif local(child) == "ilvl":
                    ilvl = child.get(qn("w:val"))
        if not num_id or num_id == "0":
            return None
        return num_id, int(ilvl) if ilvl and ilvl.isdigit() else 0

    def run_props(
        self, rpr: etree._Element | None, para_style: str, char_style: str, table_style: str | None
    ) -> Props:
        """Merged run properties: defaults → table style → paragraph style → character style → direct."""
        key = ("r", para_style, char_style, table_style or "\0")
        if key not in self._bases:
            base: Props = {}
            merge(base, self._doc_rpr)
            if table_style is not None:
                for style in self.chain(table_style, "table"):
                    merge(base, style.rpr)
            for style in self.chain(para_style, "paragraph"):
                merge(base, style.rpr)
            if char_style:
                for style in self.chain(char_style, "character"):
                    merge(base, style.rpr)
            self._bases[key] = base
        return merge(_copy(self._bases[key]), rpr)

    def table_props(self, tblpr: etree._Element | None, table_style: str) -> Props:
        """Merged table properties: the table style chain (or the default table style) → direct."""
        props: Props = {}
        for style in self.chain(table_style, "table"):
            merge(props, style.tblpr)
        return merge(props, tblpr)


def _copy(props: Props) -> Props:
    """A copy whose attribute-merged entries can be updated without touching the cached original."""
    return {key: dict(value) if key in _ATTRIBUTE_MERGED else value for key, value in props.items()}


def _flag(props: Props, name: str, default: bool = False) -> bool:
    if name not in props:
        return default
    return on_off(props[name].get("val"))


def _pt(props: Props, name: str, attr: str, default: float = 0.0) -> float:
    value = props.get(name, {}).get(attr)
    return twips(value, default) if value is not None else default


def borders(props: Props, group: str) -> dict[str, Border]:
    """Borders of a container group (``pBdr``, ``tblBorders``, ``tcBorders``) by side; 'none'/'nil' omitted."""
    found: dict[str, Border] = {}
    prefix = f"{group}/"
    for key, values in props.items():
        if not key.startswith(prefix):
            continue
        side = key[len(prefix) :]
        side = {"start": "left", "end": "right"}.get(side, side)
        style = values.get("val", "single")
        if style in ("nil", "none"):
            found[side] = Border(0.0, style="none")
            continue
        color = values.get("color", "000000")
        found[side] = Border(
            width=max(eighth_points(values.get("sz"), 4.0), 0.25),
            color="000000" if color == "auto" else color,
            space=float(values.get("space", "0")),
            style=style,
        )
    return found


def margins(props: Props, group: str) -> dict[str, float]:
    """Cell margins of ``tblCellMar``/``tcMar`` by side, in points (only dxa widths are meaningful)."""
    found: dict[str, float] = {}
    prefix = f"{group}/"
    for key, values in props.items():
        if key.startswith(prefix) and values.get("type", "dxa") == "dxa":
            side = key[len(prefix) :]
            found[{"start": "left", "end": "right"}.get(side, side)] = twips(values.get("w"), 0.0)
    return found


_ALIGN = {
    "left": "left", "start": "left", "center": "center", "right": "right", "end": "right",
    "both": "both", "distribute": "distribute", "thaiDistribute": "distribute",
    "lowKashida": "both", "mediumKashida": "both", "highKashida": "both",
}


def paragraph_format(props: Props, char_width: float) -> ParagraphFormat:
    """Typed paragraph format; ``char_width`` (points) converts the ``*Chars`` indents Chinese documents use."""
    ind = props.get("ind", {})
    spacing = props.get("spacing", {})
    rule = spacing.get("lineRule", "auto")
    line = spacing.get("line")
    return ParagraphFormat(
        align=_ALIGN.get(props.get("jc", {}).get("val", "left"), "left"),  # type: ignore[arg-type]
        left=_indent(ind, "start", char_width),
        right=_indent(ind, "end", char_width),
        first_line=_indent(ind, "first", char_width),
        space_before=_spacing(spacing, "before", char_width),
        space_after=_spacing(spacing, "after", char_width),
        line_rule="auto" if rule not in ("exact", "atLeast") else rule,  # type: ignore[arg-type]
        line=(float(line) / 240.0 if rule not in ("exact", "atLeast") else twips(line)) if line else 1.0,
        keep_next=_flag(props, "keepNext"),
        keep_lines=_flag(props, "keepLines"),
        page_break_before=_flag(props, "pageBreakBefore"),
        widow_control=_flag(props, "widowControl", default=True),  # Word and LibreOffice: on unless turned off
        snap_to_grid=_flag(props, "snapToGrid", default=True),
        contextual_spacing=_flag(props, "contextualSpacing"),
        autospace_latin=_flag(props, "autoSpaceDE", default=True),
        autospace_digits=_flag(props, "autoSpaceDN", default=True),
        style_id=props.get("pStyle", {}).get("val", ""),
        borders=borders(props, "pBdr"),
        shading=_fill(props.get("shd", {})),
        tabs=_tabs(props),
        bottom_frame=is_bottom_frame(props),
        hyphenate=not _flag(props, "suppressAutoHyphens"),
    )


def is_bottom_frame(props: Props) -> bool:
    """A 图文框 the engine places: aligned to the bottom of the text area, e.g. a notice's 版记."""
    frame = props.get("framePr") or {}
    return frame.get("yAlign") == "bottom" and frame.get("vAnchor", "margin") == "margin"


def _indent(ind: dict[str, str], slot: str, char_width: float) -> float:
    """An indent slot of merged w:ind (``_merge_indents``) in points.

    A non-zero value in characters wins over the one in twips (hundredths of a character of the paragraph's font
    size); zero characters, as Word writes to cancel a style's, leave the twips value in force.
    """
    chars = _number(ind.get(f"{slot}Chars"))
    if chars:
        return chars / 100.0 * char_width
    return twips(ind.get(slot))


def _number(value: str | None) -> float:
    try:
        return float(value) if value is not None else 0.0
    except ValueError:
        return 0.0


def _spacing(spacing: dict[str, str], name: str, char_width: float) -> float:
    lines = spacing.get(f"{name}Lines")
    if lines is not None and float(lines) != 0:
        # One "line" of before/after spacing is 12 pt times the font size ratio in Word; 1.2 em is close.
        return float(lines) / 100.0 * char_width * 1.2
    return twips(spacing.get(name))


def _fill(shd: dict[str, str]) -> str:
    fill = shd.get("fill", "")
    return "" if fill in ("", "auto") else fill


def _tabs(props: Props) -> tuple[TabStop, ...]:
    stops = [
        TabStop(pos=twips(values.get("pos")), kind=values.get("val", "left"))
        for key, values in props.items()
        if key.startswith("tabs/")
    ]
    return tuple(sorted(stops, key=lambda stop: stop.pos))


def run_format(props: Props, theme: ThemeFonts) -> RunFormat:
    """Typed run format from merged run properties."""
    fonts = props.get("rFonts", {})
    underline = props.get("u", {}).get("val", "none") if "u" in props else "none"
    color = props.get("color", {}).get("val", "000000")
    return RunFormat(
        latin_font=_font_name(fonts, ("ascii", "hAnsi"), theme) or "Times New Roman",
        east_asia_font=_font_name(fonts, ("eastAsia",), theme) or "宋体",
        size=half_points(props.get("sz", {}).get("val"), 10.5),
        bold=_flag(props, "b"),
        italic=_flag(props, "i"),
        underline=underline not in ("none", "0"),
        strike=_flag(props, "strike") or _flag(props, "dstrike"),
        color="000000" if color == "auto" else color,
        vert_align=props.get("vertAlign", {}).get("val", "baseline"),  # type: ignore[arg-type]
        char_spacing=twips(props.get("spacing", {}).get("val")),
        hidden=_flag(props, "vanish"),
    )


def _font_name(fonts: dict[str, str], names: tuple[str, ...], theme: ThemeFonts) -> str:
    for name in names:
        theme_ref = fonts.get(f"{name}Theme")
        if theme_ref:
            resolved = theme.name(theme_ref)
            if resolved:
                return resolved
        if fonts.get(name):
            return fonts[name]
    return ""
