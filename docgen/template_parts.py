"""The parts of a .docx template a Word user can type tags in, and which of them docxtpl renders.

docxtpl (0.20) renders, as Jinja templates over their raw XML: the body of ``word/document.xml`` (tables and
text boxes included, both the ``mc:Choice`` drawing and its ``mc:Fallback`` VML copy), every header and footer
related from the document, ``word/footnotes.xml``, and six core properties (title, subject, author, comments,
identifier, language) of which docgen then overwrites title, subject and author with the data's. It does not
touch endnotes, comments, the other core properties, ``app.xml`` or custom properties: a tag there stays as
typed. `stories` lists the text containers of a template with their Chinese place names; `read_paragraph`
gives the text of a paragraph as docxtpl joins it (its ``w:t`` runs, text boxes left out), each piece with the
markup that wraps it (hyperlink, tracked change, field result…), and the tracked deletions apart.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

from docgen.pdf.ooxml import NS, local, qn

_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True)
_HEADER_TYPES = {"default": "", "first": "首页", "even": "偶数页"}
_NOTE_SEPARATORS = {"separator", "continuationSeparator", "continuationNotice"}
# Elements that wrap runs inside a paragraph: a tag that starts inside one and ends outside breaks the XML
# docxtpl hands to Jinja (it removes the markup between the tag's pieces, closing tags included).
WRAPPERS = {"hyperlink": "超链接", "fldSimple": "域", "field": "域", "ins": "修订", "del": "修订",
            "moveFrom": "修订", "moveTo": "修订", "sdt": "内容控件", "smartTag": "智能标记",
            "customXml": "自定义 XML 标记", "dir": "文字方向标记", "bdo": "文字方向标记"}
REVISIONS = ("ins", "del", "moveFrom", "moveTo")
# Core properties docxtpl renders (XML local name → Chinese label), and those docgen overwrites afterwards.
RENDERED_PROPERTIES = {"title": "标题", "subject": "主题", "creator": "作者", "description": "备注",
                       "identifier": "标识", "language": "语言"}
STAMPED_PROPERTIES = {"title", "subject", "creator"}
PROPERTY_LABELS = {**RENDERED_PROPERTIES, "keywords": "关键词", "category": "类别", "contentStatus": "状态",
                   "lastModifiedBy": "最后修改者", "version": "版本", "Company": "单位", "Manager": "经理"}


@dataclass(frozen=True, slots=True)
class Story:
    """A container of paragraphs and tables (the body, one header, one footnote…) and its place name."""

    label: str
    root: etree._Element
    rendered: bool
    kind: str  # body, header, footnote, endnote, comment


@dataclass(frozen=True, slots=True)
class Property:
    """A document property's text, its place name and what docgen does with it."""

    name: str
    label: str
    text: str
    rendered: bool
    stamped: bool


@dataclass
class Template:
    """What a template holds that a user can type tags in."""

    stories: list[Story] = field(default_factory=list)
    properties: list[Property] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Segment:
    """A piece of a paragraph's text: ``text[start:end]``, and the markup around it (kind, identity) pairs."""

    start: int
    end: int
    wrappers: tuple[tuple[str, int], ...]


@dataclass
class ParagraphText:
    """A paragraph's text as docxtpl joins it, its pieces, its tracked deletions and whether it has revisions."""

    text: str = ""
    segments: list[Segment] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)  # the text of each tracked deletion, in order
    revised: bool = False


def read_template(package: zipfile.ZipFile) -> Template:
    """The stories and properties of an open .docx package. Raises KeyError without ``word/document.xml``."""
    template = Template()
    document = _parse(package.read("word/document.xml"))
    body = document.find(qn("w:body"))
    template.stories.append(Story("正文", body if body is not None else document, True, "body"))
    rels = _relationships(package, "word/_rels/document.xml.rels")
    template.stories += _headers_footers(package, document, rels)
    for kind, label, rendered in (("footnotes", "脚注", True), ("endnotes", "尾注", False)):
        root = _related(package, rels, kind)
        if root is None:
            continue
        notes = [n for n in root if local(n) == kind[:-1] and n.get(qn("w:type")) not in _NOTE_SEPARATORS]
        for number, note in enumerate(notes, start=1):
            template.stories.append(Story(f"{label} {number} ", note, rendered, kind[:-1]))
    comments = _related(package, rels, "comments")
    if comments is not None:
        for number, comment in enumerate((c for c in comments if local(c) == "comment"), start=1):
            author = comment.get(qn("w:author"))
            template.stories.append(Story(f"批注 {number}{f'（{author}）' if author else ''}", comment, False,
                                          "comment"))
    template.properties = list(_properties(package))
    return template


def _parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def _relationships(package: zipfile.ZipFile, name: str) -> dict[str, tuple[str, str]]:
    """Relationship id → (type's last segment, part name) of internal relationships."""
    if name not in package.namelist():
        return {}
    base = posixpath.dirname(posixpath.dirname(name))
    found = {}
    for rel in _parse(package.read(name)):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(base, target))
        found[rel.get("Id", "")] = (rel.get("Type", "").rpartition("/")[2], part)
    return found


def _related(package: zipfile.ZipFile, rels: dict[str, tuple[str, str]], kind: str) -> etree._Element | None:
    for rel_type, part in rels.values():
        if rel_type == kind and part in package.namelist():
            return _parse(package.read(part))
    return None


