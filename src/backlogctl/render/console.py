"""The rich console, created on first use with the terminal's width and colours."""

from __future__ import annotations

from typing import Any

_console: Any = None


def console() -> Any:
    from rich.console import Console

    global _console
    if _console is None:
        _console = Console(highlight=False, soft_wrap=False)
    return _console


def reset() -> None:
    """Forget the console (tests swap stdout between runs)."""
    global _console
    _console = None
