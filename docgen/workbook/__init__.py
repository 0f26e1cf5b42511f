"""Fill-in workbooks: a whole record as an Excel workbook generated from the schema, and read back.

`build_workbook` writes one (optionally filled from a record); `read_workbook` reads it into a `Source`
whose findings name the sheet and cell. `docgen.load.read_record` reads ``.xlsx`` files through it, so every
command and API function that takes a record takes a workbook.
"""

from docgen.workbook.generate import build_workbook
from docgen.workbook.read import read_workbook

__all__ = ["build_workbook", "read_workbook"]
