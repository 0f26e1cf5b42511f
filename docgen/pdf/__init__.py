"""PDF typesetting of rendered docx files with docgen's own engine on reportlab (no office suite).

Public API: :func:`typeset` returns a :class:`TypesetResult`; :class:`Typesetter` typesets many documents
(a batch from one template) reusing work between them; :class:`FontMap` configures fonts.
"""

from docgen.pdf.diagnostics import LayoutWarning
from docgen.pdf.document import typeset
from docgen.pdf.fonts import FontMap, FontNotFoundError
from docgen.pdf.result import LaidOut, TypesetResult
from docgen.pdf.session import Typesetter

__all__ = ["FontMap", "FontNotFoundError", "LaidOut", "LayoutWarning", "TypesetResult", "Typesetter", "typeset"]
