"""Editing item files in place: only the edited value's text changes.

The round-trip composer gives every node's exact character span; an edit
replaces the span of one value (or inserts one ``key: value`` line) and leaves
every other byte of the file alone: comments, order, quoting, blank lines,
line endings, a BOM.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from backlogctl.errors import InputError


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def compose(text: str) -> Any:
    """The node tree of a document, with character positions."""
    from ruamel.yaml.error import YAMLError

    from backlogctl.store.read import check_nesting

    check_nesting(text, Path("<text>"))
    try:
        return _yaml().compose(text)
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}") from None
    except RecursionError:
        raise InputError("nested too deeply; flatten the structure") from None


def key_lines(text: str) -> dict[str, tuple[int, int]]:
    """1-based (line, column) of every key, by dotted path ("scores.effort")."""
    found: dict[str, tuple[int, int]] = {}

    def walk(node: Any, prefix: str) -> None:
        if type(node).__name__ != "MappingNode":
            return
        for key, value in node.value:
            path = f"{prefix}{key.value}"
            found.setdefault(path, (key.start_mark.line + 1, key.start_mark.column + 1))
            if type(value).__name__ == "MappingNode":
                walk(value, path + ".")

    from backlogctl.store.lines import scan_key_lines

    scanned = scan_key_lines(text)
    if scanned is not None:
        return scanned

    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from backlogctl.store.read import check_nesting

    try:
        check_nesting(text, Path("<text>"))
    except InputError:
        return found
    try:
        # The C composer gives the same marks ten times faster than the round-trip
        # one (lint calls this for every file with a problem); it speaks YAML 1.1
        # and refuses a few 1.2 documents ([http://x]), which take the slow path.
        root = YAML(typ="safe", pure=False).compose(text)
    except YAMLError:
        try:
            root = compose(text)
        except InputError:
            return found
    try:
        walk(root, "")
    except RecursionError:  # indentation nests ~1,400 levels deep at most; lines are a courtesy
        pass
    return found


def _content_end(node: Any, text: str) -> int:
    """Index just after a value's own text (not the blank lines or comments after it)."""
    kind = type(node).__name__
    if kind in ("MappingNode", "SequenceNode") and not node.flow_style and node.value:
        last = node.value[-1]
        return _content_end(last[1] if isinstance(last, tuple) else last, text)
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in "\r\n":
        end -= 1
    return end


def _after_colon(key: Any, text: str) -> int:
    index = text.index(":", key.end_mark.index)
    return index + 1


def _dump(value: Any, column: int, like: Any, newline: str) -> str:
    """Text for ``key:<here>`` at ``column``, styled like the node it replaces."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    style = getattr(like, "style", None)
    flow = bool(getattr(like, "flow_style", False)) or (like is not None and type(like).__name__ == "ScalarNode")
    if isinstance(value, str):
        if "\n" in value:
            value = LiteralScalarString(value)
        elif style == "'":
            value = SingleQuotedScalarString(value)
        elif style == '"':
            value = DoubleQuotedScalarString(value)
    elif isinstance(value, list) and flow and all(not isinstance(v, dict | list) for v in value):
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        value = seq
    elif isinstance(value, dict) and flow and getattr(like, "flow_style", False):
        mapping = CommentedMap(value)
        mapping.fa.set_flow_style()
        value = mapping
    out = io.StringIO()
    _yaml().dump({"k": value}, out)
    dumped = out.getvalue().removeprefix("k:").rstrip("\n")
    lines = dumped.split("\n")
    indented = [lines[0], *((" " * column + line) if line else line for line in lines[1:])]
    return newline.join(indented)


def _find(mapping: Any, key: str) -> tuple[Any, Any] | None:
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return key_node, value_node
    return None


def _is_null(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.tag.endswith(":null")


def set_value(text: str, dotted: str, value: Any) -> str:
    """Return ``text`` with the field at ``dotted`` set to ``value``."""
    newline = "\r\n" if "\r\n" in text else "\n"
    root = compose(text)
    if root is None or type(root).__name__ != "MappingNode":
        raise InputError("the file is not a mapping of field: value")
    parts = dotted.split(".")
    node = root
    for depth, part in enumerate(parts):
        found = _find(node, part)
        if found is None:
            rest = parts[depth + 1 :]
            for name in reversed(rest):
                value = {name: value}
            return _insert(text, node, part, value, newline)
        key_node, value_node = found
        last = depth == len(parts) - 1
        if not last and type(value_node).__name__ != "MappingNode":
            if not _is_null(value_node):
                raise InputError(f"{'.'.join(parts[: depth + 1])} is not a mapping; cannot set {dotted}")
            for name in reversed(parts[depth + 1 :]):
                value = {name: value}
            last = True
        if last:
            start = _after_colon(key_node, text)
            end = start if _is_null(value_node) else _content_end(value_node, text)
            like = None if _is_null(value_node) else value_node
            return text[:start] + _dump(value, key_node.start_mark.column, like, newline) + text[end:]
        node = value_node
    raise AssertionError("unreachable")


def _insert(text: str, mapping: Any, key: str, value: Any, newline: str) -> str:
    if mapping.flow_style or not mapping.value:
        raise InputError(f"cannot add {key!r} to a flow-style mapping; write it in block style first")
    first_key = mapping.value[0][0]
    column = first_key.start_mark.column
    end = _content_end(mapping.value[-1][1], text)
    line = newline + " " * column + _yaml_key(key) + ":" + _dump(value, column, None, newline)
    return text[:end] + line + text[end:]


def _yaml_key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else repr(key)
