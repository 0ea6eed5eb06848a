"""The only package that reads and writes YAML.

Read paths use the fast safe loader (`read`); edits find node spans in
the parser's events to change one value's text and nothing else (`edit`);
writes are atomic and refuse to overwrite a concurrent change (`write`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from backlogctl import lazy_exports
from backlogctl.errors import ConfigError, InputError
from backlogctl.store.read import (
    ItemNames,
    Loaded,
    as_mapping,
    decode,
    discover,
    inside,
    load_items,
    load_mapping,
    parse,
    read_bytes,
    scan_ids,
)
from backlogctl.store.write import BOM, create, folder_lock, replace, restore

if TYPE_CHECKING:
    from backlogctl.store.edit import key_lines, remove_value, set_value, set_values

__getattr__ = lazy_exports(globals(), {"edit": ("key_lines", "remove_value", "set_value", "set_values")})
"""Names of `store.edit`, imported on first use: commands that only read (`show`) never load it."""


__all__ = [
    "BOM",
    "Document",
    "ItemNames",
    "Loaded",
    "as_mapping",
    "content_hash",
    "create",
    "discover",
    "dump",
    "folder_lock",
    "inside",
    "key_lines",
    "load_items",
    "load_mapping",
    "parse",
    "parse_value",
    "read_config",
    "read_document",
    "remove_value",
    "replace",
    "restore",
    "scan_ids",
    "set_value",
    "set_values",
]


class Document:
    """One file read for editing: its exact bytes and its text."""

    def __init__(self, path: Path, raw: bytes) -> None:
        self.path = path
        self.raw = raw
        self.bom = raw.startswith(BOM.encode())
        self.text = decode(raw, path)

    def data(self) -> Any:
        return parse(self.text, self.path)


def content_hash(raw: bytes) -> str:
    """What a compare-and-swap edit expects: the SHA-256 of the file's bytes, in hex."""
    import hashlib

    return hashlib.sha256(raw).hexdigest()


def read_document(path: Path) -> Document:
    return Document(path, read_bytes(path))


def read_config(path: Path) -> tuple[str, Any]:
    """backlog.yaml's text and contents; YAML errors become configuration errors."""
    try:
        text = decode(read_bytes(path), path)
        return text, parse(text, path)
    except InputError as exc:
        raise ConfigError(exc.message, path=exc.path, line=exc.line, column=exc.column) from None


def parse_value(text: str) -> Any:
    """A value given on the command line, read as YAML: 5, [a, b], 'x'."""
    try:
        return parse(text, Path("<value>"))
    except InputError as exc:
        raise InputError(f"cannot read value {text!r} as YAML: {exc.message}") from None


def dump(data: Any) -> str:
    """Plain block-style YAML for output (`show --format yaml`)."""
    import io

    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    out = io.StringIO()
    yaml.dump(data, out)
    return out.getvalue()
