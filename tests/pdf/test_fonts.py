"""Font map: resolution chain, user folder override, substitution reports, unusable files."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from fontTools import cffLib, ttLib
from pypdf import PdfReader

from docgen.pdf import FontMap, typeset
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.fontconfig import write_config
from docgen.pdf.fonts import FONT_DIR_ENV, FontSet, find_file
from tests.pdf.builders import chinese_document, embedded_fonts, to_bytes

DEJAVU = find_file("DejaVuSans.ttf", FontMap.default().search_dirs)


def base_fonts(pdf: bytes) -> set[str]:
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    return {str(ref.get_object()["/BaseFont"]).split("+", 1)[1] for ref in fonts.values()}


def test_every_alias_resolves_to_a_face() -> None:
    fontmap = FontMap.default()
    assert set(fontmap.aliases.values()) <= set(fontmap.faces)
    assert set(fontmap.fallback) <= set(fontmap.faces)


@pytest.mark.parametrize("name", ["仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312", "宋体", "Times New Roman"])
def test_customary_fonts_load_and_cover_chinese(name: str) -> None:
    fonts = FontSet(FontMap.default(), Diagnostics())
    styled = fonts.styled(name, east_asia=name != "Times New Roman", bold=False, italic=False)
    sample = "工伤预防" if name != "Times New Roman" else "Budget 2026"
    assert all(styled.font.has(c) for c in sample if c != " ")


def test_user_font_dir_wins_and_is_not_a_substitution(tmp_path: Path) -> None:
    if DEJAVU is None:
        pytest.skip("DejaVu Sans not installed")
    shutil.copy(DEJAVU, tmp_path / "simhei.ttf")
    fonts = FontSet(FontMap.default(user_dir=tmp_path), Diagnostics())
    styled = fonts.styled("黑体", east_asia=True, bold=False, italic=False)
    assert styled.font.rl_name.startswith("simhei")
    assert not [w for w in fonts.diag.warnings if "黑体" in w.message]


def test_env_var_font_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(FONT_DIR_ENV, str(tmp_path))
    assert FontMap.default().search_dirs[0] == tmp_path


def test_unusable_font_file_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "simfang.ttf").write_bytes(b"OTTO not really a font")
    diag = Diagnostics()
    fonts = FontSet(FontMap.default(user_dir=tmp_path), diag)
    styled = fonts.styled("仿宋_GB2312", east_asia=True, bold=False, italic=False)
    assert styled.font.has("仿")
    assert [w.code for w in diag.warnings] == ["pdf.font.substituted"]


def test_unknown_font_name_is_reported_once() -> None:
    document = chinese_document()
    for _ in range(3):
        run = document.add_paragraph().add_run("Some text")
        run.font.name = "Comic Sans MS"
    unknown = [w for w in typeset(to_bytes(document)).warnings if w.code == "pdf.font.unknown"]
    assert len(unknown) == 1
    assert "Comic Sans MS" in unknown[0].message


def test_chinese_bold_is_synthesised_and_latin_bold_uses_bold_file() -> None:
    document = chinese_document()
    run = document.add_paragraph().add_run("加粗 Bold")
    run.bold = True
    fonts = base_fonts(typeset(to_bytes(document)).pdf)
    assert any("Bold" in name for name in fonts)
    assert not any("Helvetica" in name for name in fonts)


ROLES = {"仿宋_GB2312": "仿宋正文", "方正小标宋简体": "小标宋标题", "黑体": "黑体标题", "楷体_GB2312": "楷体标题", "宋体": "宋体表格"}


def role_document() -> bytes:
    document = chinese_document()
    for name, text in ROLES.items():
        run = document.add_paragraph().add_run(f"{text}。")
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)
    return to_bytes(document)


def embedded_glyph_boxes(pdf: bytes) -> dict[str, dict[str, tuple[float, float, float, float]]]:
    """By embedded font name: each drawn character's glyph bounding box, read from the font program."""
    found = {}
    for descendant, chars in embedded_fonts(pdf):
        descriptor = descendant["/FontDescriptor"]
        boxes = {}
        if "/FontFile3" in descriptor:  # CID-keyed CFF: glyphs by the font's CIDs
            program = cffLib.CFFFontSet()
            program.decompile(io.BytesIO(descriptor["/FontFile3"].get_object().get_data()), None)
            charstrings = program[program.fontNames[0]].CharStrings
            for cid, char in chars.items():
                boxes[char] = charstrings[f"cid{cid:05d}"].calcBounds(charstrings)
        else:  # TrueType: glyph k of the subset is CID k
            subset = ttLib.TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            scale = 1000 / subset["head"].unitsPerEm
            glyf, order = subset["glyf"], subset.getGlyphOrder()
            for cid, char in chars.items():
                glyph = glyf[order[cid]]
                glyph.recalcBounds(glyf)
                boxes[char] = tuple(v * scale for v in (glyph.xMin, glyph.yMin, glyph.xMax, glyph.yMax))
        found[str(descendant["/BaseFont"]).split("+", 1)[1]] = boxes
    return found


def test_each_role_embeds_its_own_face_with_mainland_punctuation() -> None:
    """The five 公文 roles draw with five distinct faces, each with the glyphs of its text and 。 at bottom left."""
    pdf = typeset(role_document()).pdf
    fonts = embedded_glyph_boxes(pdf)
    assert len(fonts) == len(ROLES)
    for text in ROLES.values():
        (boxes,) = [boxes for boxes in fonts.values() if set(boxes) == set(text + "。")]
        assert all(box[2] > box[0] and box[3] > box[1] for box in boxes.values())  # real outlines
        x_min, y_min, x_max, y_max = boxes["。"]
        assert x_max < 500 and y_max < 300, boxes["。"]  # in the bottom-left quarter: not centred as in Taiwan


def test_bold_song_is_a_real_bold_face() -> None:
    document = chinese_document()
    document.add_paragraph("宋体")
    document.add_paragraph().add_run("宋体").bold = True
    fonts = base_fonts(typeset(to_bytes(document)).pdf)
    assert len(fonts) == 2 and any("Bold" in name for name in fonts), fonts


def test_fontconfig_binds_the_docx_names_to_the_engines_files(tmp_path: Path) -> None:
    if shutil.which("fc-match") is None:
        pytest.skip("fontconfig's fc-match not installed")
    fontmap = FontMap.default()
    config = write_config(fontmap, tmp_path)
    fonts = FontSet(fontmap, Diagnostics())
    for name in ROLES:
        engine = fonts.styled(name, east_asia=True, bold=False, italic=False).font.face.filename
        matched = subprocess.run(["fc-match", "-f", "%{file}", name], capture_output=True, text=True, check=True,
                                 env={**os.environ, "FONTCONFIG_FILE": str(config)}).stdout
        assert Path(matched).resolve() == Path(engine).resolve(), name
