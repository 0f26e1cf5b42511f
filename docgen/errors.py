"""Exceptions of docgen.

Every error a user can cause is a `DocgenError` with a Chinese message and the exit code the CLI
returns for it; the CLI catches the base class once. Data problems are not exceptions but
`Finding`s, collected all at once; `DataError` only carries them out when rendering is refused.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from docgen.findings import Finding

EXIT_OK = 0
EXIT_DATA = 1
EXIT_USAGE = 2


class DocgenError(Exception):
    """Base of every docgen error; `exit_code` is what the CLI returns."""

    exit_code = EXIT_USAGE


class InputError(DocgenError, OSError):
    """An input file is missing, unreadable or not well-formed (e.g. malformed JSON)."""


class UsageError(DocgenError, ValueError):
    """The caller asked for something that does not exist (unknown kind, policy, option)."""


class UnknownKindError(UsageError, LookupError):
    """No document kind of that name."""


class UnknownPolicyError(UsageError, LookupError):
    """No policy profile of that id."""


class ConfigError(DocgenError):
    """A shipped or user-supplied data file (schema, policy, template) is itself broken."""


class TemplateError(ConfigError):
    """A template could not be found or rendered; the message names the template."""


class FontError(ConfigError):
    """No usable font: the PDF cannot be typeset (install the font packages or set DOCGEN_FONT_DIR)."""


class EngineError(DocgenError):
    """An external PDF engine (LibreOffice) failed on a document; the message names the file and quotes its output."""


class EngineTimeoutError(EngineError, TimeoutError):
    """The external PDF engine did not finish within its time limit and was killed."""


class OutputError(DocgenError, OSError):
    """An output could not be written."""


class ClusterError(DocgenError):
    """The Dask cluster cannot be reached, has no workers, or lost the run; finished rows are journaled."""


class DataError(DocgenError):
    """The record has error findings, so nothing was rendered."""

    exit_code = EXIT_DATA

    def __init__(self, findings: Sequence[Finding]):
        self.findings = list(findings)
        errors = sum(1 for f in self.findings if f.is_error)
        super().__init__(f"数据有 {errors} 处错误，未生成文书")


class SheetError(DocgenError):
    """A batch cannot start: its header or base record has errors (all listed, one per line)."""

    exit_code = EXIT_DATA

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        lines = "\n".join(f"  {i}. {e}" for i, e in enumerate(self.errors, start=1))
        super().__init__(f"表头或基础记录有 {len(self.errors)} 处问题，未生成任何一行：\n{lines}")
