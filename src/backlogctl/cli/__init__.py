"""The command line: a thin typer layer over the core.

Each command parses its options, calls one core function, hands the result to
a renderer and lets `app.command` turn known errors into exit codes. Modules
here import only typer at the top, so `--help` and `--version` stay fast; the
core is imported inside the commands.
"""

from __future__ import annotations

# Importing the command modules registers their commands on `app`.
from backlogctl.cli import audit, editing, intake, items, lint, plan, rank, report, session  # noqa: F401
from backlogctl.cli.app import app, main

__all__ = ["app", "main"]
