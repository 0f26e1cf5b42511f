"""A fontconfig file that makes LibreOffice draw the docx font names with the files the PDF engine uses.

LibreOffice on Linux asks fontconfig for 仿宋_GB2312, 方正小标宋简体 and the like; without a rule it gets
whatever CJK font fontconfig prefers, and its page breaks stop being an oracle for ours. The rules are
written from the font map (``fonts.toml``): each name of ``[aliases]`` is bound to the family and weight of
the file that draws its face here, read from the file itself.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from fontTools.ttLib import TTFont as FontToolsFont
from fontTools.ttLib import TTLibError

from docgen.pdf.fonts import FontMap, find_file

SYSTEM_CONFIG = "/etc/fonts/fonts.conf"
_BOLD = 600  # OS/2 weight from which fontconfig's weight is "bold"


def config_text(fontmap: FontMap) -> str:
    """The fontconfig file: the system's configuration, the folders of the map's files, one rule per name."""
    folders: list[str] = []
    rules = []
    for name, key in fontmap.aliases.items():
        found = _first_file(fontmap, key)
        if found is None:
            continue
        path, index = found
        family, weight = _family(path, index)
        if str(path.parent) not in folders:
            folders.append(str(path.parent))
        weight_edit = '<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit>'
        rules.append(
            f'  <match target="pattern"><test name="family"><string>{escape(name)}</string></test>'
            f'<edit name="family" mode="prepend" binding="strong"><string>{escape(family)}</string></edit>'
            f"{weight_edit if weight >= _BOLD else ''}</match>"
        )
    dirs = [f"  <dir>{escape(folder)}</dir>" for folder in folders]
    return "\n".join([
        '<?xml version="1.0"?>',
        '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">',
        "<fontconfig>",
        f'  <include ignore_missing="yes">{SYSTEM_CONFIG}</include>',
        *dirs,
        *rules,
        "</fontconfig>",
        "",
    ])


def write_config(fontmap: FontMap, folder: Path) -> Path:
    """Write the fontconfig file into ``folder`` (e.g. a LibreOffice profile) and return its path."""
    path = folder / "fonts.conf"
    path.write_text(config_text(fontmap), encoding="utf-8")
    return path


def _first_file(fontmap: FontMap, key: str) -> tuple[Path, int] | None:
    """The file (and face index) that draws face ``key``: its first candidate found, as ``FontSet`` picks."""
    for candidate in fontmap.faces[key].candidates:
        path = find_file(candidate.file, fontmap.search_dirs)
        if path is not None and _family(path, candidate.index)[0]:
            return path, candidate.index
    return None


@cache
def _family(path: Path, index: int) -> tuple[str, int]:
    """The family name fontconfig knows the face by (typographic family first) and its OS/2 weight."""
    try:
        with open(path, "rb") as file:
            font = FontToolsFont(file, fontNumber=index, lazy=True)
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1) or ""
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
    except (TTLibError, OSError, KeyError, AssertionError):
        return "", 400
    return family, weight
