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

TYPE_CHECKING = False  # not typing's: importing typing here would come before the Ctrl-C handler
if TYPE_CHECKING:
    from pathlib import Path


def main() -> None:
    """Run backlogctl; Ctrl-C at any point is ``error: interrupted`` and exit 130."""
    try:
        _start_history(sys.argv[1:])
        from backlogctl.cli import main as run

        run()
    except KeyboardInterrupt:
        sys.stderr.write("error: interrupted\n")
        raise SystemExit(130) from None
    finally:
        _stop_git()
        gc.freeze()  # the process ends: no last collection at shutdown


def _stop_git() -> None:
    """Stop a walk started for a command that did not run, and any git an interrupt left reading."""
    early = sys.modules.get("backlogctl.history.early")
    git = sys.modules.get("backlogctl.history.git")
    if early is None and git is None:
        return
    import signal

    # A second Ctrl-C must not cut this short and leave git walking.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if early is not None:
            early.drop_ahead()
        if git is not None:
            git.Output.close_all()
    finally:
        signal.signal(signal.SIGINT, previous)


# ``history``'s options that take a value (``-C DIR`` is the app's own).
_VALUED = frozenset({"--format", "-f", "--output", "-o"})


def history_asked(argv: list[str]) -> tuple[Path, str] | None:
    """The folder and id of ``[-C DIR] history ID [OPTIONS]``; None for anything else or in doubt.

    Only a guess, to start git's walk before typer is even imported (`_start_history`):
    the command still parses its own options, and the walk is taken only if it is
    the one the command asks for.
    """
    from pathlib import Path

    if argv[:1] == ["-C"] and len(argv) > 2:
        folder, argv = Path(argv[1]), argv[2:]
    elif argv[:1] == ["history"]:
        folder = Path.cwd()
    else:
        return None
    if argv[:1] != ["history"]:
        return None
    found: list[str] = []
    words = iter(argv[1:])
    for word in words:
        if word in _VALUED:
            next(words, None)
        elif word.startswith("-"):
            if not word.startswith(("--format=", "--output=")):
                return None  # --help, --, an unknown option: let the command say what it is
        else:
            found.append(word)
    return (folder, found[0]) if len(found) == 1 else None


def _start_history(argv: list[str]) -> None:
    """For ``history ID``, start git's walk of the item's files (`backlogctl.history.early.start_ahead`)."""
    if "history" not in argv[:3]:
        return
    try:
        asked = history_asked(argv)
        if asked is not None:
            from backlogctl.history.early import start_ahead

            start_ahead(*asked)
    except Exception:  # a guess that fails changes nothing: the command runs as it would without it
        return


if __name__ == "__main__":
    main()
