import copy
import json
from decimal import Decimal
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def load_json(path: Path):
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture(scope="session")
def _record_master():
    return load_json(FIXTURES / "record.json")


@pytest.fixture
def record(_record_master):
    """A complete, valid record (nei-mongol-2020) that a test may modify freely."""
    return copy.deepcopy(_record_master)


@pytest.fixture
def run(capsys):
    """Run the docgen CLI in-process: ``run(*argv)`` → (exit code, stdout, stderr)."""
    from docgen.cli import main

    def run(*argv):
        code = main([str(arg) for arg in argv])
        out, err = capsys.readouterr()
        return code, out, err
    return run
