"""Checks a .docx template the way docxtpl will read it, and names the place of every mistake.

A template edited in Word, WPS or LibreOffice breaks in ways docxtpl does not report, or reports with no place:
a one-brace typo swallows the text up to the next ``}}`` (whole paragraphs gone, exit 0), a tag written inside
an XML attribute is dropped on the next save, a Chinese input method types ``｛｛ ｝｝`` or ``（）``, a misspelt
field fails with "'dict object' has no attribute". `check_template` reads every part a user can type tags in
(`docgen.template_parts`: body, tables, text boxes, headers and footers, footnotes; endnotes, comments and
properties, which docxtpl leaves alone), finds the tags in each paragraph's text (tags may span runs, as
docxtpl joins them, but not paragraphs) and reports, each with its place and an excerpt of the paragraph:

- tags left open or closed without an opening (``{{ x }``), stray braces next to a tag, tags across paragraphs,
  full-width braces;
- ``{% %}`` blocks that do not nest (``for`` without ``endfor``…), Jinja syntax errors in one tag;
- paragraph and row tags (``{%p``, ``{%tr``) that share their paragraph or row with text docxtpl deletes;
- tags in XML attributes or field codes, tags half inside a hyperlink, field or tracked change (docxtpl then
  breaks the document's structure), tags in a field's result (a field update replaces them);
- full-width punctuation, invisible characters and quotes Jinja cannot read inside tags (docxtpl itself
  straightens “” and ‘’, so those pass), unknown filters;
- variables not in the kind's context, with the nearest known name;
- unaccepted tracked changes (docxtpl executes deleted tags too), tags where docxtpl replaces nothing.
"""

from __future__ import annotations

import difflib
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import jinja2
from jinja2 import nodes
from lxml import etree

from docgen.errors import TemplateError
from docgen.pdf.ooxml import local, qn
from docgen.template_parts import (
    WRAPPERS,
    Property,
    Segment,
    Story,
    Template,
    read_paragraph,
    read_template,
    text_boxes,
)

Severity = Literal["error", "warning"]

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PREFIX = re.compile(r"^\{([{%])-?\s*(p|r|tr|tc)(?= )")  # docxtpl wants a plain space after p, tr…
# docxtpl straightens “” and ‘’ inside tags before Jinja reads them; these others Jinja cannot read.
_STRAIGHTENED = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})
_SMART_QUOTES = "„‟″′«»"
# What a Chinese input method types instead of the ASCII Jinja needs (full-width forms, CJK punctuation), and
# what Word's AutoFormat makes of a typed minus (" - " becomes an en dash).
_HALF_WIDTH = {chr(c): chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)} | {"。": ".", "、": ",", "【": "[", "】": "]",
                                                                       "《": "<", "》": ">", "–": "-", "—": "-",
                                                                       "−": "-"}
_INVISIBLE = {"\u00ad": "软连字符", "\u200b": "零宽空格", "\u200c": "零宽非连接符", "\u200d": "零宽连接符",
              "\u2060": "零宽不换行空格", "\ufeff": "零宽不换行空格"}
_FULL_WIDTH_BRACES = re.compile(r"[｛｝]{2}|[｛｝][{}%％]|[{}%％][｛｝]|\{％|％\}")
_ANY_TAG = re.compile(r"\{[{%#]|[}%#]\}")
_EXCERPT = 30
# Names every context has besides the record's sections (docgen.context.build_context).
_COMMON = {
    "policy": {"id": {}, "name": {}, "region": {}, "document": {}},
    "input_sha256": {},
    "extra": {},
    "period": {"start": {}, "end": {}, "months": {}, "text": {}},
    "budget_table": {"rows": {"[]": {"category": {}, "detail": {}, "amount": {}}}, "declared_total": {},
                     "self_funded": {}, "grand_total": {}},
}
_SECTIONS = ("applicant", "project", "finance", "budget", "feasibility", "plan", "agreement", "acceptance")
_VIEWS = {"agreement": ("agreement_terms",), "acceptance": ("agreement_terms", "acceptance_report"),
          "notice": ("notice",)}
