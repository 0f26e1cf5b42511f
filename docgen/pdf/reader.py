"""Read a rendered docx into the layout model (``model.py``), warning on every construct left out.

``package`` opens the zip and finds the parts; lxml walks the XML. Formatting is resolved through
``styles.StyleSheet``; locations in warnings read ``body paragraph 12`` or ``table 2 row 3 cell 1``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from lxml import etree

from docgen.pdf.diagnostics import Diagnostics, LayoutWarning, unsupported
from docgen.pdf.floats import read_anchor
from docgen.pdf.model import (
    NO_GRID,
    Block,
    Border,
    Break,
    Cell,
    Document,
    Field,
    Grid,
    Image,
    PageSetup,
    Paragraph,
    ParagraphFormat,
    Row,
    RunFormat,
    Section,
    Tab,
    Table,
    Text,
    VAlign,
)
from docgen.pdf.numbering import PICTURE_BULLET, Label, Numbering, numbering_styles, symbol_font
from docgen.pdf.ooxml import MC, WP, A, R, W, first_child, local, on_off, qn, shape, wval
from docgen.pdf.package import NUMBERING, SETTINGS, STYLES, THEME, Package, Part
from docgen.pdf.styles import (
    Props,
    StyleSheet,
    ThemeFonts,
    borders,
    is_bottom_frame,
    margins,
    merge,
    paragraph_format,
    run_format,
)
from docgen.pdf.units import emu, twips

_IGNORED_IN_PARAGRAPH = {
    "pPr", "bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "commentRangeStart",
    "commentRangeEnd", "del", "moveFrom", "moveFromRangeStart", "moveFromRangeEnd", "moveToRangeStart",
    "moveToRangeEnd", "customXmlInsRangeStart", "customXmlInsRangeEnd", "lastRenderedPageBreak", "",
}
_TRANSPARENT = {"hyperlink", "ins", "smartTag", "customXml", "moveTo", "dir", "bdo"}
_IGNORED_IN_RUN = {
    "rPr", "lastRenderedPageBreak", "commentReference", "annotationRef", "softHyphen", "delText",
    "delInstrText", "",
}
_UNSUPPORTED_RUN_PROPS = {
    "highlight": "突出显示", "shd": "字符底纹", "caps": "全部大写", "smallCaps": "小型大写", "w": "字符缩放",
    "position": "字符提升/降低", "em": "着重号", "outline": "空心字", "shadow": "阴影字", "emboss": "阳文",
    "imprint": "阴文", "bdr": "字符边框", "fitText": "调整宽度", "eastAsianLayout": "双行合一/纵横混排",
}
_UNSUPPORTED_PARAGRAPH_PROPS = {
    "framePr": "图文框", "textDirection": "文字方向", "bidi": "从右向左段落",
}
# w:lvlJc values: where the label sits against the number position (the first line's indent)
_LABEL_ALIGN: dict[str, Literal["left", "center", "right"]] = {
    "left": "left", "start": "left", "center": "center", "right": "right", "end": "right",
}
# East Asian typography switches (pPr) whose non-default value the engine does not follow: (default, label)
_TYPOGRAPHY = {
    "kinsoku": (True, "关闭中文禁则（仍按禁则排）"),
    "wordWrap": (True, "允许西文单词中间断行（仍在单词之间断行）"),
    "overflowPunct": (True, "不允许标点溢出边界（仍允许溢出）"),
    "topLinePunct": (False, "压缩行首标点（未压缩）"),
}
_HORIZONTAL = {"lrTb", "tb", "lrTbV", "tbV"}  # w:textDirection values of ordinary horizontal text
_SUPPORTED_TABS = {"left", "start", "right", "end", "center", "clear"}
_PPR, _RPR, _PSTYLE, _RSTYLE, _TCPR = (qn(f"w:{name}") for name in ("pPr", "rPr", "pStyle", "rStyle", "tcPr"))
_LATIN_WORD = re.compile(r"[A-Za-z]{5,}")  # a word automatic hyphenation might break
# Namespaces whose markup the reader interprets; an mc:Choice requiring any other is passed over.
_UNDERSTOOD = frozenset({W, R, A, WP, MC})
_TXBX = "{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}txbx"
_BLOCK_IGNORED = {"bookmarkStart", "bookmarkEnd", "proofErr", "permStart", "permEnd", "sectPr", ""}


@dataclass
class _Part:
    """A story's part (document, header or footer) for relationship look-ups."""

    part: Part


@dataclass
class _Counters:
    paragraphs: int = 0
    tables: int = 0


