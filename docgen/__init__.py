"""docgen: validated data in, 工伤预防 paperwork out (docx now, PDF next)."""

__version__ = "0.1.0"

from docgen.api import (  # noqa: E402
    Document,
    Rendered,
    Report,
    render,
    render_packet,
    validate,
    validate_packet,
)
from docgen.errors import DataError, DocgenError, EngineError, InputError, TemplateError, UsageError  # noqa: E402
from docgen.findings import Finding, Severity  # noqa: E402
from docgen.options import RenderOptions  # noqa: E402
from docgen.policies import Policy, all_policies, load_policy  # noqa: E402
from docgen.renderer import Renderer  # noqa: E402
from docgen.schemas import Kind, get_kind, kinds  # noqa: E402

__all__ = [
    "DataError", "DocgenError", "Document", "EngineError", "Finding", "InputError", "Kind", "Policy", "RenderOptions",
    "Rendered", "Renderer", "Report", "Severity",
    "TemplateError", "UsageError", "all_policies", "get_kind", "kinds", "load_policy", "render",
    "render_packet", "validate", "validate_packet",
]