_BLOCKS = {"for": "endfor", "if": "endif", "macro": "endmacro", "call": "endcall", "filter": "endfilter",
           "with": "endwith", "set": "endset", "raw": "endraw", "autoescape": "endautoescape"}


@dataclass(frozen=True, slots=True)
class TemplateIssue:
    """One problem of a template: ``where`` is the place (正文第 3 段, 表格 1 第 2 行第 1 列), ``excerpt`` its text."""

    code: str
    severity: Severity
    where: str
    excerpt: str
    message: str

    def __str__(self) -> str:
        label = "错误" if self.severity == "error" else "提醒"
        excerpt = f"「{self.excerpt}」" if self.excerpt else ""
        return f"[{label}] {self.where}{excerpt}：{self.message}  〔template.{self.code}〕"


@dataclass
class _Paragraph:
    where: str
    text: str
    row: _Row | None = None  # the table row holding it, for {%tr tags
    segments: list[Segment] = field(default_factory=list)  # the text's pieces and the markup around each
    deleted: list[str] = field(default_factory=list)  # text of tracked deletions: docxtpl renders it too


@dataclass
class _Row:
    where: str
    text: str


@dataclass
class _Tag:
    source: str  # as written, prefix included
    body: str  # the Jinja tag docxtpl makes of it: prefix removed
    paragraph: _Paragraph
    prefix: str = ""
    unreadable: bool = False  # reported for characters or markup Jinja cannot read: not parsed again

    @property
    def kind(self) -> str:
        return self.body[:2]

    @property
    def inner(self) -> str:
        return self.body[2:-2].strip("-+ \t\r\n")


@dataclass
class _Scope:
    keyword: str
    tag: _Tag
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)


def check_template(path: Path, kind: str | None = None) -> list[TemplateIssue]:
    """The problems of the template at ``path``; the variable check needs ``kind``. Raises for an unreadable file."""
    try:
        with zipfile.ZipFile(path) as package:
            if "word/document.xml" not in package.namelist():
                raise TemplateError(f"模板 {path.name} 不是有效的 Word 文件：缺少 word/document.xml")
            template = read_template(package)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError) as exc:
        raise TemplateError(f"模板 {path.name} 不是有效的 Word 文件：{exc}") from None
    return _Checker(kind).run(template)


def errors_of(path: Path, kind: str) -> list[TemplateIssue]:
    """The errors (not the warnings) of a template, memoised by file, size and time: batches ask once per row."""
    return [issue for issue in issues_of(path, kind) if issue.severity == "error"]


def warnings_of(path: Path, kind: str) -> list[TemplateIssue]:
    """The warnings of a user's template (unaccepted revisions, tags that stay as typed…), memoised likewise."""
    return [issue for issue in issues_of(path, kind) if issue.severity == "warning"]


def issues_of(path: Path, kind: str) -> list[TemplateIssue]:
    """Every problem of a template, memoised by file, size and time."""
    stat = path.stat()
    return _issues(path.resolve(), kind, stat.st_size, stat.st_mtime_ns)


@cache
def _issues(path: Path, kind: str, size: int, mtime: int) -> list[TemplateIssue]:
    return check_template(path, kind)


def ensure_usable(path: Path, kind: str) -> None:
    """Raise `TemplateError` listing every error of a user's template, each with its place."""
    found = errors_of(path, kind)
    if found:
        lines = "\n".join(f"  {issue}" for issue in found)
        raise TemplateError(f"模板 {path} 有 {len(found)} 处错误，未生成文书"
                            f"（可用 docgen template check 检查）：\n{lines}")