@dataclass
class _FieldState:
    """Complex-field state machine of one paragraph: begin → instruction → separate → result → end."""

    depth: int = 0
    instr: list[str] = field(default_factory=list)
    in_result: bool = False
    replaced: bool = False


class Formats:
    """A style sheet and the formats read through it, each memoised by the XML it was read from.

    Everything here follows from the styles part (and theme) alone, so documents that share those parts can
    share one ``Formats`` (a ``Typesetter`` does); ``typeset`` makes one per document.
    """

    def __init__(self, styles: StyleSheet):
        self.styles = styles
        self.runs: dict[tuple[Any, ...], RunFormat] = {}
        self.paragraphs: dict[tuple[Any, ...], tuple[ParagraphFormat, list[tuple[str, str]]]] = {}
        self.run_checks: dict[tuple[Any, ...], list[tuple[str, str]]] = {}
        self.cells: dict[tuple[Any, ...], _CellFormat] = {}
        self.blocks: BlockMemo | None = None  # body elements already read, when documents share this object

    @classmethod
    def of_parts(cls, styles: Part | None, theme: Part | None) -> Formats:
        """Formats over the styles and theme parts (either may be absent)."""
        theme_root = theme.element if theme is not None else None
        return cls(StyleSheet.from_part(styles.blob if styles is not None else None, ThemeFonts.from_xml(theme_root)))


FormatSource = Callable[[Part | None, Part | None], Formats]
"""Where a reader gets its ``Formats`` from, given the styles and theme parts."""


@dataclass(frozen=True, slots=True)
class ReadBlocks:
    """What reading one body element gave: its blocks, its warnings, and the paragraph and table counts after it."""

    blocks: list[Block]
    warnings: list[LayoutWarning]
    paragraphs: int
    tables: int


class BlockMemo(Protocol):
    """Body elements read before, by their XML and the counts before them (``Formats.blocks``)."""

    def get(self, key: tuple[bytes, int, int]) -> ReadBlocks | None:
        """The blocks read from the same element at the same place, or None."""

    def put(self, key: tuple[bytes, int, int], value: ReadBlocks) -> ReadBlocks:
        """Remember ``value`` and return it."""


