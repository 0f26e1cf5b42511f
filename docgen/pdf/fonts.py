"""Font map: which font file (TrueType, or OpenType with CID-keyed CFF outlines) draws each font a docx names.

The map itself is data (``fonts.toml`` beside this module). Files are searched along a chain: the caller's
folder, then ``$DOCGEN_FONT_DIR``, then the system font folders; the Debian packages named in ``fonts.toml``
provide a last candidate for every face, so a fresh machine renders correct Chinese. Each file is loaded and
registered with reportlab once per process; a run-local :class:`FontSet` resolves names, reports
substitutions once, and picks a fallback face per character when the chosen one has no glyph.
"""

from __future__ import annotations

import os
import struct
import tomllib
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from docgen.errors import ConfigError
from docgen.pdf.cff import CFFFace, NotCIDKeyedError
from docgen.pdf.cidfonts import Face as FontFace
from docgen.pdf.diagnostics import Diagnostics

FONT_DIR_ENV = "DOCGEN_FONT_DIR"
_MAP_FILE = Path(__file__).with_name("fonts.toml")
_SYSTEM_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",  # Debian's texlive-lang-chinese
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)
_FONT_SUFFIXES = {".ttf", ".ttc", ".otf", ".otc"}


class FontNotFoundError(ConfigError):
    """No font file of the map could be loaded for a face nor for any fallback face."""


@dataclass(frozen=True, slots=True)
class Candidate:
    """One file that may draw a face; style variants are file names in the same folder search."""

    file: str
    index: int = 0
    exact: bool = False
    name: str = ""
    bold: str = ""
    italic: str = ""
    bold_italic: str = ""

    def variant(self, bold: bool, italic: bool) -> str:
        """File name of the requested style, or empty when the family has none."""
        if bold and italic:
            return self.bold_italic
        return self.bold if bold else self.italic if italic else self.file


@dataclass(frozen=True, slots=True)
class Face:
    """A logical face such as 仿宋, with its candidate files best first."""

    key: str
    label: str
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class FontMap:
    """Configuration of font resolution: faces, the names that alias them, fallbacks and search folders."""

    faces: dict[str, Face]
    aliases: dict[str, str]
    fallback: tuple[str, ...]
    default_east_asia: str
    default_latin: str
    search_dirs: tuple[Path, ...]

    @classmethod
    def default(cls, user_dir: Path | None = None) -> FontMap:
        """The shipped map, searching ``user_dir`` first, then ``$DOCGEN_FONT_DIR``, then system folders."""
        return cls.from_file(_MAP_FILE, user_dir=user_dir)

    @classmethod
    def from_file(cls, path: Path, *, user_dir: Path | None = None) -> FontMap:
        """Load a map in the ``fonts.toml`` format."""
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        faces = {key: _face(key, spec) for key, spec in data["faces"].items()}
        return cls(
            faces=faces,
            aliases=dict(data.get("aliases", {})),
            fallback=tuple(data.get("fallback", {}).get("faces", ())),
            default_east_asia=data["default_east_asia"],
            default_latin=data["default_latin"],
            search_dirs=_search_dirs(user_dir),
        )

    def face_key(self, name: str) -> str | None:
        """The face a docx font name maps to, or None when the map does not know the name."""
        return self.aliases.get(name.strip())


def _face(key: str, spec: dict) -> Face:
    candidates = tuple(Candidate(**c) for c in spec["candidates"])
    return Face(key=key, label=spec.get("label", key), candidates=candidates)


def _search_dirs(user_dir: Path | None) -> tuple[Path, ...]:
    dirs: list[Path] = []
    if user_dir is not None:
        dirs.append(Path(user_dir))
    env = os.environ.get(FONT_DIR_ENV)
    if env:
        dirs.extend(Path(p) for p in env.split(os.pathsep) if p)
    dirs.extend(Path(d).expanduser() for d in _SYSTEM_DIRS)
    return tuple(dirs)