class _Checker:
    def __init__(self, kind: str | None):
        self.kind = kind
        self.issues: list[TemplateIssue] = []
        self.known = known_names(kind) if kind is not None else None
        self.env = _environment()
        self.revised: list[_Paragraph] = []  # paragraphs with unaccepted tracked changes
        self.boxes = 0

    def report(self, code: str, severity: Severity, paragraph: _Paragraph | _Row | None, message: str) -> None:
        where, excerpt = (paragraph.where, _excerpt(paragraph.text)) if paragraph is not None else ("", "")
        self.issues.append(TemplateIssue(code, severity, where, excerpt, message))

    def run(self, template: Template) -> list[TemplateIssue]:
        for story in template.stories:
            if story.rendered:
                self._blocks(self._story_tags(story))
            else:
                self._not_rendered(story)
        for prop in template.properties:
            self._property(prop)
        if self.revised:
            first = self.revised[0]
            self.report("tracked_changes", "warning", first,
                        f"模板中有未接受的修订（{len(self.revised)} 段带修订标记，第一处在此）：docxtpl 会把"
                        "已删除的文字也当作模板执行，生成的文书也会带着修订标记。"
                        "请在 Word 中点「审阅 → 接受 → 接受所有修订」"
                        "（WPS：「审阅 → 接受 → 接受对文档所做的所有修订」），保存后再使用")
        return self.issues

    def _story_tags(self, story: Story) -> list[_Tag]:
        tags: list[_Tag] = []
        self.boxes = 0
        for paragraph in self._story(story.root, story.label):
            tags.extend(self._tags(paragraph))
        return tags

    def _not_rendered(self, story: Story) -> None:
        """Endnotes and comments: docxtpl leaves them as typed, so a tag there is printed as is (or does nothing)."""
        for paragraph in self._story(story.root, story.label):
            if not _ANY_TAG.search(paragraph.text):
                continue
            if story.kind == "comment":
                self.report("tag_not_rendered", "warning", paragraph,
                            "批注中的标签不会被替换，也不起作用（docxtpl 不处理批注）：标签请写在正文中")
            else:
                self.report("tag_not_rendered", "warning", paragraph,
                            "此处的标签不会被替换（docxtpl 不处理尾注，会原样印出）：请改用脚注或写在正文中")

    def _property(self, prop: Property) -> None:
        if not _ANY_TAG.search(prop.text):
            return
        place = _Paragraph(prop.label, prop.text)
        if not prop.rendered:
            self.report("tag_not_rendered", "warning", place,
                        "此处的标签不会被替换（docxtpl 只处理文档属性中的标题、主题、作者、备注、标识和语言）")
            return
        self._blocks(self._tags(place))  # rendered: a broken tag here fails the whole document
        if prop.stamped:
            self.report("tag_not_rendered", "warning", place,
                        f"docgen 生成文书时按数据重写{prop.label}，此处的标签不会出现在文书中")

    # -- reading the stories ------------------------------------------------------------------------------

    def _story(self, root: etree._Element, story: str) -> Iterator[_Paragraph]:
        """Paragraphs of a part in order, with their places; attributes and field codes are checked on the way."""
        counts = {"p": 0, "tbl": 0}
        body = root.find(qn("w:body"))
        container = body if body is not None else root
        yield from self._blocks_of(container, story, counts, None, story)

    def _blocks_of(self, container: etree._Element, story: str, counts: dict[str, int],
                   cell: str | None, part: str) -> Iterator[_Paragraph]:
        for child in container:
            tag = local(child)
            if tag == "p":
                counts["p"] += 1
                where = f"{cell}第 {counts['p']} 段" if cell else f"{story}第 {counts['p']} 段"
                read = read_paragraph(child)
                paragraph = _Paragraph(where, read.text, segments=read.segments, deleted=read.deleted)
                if read.revised:
                    self.revised.append(paragraph)
                self._attributes(child, paragraph)
                yield paragraph
                for box in text_boxes(child):
                    self.boxes += 1
                    label = f"{'' if part == '正文' else part}文本框 {self.boxes} "
                    yield from self._blocks_of(box, label, {"p": 0, "tbl": 0}, None, part)
            elif tag == "tbl":
                counts["tbl"] += 1
                yield from self._table(child, f"{story}表格 {counts['tbl']} " if not cell else f"{cell}嵌套表格", part)
            elif tag in ("sdt", "sdtContent", "customXml"):
                yield from self._blocks_of(child, story, counts, cell, part)

    def _table(self, tbl: etree._Element, where: str, part: str) -> Iterator[_Paragraph]:
        table_place = _Paragraph(where, "")
        for prop in (tbl.find(qn("w:tblPr")), tbl.find(qn("w:tblGrid"))):
            if prop is not None:
                self._attributes(prop, table_place)
        grid = tbl.find(qn("w:tblGrid"))
        if grid is not None and "{" in "".join(grid.itertext()):
            self.report("tag_in_attribute", "error", table_place,
                        "标签写在表格结构（tblGrid）中：编辑软件保存时会丢掉它，请删除")
        for r, tr in enumerate(tbl.iterfind(qn("w:tr")), start=1):
            row = _Row(f"{where}第 {r} 行", read_paragraph(tr).text)
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None:
                self._attributes(trpr, _Paragraph(row.where, row.text))
            for c, tc in enumerate(tr.iterfind(qn("w:tc")), start=1):
                tcpr = tc.find(qn("w:tcPr"))
                place = f"{where}第 {r} 行第 {c} 列"
                if tcpr is not None:
                    self._attributes(tcpr, _Paragraph(place, read_paragraph(tc).text))
                for paragraph in self._blocks_of(tc, "", {"p": 0, "tbl": 0}, place, part):
                    paragraph.row = row
                    yield paragraph

    def _attributes(self, element: etree._Element, place: _Paragraph) -> None:
        """Tags in attribute values (dropped when Word or LibreOffice saves) and in field codes."""
        for node in element.iter():
            if not isinstance(node.tag, str):
                continue
            if local(node) in ("tbl", "txbxContent") and node is not element:
                continue
            for name, value in node.attrib.items():
                if "{{" in value or "{%" in value:
                    attr = name.rpartition("}")[2]
                    self.report("tag_in_attribute", "error", place,
                                f"标签 {value} 写在 XML 属性 {local(node)}/@{attr} 中："
                                "Word、WPS 和 LibreOffice 保存时会丢掉它，请改为写在文字中，或删除")
            if local(node) == "instrText" and node.text and ("{{" in node.text or "{%" in node.text):
                self.report("tag_in_field", "error", place,
                            f"标签写在域代码中（{node.text.strip()}）：域更新时会丢失，请改为写在正文文字中")

    # -- tags of a paragraph --------------------------------------------------------------------------------

    def _tags(self, paragraph: _Paragraph) -> list[_Tag]:
        found, rest = _split_tags(paragraph.text, paragraph)
        full_width = _FULL_WIDTH_BRACES.search(paragraph.text)
        if full_width:
            self.report("full_width_brace", "error", paragraph,
                        f"「{full_width.group()}」是全角（中文输入法）的花括号或百分号：标签必须用半角（英文）字符"
                        "写作 {{ 名称 }} 或 {% … %}，否则会原样印出。请切换到英文输入法重新输入")
        self._leftovers(rest, paragraph, brackets_reported=full_width is not None)
        for tag, (start, end) in found:
            self._markup(tag, start, end)
            self._tag_text(tag)
        for text in paragraph.deleted:
            for tag, _ in _split_tags(text, paragraph)[0]:
                self.report("tag_in_deletion", "warning", paragraph,
                            f"标签 {tag.source} 在已删除（未接受的修订）的文字中：docxtpl 仍会执行它。请接受所有修订")
                self._tag_text(tag)
                found.append((tag, (0, 0)))
        return [tag for tag, _ in found]

    def _markup(self, tag: _Tag, start: int, end: int) -> None:
        """A tag's pieces must sit in the same hyperlink, field, revision… docxtpl strips the markup between them."""
        pieces = [s for s in tag.paragraph.segments if s.start < end and s.end > start and s.end > s.start]
        if not pieces:
            return
        if any(s.start == s.end and start < s.start < end for s in tag.paragraph.segments):
            tag.unreadable = True
            self.report("tag_across_markup", "error", tag.paragraph,
                        f"标签 {tag.source} 中间有一个空的文字元素（多见于用程序改过的文件）：docxtpl 会因此"
                        "读错标签。请删掉整个标签后重新输入")
            return
        first, last = pieces[0].wrappers, pieces[-1].wrappers
        if first != last:
            kinds = "、".join(dict.fromkeys(WRAPPERS[k] for k, _ in set(first) ^ set(last)))
            tag.unreadable = True
            self.report("tag_across_markup", "error", tag.paragraph,
                        f"标签 {tag.source} 一部分在{kinds}中、一部分在外：docxtpl 会因此弄乱文档结构（段落错位、"
                        f"文字丢失）。请删掉整个标签，在{kinds}之外重新输入")
            return
        inside = {key for piece in pieces for key in piece.wrappers}
        fields = {key for key in inside if key[0] == "field"} - set(first)
        if fields:
            tag.unreadable = True
            self.report("tag_across_markup", "error", tag.paragraph,
                        f"标签 {tag.source} 中夹着一个域（如页码、日期）：docxtpl 会删掉这个域并把它的结果当作标签的"
                        "一部分。请把域移到标签之外")
        elif any(kind in ("field", "fldSimple") for kind, _ in first):
            self.report("tag_in_field_result", "warning", tag.paragraph,
                        f"标签 {tag.source} 位于一个域的结果中：生成时能替换，但在 Word 中更新域（F9、打印前更新域）"
                        "会把它换回域的结果。请删除这个域，只保留标签文字")

    def _leftovers(self, rest: str, paragraph: _Paragraph, *, brackets_reported: bool) -> None:
        """What is left of the paragraph once its whole tags are taken out: no tag delimiter may remain."""
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
            if brackets_reported:
                break  # a half-width brace next to a full-width one: the full-width report says what to do
            if opening in rest:
                self.report("unclosed_tag", "error", paragraph,
                            f"「{opening}」没有对应的「{closing}」（标签不能跨段落；常见原因是少写或多写了花括号，"
                            f"如 {{{{ agreement.number }}，docxtpl 会把直到下一个「{closing}」的文字全部吞掉）")
            elif closing in rest:
                self.report("unopened_tag", "error", paragraph, f"「{closing}」前面没有对应的「{opening}」")
        for stray in re.finditer(r"\{\0|\0\}|\{\s*\{|\}\s*\}|\{\s\0|\0\s\}", rest):
            if "{{" in stray.group() or "}}" in stray.group():
                continue  # reported above
            self.report("stray_brace", "error", paragraph, "标签旁边多了一个花括号「{」或「}」")
            break
        if re.search(r"(?<![{%])\{(?![{%])\s*[A-Za-z_][\w.]*\s*\}(?!\})", rest.replace("\0", " ")):
            self.report("single_brace", "warning", paragraph,
                        "文字中有单花括号包住的名称（如 {name}）：这不是标签，会原样印出；标签写作 {{ name }}")

    def _tag_text(self, tag: _Tag) -> None:
        self._characters(tag)
        if tag.prefix == "p" and tag.paragraph.text.strip() != tag.source.strip():
            others = tag.paragraph.text.replace(tag.source, "").strip()
            if _TAG.sub("", others).strip():
                self.report("paragraph_tag_text", "error", tag.paragraph,
                            f"段落标签 {tag.source} 所在段落的其他文字会被整段删除：请把它单独放在一段")
        if tag.prefix == "tr" and tag.paragraph.row is not None:
            others = _TAG.sub("", tag.paragraph.row.text).strip()
            if others:
                self.report("row_tag_text", "error", tag.paragraph,
                            f"行标签 {tag.source} 所在表格行的其他文字会被整行删除：请把它放在单独的一行")

    def _characters(self, tag: _Tag) -> None:
        """Report characters Jinja cannot read outside a tag's string literals (full-width, invisible, odd quotes)."""
        code = _outside_strings(tag.body)
        quotes = sorted({c for c in tag.body if c in _SMART_QUOTES})
        wide = sorted({c for c in code if c in _HALF_WIDTH})
        invisible = sorted({c for c in code if c in _INVISIBLE})
        if quotes:
            self.report("smart_quotes", "error", tag.paragraph,
                        f"标签 {tag.source} 中有 Jinja 不认识的引号「{'」「'.join(quotes)}」：请改为英文引号 ' 或 \"")
        if wide:
            pairs = "、".join(f"「{c}」→「{_HALF_WIDTH[c]}」" for c in wide)
            self.report("full_width_in_tag", "error", tag.paragraph,
                        f"标签 {tag.source} 中有全角（中文输入法）或被 Word 自动更正的字符：{pairs}。"
                        "标签里的括号、逗号、点、减号等必须用半角（英文）字符；引号内的文字不受限制")
        if invisible:
            names = "、".join(dict.fromkeys(_INVISIBLE[c] for c in invisible))
            self.report("invisible_in_tag", "error", tag.paragraph,
                        f"标签 {tag.source} 中有看不见的字符（{names}），Jinja 无法读取：请删掉整个标签后重新输入")
        if quotes or wide or invisible:
            tag.unreadable = True

    # -- blocks, expressions and names -----------------------------------------------------------------------

    def _blocks(self, tags: list[_Tag]) -> None:
        stack: list[_Scope] = []
        for tag in tags:
            if tag.kind == "{{":
                self._expression(tag, tag.inner, stack)
                continue
            words = tag.inner.split(None, 1)
            keyword = words[0] if words else ""
            rest = words[1] if len(words) > 1 else ""
            if keyword in _BLOCKS and not (keyword == "set" and "=" in rest):
                scope = _Scope(keyword, tag)
                stack.append(scope)
                self._opening(tag, keyword, rest, scope, stack)
            elif keyword.startswith("end"):
                opened = keyword[3:]
                if not stack or stack[-1].keyword != opened:
                    expected = ""
                    if stack:
                        top = stack[-1]
                        expected = f"，此处应先结束 {{% end{top.keyword} %}}（开始于{top.tag.paragraph.where}）"
                    self.report("unbalanced_block", "error", tag.paragraph,
                                f"{tag.source} 没有对应的 {{% {opened} … %}}{expected}")
                    if any(s.keyword == opened for s in stack):
                        while stack and stack.pop().keyword != opened:
                            pass
                else:
                    stack.pop()
            elif keyword in ("elif", "else"):
                if not stack or stack[-1].keyword not in ("if", "for"):
                    self.report("unbalanced_block", "error", tag.paragraph, f"{tag.source} 不在 {{% if %}} 块中")
                elif keyword == "elif":
                    self._expression(tag, rest, stack)
            elif keyword == "set":
                self._expression(tag, rest.partition("=")[2], stack)
                name = rest.partition("=")[0].strip()
                if stack and name.isidentifier():
                    stack[-1].names[name] = ()
            elif keyword in ("include", "extends", "import", "from", "block", "endblock"):
                self.report("unsupported_tag", "error", tag.paragraph, f"模板中不能使用 {{% {keyword} %}}")
            elif re.match(r"(p|r|tr|tc)\s", tag.inner):
                self.report("unknown_tag", "error", tag.paragraph,
                            f"标签 {tag.source} 的「{keyword}」后面不是普通空格（常见为不间断空格）："
                            "docxtpl 只认普通空格，请删掉这个空格重新输入")
            else:
                self.report("unknown_tag", "error", tag.paragraph,
                            f"无法识别的标签 {tag.source}（可用：for、if、elif、else、set 及其 end…）")
        for scope in stack:
            self.report("unbalanced_block", "error", scope.tag.paragraph,
                        f"{scope.tag.source} 没有对应的 {{% {_BLOCKS[scope.keyword]} %}}")

    def _opening(self, tag: _Tag, keyword: str, rest: str, scope: _Scope, stack: list[_Scope]) -> None:
        if keyword == "for":
            target, sep, iterable = rest.partition(" in ")
            if not sep:
                self.report("syntax", "error", tag.paragraph, f"{tag.source} 应写作 {{% for 名称 in 列表 %}}")
                return
            iterable = re.split(r"\s+if\s+|\s+recursive\s*$", iterable)[0]
            path = self._expression(tag, iterable, stack[:-1])
            for name in (n.strip() for n in target.split(",")):
                if name.isidentifier():
                    scope.names[name] = (*path, "[]") if path and len(target.split(",")) == 1 else ()
            scope.names["loop"] = ()
        elif keyword == "if":
            self._expression(tag, rest, stack)
        elif keyword == "with":
            for part in rest.split(","):
                name, _, value = part.partition("=")
                scope.names[name.strip()] = self._expression(tag, value, stack[:-1]) if value else ()

    def _expression(self, tag: _Tag, source: str, stack: list[_Scope]) -> tuple[str, ...]:
        """Check one expression; the path it names when it is a plain access chain (for loop variables)."""
        source = source.strip()
        if tag.unreadable:
            return ()  # already reported: a syntax error on top would say the same less clearly
        if not source:
            self.report("syntax", "error", tag.paragraph, f"标签 {tag.source} 中缺少表达式")
            return ()
        try:
            tree = self.env.parse("{{ " + source + " }}")
        except jinja2.TemplateSyntaxError as exc:
            self.report("syntax", "error", tag.paragraph, f"标签 {tag.source} 语法错误：{exc.message}")
            return ()
        for node in tree.find_all((nodes.Filter, nodes.Test)):
            known = self.env.filters if isinstance(node, nodes.Filter) else self.env.tests
            if node.name not in known:
                what = "过滤器" if isinstance(node, nodes.Filter) else "测试"
                self.report("unknown_filter", "error", tag.paragraph,
                            f"标签 {tag.source} 使用了不存在的{what}「{node.name}」{_suggest(node.name, list(known))}")
        output = tree.body[0]
        expr = output.nodes[0] if isinstance(output, nodes.Output) and output.nodes else None
        for chain in _chains(tree):
            self._name(tag, chain, stack)
        return _chain(expr) or () if expr is not None else ()

    def _name(self, tag: _Tag, chain: tuple[str, ...], stack: list[_Scope]) -> None:
        if self.known is None:
            return
        root, rest = chain[0], chain[1:]
        for scope in reversed(stack):
            if root in scope.names:
                bound = scope.names[root]
                if not bound:
                    return  # loop, a set variable or an unpacked item: not followed
                self._path(tag, chain, (*bound, *rest), len(bound))
                return
        if root in _GLOBALS:
            return
        self._path(tag, chain, chain, 1)

    def _path(self, tag: _Tag, written: tuple[str, ...], path: tuple[str, ...], bound: int) -> None:
        """Follow ``path`` through the known names; report the first step that leaves them."""
        assert self.known is not None
        node: dict[str, Any] = self.known
        for depth, step in enumerate(path):
            if not node:
                return  # a leaf (a string, a free-form mapping): its own attributes and methods are not known
            if step not in node:
                shown = ".".join(written[: max(depth - bound + 2, 1)]).replace(".[]", "[]")
                options = [name for name in node if name != "[]"]
                hint = _suggest(step, options)
                root_unknown = depth == 0
                severity: Severity = "error" if root_unknown or hint else "warning"
                self.report("unknown_variable", severity, tag.paragraph,
                            f"「{shown}」不在「{self.kind}」文书的数据中{hint}" if hint or root_unknown else
                            f"「{shown}」不在「{self.kind}」文书的已知字段中（若数据里确实有，可忽略）")
                return
            node = node[step]