class Reader:
    """Reads one docx; ``read()`` returns the model, warnings go to ``diag``."""

    def __init__(self, data: bytes, diag: Diagnostics, formats: FormatSource = Formats.of_parts):
        self.diag = diag
        self.main = Package(data).main
        self.formats = formats(self.main.related_by_type(STYLES), self.main.related_by_type(THEME))
        self.styles = self.formats.styles
        self.hyphenation = False  # w:autoHyphenation, which the engine does not do (read with the settings)
        numbering = self.main.related_by_type(NUMBERING)
        self.numbering = Numbering(
            numbering.element if numbering is not None else None,
            lambda: numbering_styles(self._element(STYLES)),
        )

    def _element(self, reltype: str) -> etree._Element | None:
        """Root element of the part the document relates by ``reltype`` (styles, settings, theme), or None."""
        part = self.main.related_by_type(reltype)
        return part.element if part is not None else None

    def read(self) -> Document:
        """Build the document model."""
        settings = self._element(SETTINGS)
        tab = settings.find(qn("w:defaultTabStop")) if settings is not None else None
        even_odd = settings.find(qn("w:evenAndOddHeaders")) if settings is not None else None
        hyphens = settings.find(qn("w:autoHyphenation")) if settings is not None else None
        self.hyphenation = hyphens is not None and on_off(wval(hyphens))
        body = self.main.element.find(qn("w:body"))
        if body is None:
            raise KeyError("document part has no w:body")
        sections = self._sections(body)
        return Document(
            sections=sections,
            even_and_odd_headers=even_odd is not None and on_off(wval(even_odd)),
            default_tab=twips(wval(tab), 21.0) or 21.0,
        )

    # -- sections -------------------------------------------------------------------------------------

    def _sections(self, body: etree._Element) -> list[Section]:
        part = _Part(self.main)
        counters = _Counters()
        sections: list[Section] = []
        blocks: list[Block] = []
        for child in body:
            blocks.extend(self._body_block(child, part, counters))
            sect = child.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") if local(child) == "p" else None
            if sect is not None:
                sections.append(self._section(sect, blocks, sections))
                blocks = []
        final = body.find(qn("w:sectPr"))
        if final is not None or blocks or not sections:
            sections.append(self._section(final, blocks, sections))
        return sections

    def _body_block(self, el: etree._Element, part: _Part, counters: _Counters) -> list[Block]:
        """The blocks of a body element, reused from an earlier document that had the same one in the same place.

        Reading depends on the element, its place (the counts name it in warnings) and the formats alone, except
        for pictures, which come from the document's own relationships: elements with drawings are always read.
        """
        memo = self.formats.blocks
        if memo is None or self.hyphenation or next(el.iter(qn("w:drawing")), None) is not None or self._numbered(el):
            return self._block(el, part, counters, table_style=None, where_prefix="body")
        key = (etree.tostring(el), counters.paragraphs, counters.tables)
        found = memo.get(key)
        if found is None:
            diag, self.diag = self.diag, Diagnostics()
            try:
                blocks = self._block(el, part, counters, table_style=None, where_prefix="body")
                found = memo.put(key, ReadBlocks(blocks, self.diag.warnings, counters.paragraphs, counters.tables))
            finally:
                self.diag = diag
        for warning in found.warnings:
            self.diag.warn(warning.code, warning.where, warning.message)
        counters.paragraphs, counters.tables = found.paragraphs, found.tables
        return found.blocks

    def _numbered(self, el: etree._Element) -> bool:
        """Whether a body element has numbered paragraphs: their labels depend on the paragraphs before them."""
        if not self.numbering:
            return False
        for p in el.iter(qn("w:p")):
            ppr = first_child(p, _PPR)
            style = wval(first_child(ppr, _PSTYLE)) if ppr is not None else None
            if self.styles.numbering(ppr, style or "", None) is not None:
                return True
        return False

    def _section(self, sect: etree._Element | None, blocks: list[Block], before: list[Section]) -> Section:
        number = len(before) + 1
        previous = before[-1] if before else None
        page = self._page_setup(sect, number)
        headers = dict(previous.headers) if previous else {}
        footers = dict(previous.footers) if previous else {}
        if sect is not None:
            headers.update(self._stories(sect, "headerReference", f"section {number} header"))
            footers.update(self._stories(sect, "footerReference", f"section {number} footer"))
        kind = wval(sect.find(qn("w:type"))) if sect is not None else None
        self._check_section(sect, number)
        title = sect is not None and sect.find(qn("w:titlePg")) is not None
        return Section(
            page=page,
            blocks=blocks,
            headers=headers,
            footers=footers,
            title_page=title and on_off(wval(sect.find(qn("w:titlePg")))),  # type: ignore[union-attr]
            new_page=kind != "continuous",
            page_start=_page_start(sect),
            parity="odd" if kind == "oddPage" else "even" if kind == "evenPage" else None,
        )

    def _check_section(self, sect: etree._Element | None, number: int) -> None:
        if sect is None:
            return
        numbering = sect.find(qn("w:pgNumType"))
        if numbering is not None and wval(numbering, "fmt") not in (None, "decimal"):
            unsupported(self.diag, "page_number_format", f"section {number}", "页码格式（按阿拉伯数字排）")
        valign = sect.find(qn("w:vAlign"))
        if valign is not None and wval(valign) not in (None, "top"):
            unsupported(self.diag, "section_valign", f"section {number}", "页面垂直对齐")
        if sect.find(qn("w:pgBorders")) is not None:
            unsupported(self.diag, "page_borders", f"section {number}", "页面边框")

    def _page_setup(self, sect: etree._Element | None, number: int) -> PageSetup:
        if sect is None:
            return PageSetup()
        size = sect.find(qn("w:pgSz"))
        mar = sect.find(qn("w:pgMar"))
        grid = sect.find(qn("w:docGrid"))
        cols = sect.find(qn("w:cols"))
        if cols is not None and int(wval(cols, "num") or "1") > 1:
            unsupported(self.diag, "columns", f"section {number}", "分栏")
        width, height = twips(wval(size, "w"), 595.3), twips(wval(size, "h"), 841.9)
        if wval(size, "orient") == "landscape" and width < height:
            width, height = height, width
        return PageSetup(
            width=width,
            height=height,
            top=abs(twips(wval(mar, "top"), 72.0)),
            bottom=abs(twips(wval(mar, "bottom"), 72.0)),
            left=twips(wval(mar, "left"), 90.0) + twips(wval(mar, "gutter")),
            right=twips(wval(mar, "right"), 90.0),
            header=twips(wval(mar, "header"), 42.5),
            footer=twips(wval(mar, "footer"), 49.6),
            grid=self._grid(grid),
        )

    def _grid(self, grid: etree._Element | None) -> Grid:
        """The document grid of a section.

        'lines' grids give a line pitch; 'lines and characters' grids, the layout of GB/T 9704 notices
        (28 characters a line), also a character pitch of Normal size + w:charSpace/4096 pt.
        """
        kind = wval(grid, "type") or "default"
        if kind not in ("lines", "linesAndChars", "snapToChars"):
            return NO_GRID
        line = twips(wval(grid, "linePitch"))
        if kind == "lines":
            return Grid(line=line)
        normal = run_format(self.styles.run_props(None, "", "", None), self.styles.theme)
        space = int(wval(grid, "charSpace") or "0")
        if space >= 2**31:
            space -= 2**32  # LibreOffice writes a negative w:charSpace as an unsigned 32-bit number
        return Grid(line=line, char=normal.size + space / 4096)

    def _stories(self, sect: etree._Element, tag: str, where: str) -> dict[str, list[Block]]:
        stories: dict[str, list[Block]] = {}
        for ref in sect.iterfind(qn(f"w:{tag}")):
            kind = wval(ref, "type") or "default"
            story = self.main.related(ref.get(f"{{{R}}}id", ""))
            part = _Part(story)
            counters = _Counters()
            blocks: list[Block] = []
            for child in story.element:
                blocks.extend(self._block(child, part, counters, None, f"{where} ({kind})"))
            stories[kind] = blocks
        return stories

    # -- blocks ---------------------------------------------------------------------------------------

    def _block(
        self, el: etree._Element, part: _Part, counters: _Counters, table_style: str | None, where_prefix: str
    ) -> list[Block]:
        tag = local(el)
        if tag == "p":
            counters.paragraphs += 1
            return [self._paragraph(el, part, table_style, f"{where_prefix} paragraph {counters.paragraphs}")]
        if tag == "tbl":
            counters.tables += 1
            return [self._table(el, part, f"{where_prefix} table {counters.tables}".replace("body ", ""))]
        if tag in ("sdt", "AlternateContent"):
            found: list[Block] = []
            for child in _content(el):
                found.extend(self._block(child, part, counters, table_style, where_prefix))
            return found
        if _ignorable(el):
            return []
        if tag not in _BLOCK_IGNORED:
            unsupported(self.diag, tag, f"{where_prefix} after paragraph {counters.paragraphs}", f"正文元素 {tag}")
        return []

    def _paragraph(self, p: etree._Element, part: _Part, table_style: str | None, where: str) -> Paragraph:
        ppr = first_child(p, _PPR)
        style_id = wval(first_child(ppr, _PSTYLE)) if ppr is not None else None
        mark_rpr = first_child(ppr, _RPR) if ppr is not None else None
        mark = self._run_format(mark_rpr, style_id or "", "", table_style)
        label = self._label(ppr, style_id or "", table_style, where)
        fmt, left_out = self._paragraph_format(
            ppr, style_id or "", table_style, mark.size, label.level.ppr if label is not None else None
        )
        for construct, name in left_out:
            unsupported(self.diag, construct, where, name)
        paragraph = Paragraph(fmt=fmt, inlines=[], mark=mark, where=where)
        if label is not None:
            self._label_inlines(label, mark_rpr, style_id or "", table_style, paragraph)
        state = _FieldState()
        self._inlines(p, paragraph, part, style_id or "", table_style, state)
        if self.hyphenation and fmt.hyphenate and any(
                isinstance(inline, Text) and _LATIN_WORD.search(inline.text) for inline in paragraph.inlines):
            unsupported(self.diag, "auto_hyphenation", where, "自动断字（西文单词不在词内断开）")
        return paragraph

    def _label(self, ppr: etree._Element | None, style_id: str, table_style: str | None, where: str) -> Label | None:
        """The list label of a paragraph (counted), or None; numbering that cannot be shown as Word does warns."""
        numbered = self.styles.numbering(ppr, style_id, table_style)
        if numbered is None:
            return None
        label = self.numbering.next(*numbered)
        if label is None:
            num_id, ilvl = numbered
            unsupported(self.diag, "numbering_definition", where, f"未定义的编号（numId {num_id} 第 {ilvl + 1} 级）")
            return None
        for fmt in label.unsupported:
            unsupported(self.diag, "number_format", where, f"编号格式 {fmt}（按阿拉伯数字排）")
        if label.level.picture:
            unsupported(self.diag, "picture_bullet", where, f"图片项目符号（按 {PICTURE_BULLET} 排）")
        if label.level.jc not in _LABEL_ALIGN:
            unsupported(self.diag, "number_alignment", where, f"编号对齐方式 {label.level.jc}（按左对齐排）")
        return label

    def _label_inlines(
        self, label: Label, mark_rpr: etree._Element | None, style_id: str, table_style: str | None,
        paragraph: Paragraph,
    ) -> None:
        """The label in the paragraph mark's format under the level's run properties, then its tab or space."""
        level = label.level
        props = self.styles.run_props(mark_rpr, style_id, "", table_style)
        fonts = dict(props.get("rFonts", {}))
        merge(props, level.rpr)
        if level.fmt == "bullet" and symbol_font(level.rpr):
            props["rFonts"] = fonts  # the bullet is mapped to a Unicode character, drawn in the text's font
        fmt = run_format(props, self.styles.theme)
        if fmt.hidden:
            return
        if label.text:
            paragraph.inlines.append(Text(label.text, fmt))
            paragraph.label_align = _LABEL_ALIGN.get(level.jc, "left")
            paragraph.label_length = len(label.text)
        if level.suffix == "tab":
            paragraph.inlines.append(Tab(fmt))
        elif level.suffix == "space":
            paragraph.inlines.append(Text(" ", fmt))

    def _paragraph_format(
        self, ppr: etree._Element | None, style_id: str, table_style: str | None, char_width: float,
        level_ppr: etree._Element | None = None,
    ) -> tuple[ParagraphFormat, list[tuple[str, str]]]:
        """Typed format and the properties left out, memoised like run formats: table cells repeat a few formats."""
        key = (shape(ppr) if ppr is not None else (), style_id, table_style, char_width,
               shape(level_ppr) if level_ppr is not None else ())
        cached = self.formats.paragraphs.get(key)
        if cached is None:
            props = self.styles.paragraph_props(ppr, style_id, table_style, level_ppr)
            fmt = paragraph_format(props, char_width)
            cached = self.formats.paragraphs[key] = (fmt, _left_out_paragraph_props(props))
        return cached

    # -- inlines --------------------------------------------------------------------------------------

    def _inlines(
        self,
        container: Iterable[etree._Element],
        paragraph: Paragraph,
        part: _Part,
        style_id: str,
        table_style: str | None,
        state: _FieldState,
    ) -> None:
        for child in container:
            tag = local(child)
            if tag == "r":
                self._run(child, paragraph, part, style_id, table_style, state)
            elif tag in _TRANSPARENT:
                self._inlines(child, paragraph, part, style_id, table_style, state)
            elif tag in ("sdt", "AlternateContent"):
                self._inlines(_content(child), paragraph, part, style_id, table_style, state)
            elif _ignorable(child):
                continue
            elif tag == "fldSimple":
                self._simple_field(child, paragraph, part, style_id, table_style, state)
            elif tag in ("oMath", "oMathPara"):
                unsupported(self.diag, "math", paragraph.where, "公式")
            elif tag not in _IGNORED_IN_PARAGRAPH:
                unsupported(self.diag, tag, paragraph.where, f"段落内元素 {tag}")

    def _simple_field(
        self, el: etree._Element, paragraph: Paragraph, part: _Part, style_id: str, table_style: str | None,
        state: _FieldState,
    ) -> None:
        kind = _field_kind(wval(el, "instr") or "")
        first_run = el.find(qn("w:r"))
        if kind:
            rpr = first_run.find(qn("w:rPr")) if first_run is not None else None
            paragraph.inlines.append(Field(kind, self._run_format(rpr, style_id, _char_style(rpr), table_style)))
        else:
            self._inlines(el, paragraph, part, style_id, table_style, state)

    def _run(
        self, r: etree._Element, paragraph: Paragraph, part: _Part, style_id: str, table_style: str | None,
        state: _FieldState,
    ) -> None:
        rpr = first_child(r, _RPR)
        fmt = self._run_format(rpr, style_id, _char_style(rpr), table_style)
        if rpr is not None:
            for construct, label in self._left_out_run_props(rpr):
                unsupported(self.diag, construct, paragraph.where, label)
        if fmt.hidden:
            return
        for child in r:
            tag = local(child)
            if tag in ("fldChar", "instrText"):
                self._field_part(child, fmt, paragraph, state)
            elif state.depth and (not state.in_result or state.replaced):
                continue
            else:
                self._run_child(child, tag, fmt, paragraph, part)

    def _field_part(self, el: etree._Element, fmt: RunFormat, paragraph: Paragraph, state: _FieldState) -> None:
        if local(el) == "instrText":
            if state.depth == 1 and not state.in_result:
                state.instr.append(el.text or "")
            return
        kind = wval(el, "fldCharType")
        if kind == "begin":
            state.depth += 1
            if state.depth == 1:
                state.instr, state.in_result, state.replaced = [], False, False
        elif kind == "separate" and state.depth == 1:
            state.in_result = True
            field_kind = _field_kind("".join(state.instr))
            if field_kind:
                paragraph.inlines.append(Field(field_kind, fmt))
                state.replaced = True
        elif kind == "end":
            if state.depth == 1 and not state.in_result:
                field_kind = _field_kind("".join(state.instr))
                if field_kind:
                    paragraph.inlines.append(Field(field_kind, fmt))
            state.depth = max(0, state.depth - 1)
            if state.depth == 0:
                state.in_result = state.replaced = False

    def _run_child(self, child: etree._Element, tag: str, fmt: RunFormat, paragraph: Paragraph, part: _Part) -> None:
        inlines = paragraph.inlines
        if tag == "t":
            if child.text:
                inlines.append(Text(child.text, fmt))
        elif tag in ("tab", "ptab"):
            inlines.append(Tab(fmt))
        elif tag == "br":
            self._break(child, fmt, paragraph)
        elif tag == "cr":
            inlines.append(Break("line", fmt))
        elif tag == "noBreakHyphen":
            inlines.append(Text("\u2011", fmt))
        elif tag == "sym":
            self._symbol(child, fmt, paragraph)
        elif tag == "drawing":
            self._drawing(child, fmt, paragraph, part)
        elif tag in ("pict", "object"):
            textbox = child.find(".//{urn:schemas-microsoft-com:vml}textbox") is not None
            name, label = ("textbox", "文本框") if textbox else (tag, "VML 图形/嵌入对象")
            unsupported(self.diag, name, paragraph.where, label)
        elif tag in ("footnoteReference", "endnoteReference"):
            unsupported(self.diag, tag, paragraph.where, "脚注/尾注")
        elif tag == "AlternateContent":
            self._alternate(child, fmt, paragraph, part)
        elif tag not in _IGNORED_IN_RUN and not _ignorable(child):
            unsupported(self.diag, tag, paragraph.where, f"文字块内元素 {tag}")

    def _break(self, br: etree._Element, fmt: RunFormat, paragraph: Paragraph) -> None:
        kind = wval(br, "type") or "textWrapping"
        if kind == "page":
            paragraph.inlines.append(Break("page", fmt))
            return
        if kind == "column":
            unsupported(self.diag, "column_break", paragraph.where, "分栏符（按换行处理）")
        paragraph.inlines.append(Break("line", fmt))

    def _symbol(self, sym: etree._Element, fmt: RunFormat, paragraph: Paragraph) -> None:
        code = int(wval(sym, "char") or "0", 16)
        if code >= 0xF000:
            unsupported(self.diag, "symbol_font", paragraph.where, f"符号字体 {wval(sym, 'font')} 的字符 {code:04X}")
            return
        paragraph.inlines.append(Text(chr(code), fmt))

    def _alternate(self, el: etree._Element, fmt: RunFormat, paragraph: Paragraph, part: _Part) -> None:
        textbox = el.find(".//{http://schemas.microsoft.com/office/word/2010/wordprocessingShape}txbx")
        if textbox is not None or el.find(".//{urn:schemas-microsoft-com:vml}textbox") is not None:
            unsupported(self.diag, "textbox", paragraph.where, "文本框")
            return
        for child in _content(el):
            self._run_child(child, local(child), fmt, paragraph, part)

    def _drawing(self, drawing: etree._Element, fmt: RunFormat, paragraph: Paragraph, part: _Part) -> None:
        inline = drawing.find(f"{{{WP}}}inline")
        anchor = drawing.find(f"{{{WP}}}anchor") if inline is None else None
        if anchor is not None and anchor.find(f".//{_TXBX}") is None:
            picture = read_anchor(anchor, part.part, self.diag, paragraph.where)
            if picture is not None:
                paragraph.inlines.append(picture)
            return
        if inline is None:
            txbx = drawing.find(f".//{_TXBX}")
            name, label = ("textbox", "文本框") if txbx is not None else ("floating_drawing", "浮动图形（非嵌入型）")
            unsupported(self.diag, name, paragraph.where, label)
            return
        blip = inline.find(f".//{{{A}}}blip")
        extent = inline.find(f"{{{WP}}}extent")
        rid = blip.get(f"{{{R}}}embed") if blip is not None else None
        if rid is None or extent is None:
            unsupported(self.diag, "drawing_shape", paragraph.where, "嵌入形状（非图片）")
            return
        data = part.part.related(rid).blob
        paragraph.inlines.append(Image(data, emu(extent.get("cx")), emu(extent.get("cy")), fmt))

    def _left_out_run_props(self, rpr: etree._Element) -> list[tuple[str, str]]:
        """The run properties the engine does not render, as (construct, label); memoised by the rPr's XML."""
        key = shape(rpr)
        found = self.formats.run_checks.get(key)
        if found is None:
            found = self.formats.run_checks[key] = []
            for child in rpr:
                label = _UNSUPPORTED_RUN_PROPS.get(local(child))
                value = wval(child)
                normal = value in ("clear", "nil") or (local(child) == "w" and value == "100")
                if label and on_off(value) and not normal:
                    found.append((local(child), label))
        return found

    def _run_format(
        self, rpr: etree._Element | None, para_style: str, char_style: str, table_style: str | None
    ) -> RunFormat:
        key = (shape(rpr) if rpr is not None else (), para_style, char_style, table_style)
        cached = self.formats.runs.get(key)
        if cached is None:
            props = self.styles.run_props(rpr, para_style, char_style, table_style)
            cached = self.formats.runs[key] = run_format(props, self.styles.theme)
        return cached

    # -- tables ---------------------------------------------------------------------------------------

    def _table(self, tbl: etree._Element, part: _Part, where: str) -> Table:
        tblpr = tbl.find(qn("w:tblPr"))
        style = wval(tblpr.find(qn("w:tblStyle"))) if tblpr is not None else None
        style = style or ""
        if self.styles.has_conditional_formatting(style):
            unsupported(self.diag, "table_conditional_style", where, f"表格样式 {style} 的条件格式（首行、镶边等）")
        props = self.styles.table_props(tblpr, style)
        cell_margins = {"left": 5.4, "right": 5.4, "top": 0.0, "bottom": 0.0} | margins(props, "tblCellMar")
        grid = [twips(wval(col, "w")) for col in tbl.iterfind(f"{qn('w:tblGrid')}/{qn('w:gridCol')}")]
        rows = [
            self._row(tr, part, style, f"{where} row {n}")
            for n, tr in enumerate(tbl.iterfind(qn("w:tr")), start=1)
        ]
        return Table(
            grid=grid,
            rows=rows,
            borders=borders(props, "tblBorders"),
            margins=cell_margins,
            align=props.get("jc", {}).get("val", "left"),
            indent=_table_indent(props),
            where=where,
        )

    def _row(self, tr: etree._Element, part: _Part, table_style: str, where: str) -> Row:
        trpr = tr.find(qn("w:trPr"))
        props = merge({}, trpr)
        if "gridBefore" in props or "gridAfter" in props:
            unsupported(self.diag, "grid_before_after", where, "行首/行尾空网格（gridBefore/gridAfter）")
        height = props.get("trHeight", {})
        exceptions = merge({}, tr.find(f"{qn('w:tblPrEx')}"))
        cells = [
            self._cell(tc, part, table_style, f"{where} cell {n}")
            for n, tc in enumerate(tr.iterfind(qn("w:tc")), start=1)
        ]
        return Row(
            cells=cells,
            height=twips(height.get("val")),
            height_rule=height.get("hRule", "atLeast"),
            header="tblHeader" in props and on_off(props["tblHeader"].get("val")),
            cant_split="cantSplit" in props and on_off(props["cantSplit"].get("val")),
            borders=borders(exceptions, "tblBorders"),
        )

    def _cell(self, tc: etree._Element, part: _Part, table_style: str, where: str) -> Cell:
        tcpr = first_child(tc, _TCPR)
        cell_format = self._cell_format(tcpr)
        if cell_format.hmerge:
            unsupported(self.diag, "hmerge", where, "旧式水平合并（hMerge）")
        counters = _Counters()
        blocks: list[Block] = []
        for child in tc:
            if local(child) != "tcPr":
                blocks.extend(self._block(child, part, counters, table_style, where))
        return Cell(
            blocks=blocks,
            span=cell_format.span,
            vmerge=cell_format.vmerge,
            borders=cell_format.borders,
            margins=cell_format.margins,
            valign=cell_format.valign,
            shading=cell_format.shading,
        )

    def _cell_format(self, tcpr: etree._Element | None) -> _CellFormat:
        """A cell's properties, memoised by the tcPr's XML: the cells of a column mostly repeat one."""
        key = shape(tcpr) if tcpr is not None else ()
        found = self.formats.cells.get(key)
        if found is None:
            found = self.formats.cells[key] = _CellFormat.from_props(merge({}, tcpr))
        return found


