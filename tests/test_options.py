"""One options object: the API, render, packet and batch take the same render options with the same checks."""

from pathlib import Path

import click
import pytest

from docgen.batch.command import batch_command
from docgen.cli import cli
from docgen.errors import UsageError
from docgen.options import RenderOptions


def _options(command: click.Command) -> dict[str, click.Option]:
    return {param.name: param for param in command.params if isinstance(param, click.Option) and param.name}


@pytest.mark.parametrize("name", ["render", "packet", "batch"])
def test_every_render_option_is_offered_by_each_command_with_the_same_help(name):
    command = batch_command if name == "batch" else cli.commands[name]
    offered = _options(command)
    reference = _options(cli.commands["render"])
    for field in RenderOptions.__dataclass_fields__:
        assert field in offered, f"{name} lacks the option for {field}"
        assert offered[field].opts == reference[field].opts
        assert offered[field].help == reference[field].help


def test_commands_keep_their_own_default_formats():
    assert _options(cli.commands["render"])["formats"].default == "docx,pdf"
    assert _options(batch_command)["formats"].default == "docx"


@pytest.mark.parametrize(("given", "expected"), [
    ("pdf,docx", ("docx", "pdf")), (" PDF ", ("pdf",)), (["pdf", "docx", "pdf"], ("docx", "pdf"))])
def test_formats_are_normalised_to_canonical_order(given, expected):
    assert RenderOptions(formats=given).formats == expected


@pytest.mark.parametrize(("given", "message"), [("odt", "不支持的输出格式：odt"), ("", "（空）")])
def test_unknown_or_no_formats_are_usage_errors(given, message):
    with pytest.raises(UsageError, match=message):
        RenderOptions(formats=given)


def test_an_unknown_engine_is_a_usage_error_even_for_docx():
    with pytest.raises(UsageError, match="不支持的 PDF 引擎：word"):
        RenderOptions(pdf_engine="word")


def test_folders_become_paths_and_options_are_frozen(tmp_path):
    (tmp_path / "f").mkdir()
    (tmp_path / "f" / "simsun.ttc").write_bytes(b"")  # a font folder must exist and hold fonts (#17.5)
    options = RenderOptions(templates="tpl", fonts=str(tmp_path / "f"))  # type: ignore[arg-type]
    assert options.templates == Path("tpl") and options.fonts == tmp_path / "f"
    with pytest.raises(AttributeError):
        options.force = True  # type: ignore[misc]
