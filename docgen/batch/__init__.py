"""Batch rendering: one document per row of a spreadsheet, resumable, in parallel (issue #5).

Public API: :func:`run_batch` returns a :class:`BatchSummary`. The flow is
rows (read) → merge (overlay on the base record) → worker (validate, render, write) → manifest (journal),
with names (safe file names), report (errors.xlsx/csv), assemble (merged.pdf) and merge_docx with docx_body
(merged.docx) alongside.
"""

from docgen.batch.runner import BatchSummary, run_batch

__all__ = ["BatchSummary", "run_batch"]
