"""Key line numbers by a plain text scan, for the block-style YAML people write.

Lint needs the line of a key only for files with problems, but a backlog where
thousands of items are overdue for review has thousands of such files, and
composing each with ruamel costs about a millisecond. This scan gives the same
answer as walking the composed node tree for block mappings, and returns None
(so the caller composes) as soon as it sees anything it does not model: quoted
or complex keys, flow collections or quoted scalars spanning lines, tabs in
indentation, directives.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*)[ ]*:(?:[ ]+(.*))?$")
_BLOCK_SCALAR = re.compile(r"[|>][-+0-9]*[ ]*(?:#.*)?$")
_ITEM = re.compile(r"-(?:[ ]|$)")


def scan_key_lines(text: str) -> dict[str, tuple[int, int]] | None:
    """1-based (line, column) of every key in nested block mappings, or None."""
    found: dict[str, tuple[int, int]] = {}
    stack: list[tuple[int, str]] = []  # (indent, dotted path) of open keys
    skip_deeper: int | None = None  # lines indented more than this belong to a value
    for number, line in enumerate(text.splitlines(), 1):
        body = line.lstrip(" ")
        if not body or body.startswith("#"):
            continue
        indent = len(line) - len(body)
        if skip_deeper is not None:
            if indent > skip_deeper:
                continue
            skip_deeper = None
        if body.startswith("\t") or body.startswith("%") or (indent == 0 and body.startswith(("---", "..."))):
            if body.rstrip() in ("---", "...") and number == 1:
                continue
            return None
        if _ITEM.match(body):
            skip_deeper = indent
            continue
        match = _KEY.match(body)
        if match is None:
            return None
        while stack and stack[-1][0] >= indent:
            stack.pop()
        path = f"{stack[-1][1]}.{match.group(1)}" if stack else match.group(1)
        found.setdefault(path, (number, indent + 1))
        value = (match.group(2) or "").strip()
        if value[:1] in ("&", "!", "*") or (value.startswith("{") and not value.startswith("{}")):
            return None  # anchors, tags, aliases and keys inside flow mappings: compose
        if value and not value.startswith("#"):
            if not _complete(value):
                return None
            skip_deeper = indent  # continuation lines of a plain or block scalar
            continue
        stack.append((indent, path))
    return found


def _complete(value: str) -> bool:
    """False for values that open a quote or flow collection they do not close."""
    if _BLOCK_SCALAR.match(value):
        return True
    first = value[0]
    if first in "'\"":
        return _closed_quote(value, first)
    if first in "[{":
        depth = 0
        for char in value:
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
        return depth == 0 and "'" not in value and '"' not in value
    return True


def _closed_quote(value: str, quote: str) -> bool:
    index = 1
    while index < len(value):
        char = value[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if char == quote:
            if quote == "'" and value[index + 1 : index + 2] == "'":
                index += 2
                continue
            rest = value[index + 1 :].strip()
            return not rest or rest.startswith("#")
        index += 1
    return False