_GLOBALS = {"range", "dict", "lipsum", "cycler", "joiner", "namespace", "loop", "true", "false", "none", "True",
            "False", "None"}


def _chains(tree: nodes.Node) -> Iterator[tuple[str, ...]]:
    """The longest access chains (``a.b[0].c``) of an expression; a method call's object counts, not the method."""
    inner: set[int] = set()
    for node in tree.find_all((nodes.Getattr, nodes.Getitem, nodes.Call)):
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            inner.add(id(node.node))  # x.items(): the method is not a field
        if isinstance(node, (nodes.Getattr, nodes.Getitem)):
            inner.add(id(node.node))
    for node in tree.find_all((nodes.Name, nodes.Getattr, nodes.Getitem, nodes.Call)):
        if isinstance(node, nodes.Call) and isinstance(node.node, nodes.Getattr):
            chain = _chain(node.node.node)
            if chain:
                yield chain
            continue
        if isinstance(node, nodes.Call) or id(node) in inner:
            continue
        if isinstance(node, nodes.Name) and node.ctx != "load":
            continue
        chain = _chain(node)
        if chain:
            yield chain


def _chain(node: nodes.Node) -> tuple[str, ...] | None:
    if isinstance(node, nodes.Name):
        return (node.name,)
    if isinstance(node, nodes.Getattr):
        base = _chain(node.node)
        return (*base, node.attr) if base else None
    if isinstance(node, nodes.Getitem):
        base = _chain(node.node)
        if not base:
            return None
        arg = node.arg
        if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
            return (*base, arg.value)
        return (*base, "[]")
    return None


