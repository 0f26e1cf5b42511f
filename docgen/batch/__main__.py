"""``python -m docgen.batch KIND ROWS -o DIR …``: the batch command on its own (same exit codes as docgen)."""

from __future__ import annotations

import sys

import click

from docgen.batch.command import batch_command
from docgen.errors import EXIT_USAGE, DocgenError


def main(argv: list[str] | None = None) -> int:
    """Run the batch command; user mistakes print one Chinese line, never a traceback."""
    try:
        result = batch_command.main(args=argv, prog_name="docgen batch", standalone_mode=False)
    except DocgenError as exc:
        click.echo(f"错误：{exc}", err=True)
        return exc.exit_code
    except click.ClickException as exc:
        exc.show()
        return EXIT_USAGE
    except click.exceptions.Exit as exc:
        return exc.exit_code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
