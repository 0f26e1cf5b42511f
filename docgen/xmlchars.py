"""The characters XML 1.0 (and so a .docx) cannot hold, and how to show them in a message."""

from __future__ import annotations

import re

# XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]
ILLEGAL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def printable(text: str) -> str:
    """``text`` with each XML-illegal character written as a Python-style escape, so a message can quote it."""
    return ILLEGAL_CHARACTER.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