@dataclass(frozen=True, slots=True)
class _CellFormat:
    """What a cell's tcPr says, without its content."""

    span: int
    vmerge: str
    borders: dict[str, Border]
    margins: dict[str, float]
    valign: VAlign
    shading: str
    hmerge: bool

    @classmethod
    def from_props(cls, props: Props) -> _CellFormat:
        vmerge = props.get("vMerge")
        return cls(
            span=int(props.get("gridSpan", {}).get("val", "1")),
            vmerge="" if vmerge is None else vmerge.get("val", "continue"),
            borders=borders(props, "tcBorders"),
            margins=margins(props, "tcMar"),
            valign={"center": "center", "bottom": "bottom"}.get(props.get("vAlign", {}).get("val", ""), "top"),  # type: ignore[arg-type]
            shading=_shading(props),
            hmerge="hMerge" in props,
        )


def _left_out_paragraph_props(props: Props) -> list[tuple[str, str]]:
    """The paragraph properties the engine does not render, as (construct, label)."""
    found: list[tuple[str, str]] = []
    for key, label in _UNSUPPORTED_PARAGRAPH_PROPS.items():
        if key not in props:
            continue
        if key == "framePr" and is_bottom_frame(props):
            continue  # laid out (layout.Flow._bottom_frame)
        if key == "bidi" and not on_off(props[key].get("val")):
            continue  # written off by LibreOffice and WPS
        if key == "textDirection" and props[key].get("val") in _HORIZONTAL:
            continue
        found.append((key, label))
    for key, (default, label) in _TYPOGRAPHY.items():
        if key in props and on_off(props[key].get("val")) != default:
            found.append((key, label))
    if props.get("textAlignment", {}).get("val", "auto") not in ("auto", "baseline"):
        found.append(("textAlignment", "行内字符垂直对齐（按基线对齐排）"))
    for tab_key, values in props.items():
        if not tab_key.startswith("tabs/"):
            continue
        if values.get("val") not in _SUPPORTED_TABS:
            found.append(("tab_alignment", f"{values.get('val')} 对齐的制表位（按左对齐排）"))
        if values.get("leader", "none") != "none":
            found.append(("tab_leader", "制表位前导符（如目录的点线）"))
    return found


