"""Reading rendered docx files back: paragraphs, tables with merged cells shown once, all text."""

import io

import docx


def open_docx(data: bytes) -> docx.Document:
    return docx.Document(io.BytesIO(data))


def table_rows(table) -> list[list[str]]:
    """Table rows as lists of distinct cell texts (a merged cell appears once)."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            if not cells or cell._tc is not cells[-1][0]:
                cells.append((cell._tc, cell.text.strip()))
        rows.append([text for _, text in cells])
    return rows


def docx_tables(document) -> list[list[list[str]]]:
    return [table_rows(t) for t in document.tables]


def docx_text(document) -> str:
    """Body paragraphs, then every table row with its cells joined by tabs."""
    parts = [p.text for p in document.paragraphs]
    parts += ["\t".join(row) for table in docx_tables(document) for row in table]
    return "\n".join(parts)
