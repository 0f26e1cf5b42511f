"""Checks a .docx template the way docxtpl will read it, and names the place of every mistake.

A template edited in Word, WPS or LibreOffice breaks in ways docxtpl does not report, or reports with no place:
a one-brace typo swallows the text up to the next ``}}`` (whole paragraphs gone, exit 0), a tag written inside
an XML attribute is dropped on the next save, Word's AutoCorrect turns the quotes of ``b.kind == 'p'`` into
“smart” ones, a misspelt field fails with "'dict object' has no attribute". `check_template` reads every
paragraph of the body, headers and footers, finds the tags in its text (tags may span runs, as docxtpl joins
them, but not paragraphs) and reports, each with its place and an excerpt of the paragraph:

- tags left open or closed without an opening (``{{ x }``), stray braces next to a tag, tags across paragraphs;
- ``{% %}`` blocks that do not nest (``for`` without ``endfor``…), Jinja syntax errors in one tag;
- paragraph and row tags (``{%p``, ``{%tr``) that share their paragraph or row with text docxtpl deletes;
- tags in XML attributes or field codes, smart quotes inside tags, unknown filters;
- variables not in the kind's context, with the nearest known name.
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

Severity = Literal["error", "warning"]

_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_PREFIX = re.compile(r"^\{([{%])-?\s*(p|r|tr|tc)(?=\s)")
_SMART_QUOTES = "“”‘’„‟″′"
_EXCERPT = 30
_STORY_PARTS = re.compile(r"^word/(document|header\d*|footer\d*)\.xml$")
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
            parts = {name: package.read(name) for name in package.namelist() if _STORY_PARTS.match(name)}
    except (OSError, zipfile.BadZipFile, KeyError) as exc:
        raise TemplateError(f"模板 {path.name} 不是有效的 Word 文件：{exc}") from None
    if "word/document.xml" not in parts:
        raise TemplateError(f"模板 {path.name} 不是有效的 Word 文件：缺少 word/document.xml")
    return _Checker(kind).run(parts)


def errors_of(path: Path, kind: str) -> list[TemplateIssue]:
    """The errors (not the warnings) of a template, memoised by file, size and time: batches ask once per row."""
    stat = path.stat()
    return _errors(path.resolve(), kind, stat.st_size, stat.st_mtime_ns)


@cache
def _errors(path: Path, kind: str, size: int, mtime: int) -> list[TemplateIssue]:
    return [issue for issue in check_template(path, kind) if issue.severity == "error"]


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

    def report(self, code: str, severity: Severity, paragraph: _Paragraph | _Row | None, message: str) -> None:
        where, excerpt = (paragraph.where, _excerpt(paragraph.text)) if paragraph is not None else ("", "")
        self.issues.append(TemplateIssue(code, severity, where, excerpt, message))

    def run(self, parts: dict[str, bytes]) -> list[TemplateIssue]:
        tags: list[_Tag] = []
        for name in sorted(parts, key=lambda n: (n != "word/document.xml", n)):
            root = etree.fromstring(parts[name], etree.XMLParser(resolve_entities=False, no_network=True))
            story = {"document": "正文"}.get(Path(name).stem, "页眉" if "header" in name else "页脚")
            for paragraph in self._story(root, story):
                tags.extend(self._tags(paragraph))
        self._blocks(tags)
        return self.issues

    # -- reading the stories ------------------------------------------------------------------------------

    def _story(self, root: etree._Element, story: str) -> Iterator[_Paragraph]:
        """Paragraphs of a part in order, with their places; attributes and field codes are checked on the way."""
        counts = {"p": 0, "tbl": 0}
        body = root.find(qn("w:body"))
        container = body if body is not None else root
        yield from self._blocks_of(container, story, counts, None)

    def _blocks_of(self, container: etree._Element, story: str, counts: dict[str, int],
                   cell: str | None) -> Iterator[_Paragraph]:
        for child in container:
            tag = local(child)
            if tag == "p":
                counts["p"] += 1
                where = f"{cell}第 {counts['p']} 段" if cell else f"{story}第 {counts['p']} 段"
                paragraph = _Paragraph(where, _text(child))
                self._attributes(child, paragraph)
                yield paragraph
            elif tag == "tbl":
                counts["tbl"] += 1
                yield from self._table(child, f"{story}表格 {counts['tbl']} " if not cell else f"{cell}嵌套表格")
            elif tag in ("sdt", "sdtContent", "customXml"):
                yield from self._blocks_of(child, story, counts, cell)

    def _table(self, tbl: etree._Element, where: str) -> Iterator[_Paragraph]:
        table_place = _Paragraph(where, "")
        for prop in (tbl.find(qn("w:tblPr")), tbl.find(qn("w:tblGrid"))):
            if prop is not None:
                self._attributes(prop, table_place)
        grid = tbl.find(qn("w:tblGrid"))
        if grid is not None and "{" in "".join(grid.itertext()):
            self.report("tag_in_attribute", "error", table_place,
                        "标签写在表格结构（tblGrid）中：编辑软件保存时会丢掉它，请删除")
        for r, tr in enumerate(tbl.iterfind(qn("w:tr")), start=1):
            row = _Row(f"{where}第 {r} 行", _text(tr))
            trpr = tr.find(qn("w:trPr"))
            if trpr is not None:
                self._attributes(trpr, _Paragraph(row.where, row.text))
            for c, tc in enumerate(tr.iterfind(qn("w:tc")), start=1):
                tcpr = tc.find(qn("w:tcPr"))
                place = f"{where}第 {r} 行第 {c} 列"
                if tcpr is not None:
                    self._attributes(tcpr, _Paragraph(place, _text(tc)))
                for paragraph in self._blocks_of(tc, "", {"p": 0, "tbl": 0}, place):
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
        text = paragraph.text
        found: list[_Tag] = []
        rest: list[str] = []
        at = 0
        for match in _TAG.finditer(text):
            rest.append(text[at:match.start()])
            rest.append("\0")  # where a tag was: stray braces next to it are reported as such
            at = match.end()
            source = match.group()
            prefix = _PREFIX.match(source)
            body = source if prefix is None else source[0] + source[1] + source[prefix.end():]
            tag = _Tag(source, body, paragraph, prefix.group(2) if prefix else "")
            if not source.startswith("{#"):
                found.append(tag)
        rest.append(text[at:])
        self._leftovers("".join(rest), paragraph)
        for tag in found:
            self._tag_text(tag)
        return found

    def _leftovers(self, rest: str, paragraph: _Paragraph) -> None:
        """What is left of the paragraph once its whole tags are taken out: no tag delimiter may remain."""
        for opening, closing in (("{{", "}}"), ("{%", "%}")):
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
        if any(quote in tag.body for quote in _SMART_QUOTES):
            self.report("smart_quotes", "error", tag.paragraph,
                        f"标签 {tag.source} 中有中文引号（“”‘’）：Jinja 只认英文引号，请改为 ' 或 \""
                        "（可关闭 Word 的“自动套用格式”中的“直引号替换为弯引号”）")
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


def _suggest(wrong: str, options: list[str]) -> str:
    close = difflib.get_close_matches(wrong, options, n=1, cutoff=0.6)
    return f"；是否应为「{close[0]}」？" if close else ""


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EXCERPT else text[: _EXCERPT - 1] + "…"


def _text(element: etree._Element) -> str:
    """The text of a paragraph (or row) as docxtpl joins it: w:t and tabs, field codes left out."""
    out: list[str] = []
    for node in element.iter(qn("w:t"), qn("w:tab"), qn("w:br")):
        if local(node) == "t":
            out.append(node.text or "")
        elif local(node) == "tab" and local(node.getparent()) == "r":
            out.append("\t")
    return "".join(out)


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
        parts = {name: package.read(name) for name in package.namelist() if _STORY_PARTS.match(name)}
    recorder.run(parts)
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