def _split_tags(text: str, paragraph: _Paragraph) -> tuple[list[tuple[_Tag, tuple[int, int]]], str]:
    """The tags of a text with their spans, and the text with each tag replaced by a NUL (for stray braces)."""
    found: list[tuple[_Tag, tuple[int, int]]] = []
    rest: list[str] = []
    at = 0
    for match in _TAG.finditer(text):
        rest.append(text[at:match.start()])
        rest.append("\0")  # where a tag was: stray braces next to it are reported as such
        at = match.end()
        source = match.group()
        prefix = _PREFIX.match(source)
        body = source if prefix is None else source[0] + source[1] + source[prefix.end():]
        if not source.startswith("{#"):
            tag = _Tag(source, body.translate(_STRAIGHTENED), paragraph, prefix.group(2) if prefix else "")
            found.append((tag, match.span()))
    rest.append(text[at:])
    return found, "".join(rest)


def _outside_strings(source: str) -> str:
    """``source`` with the contents of its string literals blanked out."""
    out: list[str] = []
    quote = ""
    escaped = False
    for char in source:
        if quote:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == quote:
                quote = ""
            out.append(" ")
        else:
            if char in "'\"":
                quote = char
            out.append(char if not quote else " ")
    return "".join(out)


def _suggest(wrong: str, options: list[str]) -> str:
    close = difflib.get_close_matches(wrong, options, n=1, cutoff=0.6)
    return f"；是否应为「{close[0]}」？" if close else ""


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


