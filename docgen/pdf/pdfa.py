"""PDF/A-2b for archiving: XMP metadata, an sRGB output intent, the document language and a file identifier.

The engine's PDFs already embed every font (as subsets with ToUnicode maps) and use no encryption, scripts
or external content; what PDF/A-2b adds is declared here, on the finished file, so it applies to the output
of either engine and to merged files alike. The creation date is given by the caller (``SOURCE_DATE_EPOCH``
or a date of the record, see `creation_date`), never the clock, so equal input still gives equal bytes.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from docgen.assemble import set_identifier
from docgen.errors import ConfigError

LANGUAGE = "zh-CN"
SOURCE_DATE_EPOCH = "SOURCE_DATE_EPOCH"
# Dates of a record that say when its document was made, most telling first (JSON Pointer paths).
RECORD_DATES = ("/notice/print_date", "/notice/date", "/agreement/sign_date", "/acceptance/date")
FALLBACK_DATE = datetime(2000, 1, 1, tzinfo=UTC)  # reportlab's invariant date, when nothing else says
_CHINA = timezone(timedelta(hours=8))
_ICC_PROFILES = (  # sRGB IEC61966-2.1 from Debian packages: icc-profiles-free, then colord
    "/usr/share/color/icc/sRGB.icc",
    "/usr/share/color/icc/colord/sRGB.icc",
)
_OUTPUT_CONDITION = "sRGB IEC61966-2.1"


class ProfileNotFoundError(ConfigError):
    """No sRGB ICC profile is installed for the PDF/A output intent."""


def creation_date(record: Mapping[str, Any] | None = None) -> datetime:
    """``$SOURCE_DATE_EPOCH`` when set, else the record's own date (成文日期, 签订日期 …), else 2000-01-01."""
    epoch = os.environ.get(SOURCE_DATE_EPOCH, "").strip()
    if epoch.isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    for pointer in RECORD_DATES:
        value: Any = record
        for key in pointer.strip("/").split("/"):
            value = value.get(key) if isinstance(value, Mapping) else None
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=_CHINA)
        if isinstance(value, str):
            try:
                day = date.fromisoformat(value)
            except ValueError:
                continue
            return datetime(day.year, day.month, day.day, tzinfo=_CHINA)
    return FALLBACK_DATE


def to_pdfa(pdf: bytes, created: datetime, *, language: str = LANGUAGE) -> bytes:
    """``pdf`` declared as PDF/A-2b: XMP matching its document information, sRGB output intent, /Lang, /ID."""
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter(clone_from=reader)
    info = {key: str(value) for key, value in (reader.metadata or {}).items()}
    stamp = _pdf_date(created)
    info.update({"/CreationDate": stamp, "/ModDate": stamp})
    writer.add_metadata(info)
    root = writer.root_object
    xmp = DecodedStreamObject()  # uncompressed, so archive tools can read it without a PDF parser
    xmp.set_data(_xmp(info, created).encode("utf-8"))
    xmp.update({NameObject("/Type"): NameObject("/Metadata"), NameObject("/Subtype"): NameObject("/XML")})
    root[NameObject("/Metadata")] = writer._add_object(xmp)
    root[NameObject("/OutputIntents")] = ArrayObject([writer._add_object(_output_intent(writer))])
    root[NameObject("/Lang")] = TextStringObject(language)
    set_identifier(writer, [pdf])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _output_intent(writer: PdfWriter) -> DictionaryObject:
    profile = DecodedStreamObject()
    profile.set_data(_icc_profile())
    profile[NameObject("/N")] = NumberObject(3)
    return DictionaryObject({
        NameObject("/Type"): NameObject("/OutputIntent"),
        NameObject("/S"): NameObject("/GTS_PDFA1"),
        NameObject("/OutputConditionIdentifier"): TextStringObject(_OUTPUT_CONDITION),
        NameObject("/Info"): TextStringObject(_OUTPUT_CONDITION),
        NameObject("/DestOutputProfile"): writer._add_object(profile.flate_encode()),
    })


def _icc_profile() -> bytes:
    for candidate in _ICC_PROFILES:
        path = Path(candidate)
        if path.is_file():
            return path.read_bytes()
    raise ProfileNotFoundError("未找到 sRGB 色彩配置文件，无法生成 PDF/A；请安装 icc-profiles-free 软件包")


def _pdf_date(moment: datetime) -> str:
    offset = moment.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "+" if minutes >= 0 else "-"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


def _described(text: Callable[[str], str]) -> list[tuple[str, str]]:
    """The XMP properties that restate document information entries, by the entry they restate."""
    return [
        ("/Title", f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{text("/Title")}</rdf:li></rdf:Alt></dc:title>'),
        ("/Author", f"<dc:creator><rdf:Seq><rdf:li>{text('/Author')}</rdf:li></rdf:Seq></dc:creator>"),
        ("/Subject", f'<dc:description><rdf:Alt><rdf:li xml:lang="x-default">{text("/Subject")}</rdf:li>'
                     "</rdf:Alt></dc:description>"),
        ("/Keywords", f"<pdf:Keywords>{text('/Keywords')}</pdf:Keywords>"),
        ("/Producer", f"<pdf:Producer>{text('/Producer')}</pdf:Producer>"),
        ("/Creator", f"<xmp:CreatorTool>{text('/Creator')}</xmp:CreatorTool>"),
    ]


def _xmp(info: Mapping[str, str], created: datetime) -> str:
    """The XMP packet: PDF/A identification and the same facts as the document information dictionary."""
    def text(key: str) -> str:
        return escape(info.get(key, ""))

    when = created.isoformat()
    return "\n".join([
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>',
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"'
        ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"'
        ' xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
        "<pdfaid:part>2</pdfaid:part>",
        "<pdfaid:conformance>B</pdfaid:conformance>",
        "<dc:format>application/pdf</dc:format>",
        *(line for key, line in _described(text) if key in info),
        f"<xmp:CreateDate>{when}</xmp:CreateDate>",
        f"<xmp:ModifyDate>{when}</xmp:ModifyDate>",
        f"<xmp:MetadataDate>{when}</xmp:MetadataDate>",
        "</rdf:Description>",
        "</rdf:RDF>",
        "</x:xmpmeta>",
        '<?xpacket end="w"?>',
    ])
