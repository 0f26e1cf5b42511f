"""The package's layers: rules (check/) and views (context/) share domain/ and never import each other."""

import ast
from pathlib import Path

import docgen

_ROOT = Path(docgen.__file__).parent
# The notice's placeholder filling still lives in check/notice.py until it moves to domain/ (#10).
_PENDING = {("context/notice.py", "docgen.check")}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _crossings(package: str, forbidden: str) -> set[tuple[str, str]]:
    crossings = set()
    for path in sorted((_ROOT / package).rglob("*.py")):
        for module in _imports(path):
            if module == forbidden or module.startswith(forbidden + "."):
                crossings.add((path.relative_to(_ROOT).as_posix(), forbidden))
    return crossings


def test_check_never_imports_context():
    assert _crossings("check", "docgen.context") == set()


def test_context_never_imports_check():
    assert _crossings("context", "docgen.check") - _PENDING == set()


def test_domain_imports_neither():
    assert _crossings("domain", "docgen.check") | _crossings("domain", "docgen.context") == set()