@cache
def _files_in(folder: Path) -> dict[str, Path]:
    """Font files under ``folder`` by lower-case file name (first found wins, walk order sorted)."""
    found: dict[str, Path] = {}
    if not folder.is_dir():
        return found
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        for name in sorted(files):
            if Path(name).suffix.lower() in _FONT_SUFFIXES:
                found.setdefault(name.lower(), Path(root) / name)
    return found


def has_font_files(folder: Path) -> bool:
    """True when ``folder`` (searched like the font folders) holds at least one font file."""
    return bool(_files_in(folder))


def find_file(name: str, dirs: tuple[Path, ...]) -> Path | None:
    """First file called ``name`` (case-insensitive) along the search folders."""
    for folder in dirs:
        path = _files_in(folder).get(name.lower())
        if path is not None:
            return path
    return None


class Font:
    """A loaded face registered with reportlab under ``rl_name``, with cached advance widths (in em)."""

    def __init__(self, rl_name: str, face: FontFace, label: str):
        self.rl_name = rl_name
        self.label = label
        self.face = face
        self._glyphs = face.charToGlyph
        self._widths = face.charWidths
        self._default_width = face.defaultWidth / 1000.0
        self.ascent, self.descent = line_metrics(face)
        self._cache: dict[str, float] = {}

    def has(self, char: str) -> bool:
        """True when the face has a glyph for ``char``."""
        return ord(char) in self._glyphs

    def advance(self, char: str) -> float:
        """Advance width of ``char`` in em."""
        width = self._cache.get(char)
        if width is None:
            raw = self._widths.get(ord(char))
            width = raw / 1000.0 if raw is not None else self._default_width
            self._cache[char] = width
        return width

    def width(self, text: str, size: float) -> float:
        """Advance width of ``text`` at ``size`` points."""
        return sum(self.advance(c) for c in text) * size


def line_metrics(face: FontFace) -> tuple[float, float]:
    """Ascent (with the line gap) and descent in em, as LibreOffice measures a line of single spacing.

    LibreOffice on Linux, the engine's fidelity oracle, spaces single lines by the hhea ascender, descender and
    line gap (the OS/2 typographic values when the font sets USE_TYPO_METRICS); reportlab's own ``ascent`` is
    the typographic ascender alone, which makes lines of fonts such as WenQuanYi Zen Hei a quarter too tight.
    """
    try:
        upm = struct.unpack(">H", face.get_table("head")[18:20])[0] or 1000
        ascender, descender, gap = struct.unpack(">hhh", face.get_table("hhea")[4:10])
        os2 = face.get_table("OS/2")
        if len(os2) >= 78 and struct.unpack(">H", os2[62:64])[0] & 0x80:
            ascender, descender, gap = struct.unpack(">hhh", os2[68:74])
    except (KeyError, struct.error, TTFError):
        return face.ascent / 1000.0, -face.descent / 1000.0
    if ascender <= 0:
        return face.ascent / 1000.0, -face.descent / 1000.0
    return (ascender + max(gap, 0)) / upm, abs(descender) / upm


_LOADED: dict[tuple[Path, int], Font | None] = {}


def load_font(path: Path, index: int, label: str) -> Font | None:
    """Load and register a font file once per process; None when it is neither TrueType nor CID-keyed CFF."""
    key = (path, index)
    if key not in _LOADED:
        _LOADED[key] = _register(path, index, label)
    return _LOADED[key]


def _register(path: Path, index: int, label: str) -> Font | None:
    # The registered name depends only on the file name, so PDFs do not differ between machines.
    base = f"{path.stem}-{index}"
    name, n = base, 1
    while name in pdfmetrics.getRegisteredFontNames():
        n += 1
        name = f"{base}-{n}"
    try:
        # Not ASCII-readable: reportlab would otherwise put the font's whole ASCII range into the first subset
        # of every document, used or not (a third of a typical PDF, and of the time spent subsetting it).
        tt = TTFont(name, str(path), subfontIndex=index, asciiReadable=False)
    except (TTFError, OSError, ValueError):
        try:
            face = CFFFace(path, index)
        except NotCIDKeyedError:
            return None
        # Only the canvas's initial font is looked up by name (see draw.render); text is drawn by cidfonts.
        pdfmetrics.registerFont(_Registered(name, face))
        return Font(name, face, label)
    pdfmetrics.registerFont(tt)
    return Font(name, tt.face, label)


