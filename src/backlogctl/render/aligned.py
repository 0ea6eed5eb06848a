"""Aligned text: the tables written to pipes, files and CI logs, with ANSI styles but without rich.

rich lays out a table cell by cell, which takes seconds for thousands of rows.
Output that goes to a pipe, a file or a CI log (or a table longer than a
screenful of screens) is written here instead: the same columns, aligned,
with colour only when the terminal wants it.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

RICH_ROWS = 300
"""Tables longer than this are written as aligned text even on a terminal."""

_ANSI = {"bold": "1", "dim": "2", "underline": "4", "red": "31", "green": "32", "yellow": "33"}


def colour(stream: TextIO | None = None) -> bool:
    """Whether ``stream`` (stdout) is a terminal that wants colour (NO_COLOR, FORCE_COLOR honoured)."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = stream or sys.stdout
    return stream.isatty() and os.environ.get("TERM") != "dumb"


def is_terminal(stream: TextIO | None = None) -> bool:
    stream = stream or sys.stdout
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def styled(text: str, *styles: str, enabled: bool) -> str:
    """``text`` wrapped in ANSI codes for ``styles`` when ``enabled``."""
    if not enabled or not styles:
        return text
    codes = ";".join(_ANSI[s] for s in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


def _width(text: str) -> int:
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return cell_len(text)


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    *,
    right: frozenset[str] = frozenset(),
    out: TextIO | None = None,
) -> None:
    """Write ``rows`` under ``headers`` in aligned columns, two spaces apart."""
    out = out or sys.stdout
    from backlogctl.render.text import terminal

    cells = [[terminal(cell.replace("\n", ", "), one_line=True) for cell in row] for row in rows]
    widths = [_width(h) for h in headers]
    for row in cells:
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], _width(cell))
    bold = colour(out)

    def line(row: Sequence[str]) -> str:
        parts = []
        for index, (name, cell) in enumerate(zip(headers, row, strict=True)):
            pad = " " * (widths[index] - _width(cell))
            last = index == len(headers) - 1
            parts.append(pad + cell if name in right else cell + ("" if last else pad))
        return "  ".join(parts).rstrip()

    out.write(styled(line(headers), "bold", enabled=bold) + "\n")
    out.write("".join(line(row) + "\n" for row in cells))
