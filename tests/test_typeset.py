"""The PDF stage's options: ``--fonts`` must name a folder of fonts (#17.5)."""

import pytest

from docgen.cli import main
from docgen.typeset import check_font_dir
from tests.conftest import FIXTURES

MESSAGES = {
    "没有这个目录": "字体目录 {path} 不存在；--fonts 应为存放字体文件（.ttf、.otf、.ttc）的文件夹",
    "fonts/simsun.ttc": "--fonts 应为文件夹，{path} 是一个文件；请改为它所在的文件夹 {path.parent}",
    "fonts": "字体目录 {path} 中没有字体文件（.ttf、.otf、.ttc）",
}


@pytest.mark.parametrize("command", ["render application", "packet", "batch application"])
@pytest.mark.parametrize("name", MESSAGES)
def test_fonts_naming_no_font_folder_exits_2_issue_17_5(tmp_path, capsys, command, name):
    """Issue #17.5: ``--fonts`` naming a missing folder or a file was silently ignored."""
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "simsun.ttc").write_bytes(b"")
    if name == "fonts":
        (tmp_path / "fonts" / "simsun.ttc").rename(tmp_path / "fonts" / "readme.txt")
    path = tmp_path / name
    out = tmp_path / "out"
    data = [str(FIXTURES / "record.json")]
    if command.startswith("batch"):
        (tmp_path / "rows.csv").write_text("applicant.name\n甲公司\n", encoding="utf-8")
        data = [str(tmp_path / "rows.csv"), "--base", *data]
    code = main([*command.split(), *data, "-o", str(out), "--fonts", str(path)])
    assert code == 2
    assert capsys.readouterr().err.strip() == "错误：" + MESSAGES[name].format(path=path)
    assert not out.exists()


def test_a_folder_with_a_font_file_anywhere_below_is_accepted(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "SimSun.TTC").write_bytes(b"")
    assert check_font_dir(str(tmp_path)) == tmp_path
    assert check_font_dir(None) is None
