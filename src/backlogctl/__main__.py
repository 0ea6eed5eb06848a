"""The console script and ``python -m backlogctl``: Ctrl-C even during start-up is one line.

Importing the CLI (typer, click, the command modules) is most of start-up; an
interrupt there happens before any command's error handling exists, so it is
caught here, in a module that imports nothing at the top.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Run backlogctl; Ctrl-C at any point is ``error: interrupted`` and exit 130."""
    try:
        from backlogctl.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
