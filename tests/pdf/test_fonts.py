"""Font map: resolution chain, user folder override, substitution reports, unusable files."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from docgen.pdf import FontMap, typeset
from docgen.pdf.diagnostics import Diagnostics
from docgen.pdf.fonts import FONT_DIR_ENV, FontSet, find_file
from tests.pdf.builders import chinese_document, to_bytes

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
