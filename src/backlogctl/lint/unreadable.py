"""Rules for files that could not be read as a mapping of fields."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

from backlogctl.backlog import Entry
from backlogctl.errors import InputError
from backlogctl.lint.context import Context
from backlogctl.lint.problem import Finding, rule

_COLUMN = re.compile(r"^invalid YAML, column (\d+): ")
_DATE = re.compile(r"^(\s*)([\w.-]+):[ \t]*['\"]?(\d{4}-\d{1,2}-\d{1,2})\b", re.MULTILINE)


def _kind(error: InputError) -> str:
    """Which rule a read error belongs to, from the store's message."""
    message = error.message
    if "is not UTF-8" in message:
        return "encoding"
    if message.startswith("merge conflict marker"):
        return "merge-conflict"
    if "must be a mapping" in message:
        return "not-a-mapping"
    if message.startswith("invalid value:"):
        return "bad-value"
    if message.startswith("invalid YAML") or message.startswith("nested too deeply") or "aliases" in message:
        return "yaml-syntax"
    return "unreadable"


def _failed(ctx: Context, kind: str) -> Iterator[tuple[Entry, InputError]]:
    for entry in ctx.entries:
        if entry.error is not None and _kind(entry.error) == kind:
            yield entry, entry.error


@rule(
    "yaml-syntax",
    "error",
    """A file that is not valid YAML cannot be read at all: none of its fields
    count, so the item silently drops out of every list and ranking.""",
)
def yaml_syntax(ctx: Context) -> Iterator[Finding]:
    """The file is valid YAML (no tabs for indentation, no duplicate keys, no runaway aliases)."""
    for entry, error in _failed(ctx, "yaml-syntax"):
        match = _COLUMN.match(error.message)
        column = int(match.group(1)) if match else None
        message = _COLUMN.sub("invalid YAML: ", error.message)
        text = ctx.text(entry)
        if text is not None and error.line is not None:
            lines = text.splitlines()
            if error.line <= len(lines) and "\t" in _indent(lines[error.line - 1]):
                message = "a tab is used for indentation; YAML indents with spaces only"
        yield Finding(entry, message, line=error.line or 1, column=column)


def _indent(line: str) -> str:
    return line[: len(line) - len(line.lstrip(" \t"))]


@rule(
    "encoding",
    "error",
    """Item files are UTF-8 so every tool and every colleague's editor reads the
    same text; other encodings turn names and umlauts into garbage.""",
)
def encoding(ctx: Context) -> Iterator[Finding]:
    """The file is UTF-8 text."""
    for entry, error in _failed(ctx, "encoding"):
        yield Finding(entry, error.message, line=error.line or 1)


@rule(
    "merge-conflict",
    "error",
    """Conflict markers left after a merge make the file invalid and usually
    mean one side of a change was never decided.""",
)
def merge_conflict(ctx: Context) -> Iterator[Finding]:
    """No merge conflict markers (<<<<<<<, =======, >>>>>>>) are left in the file."""
    for entry, error in _failed(ctx, "merge-conflict"):
        yield Finding(entry, error.message, line=error.line or 1, column=1)


@rule(
    "not-a-mapping",
    "error",
    """An item is a set of named fields; a list, a single value or an empty
    file has no fields to check, rank or report.""",
)
def not_a_mapping(ctx: Context) -> Iterator[Finding]:
    """The file holds a mapping of field: value, not a list, a scalar or nothing."""
    for entry, error in _failed(ctx, "not-a-mapping"):
        yield Finding(entry, error.message.replace("an item file", "an item"), line=1, column=1)


@rule(
    "bad-value",
    "error",
    """A value YAML itself cannot construct, such as the date 2026-13-40, makes
    the whole file unreadable; it is reported where it stands.""",
)
def bad_value(ctx: Context) -> Iterator[Finding]:
    """Every value can be read; dates are real calendar dates (YYYY-MM-DD)."""
    for entry, error in _failed(ctx, "bad-value"):
        yield _locate_bad_date(ctx, entry) or Finding(entry, error.message, line=1)


def _locate_bad_date(ctx: Context, entry: Entry) -> Finding | None:
    text = ctx.text(entry) or ""
    for match in _DATE.finditer(text):
        try:
            dt.date(*(int(part) for part in match.group(3).split("-")))
        except ValueError as exc:
            line = text.count("\n", 0, match.start()) + 1
            message = f"{match.group(2)}: {match.group(3)} is not a real date ({exc}); write YYYY-MM-DD"
            return Finding(entry, message, line=line, column=len(match.group(1)) + 1)
    return None


@rule(
    "unreadable",
    "error",
    """A file that cannot be read (too large, a folder, a link out of the
    backlog) cannot be an item; it is reported so it does not vanish silently.""",
)
def unreadable(ctx: Context) -> Iterator[Finding]:
    """The file can be read: a regular file of sane size inside the backlog."""
    for entry, error in _failed(ctx, "unreadable"):
        yield Finding(entry, error.message, line=1)
