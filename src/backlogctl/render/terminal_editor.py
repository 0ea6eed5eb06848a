"""Opening a file in the user's editor, as git does: $VISUAL, then $EDITOR."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from backlogctl.errors import InputError


def editor_command() -> str:
    """Git's order: $VISUAL (unless the terminal is dumb), then $EDITOR, then vi."""
    dumb = os.environ.get("TERM", "dumb") == "dumb"
    for name in (() if dumb else ("VISUAL",)) + ("EDITOR",):
        value = os.environ.get(name, "").strip()
        if value:
            return value
    if dumb:
        raise InputError("no editor: set $EDITOR (the terminal is dumb, so vi is not started)")
    return "vi"


def open_in_editor(path: Path) -> None:
    """Run the editor on ``path`` and wait for it; exit 2 without a terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise InputError("edit needs a terminal; without one, use 'backlogctl set' or 'backlogctl unset'")
    command = editor_command()
    # Like git: the editor setting is a shell snippet ("code --wait"), the file its argument.
    done = subprocess.run(["sh", "-c", f'{command} "$@"', command, str(path)], check=False)
    if done.returncode != 0:
        raise InputError(f"the editor ({command}) exited with {done.returncode}; nothing was written")