def _content(el: etree._Element) -> list[etree._Element]:
    """The children that stand for a w:sdt (its w:sdtContent) or an mc:AlternateContent.

    Of an mc:AlternateContent, the first mc:Choice whose required namespaces the engine reads, else the
    mc:Fallback, else nothing (ECMA-376 Part 3, 10.2): WPS Office wraps its own milestones in a Choice requiring
    its wpsCustomData namespace, with no Fallback (``<wpsCustomData:docfieldStart …/>`` inside a paragraph).
    """
    if local(el) == "sdt":
        content = el.find(qn("w:sdtContent"))
        return list(content) if content is not None else []
    for choice in el.iterfind(f"{{{MC}}}Choice"):
        required = (choice.get("Requires") or "").split()
        if all(choice.nsmap.get(prefix) in _UNDERSTOOD for prefix in required):
            return list(choice)
    fallback = el.find(f"{{{MC}}}Fallback")
    return list(fallback) if fallback is not None else []


def _ignorable(el: etree._Element) -> bool:
    """An element of a namespace its part declares ignorable (mc:Ignorable) that the engine does not read.

    Such elements (Word's w14/w15 extensions, WPS' wpsCustomData) only add to what the standard markup says.
    """
    if not isinstance(el.tag, str) or not el.tag.startswith("{"):
        return False
    namespace = el.tag[1:].partition("}")[0]
    if namespace in _UNDERSTOOD:
        return False
    root = el.getroottree().getroot()
    declared = (root.get(f"{{{MC}}}Ignorable") or "").split()
    return namespace in {root.nsmap.get(prefix) for prefix in declared}


def _table_indent(props: Props) -> float:
    indent = props.get("tblInd", {})
    return twips(indent.get("w")) if indent.get("type", "dxa") == "dxa" else 0.0


def _shading(props: Props) -> str:
    fill = props.get("shd", {}).get("fill", "")
    return "" if fill in ("", "auto") else fill


def _char_style(rpr: etree._Element | None) -> str:
    if rpr is None:
        return ""
    return wval(first_child(rpr, _RSTYLE)) or ""


def _field_kind(instr: str) -> Any:
    words = instr.split()
    name = words[0].upper() if words else ""
    return name if name in ("PAGE", "NUMPAGES", "SECTIONPAGES") else None


def read(data: bytes, diag: Diagnostics, formats: FormatSource = Formats.of_parts) -> Document:
    """Read a docx (bytes) into the layout model."""
    return Reader(data, diag, formats).read()


__all__ = ["read", "W"]


def _page_start(sect: etree._Element | None) -> int | None:
    """The number the section's first page gets (``w:pgNumType/@w:start``), or None to continue counting."""
    numbering = sect.find(qn("w:pgNumType")) if sect is not None else None
    start = wval(numbering, "start") if numbering is not None else None
    return int(start) if start is not None and start.lstrip("-").isdigit() else None
