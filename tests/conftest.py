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
