"""``python -m docgen.batch KIND ROWS …``: the same as ``docgen batch``, with the CLI's error handling."""

import sys

from docgen.cli import main

if __name__ == "__main__":
    sys.exit(main(["batch", *sys.argv[1:]]))
