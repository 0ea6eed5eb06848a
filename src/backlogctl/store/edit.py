"""Editing item files in place: only the edited value's text changes.

The parser's events give every node's exact character span (``compose``
builds the node tree from them, libyaml's parser where it can); an edit
replaces the span of one value (or inserts one ``key: value`` line) and leaves
every other byte of the file alone: comments, order, quoting, blank lines,
line endings, a BOM.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path
from typing import Any

from backlogctl.errors import InputError


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()
    yaml.width = 4096
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


class Node:
    """A node of the document with its text span, shaped like ruamel's nodes.

    ``value`` is the text of a scalar, the nodes of a sequence, the (key,
    value) pairs of a mapping; an alias (``*name``) is its own node with its
    own span, so an edit replaces the alias, never the anchored text.
    """

    __slots__ = ("end_mark", "flow_style", "start_mark", "style", "tag", "value")

    def __init__(self, start: Any, value: Any, style: str | None, flow_style: bool, tag: str) -> None:
        self.start_mark = start
        self.end_mark = start
        self.value = value
        self.style = style
        self.flow_style = flow_style
        self.tag = tag


class ScalarNode(Node):
    __slots__ = ()


class SequenceNode(Node):
    __slots__ = ()


class MappingNode(Node):
    __slots__ = ()


class AliasNode(Node):
    """``*name``: ``value`` is the name, ``target`` the anchored node."""

    __slots__ = ("target",)
    target: Node


_NULL = "tag:yaml.org,2002:null"
_STR = "tag:yaml.org,2002:str"
_NULL_WORDS = frozenset({"", "~", "null", "Null", "NULL"})
_NOT_FOR_LIBYAML = re.compile("[\x85\u2028\u2029\ufeff]")
"""libyaml counts these as line breaks or skips them (YAML 1.1): its marks would differ."""


def compose(text: str) -> Node | None:
    """The node tree of a document, with character positions (None for an empty document).

    Built from the parser's events, not by ruamel's round-trip composer
    (~40 µs a node in Python: a 120,000-element list took 4.5 s). libyaml's
    parser gives the same events and marks about twenty times faster; where
    it refuses a YAML 1.2 spelling (``[http://x]``) or would count
    characters differently, ruamel's own parser gives them.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    from backlogctl.store.read import LIBYAML_MISREADS, check_nesting

    check_nesting(text, Path("<text>"))
    if _NOT_FOR_LIBYAML.search(text) is None and LIBYAML_MISREADS.search(text) is None:
        try:
            return _build(YAML(typ="safe", pure=False).parse(text))
        except YAMLError:
            pass
    try:
        return _build(_yaml().parse(text))
    except YAMLError as exc:
        raise InputError(f"invalid YAML: {exc}") from None
    except NotImplementedError:
        # ruamel's scanner gives up on some comments ("overlap in comment"): a NEL
        # (U+0085, a YAML line break) inside one, for instance.
        raise InputError(
            "the YAML editor cannot keep a comment in this file (a NEL character, U+0085, "
            "in a comment does this); remove that character or the comment"
        ) from None


def _mapping_root(text: str) -> Node:
    """The node tree of an item or configuration file, which must be a mapping of field: value."""
    root = compose(text)
    if root is None or type(root).__name__ != "MappingNode":
        raise InputError("the file is not a mapping of field: value")
    return root


def _build(events: Any) -> Node | None:
    """Nodes from parser events: iterative, one step per event (no recursion, however deep)."""
    from ruamel.yaml import events as ev

    root: Node | None = None
    documents = 0
    open_nodes: list[Node] = []
    anchors: dict[str, Node] = {}
    node: Node
    for event in events:
        kind = type(event)
        if kind is ev.ScalarEvent:
            style = event.style or None  # libyaml's events say "" for plain
            tag = None if event.ctag is None else str(event.ctag)
            if tag is None or tag == "!":  # resolved as ruamel's round-trip composer resolves it
                plain = tag == "!" or (style is None and event.implicit[0])
                tag = _NULL if plain and event.value in _NULL_WORDS else _STR
            node = ScalarNode(event.start_mark, event.value, style, False, tag)
            node.end_mark = event.end_mark
        elif kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            cls = MappingNode if kind is ev.MappingStartEvent else SequenceNode
            node = cls(event.start_mark, [], None, bool(event.flow_style), str(event.ctag or ""))
        elif kind is ev.MappingEndEvent or kind is ev.SequenceEndEvent:
            done = open_nodes.pop()
            done.end_mark = event.end_mark
            if kind is ev.MappingEndEvent:
                flat = done.value
                done.value = list(zip(flat[0::2], flat[1::2], strict=True))
            continue
        elif kind is ev.AliasEvent:
            if event.anchor not in anchors:
                line = event.start_mark.line + 1
                name = event.anchor
                raise InputError(f"invalid YAML: line {line}: *{name} names no anchor (&{name})")
            node = AliasNode(event.start_mark, event.anchor, None, False, "")
            node.end_mark = event.end_mark
            node.target = anchors[event.anchor]
        elif kind is ev.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise InputError("invalid YAML: more than one document (---) in the file; keep one")
            continue
        else:
            continue
        if kind is not ev.AliasEvent and event.anchor:
            anchors[event.anchor] = node
        if open_nodes:
            open_nodes[-1].value.append(node)
        else:
            root = node
        if kind is ev.MappingStartEvent or kind is ev.SequenceStartEvent:
            open_nodes.append(node)
    return root


def key_lines(text: str) -> dict[str, tuple[int, int]]:
    """1-based (line, column) of every key, by dotted path ("scores.effort")."""
    found: dict[str, tuple[int, int]] = {}
    inside: set[int] = set()  # the mappings being walked: an alias back to one is a loop
    budget = [len(text)]  # aliases of aliases can name exponentially many paths: stop at one per character

    def walk(node: Any, prefix: str) -> None:
        if type(node).__name__ != "MappingNode" or id(node) in inside:
            return
        inside.add(id(node))
        for key, value in node.value:
            budget[0] -= 1
            if budget[0] < 0:
                break
            path = f"{prefix}{key.value}"
            found.setdefault(path, (key.start_mark.line + 1, key.start_mark.column + 1))
            if type(value).__name__ == "AliasNode":
                value = value.target  # the lines of a shared value are where it is written
            walk(value, path + ".")
        inside.discard(id(node))

    from backlogctl.store.lines import scan_key_lines

    scanned = scan_key_lines(text)
    if scanned is not None:
        return scanned

    try:
        root = compose(text)
    except InputError:
        return found
    # Indentation alone can nest ~1,400 levels deep; line numbers are a courtesy then.
    with contextlib.suppress(RecursionError):
        walk(root, "")
    return found


def _content_end(node: Any, text: str) -> int:
    """Index just after a value's own text (not the blank lines or comments after it).

    A keep-chomped block scalar (``|+``) owns its trailing line breaks, so its
    end is the end of its span, at the start of the next line.
    """
    kind = type(node).__name__
    if kind in ("MappingNode", "SequenceNode") and not node.flow_style and node.value:
        last = node.value[-1]
        if isinstance(last, tuple):
            return _entry_end(last[0], last[1], text)
        return _content_end(last, text)
    end = int(node.end_mark.index)
    if _keeps_breaks(node, text):
        return end
    while end > node.start_mark.index and text[end - 1] in "\r\n":
        end -= 1
    return end


def _entry_end(key: Any, value: Any, text: str) -> int:
    """End of a ``key: value`` entry; an empty value's marks sit at the next token, so use the colon."""
    if value.start_mark.index == value.end_mark.index:
        return _after_colon(key, text)
    return _content_end(value, text)


_BLOCK_HEADER = re.compile(r"[|>][0-9+-]*")


def _keeps_breaks(node: Any, text: str) -> bool:
    if type(node).__name__ != "ScalarNode" or node.style not in ("|", ">"):
        return False
    header = _BLOCK_HEADER.match(text, node.start_mark.index)
    return header is not None and "+" in header.group()


def _after_colon(key: Any, text: str) -> int:
    index = text.find(":", key.end_mark.index)
    if index < 0 or text[key.end_mark.index : index].strip():
        # "? key" with no ": value": there is no value text to edit or follow.
        raise InputError(f"cannot edit next to the key {key.value!r}; write it as 'key: value' first")
    return index + 1


def _literal_ok(value: str) -> bool:
    """A block literal holds the string exactly: line breaks inside, printable text, no final break."""
    return (
        "\n" in value
        and not value.endswith("\n")
        and all(char.isprintable() or char in "\n\t" for char in value)
        and not value[:1].isspace()
    )


def _styled(value: Any, like: Any, flow: bool) -> Any:
    """``value`` wrapped so ruamel dumps it in the style of the node it replaces."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import (
        DoubleQuotedScalarString,
        LiteralScalarString,
        SingleQuotedScalarString,
    )

    style = getattr(like, "style", None)
    if isinstance(value, str):
        if "\n" in value or "\r" in value:
            if not flow and _literal_ok(value):
                return LiteralScalarString(value)
            return DoubleQuotedScalarString(value)
        if style in ("|", ">") and not flow and value and _literal_ok(value + "\nx"):
            return LiteralScalarString(value)  # an existing block keeps its block style
        if style == "'":
            return SingleQuotedScalarString(value)
        if style == '"':
            return DoubleQuotedScalarString(value)
        return value
    if isinstance(value, list):
        seq = CommentedSeq(_styled(v, None, flow) for v in value)
        scalars_only = all(not isinstance(v, dict | list) for v in value)
        if flow or (bool(getattr(like, "flow_style", False)) and scalars_only):
            seq.fa.set_flow_style()
        return seq
    if isinstance(value, dict):
        mapping = CommentedMap((k, _styled(v, None, flow)) for k, v in value.items())
        if flow or bool(getattr(like, "flow_style", False)):
            mapping.fa.set_flow_style()
        return mapping
    return value


# Characters ruamel's emitter writes raw although YAML reads them differently
# (NEL, U+2028/9 are line breaks) or refuses them: such values are escaped here.
_UNSAFE_CHAR = re.compile(
    "[^\t\n\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)


def _has_unsafe(value: Any) -> bool:
    if isinstance(value, str):
        return _UNSAFE_CHAR.search(value) is not None
    if isinstance(value, dict):
        return any(_has_unsafe(k) or _has_unsafe(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_unsafe(v) for v in value)
    return False


def _escaped(text: str) -> str:
    """A double-quoted YAML scalar with every doubtful character as an escape."""
    body = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")

    def escape(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"

    return '"' + _UNSAFE_CHAR.sub(escape, body) + '"'


_FLOW_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_ .-]*[A-Za-z0-9_]|[A-Za-z_]")


def _flow_scalar(value: Any) -> str:
    if isinstance(value, str):
        if _FLOW_WORD.fullmatch(value) and _yaml_key(value) == value and "  " not in value:
            from backlogctl.store.read import parse

            if parse(f"[{value}]\n", Path("<value>")) == [value]:
                return value
        return _escaped(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    out = io.StringIO()
    _yaml().dump({"k": value}, out)
    return out.getvalue().removeprefix("k:").strip()


def _flow_text(value: Any) -> str:
    """``value`` as one line of flow YAML: plain words stay plain, other text is escaped."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_flow_scalar(str(k))}: {_flow_text(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow_text(v) for v in value) + "]"
    return _flow_scalar(value)


def _stays_flow(value: Any, like: Any) -> bool:
    """Whether ``_styled`` keeps ``value`` in the flow style of the node it replaces."""
    if not bool(getattr(like, "flow_style", False)):
        return False
    if isinstance(value, dict):
        return True
    return isinstance(value, list) and all(not isinstance(v, dict | list) for v in value)


def _dump(value: Any, column: int, like: Any, newline: str, flow: bool = False) -> str:
    """Text for ``key:<here>`` at ``column``, styled like the node it replaces.

    ``flow``: the value sits inside a flow collection, so it must be flow too.
    """
    if flow or _has_unsafe(value) or _stays_flow(value, like):
        # ruamel's emitter writes some plain scalars a flow collection cannot hold
        # (``[:!]`` does not parse), so flow collections are written by _flow_text.
        return " " + _flow_text(value)
    out = io.StringIO()
    _yaml().dump({"k": _styled(value, like, flow)}, out)
    if not _reads_as(out.getvalue(), value):
        # ruamel's emitter writes a few plain scalars that do not read back (`[:!]`).
        return " " + _flow_text(value)
    dumped = out.getvalue().removeprefix("k:").rstrip("\n")
    lines = dumped.split("\n")
    indented = [lines[0], *((" " * column + line) if line else line for line in lines[1:])]
    return newline.join(indented)


def _reads_as(dumped: str, value: Any) -> bool:
    from backlogctl.store.read import parse

    try:
        return bool(parse(dumped, Path("<value>")) == {"k": value})
    except InputError:
        return False


def _find(mapping: Any, key: str) -> tuple[Any, Any] | None:
    for key_node, value_node in mapping.value:
        if key_node.value == key:
            return key_node, value_node
    return None


def _refuse_alias(node: Any, parts: list[str], dotted: str) -> None:
    """Editing inside ``*name`` would change the anchored value, which other fields may share."""
    if type(node).__name__ == "AliasNode":
        raise InputError(
            f"{'.'.join(parts)} is an alias (*{node.value}) of a value written elsewhere in the file; "
            f"edit that value, or set {'.'.join(parts)} as a whole, to change {dotted}"
        )


def _is_null(node: Any) -> bool:
    return type(node).__name__ == "ScalarNode" and node.tag.endswith(":null")


def set_value(text: str, dotted: str, value: Any) -> str:
    """Return ``text`` with the field at ``dotted`` set to ``value``."""
    newline = "\r\n" if "\r\n" in text else "\n"
    root = _mapping_root(text)
    parts = dotted.split(".")
    node = root
    for depth, part in enumerate(parts):
        found = _find(node, part)
        if found is None:
            for name in reversed(parts[depth + 1 :]):
                value = {name: value}
            return _insert(text, node, part, value, newline)
        key_node, value_node = found
        last = depth == len(parts) - 1
        if not last:
            _refuse_alias(value_node, parts[: depth + 1], dotted)
        if not last and type(value_node).__name__ != "MappingNode":
            if not _is_null(value_node):
                raise InputError(f"{'.'.join(parts[: depth + 1])} is not a mapping; cannot set {dotted}")
            for name in reversed(parts[depth + 1 :]):
                value = {name: value}
            last = True
        if last:
            return _replace(text, node, key_node, value_node, value, newline)
        node = value_node
    raise AssertionError("unreachable")


def set_values(text: str, values: dict[str, Any]) -> str:
    """``text`` with every field of ``values`` set, as ``set_value`` one after another would.

    Fields that already have a key are replaced from one composition, last
    position first so earlier positions stay valid (filling a template, which
    `new` and `import` do for every item, composes once instead of per field);
    the others are added by ``set_value``.
    """
    names = list(values)
    if any(a != b and b.startswith(a + ".") for a in names for b in names):
        for dotted in names:  # a field and a field inside it: their order matters
            text = set_value(text, dotted, values[dotted])
        return text
    newline = "\r\n" if "\r\n" in text else "\n"
    root = _mapping_root(text)
    spans: list[tuple[int, int, str]] = []
    added: dict[str, Any] = {}
    for dotted, value in values.items():
        found = _existing(root, dotted)
        if found is None:
            added[dotted] = value
            continue
        spans.append(_replacement(text, *found, value, newline))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    for dotted, value in added.items():
        text = set_value(text, dotted, value)
    return text


def _existing(root: Any, dotted: str) -> tuple[Any, Any, Any] | None:
    """(parent mapping, key node, value node) when every part of ``dotted`` is there as a mapping key."""
    node = root
    parts = dotted.split(".")
    for depth, part in enumerate(parts):
        found = _find(node, part)
        if found is None:
            return None
        if depth == len(parts) - 1:
            return node, found[0], found[1]
        if type(found[1]).__name__ != "MappingNode":
            return None
        node = found[1]
    return None


def _replace(text: str, parent: Any, key_node: Any, value_node: Any, value: Any, newline: str) -> str:
    start, end, new = _replacement(text, parent, key_node, value_node, value, newline)
    return text[:start] + new + text[end:]


def _replacement(
    text: str, parent: Any, key_node: Any, value_node: Any, value: Any, newline: str
) -> tuple[int, int, str]:
    """The span of ``value_node``'s text and what replaces it."""
    start = _after_colon(key_node, text)
    empty = value_node.start_mark.index == value_node.end_mark.index
    end = start if empty else _content_end(value_node, text)
    like = None if _is_null(value_node) else value_node
    new = _dump(value, key_node.start_mark.column, like, newline, flow=bool(parent.flow_style))
    if not empty and _keeps_breaks(value_node, text) and text[end - 1 : end] == "\n":
        new += newline  # the old value's final line break went with it
    elif newline in new:
        # A comment after the old one-line value would end up inside the new block: keep it on the key line.
        breaks = text.find("\n", end)
        rest = text[end : breaks if breaks >= 0 else len(text)].rstrip("\r")
        if rest.strip().startswith("#"):
            header = new.index(newline)
            new = new[:header] + rest + new[header:]
            end += len(rest)
    return start, end, new


def _insert(text: str, mapping: Any, key: str, value: Any, newline: str) -> str:
    if mapping.flow_style:
        return _insert_flow(text, mapping, key, value)
    if not mapping.value:
        raise InputError(f"cannot add {key!r} to an empty mapping")
    first_key = mapping.value[0][0]
    column = int(first_key.start_mark.column)
    line = " " * column + _yaml_key(key) + ":" + _dump(value, column, None, newline)
    last_key, last_value = mapping.value[-1]
    end = _entry_end(last_key, last_value, text)
    if text[end - 1 : end] == "\n":  # after a keep-chomped block scalar: already a line start
        return text[:end] + line + newline + text[end:]
    # After the rest of the last value's line, so a trailing comment stays where it is.
    breaks = text.find("\n", end)
    if breaks < 0:
        return text + newline + line
    return text[: breaks + 1] + line + newline + text[breaks + 1 :]


def _insert_flow(text: str, mapping: Any, key: str, value: Any) -> str:
    """Add ``key: value`` before the closing brace of ``{...}``."""
    close = mapping.end_mark.index - 1
    if text[close : close + 1] != "}":
        raise InputError(f"cannot add {key!r} to this mapping; write it in block style first")
    entry = _yaml_key(key) + ":" + _dump(value, 0, None, "\n", flow=True)
    if "\n" in entry:
        raise InputError(f"cannot add {key!r} to a flow-style mapping; write it in block style first")
    if mapping.value:
        last_key, last_value = mapping.value[-1]
        last_end = _entry_end(last_key, last_value, text)
        return text[:last_end] + ", " + entry + text[last_end:]
    return text[:close] + entry + text[close:]


_PLAIN_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_RESERVED_KEYS = frozenset({"true", "false", "null", "yes", "no", "on", "off", "y", "n"})


def _yaml_key(key: str) -> str:
    """A key as YAML: plain when it reads back as the same text, else double-quoted (JSON is YAML)."""
    if _PLAIN_KEY.fullmatch(key) and key.lower() not in _RESERVED_KEYS:
        return key
    return json.dumps(key)


def remove_value(text: str, dotted: str) -> str:
    """Return ``text`` without the field at ``dotted`` (its key line, value and same-line comment).

    Comment lines around it stay where they are; removing the last key of a
    nested mapping leaves the mapping empty (``{}``), not null. A missing
    field leaves the text as it is.
    """
    root = _mapping_root(text)
    parts = dotted.split(".")
    node = root
    for depth, part in enumerate(parts[:-1]):
        found = _find(node, part)
        if found is not None:
            _refuse_alias(found[1], parts[: depth + 1], dotted)
        if found is None or type(found[1]).__name__ != "MappingNode":
            return text
        node = found[1]
    found = _find(node, parts[-1])
    if found is None:
        return text
    if node is not root and len(node.value) == 1:
        return set_value(text, ".".join(parts[:-1]), {})
    if node.flow_style:
        raise InputError(
            f"cannot remove {dotted} from a flow-style mapping ({{...}}); write it in block style first"
        )
    key_node, value_node = found
    start = text.rfind("\n", 0, key_node.start_mark.index) + 1
    if text[start : key_node.start_mark.index].strip():
        raise InputError(f"cannot remove {dotted}: its key does not start its line")
    end = _entry_end(key_node, value_node, text)
    if text[end - 1 : end] != "\n":  # not after a keep-chomped block: take the rest of the line
        breaks = text.find("\n", end)
        end = len(text) if breaks < 0 else breaks + 1
    return text[:start] + text[end:]
