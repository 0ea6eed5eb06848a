"""Text helpers every renderer shares: safe text per medium, truncation, plurals, arrows.

One rule each, so the terminal table, Markdown and the HTML pack say the same
thing under the same label:

- ``terminal`` / ``markdown`` / ``csv_cell``: data (titles, owners, commit
  messages) made safe for the medium it is written to: no control sequences
  on a terminal, no raw HTML in Markdown, no formulas in a spreadsheet.
- ``truncate``: cut to a width in terminal cells with "…".
- ``plural``: "1 item", "2 items".
- ``moved``: the movement arrow ("▲2", "▼1", "=", "new").
- ``main_contributors``: the criteria that add most to a score, biggest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

# C0 controls but tab and newline, DEL, C1 controls, and the bidirectional
# overrides and isolates that reorder what a reader sees.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL_ONE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str, *, one_line: bool = False) -> str:
    """``text`` with every control character shown as ``\\xNN`` (escape sequences cannot start).

    With ``one_line`` newlines and tabs are escaped too (a table cell).
    """
    pattern = _CONTROL_ONE_LINE if one_line else _CONTROL
    if text.isprintable() and (one_line or "\x1b" not in text):
        return text
    return pattern.sub(_visible, text)


_STREAM = re.compile("(\x1b\\[[0-9;]*m)|[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def terminal_stream(data: str, *, keep_styles: bool) -> str:
    """What a terminal stream may carry: text, newlines, tabs and (when ``keep_styles``) SGR styles."""
    if data.isprintable():
        return data

    def replace(match: re.Match[str]) -> str:
        if match.group(1) is not None and keep_styles:
            return match.group(1)
        return "".join(f"\\x{ord(c):02x}" for c in match.group())

    return _STREAM.sub(replace, data)


FALLBACK = "backlogctl-fallback"
"""The codec error handler that writes ✓ as "ok" on a terminal that cannot show it."""

_STAND_INS = {
    "✓": "ok",
    "✗": "x",
    "←": "<-",
    "→": "->",
    "↑": "^",
    "↓": "v",
    "▲": "^",
    "▼": "v",
    "…": "...",
    "–": "-",
    "—": "--",
    "×": "x",
    "·": "-",
    "∅": "(none)",
    "≥": ">=",
    "≤": "<=",
    "“": '"',
    "”": '"',
    "‘": "'",
    "’": "'",
    "•": "*",
}


def _fallback(error: UnicodeError) -> tuple[str, int]:
    import unicodedata

    if not isinstance(error, UnicodeEncodeError):
        raise error
    out = []
    for char in error.object[error.start : error.end]:
        stand_in = _STAND_INS.get(char)
        if stand_in is None:
            ascii_form = unicodedata.normalize("NFKD", char).encode("ascii", "ignore").decode()
            stand_in = ascii_form or "?"
        out.append(stand_in)
    return "".join(out), error.end


def register_fallback() -> None:
    import codecs

    codecs.register_error(FALLBACK, _fallback)


# What could open markup: HTML tags and entities, links, emphasis, code, table pipes,
# strikethrough; "_" only at a word's edge (intraword underscores are text in CommonMark).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*\[\]<>|&~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def markdown(text: str) -> str:
    """``text`` for Markdown (a paragraph or a table cell): shown as text by any CommonMark renderer.

    Every character that could open markup (HTML tags, entities, links,
    emphasis, code, table pipes) is backslash-escaped; newlines become spaces.
    """
    flat = terminal(text.replace("\r\n", " ").replace("\n", " "), one_line=True)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """A cell a spreadsheet shows as text: a string starting with = + - @ gets a leading '.

    Numbers (also negative ones) stay numbers.
    """
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def width(text: str) -> int:
    """Terminal cells ``text`` takes (wide characters count two)."""
    if text.isascii():
        return len(text)
    from rich.cells import cell_len

    return int(cell_len(text))


def truncate(text: str, cells: int) -> str:
    """``text`` cut to at most ``cells`` terminal cells, ending in "…" when cut."""
    if width(text) <= cells:
        return text
    if cells <= 1:
        return "…"[:cells]
    out = ""
    for char in text:
        if width(out + char) > cells - 1:
            break
        out += char
    return out.rstrip() + "…"


def fit_columns(
    headers: list[str],
    rows: list[list[str]],
    cells: int,
    *,
    flexible: str = "title",
    drop: tuple[str, ...] = (),
    gap: int = 2,
) -> tuple[list[str], list[list[str]]]:
    """A table that fits ``cells`` terminal columns: the ``drop`` columns go first (in that
    order), then the ``flexible`` column (the title) is cut with "…". Ids are never cut.
    """

    def natural(index: int) -> int:
        lines = [line for row in rows for line in row[index].split("\n")]
        return max([width(headers[index]), *(width(line) for line in lines)])

    headers, rows = list(headers), [list(row) for row in rows]
    widths = [natural(i) for i in range(len(headers))]
    for name in drop:
        if sum(widths) + gap * (len(widths) - 1) <= cells:
            break
        if name in headers and name != flexible:
            index = headers.index(name)
            del headers[index], widths[index]
            for row in rows:
                del row[index]
    if flexible in headers:
        index = headers.index(flexible)
        others = sum(w for i, w in enumerate(widths) if i != index) + gap * (len(widths) - 1)
        room = max(cells - others, width(flexible), 6)
        for row in rows:
            row[index] = truncate(row[index].replace("\n", " "), room)
    return headers, rows


def plural(count: int, word: str, words: str | None = None) -> str:
    """``"1 item"``, ``"3 items"`` (``words`` for irregular plurals)."""
    return f"{count} {word if count == 1 else (words or word + 's')}"


def moved(places: int | None) -> str:
    """The movement arrow: ``▲2`` up two places, ``▼1`` down one, ``=`` same, ``new`` not ranked then."""
    if places is None:
        return "new"
    if places == 0:
        return "="
    return f"▲{places}" if places > 0 else f"▼{-places}"


def with_hint(text: str, hint: str | None) -> str:
    """``text (hint)``, or ``text`` without a hint."""
    return f"{text} ({hint})" if hint else text


def left_out_lines(left_out: Iterable[tuple[str, str, str | None, str | None]]) -> list[str]:
    """Why items are not ranked, one line each; items held back only by their status share a line.

    Each entry is ``(id, reason, status, hint)``; a hint is shown in brackets. ``rank``
    passes the ranking's hints ("--all ranks it"); the meeting pack passes none.
    """
    lines: list[str] = []
    by_status: dict[str, list[str]] = {}
    hints: dict[str, str | None] = {}
    for key, reason, status, hint in left_out:
        if status is not None:
            by_status.setdefault(status, []).append(key)
            hints.setdefault(status, hint)
        else:
            lines.append(f"{key}: {with_hint(reason, hint)}")
    lines += [
        f"{with_hint(f'status {status}', hints[status])}: {', '.join(keys)}"
        for status, keys in by_status.items()
    ]
    return lines


class _Term(Protocol):
    @property
    def criterion(self) -> str: ...

    @property
    def contribution(self) -> float: ...


MAIN_CONTRIBUTORS = 2
"""How many criteria "main contributors" names, everywhere."""


def main_contributors(terms: Iterable[_Term], count: int = MAIN_CONTRIBUTORS) -> list[_Term]:
    """The criteria that move a score most, largest first by size (a cost counts too); ties by name.

    The same rule in the terminal table, the Markdown and the HTML pack.
    """
    ranked = sorted(
        (t for t in terms if t.criterion not in ("baseline", "formula")),
        key=lambda t: (-abs(t.contribution), t.criterion),
    )
    return ranked[:count]


def contributors_text(terms: Iterable[_Term], separator: str = ", ", *, in_words: bool = False) -> str:
    """``business_value +31.6, effort +15.8`` (``in_words``: ``business value +31.6``)."""
    return separator.join(
        f"{t.criterion.replace('_', ' ') if in_words else t.criterion} {t.contribution:+.1f}"
        for t in main_contributors(terms)
    )
