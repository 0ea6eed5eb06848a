"""The rich console, created on first use with the terminal's width and colours.

NO_COLOR means no escape sequences at all (rich alone would still print bold
and dim); FORCE_COLOR styles output that is not a terminal. Text from data
reaches the terminal through ``render.text.terminal``: a title cannot carry
an escape sequence of its own (issue 11).
"""

from __future__ import annotations

import os
from typing import Any

_console: Any = None


def console() -> Any:
    from rich.console import Console
    from rich.segment import Segment

    from backlogctl.render import text

    class SafeConsole(Console):
        """A Console that shows control characters in printed text as \\xNN (styles are not text)."""

        def _render_buffer(self, buffer: Any) -> str:
            safe = (
                segment if segment.control else Segment(text.terminal(segment.text), segment.style)
                for segment in buffer
            )
            return str(super()._render_buffer(safe))

    global _console
    if _console is None:
        kwargs: dict[str, Any] = {}
        if os.environ.get("NO_COLOR"):
            kwargs["color_system"] = None
        _console = SafeConsole(highlight=False, soft_wrap=False, **kwargs)
    return _console


def plain_width() -> int | None:
    """The width the console would wrap at when it prints no styles to stdout, else None.

    Output that is not a terminal gets no styles, only lines wrapped at this
    width: a renderer whose lines are plain ASCII and fit can write them itself,
    without importing rich (a fifth of `show`'s start-up). This follows rich's
    ``Console.is_terminal`` and ``Console.size``; anything else that could
    style or size the output (a terminal, FORCE_COLOR, TTY_COMPATIBLE, IPython,
    Windows) answers None, and the console prints.
    """
    import builtins
    import sys

    environ = os.environ
    if os.name == "nt" or "FORCE_COLOR" in environ or "TTY_COMPATIBLE" in environ:
        return None
    if hasattr(builtins, "get_ipython"):
        return None
    try:
        if sys.stdout.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    width = 0
    columns = environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        return int(columns) or None
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    return width or 80


def reset() -> None:
    """Forget the console (tests swap stdout between runs)."""
    global _console
    _console = None


class _TerminalStream:
    """stdout or stderr on a terminal: control sequences pass only as our own styles (SGR).

    The renderers already show control characters in data as ``\\xNN``; this
    is the net under every command, including ones that print with
    ``typer.echo``: an OSC 52 clipboard write, a screen clear or a cursor move
    cannot reach the terminal from a title, an owner or a commit message.
    """

    def __init__(self, stream: Any, *, styles: bool) -> None:
        self._stream = stream
        self._styles = styles

    def write(self, data: str) -> int:
        from backlogctl.render import text

        self._stream.write(text.terminal_stream(data, keep_styles=self._styles))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def prepare_streams() -> None:
    """Make stdout and stderr safe for the terminal they go to (called once, by the CLI's entry point).

    - A terminal gets no control sequences but our own styles (none under NO_COLOR).
    - A stream whose encoding cannot show a character (``PYTHONIOENCODING=ascii``,
      a Latin-1 terminal) gets a readable stand-in (✓ → "ok", ← → "<-") instead of a crash.
    """
    import sys

    from backlogctl.render import text

    text.register_fallback()
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None:
            continue
        reconfigure = getattr(stream, "reconfigure", None)
        encoding = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
        if reconfigure is not None and encoding not in ("utf-8", "utf8"):
            reconfigure(errors=text.FALLBACK)
        try:
            terminal = stream.isatty()
        except (AttributeError, ValueError):
            terminal = False
        if terminal:
            setattr(sys, name, _TerminalStream(stream, styles=not os.environ.get("NO_COLOR")))
