"""The console script and ``python -m backlogctl``: Ctrl-C even during start-up is one line.

Importing the CLI (typer, click, the command modules) is most of start-up; an
interrupt there happens before any command's error handling exists, so it is
caught here, in a module that imports nothing at the top.

When the command is done, every object is frozen (`gc.freeze`): Python's
shutdown would otherwise run one last cyclic garbage collection over the
~40,000 objects typer, pydantic and GitPython leave (40-50 ms of every run,
after the output is written). Nothing relies on it: files, git processes and
the cache are closed by the code that opened them, and atexit handlers still run.
"""

from __future__ import annotations

import gc
import sys


def main() -> None:
    """Run backlogctl; Ctrl-C at any point is ``error: interrupted`` and exit 130."""
    try:
        from backlogctl.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        raise SystemExit(130) from None
    finally:
        gc.freeze()  # the process ends: no last collection at shutdown


if __name__ == "__main__":
    main()