@cache
def _environment() -> jinja2.Environment:
    from docgen.render_docx import jinja_environment

    return jinja_environment()


# -- the names a kind's templates may use ---------------------------------------------------------------------


@cache
def known_names(kind: str) -> dict[str, Any]:
    """The context of ``kind`` as a tree of names (``"[]"`` for list items).

    The record schema's sections, the names every context has, and the derived views as the shipped template
    of the kind uses them.
    """
    from docgen.schemas import inline_refs, record_schema

    schema = inline_refs(record_schema())
    tree: dict[str, Any] = {}
    for section in _SECTIONS:
        if section in schema.get("properties", {}):
            tree[section] = _schema_tree(schema["properties"][section], schema.get("$defs", {}), 0)
    _merge(tree, _COMMON)
    for view in _VIEWS.get(kind, ()):
        tree.setdefault(view, {})
    _merge(tree, _shipped_names(kind))
    return tree


def _schema_tree(node: Any, defs: dict[str, Any], depth: int) -> dict[str, Any]:
    if not isinstance(node, dict) or depth > 12:
        return {}
    tree: dict[str, Any] = {}
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        _merge(tree, _schema_tree(defs.get(ref[len("#/$defs/"):], {}), defs, depth + 1))
    for key, sub in node.get("properties", {}).items():
        tree[key] = _schema_tree(sub, defs, depth + 1)
    if "items" in node:
        tree["[]"] = _schema_tree(node["items"], defs, depth + 1)
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in node.get(key, []):
            _merge(tree, _schema_tree(sub, defs, depth + 1))
    for key in ("then", "else"):
        _merge(tree, _schema_tree(node.get(key), defs, depth + 1))
    return tree


def _merge(into: dict[str, Any], other: dict[str, Any]) -> None:
    for key, value in other.items():
        _merge(into.setdefault(key, {}), value)


def _shipped_names(kind: str) -> dict[str, Any]:
    """The names the shipped template of ``kind`` uses (it renders, so they exist), as a tree."""
    from docgen.resources import data_dir

    shipped = data_dir("templates") / "zh" / f"{kind}.docx"
    if not shipped.is_file():
        return {}
    recorder = _Recorder()
    with zipfile.ZipFile(shipped) as package:
        recorder.run(read_template(package))
    return recorder.tree


class _Recorder(_Checker):
    """Reads a template like the checker, recording every path it names instead of judging it."""

    def __init__(self) -> None:
        super().__init__(None)
        self.tree: dict[str, Any] = {}
        self.known = {}

    def _path(self, tag: _Tag, written: tuple[str, ...], path: tuple[str, ...], bound: int) -> None:
        node = self.tree
        for step in path:
            node = node.setdefault(step, {})