def _headers_footers(package: zipfile.ZipFile, document: etree._Element,
                     rels: dict[str, tuple[str, str]]) -> Iterator[Story]:
    """Every header and footer docxtpl renders (all related from the document), named as Word names them."""
    sections = list(document.iter(qn("w:sectPr")))
    usage: dict[str, tuple[int, str]] = {}
    for number, section in enumerate(sections, start=1):
        for ref in section:
            if local(ref) in ("headerReference", "footerReference"):
                usage.setdefault(ref.get(qn("r:id"), ""), (number, ref.get(qn("w:type"), "default")))
    for rid, (rel_type, part) in sorted(rels.items(), key=lambda item: (item[1][0] != "header", item[1][1])):
        if rel_type not in ("header", "footer") or part not in package.namelist():
            continue
        word = "页眉" if rel_type == "header" else "页脚"
        if rid in usage:
            number, ref_type = usage[rid]
            section = f"第 {number} 节" if len(sections) > 1 else ""
            label = f"{section}{_HEADER_TYPES.get(ref_type, '')}{word}"
        else:
            label = f"{word}（{posixpath.basename(part)}）"
        yield Story(label, _parse(package.read(part)), True, rel_type)


def _properties(package: zipfile.ZipFile) -> Iterator[Property]:
    names = package.namelist()
    for part in ("docProps/core.xml", "docProps/app.xml"):
        if part not in names:
            continue
        for element in _parse(package.read(part)):
            name = local(element)
            if name in PROPERTY_LABELS and element.text:
                yield Property(name, f"文档属性「{PROPERTY_LABELS[name]}」", element.text,
                               part.endswith("core.xml") and name in RENDERED_PROPERTIES,
                               part.endswith("core.xml") and name in STAMPED_PROPERTIES)
    if "docProps/custom.xml" in names:
        for prop in _parse(package.read("docProps/custom.xml")):
            text = "".join(prop.itertext())
            if text:
                yield Property(prop.get("name", ""), f"自定义文档属性「{prop.get('name', '')}」", text, False, False)


# -- the text of a paragraph ----------------------------------------------------------------------------------


def text_boxes(paragraph: etree._Element) -> list[etree._Element]:
    """The text boxes anchored in a paragraph (not those nested in them), the drawing's copy, not the VML one.

    Word writes each text box twice, ``mc:Choice`` (DrawingML) and ``mc:Fallback`` (VML) with the same text;
    docxtpl renders both, so a tag has the same effect in each: checking one is enough. A VML-only text box
    (older files) is checked as well.
    """
    boxes = []
    for box in paragraph.iter(qn("w:txbxContent")):
        between = list(_ancestors_below(box, paragraph))
        if any(local(a) == "txbxContent" for a in between):
            continue  # nested in another text box: read with that box's paragraphs
        fallback = next((a for a in between if a.tag == qn("mc:Fallback")), None)
        choice = fallback.getprevious() if fallback is not None else None
        if choice is not None and next(choice.iter(qn("w:txbxContent")), None) is not None:
            continue
        boxes.append(box)
    return boxes


def _ancestors_below(element: etree._Element, top: etree._Element) -> Iterator[etree._Element]:
    for ancestor in element.iterancestors():
        if ancestor is top:
            return
        yield ancestor


def read_paragraph(element: etree._Element) -> ParagraphText:
    """The text of a paragraph (or a table row) as docxtpl joins it: ``w:t`` and tabs; text boxes left out."""
    out = ParagraphText()
    fields: list[int] = []  # open complex fields: their ids, negative while still in the field code
    _walk(element, (), out, fields)
    mark = element.find("w:pPr/w:rPr", {"w": NS["w"]})
    if mark is not None and any(local(child) in REVISIONS for child in mark):
        out.revised = True  # a paragraph mark inserted or deleted: a paragraph split or joined with tracking on
    return out


def _walk(element: etree._Element, wrappers: tuple[tuple[str, int], ...], out: ParagraphText,
          fields: list[int]) -> None:
    for child in element:
        name = local(child)
        if not name or name in ("txbxContent", "pPr", "rPr", "tblPr", "trPr", "tcPr", "sdtPr"):
            continue
        if name in REVISIONS:
            out.revised = True
        if name == "r":
            _run(child, wrappers, out, fields)
        elif name == "del":
            out.deleted.append("".join(t.text or "" for t in child.iter(qn("w:delText"))))
        elif name in WRAPPERS:
            _walk(child, (*wrappers, (name, id(child))), out, fields)
        else:
            _walk(child, wrappers, out, fields)


def _run(run: etree._Element, wrappers: tuple[tuple[str, int], ...], out: ParagraphText, fields: list[int]) -> None:
    for node in run:
        name = local(node)
        if name == "fldChar":
            kind = node.get(qn("w:fldCharType"))
            if kind == "begin":
                fields.append(-id(node))
            elif kind == "separate" and fields:
                fields[-1] = abs(fields[-1])
            elif kind == "end" and fields:
                fields.pop()
        elif name in ("t", "tab"):
            text = node.text or "" if name == "t" else "\t"
            if not text and not node.attrib:
                continue  # <w:t/>: docxtpl reads past it; an empty <w:t xml:space="preserve"/> it does not
            around = wrappers + tuple(("field", f) for f in fields if f > 0)
            out.segments.append(Segment(len(out.text), len(out.text) + len(text), around))
            out.text += text