@dataclass(frozen=True)
class _Registered:
    """What reportlab's registry needs of a font drawn by ``cidfonts`` alone: a name, and not to be written."""

    fontName: str  # noqa: N815 - reportlab's attribute names
    face: CFFFace
    _dynamicFont: bool = True  # noqa: N815
    _multiByte: bool = False  # noqa: N815


@dataclass(frozen=True, slots=True)
class StyledFont:
    """A font chosen for a run: the face file plus the styles the engine must synthesise."""

    font: Font
    fake_bold: bool = False
    fake_italic: bool = False


@dataclass
class FontSet:
    """Run-local font resolution over a :class:`FontMap`; reports substitutions and missing files once."""

    fontmap: FontMap
    diag: Diagnostics
    _faces: dict[str, tuple[Candidate, Font] | None] = field(default_factory=dict)
    _styled: dict[tuple[str, bool, bool, bool], StyledFont] = field(default_factory=dict)
    _fallbacks: list[Font] | None = None

    def styled(self, name: str, *, east_asia: bool, bold: bool, italic: bool) -> StyledFont:
        """The font that draws docx font ``name`` in the given style."""
        key = (name, east_asia, bold, italic)
        if key not in self._styled:
            self._styled[key] = self._resolve_styled(name, east_asia, bold, italic)
        return self._styled[key]

    def fallback_for(self, char: str) -> Font | None:
        """The first fallback face that has a glyph for ``char``, or None."""
        if self._fallbacks is None:
            found = (self._face(key) for key in self.fontmap.fallback)
            self._fallbacks = [pair[1] for pair in found if pair is not None]
        for font in self._fallbacks:
            if font.has(char):
                return font
        return None

    def _resolve_styled(self, name: str, east_asia: bool, bold: bool, italic: bool) -> StyledFont:
        key = self._face_key(name, east_asia)
        found = self._face(key) or self._any_face()
        candidate, regular = found
        if not bold and not italic:
            return StyledFont(regular)
        variant = candidate.variant(bold, italic)
        path = find_file(variant, self.fontmap.search_dirs) if variant else None
        styled = load_font(path, candidate.index, regular.label) if path else None
        if styled is not None:
            return StyledFont(styled)
        return StyledFont(regular, fake_bold=bold, fake_italic=italic)

    def _face_key(self, name: str, east_asia: bool) -> str:
        key = self.fontmap.face_key(name)
        if key is None:
            key = self.fontmap.default_east_asia if east_asia else self.fontmap.default_latin
            label = self.fontmap.faces[key].label
            self.diag.warn_once("pdf.font.unknown", f"字体表中没有“{name}”，以{label}字体排版")
        return key

    def _face(self, key: str) -> tuple[Candidate, Font] | None:
        if key not in self._faces:
            self._faces[key] = self._load_face(self.fontmap.faces[key])
        return self._faces[key]

    def _load_face(self, face: Face) -> tuple[Candidate, Font] | None:
        for candidate in face.candidates:
            path = find_file(candidate.file, self.fontmap.search_dirs)
            font = load_font(path, candidate.index, face.label) if path else None
            if font is None:
                continue
            if not candidate.exact:
                shown = candidate.name or candidate.file
                self.diag.warn_once("pdf.font.substituted", f"未找到{face.label}字体文件，以 {shown} 代替")
            return candidate, font
        self.diag.warn_once("pdf.font.face_missing", f"{face.label}字体的候选文件一个也没有找到或无法加载")
        return None

    def _any_face(self) -> tuple[Candidate, Font]:
        for key in (*self.fontmap.fallback, *self.fontmap.faces):
            found = self._face(key)
            if found is not None:
                return found
        raise FontNotFoundError("字体表中没有一个可用的字体文件，请安装 fonts-noto-cjk 等字体包")
